// dtsh in line mode: commands piped in, output compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtsh } from '../helpers/run.js';
import { kernelTest } from '../kernel-gate.js';

test('.load prints the probe count and each provider\'s status', kernelTest(), () => {
  const r = dtsh('.load\n.quit\n');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^Probes available: \d+$/);
  const total = Number(lines[0].split(': ')[1]);
  const per = lines.slice(1).filter(Boolean).map((l) => Number(/ (\d+) probes /.exec(l)?.[1]));
  assert.equal(per.reduce((a, b) => a + b, 0), total);
  assert.match(r.stdout, /\n {2}dtrace +3 probes {2}ok/);
  assert.match(r.stdout, /\n {2}syscall +\d+ probes {2}ok \(tracepoints\)/);
  assert.match(r.stdout, /\n {2}fbt +\d+ probes {2}(ok \((fentry\/fexit|kprobes)\)|cannot attach: .+)/);
});

test('.help lists the commands; unknown commands are one line', () => {
  const r = dtsh('.help\n.nosuch\n');
  assert.match(r.stdout, /^\.load +load the driver/m);
  assert.match(r.stdout, /^\.quit +disable all probes and exit/m);
  assert.equal(r.stderr, 'dtsh: unknown command .nosuch (try .help)\n');
});
