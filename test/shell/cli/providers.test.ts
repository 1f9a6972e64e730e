// The profile, pid, proc and sched providers end to end against the kernel, filtered to our target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dtrace, startDtrace, bpfProgIds, waitFor } from '../../helpers/run.js';
import { providerTargetPath } from '../../helpers/provider-target.js';
import { kernelTest } from '../../kernel-gate.js';

const gate = kernelTest();
const T = () => providerTargetPath();

/** `printa("NAME %@d\n", @NAME)` lines → { NAME: value }. */
function values(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of stdout.matchAll(/^(\w+) (-?\d+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

test('tick-1s { exit(0); }: one probe line after a second', gate, () => {
  const start = Date.now();
  const r = dtrace(['-n', 'tick-1s { exit(0); }']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Date.now() - start >= 1000, 'not before a second');
  assert.equal(r.stderr, "dtrace: description 'tick-1s ' matched 1 probe\n");
  assert.match(r.stdout, /^CPU     ID                    FUNCTION:NAME\n {1,2}\d+ +\d+ +:tick-1s \n\n$/);
});

test('tick-1s fires once a second: 2 or 3 times in 2.5 s, on one CPU', gate, () => {
  // The run ends with the command, not with another timer probe that could be late itself.
  const r = dtrace(['-q', '-n', 'tick-1s { @n = count(); @cpus[cpu] = count(); } END { printa("n %@d\\n", @n); }',
    '-c', `${T()} sleep 2500`]);
  assert.equal(r.status, 0, r.stderr);
  const n = values(r.stdout).n;
  assert.ok(n === 2 || n === 3, r.stdout);
  // @cpus is printed at exit: one key, the one CPU tick-1s fired on
  const cpuLines = r.stdout.split('\n').filter((l) => /^ +\d+ +\d+$/.test(l));
  assert.equal(cpuLines.length, 1, r.stdout);
});

test('profile-997 /pid == $target/ samples a busy command, mostly in user mode, with kernel stacks', gate, () => {
  const r = dtrace(['-q', '-n', `profile-997 /pid == $target/ { @n = count(); @user = sum(arg1 != 0); @kernel = sum(arg0 != 0);
    @s[stack()] = count(); } END { printa("n %@d\\n", @n); printa("user %@d\\n", @user); printa("kernel %@d\\n", @kernel); }`,
  '-c', `${T()} spin 400`]);
  assert.equal(r.status, 0, r.stderr);
  const v = values(r.stdout);
  // ~400 samples when the command has a CPU to itself; the machine is shared, so ask for far fewer.
  assert.ok(v.n >= 40, r.stdout);
  assert.equal(v.user + v.kernel, v.n, 'exactly one of arg0 and arg1 is set');
  assert.ok(v.user > v.n / 2, `mostly user mode: ${r.stdout}`);
  if (v.kernel > 0) assert.match(r.stdout, /vmlinux`\w+/, 'kernel samples have kernel stacks');
});

const N = 10000;
const ADD = `pid$target:a.out:dtsh_add:entry { @entries = count(); @a0 = sum(arg0); @a1 = sum(arg1); }
  pid$target:a.out:dtsh_add:return { @returns = count(); @rv = sum(arg1); @off = min(arg0); }
  END { printa("entries %@d\\n", @entries); printa("a0 %@d\\n", @a0); printa("a1 %@d\\n", @a1);
    printa("returns %@d\\n", @returns); printa("rv %@d\\n", @rv); printa("off %@d\\n", @off); }`;

function assertCalls(stdout: string, n: number) {
  const v = values(stdout);
  assert.equal(v.entries, n, stdout);
  assert.equal(v.returns, n, stdout);
  assert.equal(v.a0, (n * (n - 1)) / 2, 'arg0 on entry: the first argument');
  assert.equal(v.a1, 1000 * n, 'arg1 on entry: the second argument');
  assert.equal(v.rv, (n * (n - 1)) / 2 + 1000 * n, 'arg1 on return: the return value');
  assert.equal(v.off, -1, 'arg0 on return: the return offset, unknown to a uretprobe');
}

test('pid$target:a.out:FUNC:entry/return with -c: exactly N calls, their arguments and return values', gate, () => {
  const r = dtrace(['-q', '-n', ADD, '-c', `${T()} calls ${N}`]);
  assert.equal(r.status, 0, r.stderr);
  assertCalls(r.stdout, N);
});

test('pid provider with -p PID: a running process', gate, async () => {
  const n = 2000;
  const child = spawn(T(), ['wait-calls', String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  await new Promise<void>((res) => child.stdout!.once('data', () => res()));
  const d = startDtrace(['-q', '-n', ADD, '-p', String(child.pid)]);
  await waitFor(() => bpfProgIds(d.child.pid!).length >= 2, 15000, 'dtrace to load its programs');
  await new Promise((res) => setTimeout(res, 200));
  child.stdin!.end('go\n');
  await exited;
  const r = await d.output;
  assert.equal(r.status, 0, r.stderr);
  assertCalls(r.stdout, n);
  assert.doesNotMatch(r.stderr, /error|failed/);
});

test('dtrace -l -n pid$target:a.out::entry -c CMD lists the command\'s functions', gate, () => {
  const r = dtrace(['-l', '-n', 'pid$target:a.out::entry', '-c', `${T()} calls 1`]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], '   ID   PROVIDER            MODULE                          FUNCTION NAME');
  const rows = lines.slice(1).map((l) => l.trim().split(/ +/));
  assert.ok(rows.every((f) => /^pid\d+$/.test(f[1]) && f[2] === 'ptarget' && f[4] === 'entry'), r.stdout);
  const funcs = rows.map((f) => f[3]);
  for (const f of ['main', 'dtsh_add', 'dtsh_spin']) assert.ok(funcs.includes(f), `${f} in ${funcs.join(' ')}`);
  const libc = dtrace(['-l', '-n', 'pid$target:libc:malloc:', '-c', `${T()} calls 1`]);
  assert.equal(libc.status, 0, libc.stderr);
  assert.deepEqual(libc.stdout.trimEnd().split('\n').slice(1).map((l) => l.trim().split(/ +/).slice(2)),
    [['libc.so.6', 'malloc', 'entry'], ['libc.so.6', 'malloc', 'return']]);
});

test('proc:::exec-success fires for the -c command; proc:::exit gives the reason', gate, () => {
  const r = dtrace(['-q', '-n', `proc:::exec-success /pid == $target/ { printf("exec-success %s\\n", execname); }
    proc:::exit /pid == $target/ { printf("exit %s %d\\n", execname, arg0); }`, '-c', `${T()} exit 3`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'exec-success ptarget\nexit ptarget 1\n\n');
});

test('proc:::create in the parent with the child\'s pid; sched:::off-cpu and on-cpu pair up', gate, () => {
  const r = dtrace(['-q', '-n', `proc:::create /pid == $target/ { printf("created %d\\n", args[0]); }
    proc:::exec-success /ppid == $target/ { printf("child %d\\n", pid); }
    sched:::off-cpu /pid == $target/ { @off = count(); } sched:::on-cpu /pid == $target/ { @on = count(); }
    END { printa("off %@d\\n", @off); printa("on %@d\\n", @on); }`,
  '-c', `/bin/sh -c '/bin/true; exec ${T()} naps 50'`]);
  assert.equal(r.status, 0, r.stderr);
  // sh forks once, for /bin/true, then execs the command in place
  const created = [...r.stdout.matchAll(/^created (\d+)$/gm)].map((m) => m[1]);
  const children = [...r.stdout.matchAll(/^child (\d+)$/gm)].map((m) => m[1]);
  assert.equal(created.length, 1, r.stdout);
  assert.deepEqual(children, created, 'args[0] of proc:::create is the child');
  const v = values(r.stdout);
  assert.ok(v.off >= 50, r.stdout);
  // each time off the CPU, back on it: but the first wake-up (from the -c gate) has no off-cpu before it,
  // and the last switch (at exit) no on-cpu after it
  assert.ok(Math.abs(v.on - v.off) <= 2, r.stdout);
});
