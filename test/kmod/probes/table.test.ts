// The live probe table: deterministic IDs, providers, and matching against this kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeTable } from '../../../kmod/probes/table.js';
import { kernelTest } from '../../kernel-gate.js';

test('dtrace:::BEGIN, END and ERROR are IDs 1, 2 and 3', () => {
  const t = new ProbeTable();
  assert.deepEqual(t.ofProvider('dtrace').map((p) => [p.id, p.name]), [[1, 'BEGIN'], [2, 'END'], [3, 'ERROR']]);
  assert.equal(t.match('BEGIN')[0].id, 1);
});

test('the live table has every provider, with IDs that do not depend on the order of lookups', kernelTest(), () => {
  const a = new ProbeTable();
  const openat = a.match('syscall::openat:return');
  assert.equal(openat.length, 1);
  const b = new ProbeTable();
  const all = b.all();
  assert.equal(b.byId(openat[0].id)?.func, 'openat');
  assert.equal(all.length, a.count());
  assert.ok(all.every((p, i) => p.id === i + 1), 'IDs are dense from 1');
  const counts = Object.fromEntries(b.providerNames().map((n) => [n, b.ofProvider(n).length]));
  assert.ok(counts.syscall > 600, `syscall probes: ${counts.syscall}`);
  assert.ok(counts.fbt > 20000, `fbt probes: ${counts.fbt}`);
  assert.ok(counts.sdt > 500, `sdt probes: ${counts.sdt}`);
  assert.equal(b.match('syscall::getppid:').length, 2);
  assert.deepEqual(b.match('syscall::getppid:entry').map((p) => p.attach), [{ kind: 'tracepoint', group: 'syscalls', event: 'sys_enter_getppid' }]);
  assert.ok(b.match('sdt:sched::sched_switch').length === 1);
  assert.equal(b.match('fbt:kernel:vfs_read:entry')[0]?.module, 'vmlinux');
  assert.equal(b.match('nosuch:::').length, 0);
});
