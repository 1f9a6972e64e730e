// Tests of the aggregation model: bucket math, stddev/avg arithmetic, per-CPU merge and the JSON model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  INT64_MAX,
  INT64_MIN,
  accumulate,
  avgValue,
  avgValueUnsigned,
  bucketCount,
  decodeMax,
  decodeMin,
  emptyValue,
  encodeMax,
  encodeMin,
  llquantizeBucket,
  llquantizeBucketLabel,
  llquantizeBucketRanges,
  llquantizeLayout,
  llquantizeNBuckets,
  lquantizeBucket,
  lquantizeBucketLabel,
  lquantizeBucketRange,
  lquantizeLevels,
  mergePerCpu,
  quantizeBucket,
  quantizeBucketRange,
  quantizeBucketValue,
  readWords,
  split128,
  stddevValue,
  toJSON,
  u64,
  valueWords,
  zeroWords,
  type Aggregation,
} from '../../../kmod/consumer/aggregation.js';
import { compareKeys, joinAggregations, truncAggregation } from '../../../kmod/consumer/aggregation-sort.js';

const P = (k: number): bigint => 1n << BigInt(k);

/**
 * A literal transcription of dtrace_aggregate_quantize's loops (uts/common/dtrace/dtrace.c), used
 * as an independent reference for the closed form in quantizeBucket.
 */
function quantizeBucketC(val: bigint): number {
  const zero = 63;
  if (val < 0n) {
    for (let i = 0; i < zero; i++) if (val <= quantizeBucketValue(i)) return i;
    throw new Error('unreachable');
  }
  for (let i = zero + 1; i < 127; i++) if (val < quantizeBucketValue(i)) return i - 1;
  return 126;
}

test('DTRACE_QUANTIZE_BUCKETVAL at the ends and around zero', () => {
  // sys/dtrace.h: buck < 63 ? -(1 << (62 - buck)) : buck == 63 ? 0 : 1 << (buck - 64)
  const cases: Array<[number, bigint]> = [
    [0, -P(62)],
    [1, -P(61)],
    [61, -2n],
    [62, -1n],
    [63, 0n],
    [64, 1n],
    [65, 2n],
    [125, P(61)],
    [126, P(62)],
  ];
  for (const [b, v] of cases) assert.equal(quantizeBucketValue(b), v, `bucket ${b}`);
  assert.throws(() => quantizeBucketValue(127), RangeError);
});

test('quantizeBucket edges (dtrace_aggregate_quantize)', () => {
  // Negative values take the first bucket (from the most negative) whose value is >= them;
  // non-negative ones the last bucket whose value is <= them (worked by hand from the C loops).
  const cases: Array<[bigint, number]> = [
    [0n, 63],
    [1n, 64],
    [2n, 65],
    [3n, 65],
    [4n, 66],
    [7n, 66],
    [8n, 67],
    [-1n, 62],
    [-2n, 61],
    [-3n, 61],
    [-4n, 60],
    [-7n, 60],
    [-8n, 59],
    [P(10) - 1n, 73], // 1023 is in the row "512"
    [P(10), 74],
    [P(10) + 1n, 74],
    [-(P(10) - 1n), 53], // -1023 is in the row "-512" (-1023..-512)
    [-P(10), 52], // the row "-1024" holds -2047..-1024
    [-(P(10) + 1n), 52],
    [P(62) - 1n, 125],
    [P(62), 126],
    [INT64_MAX, 126],
    [-(P(62) - 1n), 1],
    [-P(62), 0],
    [INT64_MIN, 0],
    [P(64) + 5n, 66], // wraps to int64 5 (row "4") first, as the kernel's (int64_t)nval does
  ];
  for (const [v, b] of cases) assert.equal(quantizeBucket(v), b, `value ${v}`);
});

test('quantizeBucket agrees with the C loop transcription on every power of two +-1', () => {
  const values: bigint[] = [INT64_MIN, INT64_MAX, 0n];
  for (let k = 0; k < 63; k++) {
    for (const d of [-1n, 0n, 1n]) {
      values.push(P(k) + d, -(P(k) + d));
    }
  }
  for (const v of values) {
    const w = BigInt.asIntN(64, v);
    assert.equal(quantizeBucket(w), quantizeBucketC(w), `value ${w}`);
  }
});

test('quantizeBucketRange: lo inclusive, hi exclusive, null at the open ends', () => {
  assert.deepEqual(quantizeBucketRange(63), { lo: 0n, hi: 1n });
  assert.deepEqual(quantizeBucketRange(64), { lo: 1n, hi: 2n });
  assert.deepEqual(quantizeBucketRange(66), { lo: 4n, hi: 8n });
  assert.deepEqual(quantizeBucketRange(62), { lo: -1n, hi: 0n });
  assert.deepEqual(quantizeBucketRange(60), { lo: -7n, hi: -3n }); // row "-4": -7..-4
  assert.deepEqual(quantizeBucketRange(126), { lo: P(62), hi: null });
  assert.deepEqual(quantizeBucketRange(0), { lo: null, hi: -P(62) + 1n });
  for (let b = 1; b < 126; b++) {
    const r = quantizeBucketRange(b);
    assert.ok(r.lo !== null && r.hi !== null);
    assert.equal(quantizeBucket(r.lo), b);
    assert.equal(quantizeBucket(r.hi - 1n), b);
    assert.notEqual(quantizeBucket(r.hi), b);
  }
});

test('lquantize levels, buckets and labels (dt_cc.c, dtrace_aggregate_lquantize, dt_print_lquantize)', () => {
  assert.equal(lquantizeLevels(0n, 100n, 10n), 10);
  assert.equal(lquantizeLevels(0n, 105n, 10n), 10); // (limit - base) / step truncates
  assert.equal(lquantizeLevels(-100n, 1100n, 100n), 12);
  const cases: Array<[bigint, number]> = [
    [-1n, 0],
    [INT64_MIN, 1], // (int32_t)INT64_MIN is 0: the first linear bucket, not the underflow one
    [0n, 1],
    [9n, 1],
    [10n, 2],
    [99n, 10],
    [100n, 11],
    [1000n, 11],
    [P(32) + 5n, 1], // (int32_t) truncation: 2^32 + 5 is 5
    [P(31), 0], // (int32_t)2^31 is INT32_MIN: below the base
  ];
  for (const [v, b] of cases) assert.equal(lquantizeBucket(v, 0n, 10n, 10), b, `value ${v}`);
  assert.equal(lquantizeBucketLabel(0, 0n, 10n, 10), '< 0');
  assert.equal(lquantizeBucketLabel(1, 0n, 10n, 10), '0');
  assert.equal(lquantizeBucketLabel(10, 0n, 10n, 10), '90');
  assert.equal(lquantizeBucketLabel(11, 0n, 10n, 10), '>= 100');
  assert.deepEqual(lquantizeBucketRange(0, 0n, 10n, 10), { lo: null, hi: 0n });
  assert.deepEqual(lquantizeBucketRange(3, 0n, 10n, 10), { lo: 20n, hi: 30n });
  assert.deepEqual(lquantizeBucketRange(11, 0n, 10n, 10), { lo: 100n, hi: null });
  // lquantize(x, -10, 20, 1) from illumos tst.aggpack.d: -10 is level 0, -5 level 5, 0 level 10.
  assert.equal(lquantizeBucket(-10n, -10n, 1n, 30), 1);
  assert.equal(lquantizeBucket(-5n, -10n, 1n, 30), 6);
  assert.equal(lquantizeBucket(0n, -10n, 1n, 30), 11);
  assert.equal(lquantizeBucket(-11n, -10n, 1n, 30), 0);
  assert.equal(lquantizeBucket(20n, -10n, 1n, 30), 31);
});

test('llquantize(x, 10, 0, 2, 10): buckets worked by hand from dtrace_aggregate_llquantize_bucket', () => {
  // Order 0 covers 1..9 in steps of 1 (buckets 1..9), order 1 covers 10..99 in steps of 10
  // (10..18), order 2 covers 100..999 in steps of 100 (19..27), and 1000 and up is bucket 28.
  const b = (v: bigint): number => llquantizeBucket(v, 10n, 0n, 2n, 10n);
  const cases: Array<[bigint, number]> = [
    [INT64_MIN, 0],
    [-5n, 0],
    [0n, 0],
    [1n, 1],
    [9n, 9],
    [10n, 10],
    [19n, 10],
    [20n, 11],
    [99n, 18],
    [100n, 19],
    [999n, 27],
    [1000n, 28],
    [INT64_MAX, 28],
  ];
  for (const [v, want] of cases) assert.equal(b(v), want, `value ${v}`);
  assert.equal(llquantizeNBuckets(10n, 0n, 2n, 10n), 29);
  const p = { factor: 10n, lmag: 0n, hmag: 2n, nsteps: 10n };
  assert.equal(llquantizeBucketLabel(0, p), '< 1');
  assert.equal(llquantizeBucketLabel(10, p), '10');
  assert.equal(llquantizeBucketLabel(27, p), '900');
  assert.equal(llquantizeBucketLabel(28, p), '>= 1000');
  const ranges = llquantizeBucketRanges(p);
  assert.equal(ranges.length, 29);
  assert.deepEqual(ranges[0], { lo: null, hi: 1n });
  assert.deepEqual(ranges[11], { lo: 20n, hi: 30n });
  assert.deepEqual(ranges[27], { lo: 900n, hi: 1000n });
  assert.deepEqual(ranges[28], { lo: 1000n, hi: null });
});

test('llquantize(x, 2, 0, 3, 4): fewer buckets than steps in the low orders', () => {
  // min(factor^(m+1), nsteps) - that / factor buckets per order: 1, 2, 2, 2; then the top bucket.
  const b = (v: bigint): number => llquantizeBucket(v, 2n, 0n, 3n, 4n);
  const cases: Array<[bigint, number]> = [
    [0n, 0], [1n, 1], [2n, 2], [3n, 3], [4n, 4], [5n, 4], [6n, 5], [7n, 5],
    [8n, 6], [11n, 6], [12n, 7], [15n, 7], [16n, 8], [INT64_MAX, 8],
  ];
  for (const [v, want] of cases) assert.equal(b(v), want, `value ${v}`);
  const layout = llquantizeLayout({ factor: 2n, lmag: 0n, hmag: 3n, nsteps: 4n });
  assert.deepEqual(layout, { nbuckets: 9, linear: 7, bounds: [1n, 1n, 2n, 3n, 4n, 6n, 8n, 12n, 16n] });
});

test('llquantize with lmag > 0 and with a high magnitude whose next power overflows', () => {
  // llquantize(x, 10, 2, 3, 10): below 100 is bucket 0; 100..999 by 100; 1000..9999 by 1000.
  assert.equal(llquantizeBucket(99n, 10n, 2n, 3n, 10n), 0);
  assert.equal(llquantizeBucket(100n, 10n, 2n, 3n, 10n), 1);
  assert.equal(llquantizeBucket(1000n, 10n, 2n, 3n, 10n), 10);
  assert.equal(llquantizeBucket(9999n, 10n, 2n, 3n, 10n), 18);
  assert.equal(llquantizeBucket(10000n, 10n, 2n, 3n, 10n), 19);
  // factor 10, hmag 17: 10^19 overflows int64, so dtrace.c clamps the value to 10^18 - 1 in the
  // last order: every value from 10^17 up lands in its last bucket and there is no ">=" bucket.
  const top = 1 + 17 * 9 + 8;
  assert.equal(llquantizeBucket(INT64_MAX, 10n, 0n, 17n, 10n), top);
  assert.equal(llquantizeBucket(10n ** 17n, 10n, 0n, 17n, 10n), top);
  assert.equal(llquantizeBucket(10n ** 17n - 1n, 10n, 0n, 17n, 10n), 1 + 16 * 9 + 8);
  assert.equal(llquantizeNBuckets(10n, 0n, 17n, 10n), top + 1);
  const ranges = llquantizeBucketRanges({ factor: 10n, lmag: 0n, hmag: 17n, nsteps: 10n });
  assert.deepEqual(ranges[top], { lo: 9n * 10n ** 17n, hi: null });
});

test('stddev as dt_stddev computes it, by hand', () => {
  // 2, 4, 4, 4, 5, 5, 7, 9: sum 40, sum of squares 232; 232/8 - 5^2 = 4; sqrt 2.
  assert.equal(stddevValue(8n, 40n, 232n), 2n);
  // Negative values: the average's sign is dropped before squaring.
  assert.equal(stddevValue(8n, -40n, 232n), 2n);
  // 1, 2: 5/2 = 2 (floor), 3/2 = 1; 2 - 1 = 1 -- DTrace's integer answer, not 0.5.
  assert.equal(stddevValue(2n, 3n, 5n), 1n);
  // -1, -2: -3/2 truncates toward zero to -1.
  assert.equal(stddevValue(2n, -3n, 5n), 1n);
  // 0 and 2^32: the sum of squares 2^64 needs the 128-bit arithmetic; 2^63 - 2^62 = 2^62, root 2^31.
  assert.equal(stddevValue(2n, P(32), P(64)), P(31));
  // INT64_MAX and -INT64_MAX: total 0, sum of squares 2 (2^63 - 1)^2; the root is INT64_MAX.
  assert.equal(stddevValue(2n, 0n, 2n * INT64_MAX * INT64_MAX), INT64_MAX);
  // One INT64_MIN: |INT64_MIN| stays 2^63 as uint64, 2^126 - 2^126 = 0.
  assert.equal(stddevValue(1n, INT64_MIN, P(126)), 0n);
  // normalize(@, 10) over 10, 20: 500/10/10 = 5, /2 = 2; 30/10/2 = 1; 2 - 1 = 1.
  assert.equal(stddevValue(2n, 30n, 500n, 10n), 1n);
  assert.equal(stddevValue(0n, 0n, 0n), 0n);
});

test('avg: int64 division for printing, uint64 for printa (dt_print_average, pfprint_average)', () => {
  assert.equal(avgValue(2n, 7n), 3n);
  assert.equal(avgValue(2n, -7n), -3n); // C truncates toward zero
  assert.equal(avgValue(0n, 5n), 0n);
  assert.equal(avgValue(2n, 70n, 10n), 3n);
  assert.equal(avgValueUnsigned(2n, -7n), (P(64) - 7n) / 2n);
});

test('min/max slot encoding: zero is the identity, the larger slot wins', () => {
  assert.equal(encodeMin(INT64_MAX), 0n);
  assert.equal(encodeMax(INT64_MIN), 0n);
  for (const v of [INT64_MIN, -1n, 0n, 1n, INT64_MAX, 12345n]) {
    assert.equal(decodeMin(encodeMin(v)), v);
    assert.equal(decodeMax(encodeMax(v)), v);
  }
  assert.ok(encodeMin(-3n) > encodeMin(5n)); // the smaller value has the larger slot
  assert.ok(encodeMax(5n) > encodeMax(-3n));
});

test('mergePerCpu per function', () => {
  const w = (...xs: bigint[]): bigint[] => xs.map(u64);
  assert.equal(mergePerCpu('count', [w(3n), w(4n), w(0n)]), 7n);
  assert.equal(mergePerCpu('sum', [w(-5n), w(10n)]), 5n);
  assert.equal(mergePerCpu('sum', [w(INT64_MAX), w(1n)]), INT64_MIN); // wraps like int64
  // A CPU that never fired has a zero slot: it must not drag min() to INT64_MAX's partner 0.
  assert.equal(mergePerCpu('min', [w(encodeMin(5n)), w(0n), w(encodeMin(7n))]), 5n);
  assert.equal(mergePerCpu('min', [w(encodeMin(5n)), w(encodeMin(-3n))]), -3n);
  assert.equal(mergePerCpu('max', [w(encodeMax(-5n)), w(0n)]), -5n);
  assert.equal(mergePerCpu('max', [w(encodeMax(-5n)), w(encodeMax(9n))]), 9n);
  assert.deepEqual(mergePerCpu('avg', [w(2n, 10n), w(1n, -4n)]), { count: 3n, total: 6n });
  // stddev words [count, total, sumsq lo, sumsq hi]; the 128-bit sum carries across CPUs.
  assert.deepEqual(mergePerCpu('stddev', [w(1n, P(32), 0n, 1n), w(1n, 0n, 0n, 0n)]), { count: 2n, total: P(32), sumsq: P(64) });
  assert.deepEqual(mergePerCpu('stddev', [w(1n, 1n, P(64) - 1n, 0n), w(1n, 1n, 1n, 0n)]), { count: 2n, total: 2n, sumsq: P(64) });
  const q1 = zeroWords('quantize');
  const q2 = zeroWords('quantize');
  q1[64] = 2n;
  q2[64] = 3n;
  q2[62] = u64(-1n); // a negative increment
  const merged = mergePerCpu('quantize', [q1, q2]) as bigint[];
  assert.equal(merged.length, 127);
  assert.equal(merged[64], 5n);
  assert.equal(merged[62], -1n);
  const params = { lo: 0n, hi: 100n, step: 10n };
  assert.equal(valueWords('lquantize', params), 12);
  assert.deepEqual(mergePerCpu('lquantize', [w(...new Array(12).fill(1n)), w(...new Array(12).fill(2n))], params), new Array(12).fill(3n));
});

test('accumulate: what one firing does to one CPU slot', () => {
  let w = zeroWords('min');
  for (const v of [5n, -2n, 9n]) w = accumulate('min', w, v);
  assert.equal(mergePerCpu('min', [w]), -2n);
  w = zeroWords('max');
  for (const v of [-5n, -2n, -9n]) w = accumulate('max', w, v);
  assert.equal(mergePerCpu('max', [w]), -2n);
  w = zeroWords('stddev');
  for (const v of [0n, P(32)]) w = accumulate('stddev', w, v);
  assert.deepEqual(w, [2n, P(32), ...split128(P(64))]);
  w = accumulate('quantize', zeroWords('quantize'), 5n, -1n);
  assert.equal(w[66], u64(-1n));
  const lq = { lo: 0n, hi: 100n, step: 10n };
  w = accumulate('lquantize', zeroWords('lquantize', lq), 150n, 3n, lq);
  assert.equal(w[11], 3n);
  const llq = { factor: 10n, lmag: 0n, hmag: 2n, nsteps: 10n };
  w = accumulate('llquantize', zeroWords('llquantize', llq), 55n, 1n, llq);
  assert.equal(w[14], 1n);
  assert.deepEqual(accumulate('sum', [u64(-1n)], 1n), [0n]);
});

test('bucketCount, emptyValue and readWords', () => {
  assert.equal(bucketCount('quantize'), 127);
  assert.equal(bucketCount('lquantize', { lo: 0n, hi: 100n, step: 10n }), 12);
  assert.equal(bucketCount('lquantize', { lo: 0n, hi: 100n }), 102); // step defaults to 1
  assert.equal(bucketCount('llquantize', { factor: 10n, lmag: 0n, hmag: 2n }), 29); // nsteps defaults to factor
  assert.deepEqual(emptyValue('avg'), { count: 0n, total: 0n });
  assert.equal((emptyValue('quantize') as bigint[]).length, 127);
  const buf = new Uint8Array(24);
  new DataView(buf.buffer).setBigUint64(8, 0x0102030405060708n, true);
  new DataView(buf.buffer).setBigUint64(16, u64(-1n), true);
  assert.deepEqual(readWords(buf, 8, 2), [0x0102030405060708n, 0xffffffffffffffffn]);
});

test('key order: integers unsigned by size, strings by bytes, then the key position', () => {
  const int = (value: bigint, size: 1 | 2 | 4 | 8 = 8) => ({ type: 'int' as const, value, size });
  const str = (value: string) => ({ type: 'string' as const, value });
  assert.ok(compareKeys([int(2n)], [int(-1n)]) < 0); // -1 is 0xffff...: after 2
  assert.ok(compareKeys([int(-2n, 1)], [int(-1n, 1)]) < 0); // 254 < 255
  assert.ok(compareKeys([str('ab')], [str('abc')]) < 0);
  assert.ok(compareKeys([str('Z')], [str('a')]) < 0);
  assert.ok(compareKeys([int(1n)], [int(1n), int(0n)]) < 0); // fewer keys first
  // aggsortkeypos=1 compares the second key first.
  assert.ok(compareKeys([int(1n), int(3n)], [int(3n), int(1n)], 1) > 0);
  assert.ok(compareKeys([int(1n), int(3n)], [int(3n), int(1n)], 2) < 0); // out of range: position 0
});

test('joinAggregations zero-fills missing values and sorts by the aggsortpos value', () => {
  const k = (s: string) => [{ type: 'string' as const, value: s }];
  const a: Aggregation = { name: 'a', id: 1, fn: 'count', entries: [{ keys: k('x'), value: 1n }, { keys: k('y'), value: 5n }] };
  const b: Aggregation = { name: 'b', id: 2, fn: 'sum', entries: [{ keys: k('y'), value: 1n }, { keys: k('z'), value: 9n }] };
  const rows = joinAggregations([a, b]).map((r) => [(r.keys[0] as { value: string }).value, ...r.values]);
  assert.deepEqual(rows, [['z', 0n, 9n], ['x', 1n, 0n], ['y', 5n, 1n]]);
  const byB = joinAggregations([a, b], { aggsortpos: 1 }).map((r) => (r.keys[0] as { value: string }).value);
  assert.deepEqual(byB, ['x', 'y', 'z']);
});

test('truncAggregation keeps the top n, the bottom n, or nothing (dt_trunc)', () => {
  const e = (s: string, v: bigint) => ({ keys: [{ type: 'string' as const, value: s }], value: v });
  const agg: Aggregation = { name: 'a', fn: 'sum', entries: [e('a', 3n), e('b', 1n), e('c', 7n), e('d', 5n)] };
  const names = (x: Aggregation) => x.entries.map((en) => (en.keys[0] as { value: string }).value);
  assert.deepEqual(names(truncAggregation(agg, 2)), ['c', 'd']);
  assert.deepEqual(names(truncAggregation(agg, -2)), ['a', 'b']);
  assert.deepEqual(names(truncAggregation(agg, 10)), ['a', 'b', 'c', 'd']);
  assert.deepEqual(names(truncAggregation(agg)), []);
});

test('toJSON: one flat entry per key, numbers when safe, buckets with open ends', () => {
  const count: Aggregation = {
    name: 'num',
    fn: 'count',
    entries: [
      { keys: [{ type: 'string', value: 'bash' }], value: 3n },
      { keys: [{ type: 'int', value: P(60) }], value: P(60) },
    ],
  };
  assert.deepEqual(toJSON(count), [
    { name: 'num', fn: 'count', keys: ['bash'], value: 3 },
    { name: 'num', fn: 'count', keys: ['1152921504606846976'], value: '1152921504606846976' },
  ]);
  const lq = { lo: 0n, hi: 100n, step: 10n };
  const counts = new Array<bigint>(12).fill(0n);
  counts[0] = 2n;
  counts[6] = 1n;
  counts[11] = 4n;
  const hist: Aggregation = { name: '', fn: 'lquantize', params: lq, entries: [{ keys: [], value: counts }] };
  assert.deepEqual(toJSON(hist), [
    {
      name: '',
      fn: 'lquantize',
      keys: [],
      buckets: [
        { lo: null, hi: 0, count: 2 },
        { lo: 50, hi: 60, count: 1 },
        { lo: 100, hi: null, count: 4 },
      ],
    },
  ]);
  const avg: Aggregation = { name: 'a', fn: 'avg', normal: 2n, entries: [{ keys: [{ type: 'stack', frames: ['k`f+0x1'] }], value: { count: 2n, total: 10n } }] };
  assert.deepEqual(toJSON(avg), [{ name: 'a', fn: 'avg', keys: [['k`f+0x1']], value: 2, count: 2, total: 10 }]);
});
