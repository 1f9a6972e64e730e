// The session model of queries: entries with typed keys and a `key` text, values as DTrace prints them,
// buckets for the quantize family, DTrace's print order, and the counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantizeBucket, type AggKey, type Aggregation } from '../../../kmod/consumer/aggregation.js';
import { Counter, COUNTERS } from '../../../kmod/codegen/plan.js';
import { aggregationModel, countersModel, keyText, sessionModel, sortEntries, MODEL_FIELDS, entryFields } from '../../../shell/query/model.js';

const int = (v: number | bigint, size: 1 | 2 | 4 | 8 = 8): AggKey => ({ type: 'int', value: BigInt(v), size });
const str = (value: string): AggKey => ({ type: 'string', value });

test('count(): typed keys, the key text, DTrace\'s order (ascending value, then keys)', () => {
  const agg: Aggregation = {
    name: 'counts', fn: 'count', entries: [
      { keys: [int(12), str('bash')], value: 30n },
      { keys: [int(7), str('sshd')], value: 5n },
      { keys: [int(3), str('cron')], value: 30n },
    ],
  };
  const m = aggregationModel(agg);
  assert.equal(m.name, 'counts');
  assert.equal(m.fn, 'count');
  assert.deepEqual(m.entries, [
    { keys: [7, 'sshd'], key: '7, sshd', value: 5 },
    { keys: [3, 'cron'], key: '3, cron', value: 30 },
    { keys: [12, 'bash'], key: '12, bash', value: 30 },
  ]);
});

test('values beyond 2^53 are decimal strings; normalize() divides', () => {
  const big = 2n ** 60n;
  const m = aggregationModel({ name: 's', fn: 'sum', entries: [{ keys: [int(-1)], value: big }, { keys: [int(2)], value: 10n }], normal: 2n });
  assert.deepEqual(m.entries.map((e) => e.value), [5, (big / 2n).toString()]);
  assert.equal(aggregationModel({ name: 'k', fn: 'count', entries: [{ keys: [int(big)], value: 1n }] }).entries[0].keys[0], big.toString());
});

test('avg() and stddev() give value (as printed), count and total', () => {
  const m = aggregationModel({ name: 'a', fn: 'avg', entries: [{ keys: [str('x')], value: { count: 4n, total: 10n } }] });
  assert.deepEqual(m.entries, [{ keys: ['x'], key: 'x', value: 2, count: 4, total: 10 }]);
});

test('quantize() gives the non-zero buckets with lo inclusive and hi exclusive; lquantize() its params', () => {
  const counts = new Array<bigint>(127).fill(0n);
  counts[quantizeBucket(1500n)] = 3n;
  counts[quantizeBucket(0n)] = 1n;
  const m = aggregationModel({ name: 'lat', fn: 'quantize', entries: [{ keys: [], value: counts }] });
  assert.deepEqual(m.entries, [{ keys: [], key: '', buckets: [{ lo: 0, hi: 1, count: 1 }, { lo: 1024, hi: 2048, count: 3 }] }]);
  const l = aggregationModel({ name: 'l', fn: 'lquantize', params: { lo: 0n, hi: 10n, step: 5n }, entries: [{ keys: [], value: [0n, 2n, 0n, 1n] }] });
  assert.deepEqual(l.params, { lo: 0, hi: 10, step: 5 });
  assert.deepEqual(l.entries[0].buckets, [{ lo: 0, hi: 5, count: 2 }, { lo: 10, hi: null, count: 1 }]);
});

test('stacks are frame arrays in keys, joined by ";" in key', () => {
  const m = aggregationModel({ name: 'st', fn: 'count', entries: [{ keys: [{ type: 'stack', frames: ['a`f+0x1', 'a`g+0x2'] }], value: 1n }] });
  assert.deepEqual(m.entries[0].keys, [['a`f+0x1', 'a`g+0x2']]);
  assert.equal(m.entries[0].key, 'a`f+0x1;a`g+0x2');
  assert.equal(keyText([1, 'x', ['f', 'g']]), '1, x, f;g');
});

test('histogram entries sort by their total count; big values numerically', () => {
  const e = sortEntries([
    { keys: [1], key: '1', buckets: [{ lo: 0, hi: 1, count: 5 }] },
    { keys: [2], key: '2', buckets: [{ lo: 0, hi: 1, count: 2 }, { lo: 1, hi: 2, count: 1 }] },
  ], 'quantize');
  assert.deepEqual(e.map((x) => x.key), ['2', '1']);
  const b = sortEntries([{ keys: [1], key: '1', value: '18446744073709551615' }, { keys: [2], key: '2', value: 3 }], 'sum');
  assert.deepEqual(b.map((x) => x.key), ['2', '1']);
});

test('the counters: drops by kind and errors, summed over CPUs', () => {
  const cpu = (d: number, a: number, e: number) => {
    const c = new Array<bigint>(COUNTERS).fill(0n);
    c[Counter.DROPS] = BigInt(d);
    c[Counter.AGGDROPS] = BigInt(a);
    c[Counter.ERRORS] = BigInt(e);
    return c;
  };
  assert.deepEqual(countersModel([cpu(1, 2, 3), cpu(10, 0, 1)]), { drops: { buffer: 11, aggregation: 2, dynamic: 0, speculative: 0 }, errors: 4 });
  const m = sessionModel([aggregationModel({ name: '', fn: 'count', entries: [{ keys: [], value: 1n }] })], []);
  assert.deepEqual(Object.keys(m), [...MODEL_FIELDS.top]);
  assert.deepEqual(Object.keys(m.aggregations), ['']);
});

test('entry fields by function', () => {
  assert.deepEqual(entryFields('count'), ['keys', 'key', 'value']);
  assert.deepEqual(entryFields('avg'), ['keys', 'key', 'value', 'count', 'total']);
  assert.deepEqual(entryFields('llquantize'), ['keys', 'key', 'buckets']);
});
