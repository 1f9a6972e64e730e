// D words inside a clause: builtins, actions, subroutines, aggregating functions and the session's names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeDWord, type DNames } from '../../completions/d-words.js';
import { builtinVars } from '../../d/builtins.js';
import { actions, aggFunctions, subroutines } from '../../d/functions.js';

const names: DNames = { aggregations: ['count', '@bytes', ''], selfVars: ['ts', 'fd'], thisVars: ['start'], globals: ['total'] };
const texts = (text: string) => completeDWord(text, names).candidates.map((c) => c.text);

test('builtin variables', () => {
  assert.deepEqual(texts('trace(exec'), ['execname']);
  assert.deepEqual(texts('x = arg'), ['arg0', 'arg1', 'arg2', 'arg3', 'arg4', 'arg5', 'arg6', 'arg7', 'arg8', 'arg9']);
  assert.deepEqual(texts('@[probef'), ['probefunc']);
  assert.deepEqual(texts('/pi'), ['pid']);
  assert.deepEqual(texts('ti'), ['tid', 'timestamp']);
});

test('actions, subroutines and aggregating functions, with their kinds', () => {
  const r = completeDWord('{ pri', names);
  assert.deepEqual(r.candidates, [{ text: 'printa', kind: 'action' }, { text: 'printf', kind: 'action' }]);
  assert.equal(r.common, 'print');
  assert.equal(r.from, 2);
  assert.deepEqual(completeDWord('trace(copyinst', names).candidates, [{ text: 'copyinstr', kind: 'subroutine' }]);
  assert.deepEqual(texts('@ = qu'), ['quantize']);
  assert.deepEqual(texts('@ = lq'), ['lquantize']);
  assert.deepEqual(texts('@ = llq'), ['llquantize']);
  assert.deepEqual(texts('@ = std'), ['stddev']);
  assert.deepEqual(completeDWord('trace(strin', names).candidates, [{ text: 'stringof', kind: 'keyword' }]);
});

test('the lists come from d/builtins.ts and d/functions.ts', () => {
  const every = new Set(texts(''));
  for (const n of [...builtinVars.keys(), ...Object.keys(actions), ...Object.keys(subroutines), ...Object.keys(aggFunctions)]) {
    assert.ok(every.has(n), n);
  }
  assert.ok(every.has('total'), 'globals too');
});

test('aggregation names after @', () => {
  const r = completeDWord('printa(@', names);
  assert.deepEqual(r.candidates.map((c) => c.text), ['@', '@bytes', '@count']);
  assert.equal(r.from, 7);
  assert.equal(completeDWord('printa(@co', names).common, '@count');
});

test('self-> and this-> variables', () => {
  assert.deepEqual(texts('self->'), ['fd', 'ts']);
  assert.deepEqual(completeDWord('x = timestamp - self->t', names).candidates, [{ text: 'ts', kind: 'self' }]);
  assert.deepEqual(texts('this->s'), ['start']);
  assert.deepEqual(texts('sel'), ['self->']);
  assert.deepEqual(texts('thi'), ['this->']);
});

test('no candidates for numbers, macros and members of unknown types', () => {
  assert.deepEqual(texts('x = 12'), []);
  assert.deepEqual(texts('$tar'), []);
  assert.deepEqual(texts('curthread->pi'), []);
  assert.deepEqual(texts('nosuchword'), []);
  assert.equal(completeDWord('nosuchword', names).common, 'nosuchword');
});
