// How a query's result is shown: tables for lists of objects, DTrace's histogram for buckets, the
// text of scalars, JSON for the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderResult, renderHistogram, renderTable } from '../../../shell/query/render.js';

test('a list of entries is a table: key (not keys), numbers to the right', () => {
  const out = renderResult([{ keys: ['bash', 1], key: 'bash, 1', value: 3 }, { keys: ['cron', 2], key: 'cron, 2', value: 40 }]);
  assert.equal(out, [
    '┌─────────┬───────┐',
    '│ key     │ value │',
    '├─────────┼───────┤',
    '│ bash, 1 │     3 │',
    '├─────────┼───────┤',
    '│ cron, 2 │    40 │',
    '└─────────┴───────┘',
    '',
  ].join('\n'));
});

test('every field met is a column; arrays are joined, objects JSON, long cells cut', () => {
  const out = renderTable([{ a: 1, tags: ['x', 'y'] }, { b: { c: 1 }, a: 'z'.repeat(80) }], { maxCell: 10 });
  assert.match(out, /│ a +│ tags +│ b +│/);
  assert.match(out, /│ x, y │/);
  assert.match(out, /│ \{"c":1\} │/);
  assert.match(out, /│ zzzzzzzzz… │/);
});

test('tables stop at maxRows and say how many rows are left', () => {
  const rows = Array.from({ length: 30 }, (_, i) => ({ i }));
  const out = renderResult(rows, { maxRows: 5 });
  assert.equal(out.split('\n').filter((l) => /│ +\d+ │/.test(l)).length, 5);
  assert.match(out, /… 25 more rows \(30 in all; \[\[0\.\.N\]\] picks some\)\n$/);
});

test('bucket lists are histograms, labelled by their low bound', () => {
  const out = renderResult([{ lo: 1024, hi: 2048, count: 3 }, { lo: 2048, hi: 4096, count: 1 }]);
  assert.equal(out, [
    '',
    '           value  ------------- Distribution ------------- count    ',
    '            1024 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@           3        ',
    '            2048 |@@@@@@@@@@                               1        ',
    '',
  ].join('\n'));
  assert.match(renderHistogram([{ lo: null, hi: 0, count: 1 }, { lo: 10, hi: null, count: 1 }]), /\n +< 0 \|[\s\S]*\n +>= 10 \|/);
});

test('entries with buckets: each key, then its histogram', () => {
  const out = renderResult([{ keys: ['read'], key: 'read', buckets: [{ lo: 8, hi: 16, count: 2 }] }, { keys: ['write'], key: 'write', buckets: [{ lo: 1, hi: 2, count: 5 }] }]);
  assert.match(out, /^  read\n\n +value +-+ Distribution -+ count +\n +8 \|@+ +2 +\n\n  write\n/);
  assert.match(renderResult({ keys: [], key: '', buckets: [{ lo: 0, hi: 1, count: 1 }] }), /^\n +value/);
});

test('scalars as text, nothing as (no result), the rest as JSON', () => {
  assert.equal(renderResult(42), '42\n');
  assert.equal(renderResult('bash'), 'bash\n');
  assert.equal(renderResult(true), 'true\n');
  assert.equal(renderResult(undefined), '(no result)\n');
  assert.equal(renderResult([1, 2, 3]), '[1,2,3]\n');
  assert.equal(renderResult({ a: 1 }), '{"a":1}\n');
  const long = renderResult({ a: 'x'.repeat(120) });
  assert.equal(long, `{\n  "a": "${'x'.repeat(120)}"\n}\n`);
});

test('one entry alone is a table of one row', () => {
  assert.match(renderResult({ keys: [12], key: '12', value: 3 }), /│ key │ value │\n├─+┼─+┤\n│ 12  │     3 │/);
});
