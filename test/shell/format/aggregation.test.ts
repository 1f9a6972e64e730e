// Golden tests of DTrace's aggregation output: exit-time printing, printa(), histograms and options.
// Every expected text is either copied from illumos DTrace's own test suite (.d.out files, as kept in
// FreeBSD's cddl/contrib/opensolaris/cmd/dtrace/test/tst/common/aggs) or the Dynamic Tracing Guide,
// or derived line by line from the printf formats of illumos lib/libdtrace/common/dt_consume.c, as
// each comment says. A leading "\n" in the test-suite files is dtrace(1M)'s oprintf("\n") at exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  lquantizeBucket,
  llquantizeBucket,
  quantizeBucket,
  type AggKey,
  type Aggregation,
} from '../../../kmod/consumer/aggregation.js';
import { formatAggregations, formatPrinta, truncAggregation, PrintaFormatError } from '../../../shell/format/aggregation.js';

const int = (v: number | bigint, size: 1 | 2 | 4 | 8 = 8): AggKey => ({ type: 'int', value: BigInt(v), size });
const str = (value: string): AggKey => ({ type: 'string', value });

/** quantize() bucket counts from [value, increment] pairs, as dtrace_aggregate_quantize adds them. */
function q(pairs: Array<[number | bigint, number]>): bigint[] {
  const c = new Array<bigint>(127).fill(0n);
  for (const [v, n] of pairs) c[quantizeBucket(BigInt(v))]! += BigInt(n);
  return c;
}

function lq(lo: bigint, step: bigint, levels: number, pairs: Array<[number, number]>): bigint[] {
  const c = new Array<bigint>(levels + 2).fill(0n);
  for (const [v, n] of pairs) c[lquantizeBucket(BigInt(v), lo, step, levels)]! += BigInt(n);
  return c;
}

function llq(n: number, p: [bigint, bigint, bigint, bigint], values: number[]): bigint[] {
  const c = new Array<bigint>(n).fill(0n);
  for (const v of values) c[llquantizeBucket(BigInt(v), ...p)]! += 1n;
  return c;
}

test('illumos tst.quantize.d: @a[i] = quantize(i) for i = 0, 100, ..., 900', () => {
  const entries = [];
  for (let i = 0; i < 1000; i += 100) entries.push({ keys: [int(i)], value: q([[i, 1]]) });
  const want = [
    "",
    "                0",
    "           value  ------------- Distribution ------------- count    ",
    "              -1 |                                         0        ",
    "               0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "               1 |                                         0        ",
    "",
    "              100",
    "           value  ------------- Distribution ------------- count    ",
    "              32 |                                         0        ",
    "              64 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             128 |                                         0        ",
    "",
    "              200",
    "           value  ------------- Distribution ------------- count    ",
    "              64 |                                         0        ",
    "             128 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             256 |                                         0        ",
    "",
    "              300",
    "           value  ------------- Distribution ------------- count    ",
    "             128 |                                         0        ",
    "             256 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             512 |                                         0        ",
    "",
    "              400",
    "           value  ------------- Distribution ------------- count    ",
    "             128 |                                         0        ",
    "             256 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             512 |                                         0        ",
    "",
    "              500",
    "           value  ------------- Distribution ------------- count    ",
    "             128 |                                         0        ",
    "             256 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             512 |                                         0        ",
    "",
    "              600",
    "           value  ------------- Distribution ------------- count    ",
    "             256 |                                         0        ",
    "             512 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "            1024 |                                         0        ",
    "",
    "              700",
    "           value  ------------- Distribution ------------- count    ",
    "             256 |                                         0        ",
    "             512 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "            1024 |                                         0        ",
    "",
    "              800",
    "           value  ------------- Distribution ------------- count    ",
    "             256 |                                         0        ",
    "             512 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "            1024 |                                         0        ",
    "",
    "              900",
    "           value  ------------- Distribution ------------- count    ",
    "             256 |                                         0        ",
    "             512 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "            1024 |                                         0        ",
    "",
    "",
  ].join('\n');
  assert.equal(`\n${formatAggregations([{ name: 'a', fn: 'quantize', entries }])}`, want);
});

test('illumos tst.lquantize.d: @a[i] = lquantize(i, -100, 1100, 100)', () => {
  const entries = [];
  for (let i = 0; i < 1000; i += 100) entries.push({ keys: [int(i)], value: lq(-100n, 100n, 12, [[i, 1]]) });
  const agg: Aggregation = { name: 'a', fn: 'lquantize', params: { lo: -100n, hi: 1100n, step: 100n }, entries };
  const want = [
    "",
    "                0",
    "           value  ------------- Distribution ------------- count    ",
    "            -100 |                                         0        ",
    "               0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             100 |                                         0        ",
    "",
    "              100",
    "           value  ------------- Distribution ------------- count    ",
    "               0 |                                         0        ",
    "             100 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             200 |                                         0        ",
    "",
    "              200",
    "           value  ------------- Distribution ------------- count    ",
    "             100 |                                         0        ",
    "             200 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             300 |                                         0        ",
    "",
    "              300",
    "           value  ------------- Distribution ------------- count    ",
    "             200 |                                         0        ",
    "             300 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             400 |                                         0        ",
    "",
    "              400",
    "           value  ------------- Distribution ------------- count    ",
    "             300 |                                         0        ",
    "             400 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             500 |                                         0        ",
    "",
    "              500",
    "           value  ------------- Distribution ------------- count    ",
    "             400 |                                         0        ",
    "             500 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             600 |                                         0        ",
    "",
    "              600",
    "           value  ------------- Distribution ------------- count    ",
    "             500 |                                         0        ",
    "             600 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             700 |                                         0        ",
    "",
    "              700",
    "           value  ------------- Distribution ------------- count    ",
    "             600 |                                         0        ",
    "             700 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             800 |                                         0        ",
    "",
    "              800",
    "           value  ------------- Distribution ------------- count    ",
    "             700 |                                         0        ",
    "             800 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "             900 |                                         0        ",
    "",
    "              900",
    "           value  ------------- Distribution ------------- count    ",
    "             800 |                                         0        ",
    "             900 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        ",
    "            1000 |                                         0        ",
    "",
    "",
  ].join('\n');
  assert.equal(`\n${formatAggregations([agg])}`, want);
});

test('illumos tst.signedkeys.d: sized integer keys print signed or not, sort unsigned (aggsortkey)', () => {
  // The (char) and (short) keys are 1- and 2-byte records; the int and long long ones are 8-byte
  // records in the illumos compiler (the output's widths show it). The .out starts with trace()s.
  const mk = (name: string, id: number, size: 1 | 2 | 4 | 8): Aggregation => ({
    name,
    id,
    fn: 'sum',
    entries: [-2, -1, 0, 1, 2].map((v) => ({ keys: [int(v, size)], value: BigInt(v) })),
  });
  const traced = '254\n255\n0\n1\n2\n\n65534\n65535\n0\n1\n2\n\n-2\n-1\n0\n1\n2\n\n-2\n-1\n0\n1\n2\n';
  const want = [
    "254",
    "255",
    "0",
    "1",
    "2",
    "",
    "65534",
    "65535",
    "0",
    "1",
    "2",
    "",
    "-2",
    "-1",
    "0",
    "1",
    "2",
    "",
    "-2",
    "-1",
    "0",
    "1",
    "2",
    "",
    "   0                0",
    "   1                1",
    "   2                2",
    " 254               -2",
    " 255               -1",
    "     0                0",
    "     1                1",
    "     2                2",
    " 65534               -2",
    " 65535               -1",
    "                0                0",
    "                1                1",
    "                2                2",
    "               -2               -2",
    "               -1               -1",
    "                0                0",
    "                1                1",
    "                2                2",
    "               -2               -2",
    "               -1               -1",
    "",
  ].join('\n');
  const aggs = [mk('i8', 1, 1), mk('i16', 2, 2), mk('i32', 3, 8), mk('i64', 4, 8)];
  assert.equal(`${traced}\n${formatAggregations(aggs, { aggsortkey: true })}`, want);
});

test('illumos tst.signedkeyspos.d: aggsortkey + aggsortkeypos=1 + aggsortrev (aggregations reversed too)', () => {
  type Row = [string, number, number];
  const mk = (name: string, id: number, size: 1 | 2 | 4 | 8, rows: Row[]): Aggregation => ({
    name,
    id,
    fn: 'sum',
    entries: rows.map(([s, k, v]) => ({ keys: [str(s), int(k, size)], value: BigInt(v) })),
  });
  // The sums exactly as tst.signedkeyspos.d adds them.
  const aggs = [
    mk('i8', 1, 1, [
      ['cat', -2, -2], ['dog', -2, -22], ['mouse', -2, -222], ['cat', -1, -1], ['dog', -1, -11], ['mouse', -1, -111],
      ['cat', 0, 0], ['dog', 0, 10], ['mouse', 0, 100], ['cat', 1, 1], ['dog', 1, 11], ['mouse', 1, 111],
      ['cat', 2, 2], ['dog', 2, 22], ['mouse', 2, 222],
    ]),
    mk('i16', 2, 2, [
      ['mouse', -2, -2], ['dog', -2, -22], ['cat', -2, -222], ['mouse', -1, -1], ['dog', -1, -11], ['cat', -1, -111],
      ['mouse', 0, 0], ['dog', 0, 10], ['cat', 0, 100], ['mouse', 1, 1], ['dog', 1, 11], ['cat', 1, 111],
      ['mouse', 2, 2], ['dog', 2, 22], ['cat', 2, 222],
    ]),
    mk('i32', 3, 8, [
      ['mouse', -2, -2], ['bear', -2, -22], ['cat', -2, -222], ['mouse', -1, -1], ['bear', -1, -11], ['cat', -1, -111],
      ['mouse', 0, 0], ['bear', 0, 10], ['cat', 0, 100], ['mouse', 1, 1], ['bear', 1, 11], ['cat', 1, 111],
      ['mouse', 2, 2], ['bear', 2, 22], ['cat', 2, 222],
    ]),
    mk('i64', 4, 8, [
      ['cat', -2, -2], ['bear', -2, -22], ['dog', -2, -222], ['cat', -1, -1], ['bear', -1, -11], ['dog', -1, -111],
      ['cat', 0, 0], ['bear', 0, 10], ['dog', 0, 100], ['cat', 1, 1], ['bear', 1, 11], ['dog', 1, 111],
      ['cat', 2, 2], ['bear', 2, 22], ['dog', 2, 222],
    ]),
  ];
  const want = [
    "",
    "  dog                                                              -1             -111",
    "  cat                                                              -1               -1",
    "  bear                                                             -1              -11",
    "  dog                                                              -2             -222",
    "  cat                                                              -2               -2",
    "  bear                                                             -2              -22",
    "  dog                                                               2              222",
    "  cat                                                               2                2",
    "  bear                                                              2               22",
    "  dog                                                               1              111",
    "  cat                                                               1                1",
    "  bear                                                              1               11",
    "  dog                                                               0              100",
    "  cat                                                               0                0",
    "  bear                                                              0               10",
    "  mouse                                                            -1               -1",
    "  cat                                                              -1             -111",
    "  bear                                                             -1              -11",
    "  mouse                                                            -2               -2",
    "  cat                                                              -2             -222",
    "  bear                                                             -2              -22",
    "  mouse                                                             2                2",
    "  cat                                                               2              222",
    "  bear                                                              2               22",
    "  mouse                                                             1                1",
    "  cat                                                               1              111",
    "  bear                                                              1               11",
    "  mouse                                                             0                0",
    "  cat                                                               0              100",
    "  bear                                                              0               10",
    "  mouse                                              65535               -1",
    "  dog                                                65535              -11",
    "  cat                                                65535             -111",
    "  mouse                                              65534               -2",
    "  dog                                                65534              -22",
    "  cat                                                65534             -222",
    "  mouse                                                  2                2",
    "  dog                                                    2               22",
    "  cat                                                    2              222",
    "  mouse                                                  1                1",
    "  dog                                                    1               11",
    "  cat                                                    1              111",
    "  mouse                                                  0                0",
    "  dog                                                    0               10",
    "  cat                                                    0              100",
    "  mouse                                              255             -111",
    "  dog                                                255              -11",
    "  cat                                                255               -1",
    "  mouse                                              254             -222",
    "  dog                                                254              -22",
    "  cat                                                254               -2",
    "  mouse                                                2              222",
    "  dog                                                  2               22",
    "  cat                                                  2                2",
    "  mouse                                                1              111",
    "  dog                                                  1               11",
    "  cat                                                  1                1",
    "  mouse                                                0              100",
    "  dog                                                  0               10",
    "  cat                                                  0                0",
    "",
  ].join('\n');
  assert.equal(`\n${formatAggregations(aggs, { aggsortkey: true, aggsortkeypos: 1, aggsortrev: true })}`, want);
});

test('illumos tst.valsortkeypos.d: equal values broken by key from aggsortkeypos=1', () => {
  const entries = [[1, 3], [2, 2], [3, 1]].map(([a, b]) => ({ keys: [int(a!), int(b!)], value: 0n }));
  const want = [
    "",
    "                3                1                0",
    "                2                2                0",
    "                1                3                0",
    "",
  ].join('\n');
  assert.equal(`\n${formatAggregations([{ name: '', fn: 'sum', entries }], { aggsortkeypos: 1 })}`, want);
});

test('illumos tst.multinormalize.d: normalize(), printa(@func1), then the exit print of @func2', () => {
  const func1: Aggregation = { name: 'func1', id: 1, fn: 'sum', normal: 5n, entries: [] };
  const func2: Aggregation = { name: 'func2', id: 2, fn: 'sum', normal: 5n, entries: [] };
  for (let k = 0; k < 5; k++) {
    let s1 = 0n;
    let s2 = 0n;
    for (let i = k; i < 20; i += 5) {
      s1 += BigInt(i * 100);
      s2 += BigInt(i * 200);
    }
    func1.entries.push({ keys: [int(k)], value: s1 });
    func2.entries.push({ keys: [int(k + 1)], value: s2 });
  }
  let out = `normalized data #1:\n${formatPrinta(undefined, [func1])}`;
  func1.printed = true;
  out += `\nnormalized data #2:\n\n${formatAggregations([func1, func2])}`;
  const want = [
    "normalized data #1:",
    "",
    "                0              600",
    "                1              680",
    "                2              760",
    "                3              840",
    "                4              920",
    "",
    "normalized data #2:",
    "",
    "                1             1200",
    "                2             1360",
    "                3             1520",
    "                4             1680",
    "                5             1840",
    "",
  ].join('\n');
  assert.equal(out, want);
});

test('illumos tst.sizedkeys.d: printa(@) with 4- and 8-byte keys in one aggregation', () => {
  const entries = [[1, 4, 10], [2, 8, 20], [3, 4, 30], [4, 8, 40]].map(([k, size, v]) => ({
    keys: [int(k!, size as 4 | 8), int(0)],
    value: BigInt(v!),
  }));
  const want = [
    "",
    "        1                0               10",
    "                2                0               20",
    "        3                0               30",
    "                4                0               40",
    "",
    "",
  ].join('\n');
  assert.equal(`${formatPrinta(undefined, [{ name: '', fn: 'sum', entries }])}\n`, want);
});

test('illumos tst.aggpack.d: aggpack (encoding=ascii), aggzoom, sized keys and the packed headers', () => {
  const x: Aggregation = { name: 'x', id: 1, fn: 'quantize', entries: [{ keys: [], value: q([[1n << 32n, 1]]) }] };
  const y: Aggregation = { name: 'y', id: 2, fn: 'quantize', entries: [{ keys: [int(1)], value: q([[1, 1]]) }] };
  const z: Aggregation = { name: 'z', id: 3, fn: 'quantize', entries: [{ keys: [str('mumble')], value: q([[1, 1]]) }] };
  const xx: Aggregation = {
    name: 'xx',
    id: 4,
    fn: 'quantize',
    entries: [{ keys: [str('foo'), int(1), int(2), int(3)], value: q([[1, 1]]) }],
  };
  const neg: Aggregation = {
    name: 'neg',
    id: 5,
    fn: 'lquantize',
    params: { lo: -10n, hi: 20n, step: 1n },
    entries: [{ keys: [], value: lq(-10n, 1n, 30, [[-10, -1], [-5, 1], [0, 1]]) }],
  };
  const a: Aggregation = { name: 'a', id: 6, fn: 'quantize', entries: [] };
  for (let i = 0; i <= 100; i++) a.entries.push({ keys: [int(i)], value: q([[0, i], [1, 100 - i]]) });
  const o = { aggpack: true, encoding: 'ascii' as const };
  // END { setopt("aggzoom", "true"); printa(@neg); setopt("aggzoom", "false"); printa(@neg); }
  let out = formatPrinta(undefined, [neg], { ...o, aggzoom: true }) + formatPrinta(undefined, [neg], o);
  neg.printed = true;
  out += `\n${formatAggregations([x, y, z, xx, neg, a], o)}`;
  const want = [
    "",
    "",
    "     min .--------------------------------. max      | count",
    "   < -10 : V    X    X                    : >= 20    | 1",
    "",
    "",
    "     min .--------------------------------. max      | count",
    "   < -10 : v    x    x                    : >= 20    | 1",
    "",
    "",
    "        min .---. max        | count",
    " 2147483648 : X : 8589934592 | 1",
    "",
    "              key  min .---. max  | count",
    "                1    0 : X : 2    | 1",
    "",
    "              key  min .---. max  | count",
    "           mumble    0 : X : 2    | 1",
    "",
    "                                                                 key  min .---. max  | count",
    "              foo                1                2                3    0 : X : 2    | 1",
    "",
    "              key  min .---. max  | count",
    "              100    0 :X  : 2    | 100",
    "               99    0 :X_ : 2    | 100",
    "               98    0 :X_ : 2    | 100",
    "               97    0 :X_ : 2    | 100",
    "               96    0 :X_ : 2    | 100",
    "               95    0 :X_ : 2    | 100",
    "               94    0 :X_ : 2    | 100",
    "               93    0 :X_ : 2    | 100",
    "               92    0 :X_ : 2    | 100",
    "               91    0 :X_ : 2    | 100",
    "               90    0 :X_ : 2    | 100",
    "               89    0 :X_ : 2    | 100",
    "               88    0 :X_ : 2    | 100",
    "               87    0 :X_ : 2    | 100",
    "               86    0 :X_ : 2    | 100",
    "               85    0 :X_ : 2    | 100",
    "               84    0 :X_ : 2    | 100",
    "               83    0 :X_ : 2    | 100",
    "               82    0 :X_ : 2    | 100",
    "               81    0 :X_ : 2    | 100",
    "               80    0 :X_ : 2    | 100",
    "               79    0 :X_ : 2    | 100",
    "               78    0 :xx : 2    | 100",
    "               77    0 :xx : 2    | 100",
    "               76    0 :xx : 2    | 100",
    "               75    0 :xx : 2    | 100",
    "               74    0 :xx : 2    | 100",
    "               73    0 :xx : 2    | 100",
    "               72    0 :xx : 2    | 100",
    "               71    0 :xx : 2    | 100",
    "               70    0 :xx : 2    | 100",
    "               69    0 :xx : 2    | 100",
    "               68    0 :xx : 2    | 100",
    "               67    0 :xx : 2    | 100",
    "               66    0 :xx : 2    | 100",
    "               65    0 :xx : 2    | 100",
    "               64    0 :xx : 2    | 100",
    "               63    0 :xx : 2    | 100",
    "               62    0 :xx : 2    | 100",
    "               61    0 :xx : 2    | 100",
    "               60    0 :xx : 2    | 100",
    "               59    0 :xx : 2    | 100",
    "               58    0 :xx : 2    | 100",
    "               57    0 :xx : 2    | 100",
    "               56    0 :xx : 2    | 100",
    "               55    0 :xx : 2    | 100",
    "               54    0 :xx : 2    | 100",
    "               53    0 :xx : 2    | 100",
    "               52    0 :xx : 2    | 100",
    "               51    0 :xx : 2    | 100",
    "               50    0 :xx : 2    | 100",
    "               49    0 :xx : 2    | 100",
    "               48    0 :xx : 2    | 100",
    "               47    0 :xx : 2    | 100",
    "               46    0 :xx : 2    | 100",
    "               45    0 :xx : 2    | 100",
    "               44    0 :xx : 2    | 100",
    "               43    0 :xx : 2    | 100",
    "               42    0 :xx : 2    | 100",
    "               41    0 :xx : 2    | 100",
    "               40    0 :xx : 2    | 100",
    "               39    0 :xx : 2    | 100",
    "               38    0 :xx : 2    | 100",
    "               37    0 :xx : 2    | 100",
    "               36    0 :xx : 2    | 100",
    "               35    0 :xx : 2    | 100",
    "               34    0 :xx : 2    | 100",
    "               33    0 :xx : 2    | 100",
    "               32    0 :xx : 2    | 100",
    "               31    0 :xx : 2    | 100",
    "               30    0 :xx : 2    | 100",
    "               29    0 :xx : 2    | 100",
    "               28    0 :xx : 2    | 100",
    "               27    0 :xx : 2    | 100",
    "               26    0 :xx : 2    | 100",
    "               25    0 :xx : 2    | 100",
    "               24    0 :xx : 2    | 100",
    "               23    0 :xx : 2    | 100",
    "               22    0 :xx : 2    | 100",
    "               21    0 :_X : 2    | 100",
    "               20    0 :_X : 2    | 100",
    "               19    0 :_X : 2    | 100",
    "               18    0 :_X : 2    | 100",
    "               17    0 :_X : 2    | 100",
    "               16    0 :_X : 2    | 100",
    "               15    0 :_X : 2    | 100",
    "               14    0 :_X : 2    | 100",
    "               13    0 :_X : 2    | 100",
    "               12    0 :_X : 2    | 100",
    "               11    0 :_X : 2    | 100",
    "               10    0 :_X : 2    | 100",
    "                9    0 :_X : 2    | 100",
    "                8    0 :_X : 2    | 100",
    "                7    0 :_X : 2    | 100",
    "                6    0 :_X : 2    | 100",
    "                5    0 :_X : 2    | 100",
    "                4    0 :_X : 2    | 100",
    "                3    0 :_X : 2    | 100",
    "                2    0 :_X : 2    | 100",
    "                1    0 :_X : 2    | 100",
    "                0    0 : X : 2    | 100",
    "",
  ].join('\n');
  assert.equal(out, want);
});

test('Dynamic Tracing Guide wrquantize.d: @time[execname] = quantize(...) (the Guide\'s sample output)', () => {
  // Oracle's DTrace guide, "Using the quantize Function": bash, gnome-terminal, Xorg and firefox,
  // in that order (ascending sum of bucket value x count, dt_aggregate_quantizedcmp).
  const agg: Aggregation = {
    name: 'time',
    fn: 'quantize',
    entries: [
      { keys: [str('firefox')], value: q([[4096, 22], [8192, 90], [16384, 107], [32768, 72], [65536, 28], [131072, 3], [524288, 1], [1048576, 1]]) },
      { keys: [str('bash')], value: q([[16384, 4], [131072, 1]]) },
      { keys: [str('Xorg')], value: q([[4096, 4], [8192, 8], [16384, 7], [32768, 2], [65536, 1], [2097152, 2]]) },
      { keys: [str('gnome-terminal')], value: q([[8192, 5], [16384, 5], [32768, 4], [65536, 1]]) },
    ],
  };
  const want = [
    "  bash                                              ",
    "           value  ------------- Distribution ------------- count    ",
    "            8192 |                                         0        ",
    "           16384 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@         4        ",
    "           32768 |                                         0        ",
    "           65536 |                                         0        ",
    "          131072 |@@@@@@@@                                 1        ",
    "          262144 |                                         0        ",
    "",
    "  gnome-terminal                                    ",
    "           value  ------------- Distribution ------------- count    ",
    "            4096 |                                         0        ",
    "            8192 |@@@@@@@@@@@@@                            5        ",
    "           16384 |@@@@@@@@@@@@@                            5        ",
    "           32768 |@@@@@@@@@@@                              4        ",
    "           65536 |@@@                                      1        ",
    "          131072 |                                         0        ",
    "",
    "  Xorg                                              ",
    "           value  ------------- Distribution ------------- count    ",
    "            2048 |                                         0        ",
    "            4096 |@@@@@@@                                  4        ",
    "            8192 |@@@@@@@@@@@@@                            8        ",
    "           16384 |@@@@@@@@@@@@                             7        ",
    "           32768 |@@@                                      2        ",
    "           65536 |@@                                       1        ",
    "          131072 |                                         0        ",
    "          262144 |                                         0        ",
    "          524288 |                                         0        ",
    "         1048576 |                                         0        ",
    "         2097152 |@@@                                      2        ",
    "         4194304 |                                         0        ",
    "",
    "  firefox                                           ",
    "           value  ------------- Distribution ------------- count    ",
    "            2048 |                                         0        ",
    "            4096 |@@@                                      22       ",
    "            8192 |@@@@@@@@@@@                              90       ",
    "           16384 |@@@@@@@@@@@@@                            107      ",
    "           32768 |@@@@@@@@@                                72       ",
    "           65536 |@@@                                      28       ",
    "          131072 |                                         3        ",
    "          262144 |                                         0        ",
    "          524288 |                                         1        ",
    "         1048576 |                                         1        ",
    "         2097152 |                                         0        ",
    "",
    "",
  ].join('\n');
  assert.equal(formatAggregations([agg]), want);
});

test('Dynamic Tracing Guide writes.d: @numWrites[execname] = count()', () => {
  // The Guide prints "dtrace 1" before "date 1" (an older libdtrace without the key tie-break);
  // dt_aggregate_valkeycmp breaks equal values by key, so "date" comes first.
  const entries = [['dtrace', 1], ['date', 1], ['bash', 3], ['grep', 20], ['file', 197], ['ls', 201]].map(([k, v]) => ({
    keys: [str(k as string)],
    value: BigInt(v as number),
  }));
  const want = [
    "  date                                                              1",
    "  dtrace                                                            1",
    "  bash                                                              3",
    "  grep                                                             20",
    "  file                                                            197",
    "  ls                                                              201",
    "",
  ].join('\n');
  assert.equal(formatAggregations([{ name: 'numWrites', fn: 'count', entries }]), want);
});

test('two string keys: "  %-50s" each, then " %16lld" (dt_print_bytes, dt_print_datum)', () => {
  const entries = [['sshd', 'read', 12], ['bash', 'write', 3], ['bash', 'read', 3]].map(([a, b, v]) => ({
    keys: [str(a as string), str(b as string)],
    value: BigInt(v as number),
  }));
  const want = [
    "  bash                                                read                                                              3",
    "  bash                                                write                                                             3",
    "  sshd                                                read                                                             12",
    "",
  ].join('\n');
  assert.equal(formatAggregations([{ name: '', fn: 'count', entries }]), want);
});

test('the anonymous @ without keys prints only its value line; an empty printa() prints "\n"', () => {
  assert.equal(formatAggregations([{ name: '', fn: 'count', entries: [{ keys: [], value: 5n }] }]), "                5\n");
  assert.equal(formatPrinta(undefined, [{ name: '', fn: 'count', entries: [] }]), '\n');
  assert.equal(formatAggregations([{ name: '', fn: 'count', entries: [] }]), '');
});

test('lquantize(x, 0, 100, 10) with "< 0" and ">= 100" rows (dt_print_lquantize)', () => {
  const agg: Aggregation = {
    name: '',
    fn: 'lquantize',
    params: { lo: 0n, hi: 100n, step: 10n },
    entries: [{ keys: [], value: lq(0n, 10n, 10, [[-5, 1], [-1, 1], [50, 1], [150, 1]]) }],
  };
  const want = [
    "",
    "           value  ------------- Distribution ------------- count    ",
    "             < 0 |@@@@@@@@@@@@@@@@@@@@                     2        ",
    "               0 |                                         0        ",
    "              10 |                                         0        ",
    "              20 |                                         0        ",
    "              30 |                                         0        ",
    "              40 |                                         0        ",
    "              50 |@@@@@@@@@@                               1        ",
    "              60 |                                         0        ",
    "              70 |                                         0        ",
    "              80 |                                         0        ",
    "              90 |                                         0        ",
    "          >= 100 |@@@@@@@@@@                               1        ",
    "",
    "",
  ].join('\n');
  assert.equal(formatAggregations([agg]), want);
});

test('llquantize(x, 2, 0, 3, 4): "< 1", the linear rows, ">= 16" (dt_print_llquantize)', () => {
  const agg: Aggregation = {
    name: '',
    fn: 'llquantize',
    params: { factor: 2n, lmag: 0n, hmag: 3n, nsteps: 4n },
    entries: [{ keys: [], value: llq(9, [2n, 0n, 3n, 4n], [0, 3, 7, 7, 13]) }],
  };
  const want = [
    "",
    "           value  ------------- Distribution ------------- count    ",
    "             < 1 |@@@@@@@@                                 1        ",
    "               1 |                                         0        ",
    "               2 |                                         0        ",
    "               3 |@@@@@@@@                                 1        ",
    "               4 |                                         0        ",
    "               6 |@@@@@@@@@@@@@@@@                         2        ",
    "               8 |                                         0        ",
    "              12 |@@@@@@@@                                 1        ",
    "           >= 16 |                                         0        ",
    "",
    "",
  ].join('\n');
  assert.equal(formatAggregations([agg]), want);
});

test('negative counts (negative increments): bars left of "|", or both sides (dt_print_quantline)', () => {
  // The same rows Oracle's dtrace-utils expects for its "negvals" and "allvals" cases
  // (test/unittest/aggs/tst.llquantize_basic.r), which come out of the same dt_print_quantline.
  const negOnly: Aggregation = { name: '', fn: 'quantize', entries: [{ keys: [], value: q([[2, -1]]) }] };
  assert.equal(formatAggregations([negOnly]), [
    "",
    "           value  ------------- Distribution ------------- count    ",
    "               1                                         | 0        ",
    "               2 @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@| -1       ",
    "               4                                         | 0        ",
    "",
    "",
  ].join('\n'));
  const mixed: Aggregation = { name: '', fn: 'quantize', entries: [{ keys: [], value: q([[1, 1], [2, -1]]) }] };
  assert.equal(formatAggregations([mixed]), [
    "",
    "           value  ------------- Distribution ------------- count    ",
    "               0                     |                     0        ",
    "               1                     |@@@@@@@@@@           1        ",
    "               2           @@@@@@@@@@|                     -1       ",
    "               4                     |                     0        ",
    "",
    "",
  ].join('\n'));
  const cleared: Aggregation = { name: '', fn: 'quantize', entries: [{ keys: [], value: q([]) }] };
  assert.equal(formatAggregations([cleared]), [
    "",
    "           value  ------------- Distribution ------------- count    ",
    "              -1 |                                         0        ",
    "               0 |                                         0        ",
    "               1 |                                         0        ",
    "",
    "",
  ].join('\n'));
});

test('avg, min, max, stddev and sum values; normalize() divides as unsigned (dt_print_datum)', () => {
  const k = [str('x')];
  const aggs: Aggregation[] = [
    { name: 'avg', id: 1, fn: 'avg', entries: [{ keys: k, value: { count: 2n, total: -7n } }] },
    { name: 'min', id: 2, fn: 'min', entries: [{ keys: k, value: -5n }] },
    { name: 'max', id: 3, fn: 'max', entries: [{ keys: k, value: 9n }] },
    { name: 'sd', id: 4, fn: 'stddev', entries: [{ keys: k, value: { count: 8n, total: 40n, sumsq: 232n } }] },
    // (long long)x / normal with a uint64_t normal: -10 / 3 is (2^64 - 10) / 3.
    { name: 'norm', id: 5, fn: 'sum', normal: 3n, entries: [{ keys: [str('n')], value: -10n }, { keys: [str('p')], value: 10n }] },
  ];
  const want = [
    "  x                                                                -3",
    "  x                                                                -5",
    "  x                                                                 9",
    "  x                                                                 2",
    "  n                                                  6148914691236517202",
    "  p                                                                 3",
    "",
  ].join('\n');
  assert.equal(formatAggregations(aggs), want);
});

test('stack keys: a newline, frames indented by stackindent (14), then the value (dt_print_stack)', () => {
  const agg: Aggregation = {
    name: '',
    fn: 'count',
    entries: [{ keys: [{ type: 'stack', frames: ['vmlinux`do_sys_open+0x1c', 'vmlinux`__x64_sys_openat+0x20'] }], value: 7n }],
  };
  const want = [
    "",
    "              vmlinux`do_sys_open+0x1c",
    "              vmlinux`__x64_sys_openat+0x20",
    "                7",
    "",
  ].join('\n');
  assert.equal(formatAggregations([agg]), want);
  assert.equal(formatAggregations([agg], { stackindent: 2 }).split('\n')[1], '  vmlinux`do_sys_open+0x1c');
});

test('an empty string key is not printable as a string: dt_print_bytes dumps its record', () => {
  // c[0] == '\\0' at i == 0 fails the "string" test, so the strsize-byte record is hex dumped.
  const agg: Aggregation = { name: '', fn: 'count', entries: [{ keys: [str('')], value: 1n }] };
  const want = [
    "",
    "             0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f  0123456789abcdef",
    "         0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................",
    "                1",
    "",
  ].join('\n');
  assert.equal(formatAggregations([agg], { strsize: 16 }), want)
});

test('agghist: count() as one bar per key under a "key" header (dt_print_quanthdr, dt_print_datum)', () => {
  const agg: Aggregation = { name: '', fn: 'count', entries: [{ keys: [str('b')], value: 3n }, { keys: [str('a')], value: 1n }] };
  const want = [
    "",
    "              key  ------------- Distribution ------------- count    ",
    "                a |@@@@@@@@@@                               1        ",
    "                b |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@           3        ",
    "",
  ].join('\n');
  assert.equal(formatAggregations([agg], { agghist: true }), want);
});

test('aggzoom: the tallest bar is 95% of 40 columns (dt_quantize_total)', () => {
  const agg: Aggregation = { name: '', fn: 'quantize', entries: [{ keys: [], value: q([[1, 2], [2, 1]]) }] };
  const want = [
    "",
    "           value  ------------- Distribution ------------- count    ",
    "               0 |                                         0        ",
    "               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@   2        ",
    "               2 |@@@@@@@@@@@@@@@@@@@                      1        ",
    "               4 |                                         0        ",
    "",
    "",
  ].join('\n');
  assert.equal(formatAggregations([agg], { aggzoom: true }), want);
});

test('encoding=utf8: block elements in eighths (dt_print_quantline_utf8)', () => {
  // 2 of 3: 26.67 columns = 26 full blocks and 5/8 (U+258B); 1 of 3: 13 and 2/8 (U+258E).
  const agg: Aggregation = { name: '', fn: 'quantize', entries: [{ keys: [], value: q([[1, 2], [2, 1]]) }] };
  const want = [
    "",
    "           value  ------------- Distribution ------------- count    ",
    "               0 |                                         0        ",
    "               1 |\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u258b              2        ",
    "               2 |\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u258e                           1        ",
    "               4 |                                         0        ",
    "",
    "",
  ].join('\n');
  assert.equal(formatAggregations([agg], { encoding: 'utf8' }), want);
});

test('aggpercpu: "\\n    [CPU n]" and each CPU\'s value after the total (Oracle dtrace-utils dt_print_aggs)', () => {
  const agg: Aggregation = {
    name: '',
    fn: 'count',
    entries: [{ keys: [str('x')], value: 5n, percpu: [{ cpu: 0, value: 2n }, { cpu: 1, value: 3n }] }],
  };
  const want = [
    "  x                                                                 5",
    "    [CPU 0]                2",
    "    [CPU 1]                3",
    "",
  ].join('\n');
  assert.equal(formatAggregations([agg], { aggpercpu: true }), want);
  assert.equal(formatAggregations([agg]), "  x                                                                 5\n");
});

test('printa() with a format: keys feed plain conversions, values feed %@ (dt_printf_format)', () => {
  const c: Aggregation = { name: 'c', fn: 'count', entries: [{ keys: [str('sshd')], value: 12n }, { keys: [str('bash')], value: 3n }] };
  assert.equal(formatPrinta('%-10s %@d\n', [c]), 'bash       3\nsshd       12\n');
  assert.equal(formatPrinta('%@8u|%s\n', [c]), '       3|bash\n      12|sshd\n');
  // %@ conversions beyond the aggregations re-convert the last one.
  assert.equal(formatPrinta('%@d %@d\n', [{ name: '', fn: 'sum', entries: [{ keys: [], value: 5n }] }]), '5 5\n');
  // pfprint_average divides in uint64: an average of -7 / 2 is (2^64 - 7) / 2.
  const avg: Aggregation = { name: '', fn: 'avg', entries: [{ keys: [], value: { count: 2n, total: -7n } }] };
  assert.equal(formatPrinta('%@d\n', [avg]), '9223372036854775804\n');
  // normalize(@, 3) then %@d: pfprint_sint divides by the normal.
  assert.equal(formatPrinta('%@d\n', [{ name: '', fn: 'sum', normal: 3n, entries: [{ keys: [], value: 10n }] }]), '3\n');
  // A %@ on a quantize() prints the whole distribution.
  const hist: Aggregation = { name: '', fn: 'quantize', entries: [{ keys: [str('k')], value: q([[1, 1]]) }] };
  assert.equal(formatPrinta('%s:%@d\n', [hist]), "k:\n           value  ------------- Distribution ------------- count    \n               0 |                                         0        \n               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        \n               2 |                                         0        \n\n");
  assert.throws(() => formatPrinta('%s %s %@d\n', [c]), PrintaFormatError);
});

test('printa() conversions: * widths from keys, %x of a value, %k stacks, symbols (dt_printf_format)', () => {
  // A `*` width consumes a key (dt_printf_getint), before the key the conversion prints.
  const w: Aggregation = { name: '', fn: 'count', entries: [{ keys: [int(5, 4), str('ab')], value: 3n }] };
  assert.equal(formatPrinta('%*s|%@d\n', [w]), '   ab|3\n');
  assert.equal(formatPrinta('%-*s|%@d\n', [w]), 'ab   |3\n');
  // pfprint_uint: %@x of a sum() of -1 is the uint64 bit pattern.
  const s: Aggregation = { name: '', fn: 'sum', entries: [{ keys: [], value: -1n }] };
  assert.equal(formatPrinta('%@x %@d\n', [s]), 'ffffffffffffffff -1\n');
  // pfprint_stack: indent 0 (stackindent is overridden), one frame a line.
  const st: Aggregation = { name: '', fn: 'count', entries: [{ keys: [{ type: 'stack', frames: ['k`a+0x1', 'k`b'] }], value: 7n }] };
  assert.equal(formatPrinta('%k%@d\n', [st]), '\nk`a+0x1\nk`b\n7\n');
  // Resolved sym()/mod() keys print as text, by %a as by %s.
  const sym: Aggregation = { name: '', fn: 'count', entries: [{ keys: [{ type: 'sym', value: 'vmlinux`vfs_read' }], value: 2n }] };
  assert.equal(formatPrinta('%-20a %@3d\n', [sym]), 'vmlinux`vfs_read       2\n');
});

test('sym() and mod() keys print "  %-50s" (dt_print_sym, dt_print_mod)', () => {
  const agg: Aggregation = {
    name: '',
    fn: 'count',
    entries: [
      { keys: [{ type: 'sym', value: 'vmlinux`vfs_read', addr: 0xffffffff81000000n }], value: 2n },
      { keys: [{ type: 'mod', value: 'ext4', addr: 0xffffffffc0000000n }], value: 4n },
    ],
  };
  const want = [
    "  vmlinux`vfs_read                                                  2",
    "  ext4                                                              4",
    "",
  ].join('\n');
  assert.equal(formatAggregations([agg]), want);
});

test('printa(@a, @b): joined by key, zero-filled, sorted by the first value (dtrace_aggregate_walk_joined)', () => {
  const a: Aggregation = { name: 'a', id: 1, fn: 'count', entries: [{ keys: [str('x')], value: 1n }, { keys: [str('y')], value: 5n }] };
  const b: Aggregation = { name: 'b', id: 2, fn: 'sum', entries: [{ keys: [str('y')], value: 1n }, { keys: [str('z')], value: 9n }] };
  assert.equal(formatPrinta('%s %@d %@d\n', [a, b]), 'z 0 9\nx 1 0\ny 5 1\n');
  assert.equal(formatPrinta('%s %@d %@d\n', [a, b], { aggsortpos: 1 }), 'x 1 0\ny 5 1\nz 0 9\n');
  assert.equal(formatPrinta('%s %@d %@d\n', [a, b], { aggsortkey: true, aggsortrev: true }), 'z 0 9\ny 5 1\nx 1 0\n');
  const want = [
    "",
    "  z                                                                 0                9",
    "  x                                                                 1                0",
    "  y                                                                 5                1",
    "",
  ].join('\n');
  assert.equal(formatPrinta(undefined, [a, b]), want);
});

test('trunc(@, n) keeps the n largest, trunc(@, -n) the n smallest (dt_trunc)', () => {
  const agg: Aggregation = {
    name: '',
    fn: 'sum',
    entries: [['a', 3], ['b', 1], ['c', 7], ['d', 5]].map(([k, v]) => ({ keys: [str(k as string)], value: BigInt(v as number) })),
  };
  assert.equal(formatAggregations([truncAggregation(agg, 2)]), [
    "  d                                                                 5",
    "  c                                                                 7",
    "",
  ].join('\n'));
  assert.equal(formatAggregations([truncAggregation(agg, -2)]), [
    "  b                                                                 1",
    "  a                                                                 3",
    "",
  ].join('\n'));
});
