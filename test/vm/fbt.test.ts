// fbt on a stock distro kernel (Debian's 6.1 under qemu: npm run test:vm): the probe list, exact counts
// through fentry/fexit and through kprobes, typed arguments, entry/return pairs, an enabling of a glob
// through one program per group (a kprobe per function: 6.1 has no kprobe_multi) while a workload runs,
// and a healthy kernel with nothing left attached after it. fbt::: itself: mass.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { detectFbtSupport } from '../../kmod/probes/fbt-support.js';
import { bpfProgIds } from '../helpers/run.js';
import { gate, rows, run, trigger } from '../helpers/vm.js';

const N = 300;

test('fbt lists tens of thousands of probes here, with BTF argument types', gate(), () => {
  const l = run(['-l', '-P', 'fbt']);
  assert.equal(l.status, 0, l.stderr);
  const lines = l.stdout.trimEnd().split('\n');
  assert.ok(lines.length > 20000, `${lines.length} fbt probes`);
  assert.ok(lines.some((x) => / fbt +vmlinux +vfs_read entry$/.test(x)));
  const v = run(['-lv', '-n', 'fbt::vfs_write:entry']);
  assert.match(v.stdout, /\tArgument Types\n\t\targs\[0\]: struct file \*\n\t\targs\[1\]: const char \*\n\t\targs\[2\]: size_t\n\t\targs\[3\]: loff_t \*\n/);
  const s = detectFbtSupport();
  process.stderr.write(`# fbt here: fentry ${s.fentry}, kprobes ${s.kprobes}, kprobe_multi ${s.kprobeMulti}\n`);
});

test('fbt::vfs_read:entry counts exactly the reads of the traced command (fentry)', gate(), () => {
  const r = run(['-n', 'fbt::vfs_read:entry /pid == $target && arg2 == 777/ { @ = count(); }', '-c', `${trigger()} read ${N} 777`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `\n${String(N).padStart(17)}\n`);
  assert.match(r.stderr, /^dtrace: description 'fbt::vfs_read:entry ' matched 1 probe\n/);
});

const PAIRS = [
  'fbt::vfs_read:entry /pid == $target && arg2 == 777/ { self->in = 1; @f[stringof(args[0]->f_path.dentry->d_name.name), args[0]->f_pos] = count(); }',
  'fbt::vfs_read:return /self->in/ { @r[arg0, arg1] = count(); self->in = 0; }',
].join('\n');

for (const [how, env] of [['fentry/fexit', {}], ['kprobes', { DTSH_FBT: 'kprobe' }]] as const) {
  test(`entry/return pairs and typed arguments through ${how}`, gate(), () => {
    const r = run(['-q', '-n', PAIRS, '-c', `${trigger()} read ${N} 777`], env);
    assert.equal(r.status, 0, r.stderr);
    // args[0]->f_path.dentry->d_name.name of /dev/zero, its f_pos (0); on return arg0 = -1 (offset unknown), arg1 = 777
    assert.deepEqual(rows(r.stdout), [['zero', '0', String(N)], ['-1', '777', String(N)]]);
  });
}

function kprobesListed(): number {
  try {
    return readFileSync('/sys/kernel/debug/kprobes/list', 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

test('fbt::vfs_*: (one program per group) while a workload runs, then detached, the kernel healthy', gate(), () => {
  const before = kprobesListed();
  const program = [
    'fbt::vfs_*: { @c[probename] = count(); }',
    'fbt::vfs_*:entry /execname == "trigger" && probefunc == "vfs_read" && arg2 == 777/ { @n[probefunc, probemod] = count(); }',
    'fbt::vfs_*:return /execname == "trigger" && probefunc == "vfs_read" && arg1 == 777/ { @r = count(); }',
  ].join('\n');
  // (every firing costs ~0.5 ms of kprobe handling under TCG: a light workload)
  const work = `${trigger()} read ${N} 777; dd if=/dev/zero of=/dev/null bs=512 count=200 2>/dev/null; sleep 2`;
  const t0 = Date.now();
  const r = run(['-q', '-n', program, '-c', `/bin/sh -c '${work}'`]);
  const ms = Date.now() - t0;
  assert.equal(r.status, 0, r.stderr);
  const got = rows(r.stdout);
  const c = Object.fromEntries(got.filter((x) => x.length === 2 && /^(entry|return)$/.test(x[0])).map((x) => [x[0], Number(x[1])]));
  assert.ok(c.entry > N && c.return > N, JSON.stringify(got));
  assert.ok(got.some((x) => x.join(' ') === `vfs_read vmlinux ${N}`), `exact vfs_read count by probefunc: ${JSON.stringify(got)}`);
  assert.ok(got.some((x) => x.join(' ') === String(N)), `exact returns of 777: ${JSON.stringify(got)}`);
  process.stderr.write(`# fbt::vfs_*: ${ms} ms from start to exit\n`);
  // nothing left: no kprobe of ours, and the kernel still runs commands
  assert.equal(kprobesListed(), before);
  const after = spawnSync('/bin/sh', ['-c', 'cat /proc/loadavg && ls / >/dev/null && echo ok'], { encoding: 'utf8', timeout: 30000 });
  assert.equal(after.status, 0);
  assert.match(after.stdout, /ok\n$/);
  assert.deepEqual(bpfProgIds(process.pid), []);
});
