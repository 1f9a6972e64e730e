// Sorted counted ranges and their lazy union: prefix search, merging, distinct counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeRanges, prefixRange, whole, type CountedRange } from '../../completions/counted-range.js';
import { RangeUnion } from '../../completions/range-union.js';
import { splitPartial } from '../../completions/probe-fields.js';
import { globMatcher, openMatcher } from '../../completions/glob-match.js';

const r = (values: string[], counts = values.map(() => 1)) => whole(values, counts);
const list = (x: CountedRange) => x.values.slice(x.lo, x.hi).map((v, i) => `${v}=${x.counts[x.lo + i]}`);
function all(u: RangeUnion): string[] {
  const out: string[] = [];
  u.take(Infinity, (v, n) => out.push(`${v}=${n}`));
  return out;
}

test('prefixRange finds the values starting with a prefix', () => {
  const x = r(['open', 'open_tree', 'openat', 'openat2', 'read']);
  assert.deepEqual(list(prefixRange(x, 'openat')), ['openat=1', 'openat2=1']);
  assert.deepEqual(list(prefixRange(x, 'open')), ['open=1', 'open_tree=1', 'openat=1', 'openat2=1']);
  assert.deepEqual(list(prefixRange(x, 'q')), []);
  assert.deepEqual(list(prefixRange(x, '')), list(x));
});

test('mergeRanges sums the counts of shared values', () => {
  const m = mergeRanges([r(['a', 'c'], [1, 2]), r(['b', 'c'], [5, 3]), r([]), r(['a'], [7])]);
  assert.deepEqual(list(m), ['a=8', 'b=5', 'c=5']);
});

test('RangeUnion reads a union without merging it', () => {
  const u = new RangeUnion([r(['a', 'c', 'e'], [1, 2, 3]), r(['b', 'c'], [5, 3]), r([])]);
  assert.equal(u.size, 4);
  assert.equal(u.first(), 'a');
  assert.equal(u.last(), 'e');
  assert.deepEqual(all(u), ['a=1', 'b=5', 'c=5', 'e=3']);
  const firstTwo: string[] = [];
  u.take(2, (v) => firstTwo.push(v));
  assert.deepEqual(firstTwo, ['a', 'b']);
  const many = new RangeUnion(Array.from({ length: 12 }, (_, i) => r([`m${i % 5}`, 'z'])));
  assert.equal(many.size, 6);
  assert.deepEqual(all(many), ['m0=3', 'm1=3', 'm2=2', 'm3=2', 'm4=2', 'z=12']);
  assert.equal(new RangeUnion([]).size, 0);
});

test('splitPartial keeps ":" inside [...] and reports the head', () => {
  assert.deepEqual(splitPartial('syscall::open'), { done: ['syscall', ''], partial: 'open', head: 'syscall::' });
  assert.deepEqual(splitPartial(''), { done: [], partial: '', head: '' });
  assert.deepEqual(splitPartial('a:[:x]:b'), { done: ['a', '[:x]'], partial: 'b', head: 'a:[:x]:' });
});

test('glob matchers agree with DTrace globs', () => {
  const m = globMatcher('*read*') as (s: string) => boolean;
  assert.ok(m('vfs_read') && m('read') && m('readv') && !m('write'));
  const e = globMatcher('a*b*c') as (s: string) => boolean;
  assert.ok(e('abc') && e('aXbYc') && !e('acb') && !e('abcd') && !e('ab'));
  assert.equal(globMatcher('*'), undefined);
  assert.equal(globMatcher(''), undefined);
  const q = globMatcher('ope?at') as (s: string) => boolean;
  assert.ok(q('openat') && !q('opeat'));
  const o = openMatcher('vfs_*xattr') as (s: string) => boolean;
  assert.ok(o('vfs_getxattr_alloc') && !o('vfs_read'));
});
