// Queries: the README's examples over a known model, `@name` expansion, `$prev`, one-line errors with
// the column where they were typed, and the native fast paths giving exactly jsonata's results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileQuery, evaluateQuery, QueryError } from '../../../shell/query/evaluate.js';
import { expandShorthand, originalColumn } from '../../../shell/query/shorthand.js';
import { emptyModel, type QueryEntry, type SessionModel } from '../../../shell/query/model.js';

function model(): SessionModel {
  const m = emptyModel();
  const counts: QueryEntry[] = [['bash', 3], ['cron', 40], ['sshd', 12], ['make', 40], ['cc', 7], ['ld', 1]].map(([k, v]) => ({ keys: [k], key: String(k), value: v as number }));
  const bytes: QueryEntry[] = [['bash', 300], ['cron', 4000], ['ld', 5]].map(([k, v]) => ({ keys: [k], key: String(k), value: v as number }));
  m.aggregations.counts = { name: 'counts', fn: 'count', entries: counts };
  m.aggregations.bytes = { name: 'bytes', fn: 'sum', entries: bytes };
  m.aggregations.lat = {
    name: 'lat', fn: 'quantize', entries: [{
      keys: [], key: '', buckets: [{ lo: 262144, hi: 524288, count: 4 }, { lo: 1048576, hi: 2097152, count: 6 }, { lo: 2097152, hi: 4194304, count: 1 }],
    }],
  };
  m.aggregations[''] = { name: '', fn: 'count', entries: [{ keys: [], key: '', value: 9 }] };
  m.probes = [{ id: 1, description: 'syscall::read:entry', probes: 1, firings: 52 }];
  m.errors = 2;
  return m;
}

const plain = (v: unknown) => JSON.parse(JSON.stringify(v ?? null));

test('the README examples', async () => {
  const m = model();
  // top 5 keys of @counts by value (ties in the order they come)
  assert.deepEqual(plain(await evaluateQuery('@counts^(>value)[[0..4]].key', m)), ['cron', 'make', 'sshd', 'cc', 'bash']);
  assert.deepEqual(
    plain(await evaluateQuery('$sort(aggregations.counts.entries, function($a,$b){$a.value<$b.value})[[0..4]].key', m)),
    ['cron', 'make', 'sshd', 'cc', 'bash'],
  );
  // sum of a quantize's buckets above 1 ms (values in ns)
  assert.equal(await evaluateQuery('$sum(@lat.buckets[lo >= 1000000].count)', m), 7);
  // keys whose value grew since the last query
  const prev = model();
  prev.aggregations.counts.entries = prev.aggregations.counts.entries.filter((e) => e.key !== 'cc').map((e) => (e.key === 'sshd' ? { ...e, value: 2 } : e));
  assert.deepEqual(plain(await evaluateQuery('( $p := $prev.@counts{key: value}; @counts[value > ($lookup($p, key) ?? 0)].key )', m, prev)), ['sshd', 'cc']);
  // a join of two aggregations on their keys
  assert.deepEqual(plain(await evaluateQuery('( $b := @bytes{key: value}; @counts[key in $keys($b)].{"key": key, "calls": value, "bytes": $lookup($b, key)} )', m)), [
    { key: 'bash', calls: 3, bytes: 300 }, { key: 'cron', calls: 40, bytes: 4000 }, { key: 'ld', calls: 1, bytes: 5 },
  ]);
});

test('@name, @ (the anonymous aggregation), $prev.@name; the whole model', async () => {
  const m = model();
  assert.equal(await evaluateQuery('$count(@counts)', m), 6);
  assert.equal(await evaluateQuery('@.value', m), 9);
  assert.equal(await evaluateQuery('$prev.@counts', m), undefined, 'no previous snapshot: an empty model');
  assert.equal(await evaluateQuery('$count($prev.@counts)', m, m), 6);
  assert.equal(await evaluateQuery('aggregations.counts.fn', m), 'count');
  assert.equal(await evaluateQuery('probes[0].firings + errors', m), 54);
  // inside a predicate @name still means the root's aggregation
  assert.deepEqual(plain(await evaluateQuery('@counts[key in @bytes.key].value', m)), [3, 40, 1]);
  assert.deepEqual(compileQuery('@nope.value + @counts').missing(m), ['nope']);
});

test('@ expansion leaves strings, names in backquotes, comments, regexes and @$var alone', () => {
  assert.equal(expandShorthand('"@a" & \'@b\'').text, '"@a" & \'@b\'');
  assert.equal(expandShorthand('`@a`').text, '`@a`');
  assert.equal(expandShorthand('/* @a */ 1').text, '/* @a */ 1');
  assert.equal(expandShorthand('$match(x, /@a/)').text, '$match(x, /@a/)');
  assert.equal(expandShorthand('a@$v.b').text, 'a@$v.b');
  assert.equal(expandShorthand('@x').text, '$$.aggregations.`x`.entries');
  assert.equal(expandShorthand('$prev.@x').text, '$prev.aggregations.`x`.entries');
  assert.equal(expandShorthand('@ ').text, '$lookup($$.aggregations, "").entries ');
  assert.deepEqual(expandShorthand('@a + @b + @a').names, ['a', 'b']);
  const x = expandShorthand('@counts + foo(');
  assert.equal(originalColumn(x, x.text.length), 14);
});

async function failure(expr: string, m = model()): Promise<QueryError> {
  try {
    await evaluateQuery(expr, m);
  } catch (e) {
    assert.ok(e instanceof QueryError, String(e));
    return e;
  }
  assert.fail(`${expr} did not fail`);
}

test('bad queries: one line, with the column in the text as typed', async () => {
  assert.equal((await failure('@counts[')).line(), 'column 8: Expected "]" before end of expression');
  assert.equal((await failure('@counts.value +')).line(), 'column 15: Unexpected end of expression');
  assert.equal((await failure('  $nosuch(@counts)')).line(), 'column 10: Attempted to invoke a non-function');
  assert.match((await failure('@counts.(value + "x")')).line(), /^column 16: The right side of the "\+" operator must evaluate to a number$/);
  assert.match((await failure('"abc')).line(), /^column \d+: String literal must be terminated by a matching quote$/);
  assert.equal((await failure('   ')).line(), 'empty query');
  for (const e of ['@counts[', '@counts.(', '$sum(']) assert.doesNotMatch((await failure(e)).line(), /\n/);
});

test('a query that runs too long is stopped', async () => {
  const q = compileQuery('$reduce([1..2000000], function($a, $b) { $a + $b })', { timeoutMs: 50 });
  await assert.rejects(q.evaluate(model()), (e: unknown) => e instanceof QueryError && /ran longer than 50 ms/.test(e.message));
});

// ---- the fast paths give jsonata's own results ------------------------------------------------

function fuzzModel(n: number, seed: number): SessionModel {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) % 1000) / 1000;
  const m = model();
  m.aggregations.c = {
    name: 'c', fn: 'count', entries: Array.from({ length: n }, (_, i) => {
      const k = `k${Math.floor(rnd() * 50)}`;
      return { keys: [k, i], key: `${k}, ${i}`, value: Math.floor(rnd() * 8) };
    }),
  };
  m.aggregations.one = { name: 'one', fn: 'count', entries: [{ keys: [1], key: '1', value: 1 }] };
  m.aggregations.mixed = { name: 'mixed', fn: 'count', entries: [{ keys: [1], key: '1', value: 1 }, { keys: [2], key: '2', value: 'x' as unknown as number }] };
  return m;
}

const EXPRS = [
  '@c^(>value)[[0..4]]', '@c^(value)', '@c^(>value, key)', '@c^(>value).key', '@c^(>value)[0]', '@c^(>value)[-1]', '@c^(>value)[[1, 3, 3]]',
  '@c^(>value)[[0..2]].key', '@c^(>value)[[0..5]][value > 3]', '@c^(>value)[value > 3][[0..1]]', '@c^(keys[0], >value)[[0..9]]',
  '@c^(>value)[[0..3]]^(key)', '@c^(>value)[[2..6]]', '@c^(>value)[[-3..-1]]', '@c^(>$string(value))[[0..3]]', '@c^(>value){key: value}',
  '$sort(@c, function($a, $b) { $a.value < $b.value })[[0..4]]', '$sort(@c, function($a, $b) { $a.value > $b.value })',
  '$sort(@c, function($a, $b) { $a.key > $b.key })[[0..2]]', '$sort(@c, function($a, $b) { $a.value <= $b.value })',
  '$sort(@c.value)', '$sort([3, 1, 2])', '$sort(@c)', '@c[[0..2]]', '@c[[-2..-1]]', '(@c)[[0..1]]', '@c.keys[[0]]', 'aggregations.*.entries[[0]]',
  '@c^(>missing)[[0..2]]', '@c^(keys)', '@mixed^(value)', '@one^(value)', '@none^(value)', '[@c^(>value)[[0..1]], @c^(value)[[0..1]]]',
  '@c^(>value)[[0..2]].{"k": key, "v": value}', '$map([1, 2], function($i) { @c^(>value)[[0..$i]].key })', '@c[value > 5]^(>key)[[0]]',
  '$count(@c^(>value)[[0..1000]])', '@c^(>value)[[0..1]]@$e.$e.key', '@c#$i[$i < 2]^(>value).key', '$sort(@mixed, function($a, $b) { $a.value < $b.value })',
  '@c.$sort(keys)', '@c^(>value)[[0.5..2]]',
];

test('the native fast paths give jsonata\'s results and errors', async () => {
  for (const seed of [1, 2, 3]) {
    const m = fuzzModel(40, seed);
    for (const e of EXPRS) {
      const run = async (optimize: boolean) => {
        try {
          return { v: plain(await compileQuery(e, { optimize }).evaluate(m)) };
        } catch (err) {
          return { code: (err as QueryError).code ?? (err as Error).message };
        }
      };
      assert.deepEqual(await run(true), await run(false), `${e} (seed ${seed})`);
    }
  }
});
