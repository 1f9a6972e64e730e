// The probe index on the recorded fixture table: candidates, counts, common prefixes, globs and options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeIndex, type ProbeCompletion } from '../../completions/probe-index.js';
import { benchCompletion, BENCH_PREFIXES } from '../../completions/probe-bench.js';
import { fixtureTable } from './fixture.js';

const table = fixtureTable();
const index = ProbeIndex.build(table.all());

/** `text(count)` for each candidate. */
const show = (r: ProbeCompletion) => r.candidates.map((c) => `${c.text}(${c.count})`);

test('the index counts every probe', () => {
  assert.equal(index.size, 1794);
  assert.deepEqual(index.providerNames(), ['dtrace', 'fbt', 'sdt', 'syscall']);
});

test('a provider prefix completes to providers', () => {
  const r = index.complete('sys');
  assert.equal(r.field, 'provider');
  assert.deepEqual(show(r), ['syscall:(720)']);
  assert.equal(r.common, 'syscall:');
  assert.deepEqual(show(index.complete('s')), ['sdt:(79)', 'syscall:(720)']);
  assert.equal(index.complete('s').common, 's');
});

test('an empty module field is skipped: syscall::open completes function names', () => {
  const r = index.complete('syscall::open');
  assert.equal(r.field, 'func');
  assert.deepEqual(show(r), [
    'syscall::open:(2)', 'syscall::open_by_handle_at:(2)', 'syscall::open_tree:(2)', 'syscall::open_tree_attr:(2)',
    'syscall::openat:(2)', 'syscall::openat2:(2)',
  ]);
  assert.equal(r.common, 'syscall::open');
  assert.equal(r.total, 6);
});

test('fbt::vfs_r lists the vfs_r functions', () => {
  const r = index.complete('fbt::vfs_r');
  assert.deepEqual(show(r), [
    'fbt::vfs_read:(2)', 'fbt::vfs_readlink:(2)', 'fbt::vfs_readv:(2)', 'fbt::vfs_remove_acl:(2)',
    'fbt::vfs_removexattr:(2)', 'fbt::vfs_rename:(2)', 'fbt::vfs_rmdir:(2)',
  ]);
  assert.equal(r.common, 'fbt::vfs_r');
  assert.equal(index.complete('fbt::vfs_rea').common, 'fbt::vfs_read');
});

test('a complete function completes probe names', () => {
  const r = index.complete('syscall::openat:');
  assert.equal(r.field, 'name');
  assert.deepEqual(show(r), ['syscall::openat:entry(1)', 'syscall::openat:return(1)']);
  assert.equal(r.common, 'syscall::openat:');
  const one = index.complete('syscall::openat:r');
  assert.deepEqual(show(one), ['syscall::openat:return(1)']);
  assert.equal(one.common, 'syscall::openat:return');
});

test('sdt events complete under their group', () => {
  const r = index.complete('sdt:sched::sched_sw');
  assert.deepEqual(show(r), ['sdt:sched::sched_swap_numa(1)', 'sdt:sched::sched_switch(1)']);
  assert.equal(r.common, 'sdt:sched::sched_sw');
  assert.equal(index.complete('sdt:sched::sched_swi').common, 'sdt:sched::sched_switch');
});

test('a unique candidate is what Tab inserts, with its ":" when a field follows', () => {
  assert.equal(index.complete('syscall::openat2').common, 'syscall::openat2:');
  assert.equal(index.complete('sdt:sch').common, 'sdt:sched:');
  assert.equal(index.complete('fbt:ex').common, 'fbt:ext4:');
});

test('a field whose only value is empty is stepped over', () => {
  const r = index.complete('dtrace:');
  assert.equal(r.field, 'name');
  assert.deepEqual(show(r), ['dtrace:::BEGIN(1)', 'dtrace:::END(1)', 'dtrace:::ERROR(1)']);
  assert.equal(r.common, 'dtrace:::');
  const s = index.complete('sdt:timer:');
  assert.equal(s.field, 'name');
  assert.equal(s.total, 14);
  assert.equal(s.common, 'sdt:timer::');
  // An empty value among others is offered like any other.
  assert.deepEqual(show(index.complete('fbt:')), ['fbt:ext4:(40)', 'fbt:vmlinux:(928)', 'fbt:xfs:(24)']);
});

test('an empty field then a function: syscall:: lists every system call', () => {
  const r = index.complete('syscall::');
  assert.equal(r.total, 360);
  assert.equal(r.candidates[0].text, 'syscall::accept:');
  assert.equal(r.common, 'syscall::');
});

test('globs in earlier fields', () => {
  assert.deepEqual(show(index.complete('fbt::vfs_*:')), ['fbt::vfs_*:entry(77)', 'fbt::vfs_*:return(77)']);
  assert.deepEqual(show(index.complete('fbt:*:init_once:')), ['fbt:*:init_once:entry(2)', 'fbt:*:init_once:return(2)']);
  assert.deepEqual(show(index.complete('sys*::openat')), ['sys*::openat:(2)', 'sys*::openat2:(2)']);
  assert.deepEqual(show(index.complete('fbt:x?s:xfs_i')), ['fbt:x?s:xfs_iget:(2)', 'fbt:x?s:xfs_ilock:(2)', 'fbt:x?s:xfs_iunlock:(2)']);
  assert.deepEqual(show(index.complete('syscall::open[a-z]*:e')), ['syscall::open[a-z]*:entry(2)']);
  assert.deepEqual(show(index.complete('*:::BEG')), ['*:::BEGIN(1)']);
});

test('a glob in the field being typed matches as if it ended with *', () => {
  const r = index.complete('fbt::vfs_*xattr');
  assert.deepEqual(r.candidates.map((c) => c.text), [
    'fbt::vfs_getxattr:', 'fbt::vfs_getxattr_alloc:', 'fbt::vfs_listxattr:', 'fbt::vfs_removexattr:', 'fbt::vfs_setxattr:',
  ]);
  assert.equal(r.common, 'fbt::vfs_*xattr', 'the glob stays as typed');
  assert.equal(index.complete('fbt::vfs_*dir').common, 'fbt::vfs_*dir', 'several matches leave the text');
  assert.equal(index.complete('syscall::*_tree_a').common, 'syscall::open_tree_attr:', 'a single match replaces the glob');
});

test('functions of several modules are merged and counted in each', () => {
  assert.deepEqual(show(index.complete('fbt::init_o')), ['fbt::init_once:(4)', 'fbt::init_once_userfaultfd_ctx:(2)']);
  assert.deepEqual(show(index.complete('fbt::init_once:')), ['fbt::init_once:entry(2)', 'fbt::init_once:return(2)']);
  assert.deepEqual(show(index.complete('fbt:ext4:init_')), ['fbt:ext4:init_once:(2)']);
  assert.deepEqual(show(index.complete('fbt:::')), ['fbt:::entry(496)', 'fbt:::return(496)']);
});

test('`kernel` is accepted for vmlinux', () => {
  assert.deepEqual(show(index.complete('fbt:kernel:vfs_rea')), [
    'fbt:kernel:vfs_read:(2)', 'fbt:kernel:vfs_readlink:(2)', 'fbt:kernel:vfs_readv:(2)',
  ]);
});

test('a single word that names no provider is read as a probe name', () => {
  const r = index.complete('BEG');
  assert.equal(r.field, 'name');
  assert.deepEqual(show(r), ['BEGIN(1)']);
  assert.equal(r.common, 'BEGIN');
  assert.deepEqual(show(index.complete('sched_sw')), ['sched_swap_numa(1)', 'sched_switch(1)']);
});

test('the last field can be set: -P, -m and -f stop at provider, module and function', () => {
  assert.deepEqual(show(index.complete('sy', { last: 'provider' })), ['syscall(720)']);
  assert.deepEqual(show(index.complete('fbt:vm', { last: 'module' })), ['fbt:vmlinux(928)']);
  assert.deepEqual(show(index.complete('syscall::openat', { last: 'func' })), ['syscall::openat(2)', 'syscall::openat2(2)']);
  assert.deepEqual(show(index.complete('vfs_rea', { last: 'func' })), ['vfs_read(2)', 'vfs_readlink(2)', 'vfs_readv(2)']);
  assert.equal(index.complete('dtrace:', { last: 'func' }).common, 'dtrace::', 'stepping over stops at the last field');
  assert.equal(index.complete('fbt:vmlinux:', { last: 'module' }).total, 0, 'no field after the last');
});

test('limit cuts the list, total still counts it all', () => {
  const r = index.complete('syscall::', { limit: 5 });
  assert.equal(r.candidates.length, 5);
  assert.equal(r.total, 360);
  assert.equal(r.common, 'syscall::');
  const fbt = index.complete('fbt::', { limit: 3 });
  assert.deepEqual(fbt.candidates.map((c) => c.text), ['fbt::BUG_func:', 'fbt::ZSTD_DCtx_refPrefix_advanced:', 'fbt::ZSTD_compressContinue:']);
  assert.equal(fbt.total, 495, 'init_once is in two modules: counted once');
});

test('nothing to offer leaves the text as it is', () => {
  for (const text of ['nosuch', 'syscall::nosuch', 'a:b:c:d:e', 'fbt:nomod:', 'syscall::openat:x']) {
    const r = index.complete(text);
    assert.equal(r.total, 0, text);
    assert.deepEqual(r.candidates, []);
    assert.equal(r.common, text);
  }
});

test('every count is the number of probes the candidate matches in the table', () => {
  const prefixes = ['', 's', 'syscall:', 'syscall::', 'syscall::read', 'sdt:', 'sdt:sched::', 'fbt:', 'fbt::', 'fbt::vfs_',
    'fbt:ext4:', 'fbt::init_once:', 'fbt::vfs_*:', 'fbt:*:', ':::', '::open', 'dtrace:', 'BEG', 'entr', '*:*:*:'];
  for (const p of prefixes) {
    for (const c of index.complete(p, { limit: Infinity }).candidates) {
      const fields = c.text.split(':').length;
      const desc = c.text.endsWith(':') ? c.text + ':'.repeat(4 - fields) : c.text;
      assert.equal(c.count, table.match(desc).length, `${p} → ${c.text}`);
    }
  }
});

test('probes in any order give the same index', () => {
  const probes = table.all();
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const shuffled = probes.map((p) => [rnd(), p] as const).sort((a, b) => a[0] - b[0]).map(([, p]) => p);
  const other = ProbeIndex.build(shuffled);
  for (const p of [...BENCH_PREFIXES, 'fbt::init_once:', 'fbt:', 'sdt:sched:', 'fbt:xfs:']) {
    assert.deepEqual(other.complete(p, { limit: Infinity }), index.complete(p, { limit: Infinity }), p);
  }
});

test('benchCompletion reports latency percentiles', () => {
  const r = benchCompletion(index, ['sys', 'fbt::vfs_r'], 3);
  assert.equal(r.calls, 6);
  assert.ok(r.p50 >= 0 && r.p50 <= r.p99 && r.p99 <= r.max);
});
