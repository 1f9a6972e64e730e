// The probe index on this machine's probe table (skipped without kernel BTF): the same answers as the table.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeTable } from '../../kmod/probes/table.js';
import { ProbeIndex } from '../../completions/probe-index.js';
import { liveSkipReason } from './fixture.js';

const reason = liveSkipReason();

describe('live probe table', { skip: reason }, () => {
  const table = new ProbeTable();
  const index = ProbeIndex.build(table.all());
  const has = (provider: string) => table.ofProvider(provider).length > 0;
  const texts = (text: string) => index.complete(text, { limit: Infinity }).candidates.map((c) => c.text);

  test('every probe is indexed', () => {
    assert.equal(index.size, table.count());
  });

  test('fbt functions and their names', { skip: has('fbt') ? undefined : 'no fbt probes here' }, () => {
    assert.ok(texts('fbt::vfs_r').includes('fbt::vfs_read:'));
    assert.deepEqual(index.complete('fbt::vfs_read:').candidates, [
      { text: 'fbt::vfs_read:entry', count: table.match('fbt::vfs_read:entry').length },
      { text: 'fbt::vfs_read:return', count: table.match('fbt::vfs_read:return').length },
    ]);
  });

  test('system calls', { skip: has('syscall') ? undefined : 'no syscall probes here (tracefs not readable)' }, () => {
    assert.ok(texts('syscall::open').includes('syscall::openat:'));
    assert.deepEqual(texts('syscall::openat:'), ['syscall::openat:entry', 'syscall::openat:return']);
    assert.equal(index.complete('syscall::').total, table.ofProvider('syscall').length / 2);
  });

  test('tracepoints', { skip: has('sdt') ? undefined : 'no sdt probes here (tracefs not readable)' }, () => {
    assert.ok(texts('sdt:sched::sched_sw').includes('sdt:sched::sched_switch'));
  });

  test('counts agree with the table', () => {
    for (const p of ['dtrace:', 'syscall::open', 'fbt::vfs_r', 'fbt::vfs_*:', 'sdt:sched::sched_sw', 'fbt:', 'sdt:irq:']) {
      for (const c of index.complete(p, { limit: 50 }).candidates) {
        const desc = c.text.endsWith(':') ? c.text + ':'.repeat(4 - c.text.split(':').length) : c.text;
        assert.equal(c.count, table.match(desc).length, `${p} → ${c.text}`);
      }
    }
  });
});
