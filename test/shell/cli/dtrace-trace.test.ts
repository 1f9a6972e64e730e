// dtrace traced end to end against the kernel: exact counts, default probe lines, -q, Ctrl-C, bad input,
// and nothing left loaded after any kind of exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dtrace, startDtrace, bpfProgIds, waitFor, runAsNobody } from '../../helpers/run.js';
import { triggerPath } from '../../helpers/trigger.js';
import { kernelTest } from '../../kernel-gate.js';
import { progInfoById } from '../../../kmod/sys/bpf.js';

const COUNT = 'syscall::getppid:entry /pid == $target/ { @ = count(); }';

test('count() of exactly 1,000,000 getppid calls made by -c CMD', kernelTest(), () => {
  const r = dtrace(['-n', COUNT, '-c', `${triggerPath()} getppid 1000000`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '\n          1000000\n');
  const err = r.stderr.split('\n');
  assert.equal(err[0], "dtrace: description 'syscall::getppid:entry ' matched 1 probe");
  assert.match(err[1], /^dtrace: pid \d+ has exited$/);
});

test('-q prints only the aggregation (no notices: dtrace(1M) prints them with notice(), which -q silences)', kernelTest(), () => {
  const r = dtrace(['-q', '-n', COUNT, '-c', `${triggerPath()} getppid 12345`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '\n            12345\n');
  assert.equal(r.stderr, '');
});

test('the default action prints one DTrace probe line per firing, exactly N', kernelTest(), () => {
  const n = 100000;
  const r = dtrace(['-n', 'syscall::getppid:entry /pid == $target/', '-c', `${triggerPath()} getppid ${n}`]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'CPU     ID                    FUNCTION:NAME');
  // dtrace(1M) ends with a newline of its own after tracing stops
  assert.deepEqual(lines.slice(-2), ['', '']);
  const probeLines = lines.slice(1, -2);
  assert.equal(probeLines.length, n);
  const id = / *\d+ +(\d+) /.exec(probeLines[0])![1];
  const want = new RegExp(`^ {0,2}\\d ${id.padStart(6)} {20}getppid:entry $`);
  assert.ok(probeLines.every((l) => want.test(l)), `unexpected line: ${probeLines.find((l) => !want.test(l))}`);
  assert.doesNotMatch(r.stderr, /drops/);
});

test('without a predicate the probe still fires for the command (and anyone else)', kernelTest(), () => {
  const r = dtrace(['-n', 'syscall::getppid:entry', '-c', `${triggerPath()} getppid 500`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.split('\n')[0], "dtrace: description 'syscall::getppid:entry' matched 1 probe");
  assert.ok(r.stdout.split('\n').filter((l) => l.endsWith('getppid:entry ')).length >= 500);
});

/** Starts `sh -c 'read; exec trigger ...'` so its pid is known before it runs. */
function gatedTrigger(args: string) {
  const child = spawn('/bin/sh', ['-c', `read _g; exec ${triggerPath()} ${args}`], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return { pid: child.pid!, release: () => child.stdin!.end('\n'), exited, child };
}

test('SIGINT ends tracing and prints the aggregations, as dtrace does', kernelTest(), async () => {
  const t = gatedTrigger('getppid 4321');
  const d = startDtrace(['-q', '-n', `syscall::getppid:entry /pid == ${t.pid}/ { @n[execname] = count(); }`]);
  await waitFor(() => bpfProgIds(d.child.pid!).length > 0, 15000, 'dtrace to attach');
  await new Promise((r) => setTimeout(r, 100));
  t.release();
  await t.exited;
  d.child.kill('SIGINT');
  const r = await d.output;
  assert.equal(r.status, 0, r.stderr);
  // the interrupt adds dtrace's cosmetic newline before the final one
  assert.match(r.stdout, /^\n\n  trigger-[\d.]+ +4321\n$/);
});

test('bad input is one dtrace: line on stderr and a non-zero exit, never a stack trace', () => {
  const cases: [string[], number, RegExp][] = [
    [['-k'], 2, /^dtrace: illegal option -- k\n$/],
    [['-n'], 2, /^dtrace: option requires an argument -- n\n$/],
    [['-x', 'nosuchopt=1', '-n', 'BEGIN'], 2, /^dtrace: failed to set -x nosuchopt: Invalid option name\n$/],
  ];
  for (const [args, status, err] of cases) {
    const r = dtrace(args);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, err);
  }
});

test('D syntax errors and unknown probes give DTrace\'s one-line messages with exit 1', kernelTest(), () => {
  const syntax = dtrace(['-n', 'syscall::getppid:entry { @ = count( }']);
  assert.equal(syntax.status, 1);
  assert.equal(syntax.stderr, 'dtrace: invalid probe specifier syscall::getppid:entry { @ = count( }: syntax error near "}" (column 37)\n');
  const nomatch = dtrace(['-n', 'syscall::nosuch:entry { @ = count(); }']);
  assert.equal(nomatch.status, 1);
  assert.equal(nomatch.stderr, 'dtrace: invalid probe specifier syscall::nosuch:entry { @ = count(); }: probe description syscall::nosuch:entry does not match any probes\n');
  const unknown = dtrace(['-n', 'BEGIN { trace(nosuchvar); }']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^dtrace: invalid probe specifier BEGIN \{ trace\(nosuchvar\); \}: failed to resolve nosuchvar: Unknown variable name \(column 15\)\n$/);
});

test('without CAP_BPF and CAP_PERFMON: DTrace\'s privilege message', () => {
  const r = runAsNobody(['-n', 'BEGIN']);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, 'dtrace: failed to initialize dtrace: DTrace requires additional privileges\n');
});

async function assertUnloadedAfter(args: string[], end: (child: import('node:child_process').ChildProcess) => void, expectStatus: number | null) {
  const d = startDtrace(args);
  let ids: number[] = [];
  await waitFor(() => (ids = bpfProgIds(d.child.pid!)).length > 0, 15000, 'dtrace to load its programs');
  assert.ok(ids.every((id) => progInfoById(id)?.name.startsWith('dtsh_')), 'our programs are named dtsh_*');
  end(d.child);
  const r = await d.output;
  if (expectStatus !== null) assert.equal(r.status, expectStatus, r.stderr);
  await waitFor(() => ids.every((id) => progInfoById(id) === undefined), 5000, 'programs to be unloaded');
}

test('no BPF program stays loaded after a normal exit, exit(1), SIGINT or SIGKILL', kernelTest(), async () => {
  // normal: -c command ends
  await assertUnloadedAfter(['-q', '-n', COUNT, '-c', `${triggerPath()} sleep 1500`], () => {}, 0);
  // error status: exit(1) from a clause
  await assertUnloadedAfter(['-q', '-n', 'syscall::getppid:entry /pid == $target/ { exit(1); }', '-c', `${triggerPath()} late 1500`],
    () => {}, 1);
  // SIGINT
  await assertUnloadedAfter(['-q', '-n', 'syscall::getppid:entry { @ = count(); }'], (c) => c.kill('SIGINT'), 0);
  // SIGKILL: the kernel frees everything with the process's file descriptors
  await assertUnloadedAfter(['-q', '-n', 'syscall::getppid:entry { @ = count(); }'], (c) => c.kill('SIGKILL'), null);
});
