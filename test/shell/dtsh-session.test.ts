// dtsh's live session against the kernel: incremental enabling with shared globals and aggregations,
// disabling, saving the session as a script, pasted sessions, and unknown probes with a hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShellSession } from '../helpers/shell-session.js';
import { dtrace } from '../helpers/run.js';
import { triggerPath } from '../helpers/trigger.js';
import { kernelTest } from '../kernel-gate.js';

/** A trigger held at a gate, so its pid can go into predicates before it runs. */
function gated(args: string) {
  const child = spawn('/bin/sh', ['-c', `read _g; exec ${triggerPath()} ${args}`], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return { pid: child.pid!, run: async () => { child.stdin!.end('\n'); await exited; } };
}

test('clauses enabled one at a time share globals and aggregations; .disable detaches at once', kernelTest(), async () => {
  const a = gated('getppid 1000');
  const b = gated('getppid 700');
  const sh = new ShellSession();
  sh.send('.set quiet');
  sh.send('BEGIN { weight = 3; }');
  sh.send(`syscall::getppid:entry /pid == ${a.pid} || pid == ${b.pid}/ { @calls = count(); }`);
  sh.send(`syscall::getppid:entry /pid == ${a.pid} || pid == ${b.pid}/`);
  sh.send('{');
  sh.send('  @weighted = sum(weight);');
  sh.send('}');
  sh.send('.enabled');
  await sh.waitFor(/│ 3 +│/);
  await a.run();
  sh.send('.print @calls');
  sh.send('.print @weighted');
  await sh.waitFor(/ 3000\n/);
  assert.match(sh.stdout, /\n +1000\n/);
  sh.send('.disable 3');
  await sh.waitFor(/disabled 3/);
  await b.run();
  sh.send('.print @calls');
  sh.send('.print @weighted');
  sh.send('.quit');
  const status = await sh.end();
  assert.equal(status, 0, sh.stderr);
  const calls = [...sh.stdout.matchAll(/^ +(\d+)$/gm)].map((m) => Number(m[1]));
  // @calls 1000, @weighted 3000; after disabling enabling 3 (@weighted): @calls 1000 + 700, @weighted unchanged
  assert.deepEqual(calls.slice(0, 4), [1000, 3000, 1700, 3000]);
  assert.equal(sh.stderr, '');
});

test('.save writes the enabled clauses as a script dtrace -s compiles', kernelTest(), async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtsh-save-'));
  const file = join(dir, 'session.d');
  const sh = new ShellSession();
  sh.send('.set quiet');
  sh.send('syscall::getppid:entry { @[execname] = count(); }');
  sh.send('syscall::openat:entry /execname == "nobody"/ { printf("%s\\n", copyinstr(arg1)); }');
  sh.send(`.save ${file}`);
  sh.send('.quit');
  await sh.end();
  const script = readFileSync(file, 'utf8');
  assert.match(script, /^#!\/usr\/sbin\/dtrace -s\n/);
  assert.match(script, /#pragma D option quiet/);
  assert.match(script, /syscall::getppid:entry \{ @\[execname\] = count\(\); \}/);
  const r = dtrace(['-e', '-s', file]);
  assert.equal(r.status, 0, r.stderr);
});

test('a pasted session: prompts stripped, old output skipped, dtrace ARGS run here', kernelTest(), async () => {
  const t = gated('getppid 250');
  const sh = new ShellSession();
  const paste = [
    'user@host:~$ load',
    'Probes available: 114988',
    `# dtrace -q -n 'syscall::getppid:entry /pid == ${t.pid}/ { @n = count(); }'`,
    "dtrace: description 'syscall::getppid:entry ' matched 1 probe",
    'CPU     ID                    FUNCTION:NAME',
    '  0    194                    getppid:entry ',
  ];
  for (const l of paste) sh.send(l);
  await sh.waitFor(/Probes available: \d+/);
  await new Promise((r) => setTimeout(r, 1500));
  await t.run();
  sh.send('.print');
  sh.send('.quit');
  await sh.end();
  assert.match(sh.stdout, /^ +250$/m);
  assert.doesNotMatch(sh.stderr, /dtsh: /);
});

test('an unknown probe is DTrace\'s error plus the closest probe names', kernelTest(), async () => {
  const sh = new ShellSession();
  sh.send('.probe syscall::getppidd:entry');
  sh.send('.quit');
  await sh.end();
  assert.match(sh.stderr, /^dtsh: invalid probe specifier syscall::getppidd:entry: probe description syscall::getppidd:entry does not match any probes$/m);
  assert.match(sh.stderr, /^dtsh: did you mean syscall:vmlinux:getppid:entry/m);
});
