// Pasted sessions: prompts stripped, previous output skipped, clauses complete when braces balance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripPrompt, isOutputLine, clauseComplete } from '../../../shell/repl/paste.js';
import { shellWords } from '../../../shell/repl/dtrace-line.js';

test('shell prompts are stripped', () => {
  const cases: [string, string][] = [
    ["$ dtrace -n 'BEGIN'", "dtrace -n 'BEGIN'"],
    ['# dtrace -l', 'dtrace -l'],
    ['root@host:~# dtrace -l', 'dtrace -l'],
    ['user@box:/tmp$ dtrace -n syscall::read:entry', 'dtrace -n syscall::read:entry'],
    ['user@box:/tmp: load', 'load'],
    ['dtsh> .load', '.load'],
    ['syscall::read:entry { trace(1) }', 'syscall::read:entry { trace(1) }'],
    ['.probe fbt::vfs_read:', '.probe fbt::vfs_read:'],
  ];
  for (const [line, want] of cases) assert.equal(stripPrompt(line), want, line);
});

test('a previous run\'s output is recognised', () => {
  const out = [
    "dtrace: description 'syscall::open*:' matched 12 probes",
    "dtrace: script 'x.d' matched 3 probes",
    'CPU     ID                    FUNCTION:NAME',
    '  0    398                     openat:entry /etc/ld.so.cache',
    '  1  18624                      open:entry ',
    'dtrace: pid 1234 has exited',
    '           value  ------------- Distribution ------------- count    ',
    '               4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 12       ',
    'Probes available: 114988',
  ];
  for (const l of out) assert.ok(isOutputLine(l), l);
  for (const l of ['syscall::read:entry', '.load', 'BEGIN { exit(0); }', "dtrace -n 'BEGIN'"]) assert.ok(!isOutputLine(l), l);
});

test('clauses complete when their braces balance, strings and comments aside', () => {
  assert.ok(clauseComplete('syscall::read:entry'));
  assert.ok(!clauseComplete('syscall::read:entry,'));
  assert.ok(!clauseComplete('syscall::read:entry {'));
  assert.ok(clauseComplete('syscall::read:entry {\n  @ = count();\n}'));
  assert.ok(!clauseComplete('BEGIN { printf("}"); '));
  assert.ok(clauseComplete('BEGIN { printf("{"); }'));
  assert.ok(!clauseComplete('BEGIN { /* } */'));
});

test('dtrace arguments are split like a shell splits them', () => {
  assert.deepEqual(shellWords(`-n syscall::open*:'{printf("%s", stringof(arg0));}'`), ['-n', 'syscall::open*:{printf("%s", stringof(arg0));}']);
  assert.deepEqual(shellWords(`-qn "BEGIN { exit(0) }" -x strsize=16`), ['-qn', 'BEGIN { exit(0) }', '-x', 'strsize=16']);
});
