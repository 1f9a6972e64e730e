// fbt::: on a stock distro kernel: enabled whole through kprobe_multi while a workload runs, then detached
// with the kernel healthy (Debian's 6.12, npm run test:vm); where the kernel has no kprobe_multi (Debian's
// 6.1), refused in one line above the default maxprobes, since each function would need its own kprobe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { detectFbtSupport } from '../../kmod/probes/fbt-support.js';
import { tracefsRoot } from '../../kmod/probes/tracefs-format.js';
import { gate, rows, run, trigger } from '../helpers/vm.js';

const N = 300;

/** How many functions ftrace is calling out of (enabled_functions): the hooks of kprobe_multi, fentry, kprobes. */
function hookedFunctions(): number {
  return readFileSync(`${tracefsRoot()}/enabled_functions`, 'utf8').split('\n').filter(Boolean).length;
}

function withMulti(want: boolean): { skip?: string } {
  const g = gate();
  if (g.skip) return g;
  const has = detectFbtSupport().kprobeMulti;
  if (has === want) return {};
  return { skip: want ? 'this kernel has no kprobe_multi (the 6.12 run of npm run test:vm enables fbt:::)' : 'this kernel has kprobe_multi' };
}

test('fbt::: through kprobe_multi while a workload runs: exact counts, then detached, the kernel healthy', withMulti(true), () => {
  const before = hookedFunctions();
  const listed = run(['-l', '-P', 'fbt']).stdout.trimEnd().split('\n').length - 1;
  const program = [
    'fbt::: { @c[probename] = count(); }',
    'fbt::vfs_read:entry /execname == "trigger" && arg2 == 777/ { @n = count(); }',
    'fbt::vfs_read:return /execname == "trigger" && arg1 == 777/ { @r = count(); }',
  ].join('\n');
  // a few seconds of tracing everything: the reads counted exactly, then a pause, then a few processes
  const work = `${trigger()} read ${N} 777; sleep 2; ls / >/dev/null; cat /proc/loadavg >/dev/null`;
  const t0 = Date.now();
  const r = run(['-n', program, '-c', `/bin/sh -c '${work}'`], {}, 240000);
  const ms = Date.now() - t0;
  assert.equal(r.status, 0, r.stderr);
  const matched = /^dtrace: description 'fbt::: ' matched (\d+) probes\n/.exec(r.stderr);
  assert.ok(matched, r.stderr);
  // every listed fbt probe, give or take a module loaded meanwhile
  assert.ok(Math.abs(Number(matched[1]) - listed) < 50 && listed > 40000, `${matched[1]} matched, ${listed} listed`);
  const got = rows(r.stdout);
  const c = Object.fromEntries(got.filter((x) => x.length === 2 && /^(entry|return)$/.test(x[0])).map((x) => [x[0], Number(x[1])]));
  assert.ok(c.entry > 10 * N && c.return > 10 * N, JSON.stringify(got));
  // as many returns as entries, give or take calls that span the start or the end: detaching (which
  // patches kernel text, thousands of calls) happens after the probes stop counting
  assert.ok(Math.abs(c.entry - c.return) < 0.05 * c.entry, `entries ${c.entry}, returns ${c.return}`);
  assert.equal(got.filter((x) => x.join(' ') === String(N)).length, 2, `exact entry and return counts of vfs_read: ${JSON.stringify(got)}`);
  process.stderr.write(`# fbt::: ${matched[1]} probes, ${ms} ms from start to exit, ${c.entry} entries, ${c.return} returns\n`);
  // nothing left hooked, and the kernel still runs commands
  assert.equal(hookedFunctions(), before);
  const after = spawnSync('/bin/sh', ['-c', 'cat /proc/loadavg && ls / >/dev/null && echo ok'], { encoding: 'utf8', timeout: 30000 });
  assert.equal(after.status, 0);
  assert.match(after.stdout, /ok\n$/);
});

test('fbt::: without kprobe_multi: above the default maxprobes, refused in one line before anything attaches', withMulti(false), () => {
  const r = run(['-n', 'fbt::: { @ = count(); }']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dtrace: \d+ probes would attach one at a time \(this kernel has no kprobe_multi\), more than the maxprobes limit \(20000\): narrow the probe description or raise it with -x maxprobes=N\n$/);
});

test('-x maxprobes refuses fbt::: on any kernel', gate(), () => {
  const r = run(['-x', 'maxprobes=20000', '-n', 'fbt::: { @ = count(); }']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dtrace: \d+ probes exceed the maxprobes limit \(20000\): narrow the probe description or raise it with -x maxprobes=N\n$/);
});
