// Tab inside .query and .watch: aggregation names after @, the model's fields after a dot, an entry's
// fields inside @name[...] and @name^(...), $prev and functions after $.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeLine, type LineCompletion, type LineContext } from '../../../completions/line.js';
import { QUERY_FIELDS, queryEntryFields } from '../../../completions/query-expr.js';
import { aggregationModel } from '../../../shell/query/model.js';

const ctx: LineContext = {
  commands: ['query', 'watch', 'quit'].map((name) => ({ name })),
  names: { aggregations: ['counts', 'lat', 'bytes'] },
  aggregationFns: { counts: 'count', lat: 'quantize', bytes: 'sum', avgs: 'avg' },
};

function at(text: string): LineCompletion {
  return completeLine(text, text.length, ctx);
}
const texts = (r: LineCompletion) => r.candidates.map((c) => c.text);
const tab = (text: string) => {
  const r = at(text);
  const insert = r.candidates.length === 1 ? r.candidates[0].text : r.common;
  return text.slice(0, r.replaceFrom) + insert;
};

test('aggregation names after @', () => {
  assert.equal(tab('.query @c'), '.query @counts');
  assert.deepEqual(texts(at('.query $sum(@')), ['@bytes', '@counts', '@lat']);
  assert.equal(tab('.query $prev.@la'), '.query $prev.@lat');
  assert.deepEqual(texts(at('.query @x')), []);
});

test('fields after a dot, by what the path is', () => {
  assert.deepEqual(texts(at('.query @counts.')), ['key', 'keys', 'value']);
  assert.deepEqual(texts(at('.query @avgs.')), ['count', 'key', 'keys', 'total', 'value']);
  assert.deepEqual(texts(at('.query @lat.')), ['buckets', 'key', 'keys']);
  assert.deepEqual(texts(at('.query @lat.buckets.')), ['count', 'hi', 'lo']);
  assert.deepEqual(texts(at('.query aggregations.')), ['avgs', 'bytes', 'counts', 'lat']);
  assert.deepEqual(texts(at('.query aggregations.lat.')), ['entries', 'fn', 'name', 'params']);
  assert.deepEqual(texts(at('.query aggregations.lat.entries.b')), ['buckets']);
  assert.deepEqual(texts(at('.query $prev.dr')), ['drops']);
  assert.deepEqual(texts(at('.query drops.')), ['aggregation', 'buffer', 'dynamic', 'speculative']);
  assert.deepEqual(texts(at('.query probes.f')), ['firings']);
  assert.deepEqual(texts(at('.query @counts[value > 3].k')), ['key', 'keys']);
  assert.deepEqual(texts(at('.query @counts^(>value)[[0..4]].v')), ['value']);
  assert.deepEqual(texts(at('.query @counts.keys.')), []);
});

test('entry fields inside a filter or an order-by; the model at the top', () => {
  assert.deepEqual(texts(at('.query @counts[va')), ['value']);
  assert.deepEqual(texts(at('.query @counts^(>v')), ['value']);
  assert.deepEqual(texts(at('.query @lat[keys[0] = 1 and b')), ['buckets']);
  assert.deepEqual(texts(at('.query ')), ['aggregations', 'drops', 'errors', 'probes']);
  assert.deepEqual(texts(at('.query $count(pr')), ['probes']);
});

test('$prev and functions after $', () => {
  assert.deepEqual(texts(at('.query $p')), ['$prev']);
  assert.ok(texts(at('.query $s')).includes('$sum'));
});

test('.watch completes its expression after the interval (and -n COUNT)', () => {
  assert.equal(tab('.watch 1 @c'), '.watch 1 @counts');
  assert.equal(tab('.watch -n 3 0.5 @counts.v'), '.watch -n 3 0.5 @counts.value');
  assert.deepEqual(texts(at('.watch 1')), []);
});

test('completion offers exactly the fields the model builds', () => {
  // the model takes its field lists from completion; check real model objects have those fields
  const agg = aggregationModel({ name: 'a', fn: 'count', entries: [{ keys: [{ type: 'int', value: 1n }], value: 2n }] });
  assert.deepEqual(Object.keys(agg).filter((k) => k !== 'params'), QUERY_FIELDS.aggregation.filter((k) => k !== 'params'));
  assert.deepEqual(Object.keys(agg.entries[0]), queryEntryFields('count'));
});
