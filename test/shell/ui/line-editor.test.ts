// The prompt's editing keys as pure state transitions (readline's behaviour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edit, emptyEditor, type EditKey, type EditorState } from '../../../shell/ui/line-editor.js';

const history = ['.load', 'syscall::read:entry { @ = count(); }', '.print', 'BEGIN { exit(0) }'];
const run = (keys: EditKey[], start: EditorState = emptyEditor(history.length)) => keys.reduce((s, k) => edit(s, k, history), start);
const type = (t: string): EditKey => ({ kind: 'insert', text: t });

test('typing, moving and deleting', () => {
  const s = run([type('syscall::read:'), { kind: 'left' }, { kind: 'backspace' }, type('X'), { kind: 'end' }, type('entry')]);
  assert.equal(s.text, 'syscall::reaX:entry');
  assert.equal(s.cursor, s.text.length);
  assert.equal(run([type('abc'), { kind: 'home' }, { kind: 'delete' }]).text, 'bc');
});

test('Ctrl-W kills the word before the cursor, Ctrl-U the line before it, Ctrl-K after it', () => {
  assert.equal(run([type('.probe syscall::read:entry')].concat([{ kind: 'killWord' }])).text, '.probe ');
  const mid = run([type('hello world'), { kind: 'wordLeft' }]);
  assert.equal(mid.cursor, 6);
  assert.equal(edit(mid, { kind: 'killLine' }, history).text, 'world');
  assert.equal(edit(mid, { kind: 'killToEnd' }, history).text, 'hello ');
});

test('Up and Down browse history and come back to the line being typed', () => {
  let s = run([type('draft'), { kind: 'up' }]);
  assert.equal(s.text, 'BEGIN { exit(0) }');
  s = run([{ kind: 'up' }, { kind: 'up' }], s);
  assert.equal(s.text, 'syscall::read:entry { @ = count(); }');
  s = run([{ kind: 'down' }, { kind: 'down' }, { kind: 'down' }], s);
  assert.equal(s.text, 'draft');
  assert.equal(run([{ kind: 'up' }, { kind: 'up' }, { kind: 'up' }, { kind: 'up' }, { kind: 'up' }]).text, '.load');
});

test('Ctrl-R searches history backwards; again finds older matches; Esc restores the draft', () => {
  let s = run([type('x'), { kind: 'search' }, type('.'), type('p')]);
  assert.equal(s.text, '.print');
  s = run([{ kind: 'search' }], run([{ kind: 'search' }, type('count')]));
  assert.equal(s.text, 'syscall::read:entry { @ = count(); }');
  assert.equal(run([type('x'), { kind: 'search' }, type('BEGIN'), { kind: 'cancelSearch' }]).text, 'x');
  const accepted = run([{ kind: 'search' }, type('exit'), { kind: 'end' }, type(' ')]);
  assert.equal(accepted.text, 'BEGIN { exit(0) } ');
  assert.equal(accepted.search, undefined);
});
