// Every aggregating function against the kernel, with hand-computed expected output in DTrace's format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtrace } from '../../helpers/run.js';
import { triggerPath } from '../../helpers/trigger.js';
import { kernelTest } from '../../kernel-gate.js';

/** Runs `body` in BEGIN (values are computed by the BPF code) and returns what dtrace -q printed. */
function begin(body: string, args: string[] = []): string {
  const r = dtrace(['-q', ...args, '-n', `BEGIN { ${body} exit(0); }`]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const v = (n: number | bigint) => ` ${String(n).padStart(16)}`;

test('count, sum, avg, min, max and stddev compute in the kernel and print one value line each', kernelTest(), () => {
  const out = begin(
    '@c = count(); @c = count(); @s = sum(-5); @s = sum(12); @a = avg(3); @a = avg(4); @mn = min(7); @mn = min(-2);' +
    '@mx = max(7); @mx = max(-2);' +
    // population standard deviation of 2 4 4 4 5 5 7 9: mean 5, variance 4
    '@sd = stddev(2); @sd = stddev(4); @sd = stddev(4); @sd = stddev(4); @sd = stddev(5); @sd = stddev(5); @sd = stddev(7); @sd = stddev(9);',
  );
  // avg(3, 4) is 3: DTrace divides integers
  assert.equal(out, ['', v(2), v(7), v(3), v(-2), v(7), v(2), ''].join('\n'));
});

test('stddev of large and negative values uses a 128-bit sum of squares', kernelTest(), () => {
  // {-1e9, 1e9}: mean 0, deviation 1e9; {3e9, 5e9}: squares sum to 3.4e19 > 2^64, deviation 1e9; same negated
  const out = begin('@a = stddev(-1000000000); @a = stddev(1000000000); @b = stddev(3000000000); @b = stddev(5000000000);' +
    '@c = stddev(-3000000000); @c = stddev(-5000000000);');
  assert.equal(out, ['', v(1000000000), v(1000000000), v(1000000000), ''].join('\n'));
});

const HEADER = '           value  ------------- Distribution ------------- count    ';
const row = (label: string, ats: number, count: number) => `${label.padStart(16)} |${'@'.repeat(ats).padEnd(40)} ${String(count).padEnd(9)}`;

test('quantize: power-of-two buckets, negatives, one zero row on each side', kernelTest(), () => {
  const out = begin('@q = quantize(0); @q = quantize(1); @q = quantize(-1); @q = quantize(1000); @q = quantize(1024);');
  // five values, 40 columns: 8 '@' each
  const rows = [row('-2', 0, 0), row('-1', 8, 1), row('0', 8, 1), row('1', 8, 1)];
  for (let b = 2; b <= 256; b *= 2) rows.push(row(String(b), 0, 0));
  rows.push(row('512', 8, 1), row('1024', 8, 1), row('2048', 0, 0));
  assert.equal(out, ['', '', HEADER, ...rows, '', ''].join('\n'));
});

test('lquantize: the < lo and >= hi rows, and linear buckets of the step', kernelTest(), () => {
  const out = begin('@l = lquantize(-5, 0, 10, 2); @l = lquantize(3, 0, 10, 2); @l = lquantize(10, 0, 10, 2);');
  // three values: 40 / 3 = 13.3, rounded to 13 '@'
  const rows = [row('< 0', 13, 1), row('0', 0, 0), row('2', 13, 1), row('4', 0, 0), row('6', 0, 0), row('8', 0, 0), row('>= 10', 13, 1)];
  assert.equal(out, ['', '', HEADER, ...rows, '', ''].join('\n'));
});

test('llquantize: the edge buckets of each order of magnitude', kernelTest(), () => {
  // factor 10, magnitudes 0..2, 10 steps: below 1 | 1..9 | 10, 20 .. 90 | 100, 200 .. 900 | >= 1000
  const out = begin('@l = llquantize(0, 10, 0, 2, 10); @l = llquantize(9, 10, 0, 2, 10); @l = llquantize(10, 10, 0, 2, 10);' +
    '@l = llquantize(99, 10, 0, 2, 10); @l = llquantize(100, 10, 0, 2, 10); @l = llquantize(999, 10, 0, 2, 10); @l = llquantize(1000, 10, 0, 2, 10);');
  const counts = new Map([['< 1', 1], ['9', 1], ['10', 1], ['90', 1], ['100', 1], ['900', 1], ['>= 1000', 1]]);
  const labels = ['< 1', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(String), ...[10, 20, 30, 40, 50, 60, 70, 80, 90].map(String),
    ...[100, 200, 300, 400, 500, 600, 700, 800, 900].map(String), '>= 1000'];
  // seven values: 40 / 7 = 5.7, rounded to 6 '@'; rows run from the first to the last non-empty bucket
  const rows = labels.map((l) => row(l, counts.has(l) ? 6 : 0, counts.get(l) ?? 0));
  assert.equal(out, ['', '', HEADER, ...rows, '', ''].join('\n'));
});

test('keyed aggregations sort by value, then key; string and integer keys in DTrace\'s columns', kernelTest(), () => {
  const out = begin('@k["b", (int)2] = sum(3); @k["a", (int)1] = sum(5); @k["a", (int)2] = sum(1);');
  const line = (s: string, n: number, val: number) => `  ${s.padEnd(50)} ${String(n).padStart(8)}${v(val)}`;
  assert.equal(out, ['', line('a', 2, 1), line('b', 2, 3), line('a', 1, 5), ''].join('\n'));
});

test('printa with a format, several aggregations joined on their keys', kernelTest(), () => {
  const out = begin('@n["x"] = count(); @n["y"] = count(); @n["y"] = count(); @t["x"] = sum(10); @t["y"] = sum(20);' +
    'printa("%s %@d %@d\\n", @n, @t);');
  // the final newline is dtrace(1M)'s own at exit, printed before the (empty) aggregation print
  assert.equal(out, 'x 1 10\ny 2 20\n\n');
});

test('trunc keeps the top values; clear zeroes the values but keeps the keys; normalize divides', kernelTest(), () => {
  const out = begin('@a["p"] = sum(1); @a["q"] = sum(2); @a["r"] = sum(3); trunc(@a, 2); printa(@a);' +
    '@b["k"] = sum(7); clear(@b); printa(@b); @c = sum(100); normalize(@c, 10); printa(@c);');
  const line = (s: string, val: number) => `  ${s.padEnd(50)}${v(val)}`;
  assert.equal(out, ['', line('q', 2), line('r', 3), '', line('k', 0), '', v(10), '', ''].join('\n'));
});

test('real events: @[execname] counts exactly the command\'s getppid calls', kernelTest(), () => {
  const r = dtrace(['-q', '-n', 'syscall::getppid:entry /pid == $target/ { @[execname] = count(); @s[pid] = sum(1); @m = max(arg0); }', '-c', `${triggerPath()} getppid 4242`]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.match(lines[0], /^ {2}trigger-[\d.]+ +4242$/);
  assert.match(lines[1], /^ +\d+ +4242$/);
  assert.equal(lines[2], v(0));
});

test('a full aggregation map counts its drops and dtrace reports them', kernelTest(), () => {
  // aggsize 16k makes room for 1024 keys: 3000 distinct timestamps cannot all fit
  const e = dtrace(['-q', '-x', 'aggsize=16k', '-n', 'syscall::getppid:entry /pid == $target/ { @[timestamp] = count(); }', '-c',
    `${triggerPath()} getppid 3000`]);
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stderr, /^dtrace: \d+ aggregation drops? on CPU \d+$/m);
  const keys = e.stdout.split('\n').filter(Boolean).length;
  const drops = [...e.stderr.matchAll(/(\d+) aggregation drops?/g)].reduce((n, m) => n + Number(m[1]), 0);
  assert.equal(keys + drops, 3000);
});

test('aggsortkey, aggsortrev, aggsortpos and aggpercpu change the exit print as in DTrace', kernelTest(), () => {
  const body = '@["b"] = sum(1); @["a"] = sum(3); @["c"] = sum(2);';
  const line = (s: string, val: number) => `  ${s.padEnd(50)}${v(val)}`;
  assert.equal(begin(body, ['-x', 'aggsortkey']), ['', line('a', 3), line('b', 1), line('c', 2), ''].join('\n'));
  assert.equal(begin(body, ['-x', 'aggsortrev']), ['', line('a', 3), line('c', 2), line('b', 1), ''].join('\n'));
  assert.equal(begin(body, ['-x', 'aggsortkey', '-x', 'aggsortrev']), ['', line('c', 2), line('b', 1), line('a', 3), ''].join('\n'));
  // printa of two aggregations sorted by the second one's values (aggsortpos=1)
  const two = begin('@x["p"] = sum(1); @x["q"] = sum(2); @y["p"] = sum(20); @y["q"] = sum(10); printa("%s %@d %@d\\n", @x, @y);',
    ['-x', 'aggsortpos=1']);
  assert.equal(two, 'q 2 10\np 1 20\n\n');
  // aggpercpu: a line per CPU after each value; BEGIN runs on one CPU, so one of them holds it all
  const per = begin('@n = count(); @n = count();', ['-x', 'aggpercpu']).split('\n');
  assert.equal(per[1], v(2));
  const cpus = per.slice(2).filter((l) => /^ {4}\[CPU \d+\]/.test(l));
  assert.ok(cpus.length >= 1);
  assert.deepEqual(cpus.map((l) => /(\d+)$/.exec(l)![1]).map(Number).sort((a, b) => b - a)[0], 2);
});
