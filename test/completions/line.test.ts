// What Tab completes on a dtsh input line: dot-commands, probe descriptions, D words, paths, aggregations, dtrace flags.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeLine, type LineCompletion, type LineContext } from '../../completions/line.js';
import { placeAtEnd } from '../../completions/d-place.js';
import { ProbeIndex } from '../../completions/probe-index.js';
import { fixtureTable } from './fixture.js';
import { DTRACE_FLAGS } from '../../completions/dtrace-flags.js';

const probes = ProbeIndex.build(fixtureTable().all());
let dir = '';
const COMMANDS = ['load', 'probe', 'list', 'enabled', 'disable', 'stop', 'go', 'clear', 'query', 'save', 'help', 'quit', 'print', 'source'];
const ctx = (): LineContext => ({
  commands: COMMANDS.map((name) => ({ name })),
  probes,
  names: { aggregations: ['count', 'bytes'], selfVars: ['ts'], thisVars: [] },
  cwd: dir,
});

/** Completes at the end of the line (or at the `|` in it). */
function at(text: string, c: Partial<LineContext> = {}): LineCompletion {
  const cursor = text.includes('|') ? text.indexOf('|') : text.length;
  return completeLine(text.replace('|', ''), cursor, { ...ctx(), ...c });
}
const texts = (r: LineCompletion) => r.candidates.map((c) => c.text);
/** The line after Tab inserted `common`. */
const tab = (text: string, c: Partial<LineContext> = {}) => {
  const r = at(text, c);
  const line = text.replace('|', '');
  return line.slice(0, r.replaceFrom) + r.common + line.slice(r.replaceTo);
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dtsh-complete-'));
  mkdirSync(join(dir, 'scripts'));
  writeFileSync(join(dir, 'scripts', 'opens.d'), '');
  writeFileSync(join(dir, 'scripts', 'reads.d'), '');
  writeFileSync(join(dir, 'scripts', 'notes.txt'), '');
  writeFileSync(join(dir, 'session.dtsh'), '');
  writeFileSync(join(dir, '.hidden'), '');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('dot-command names', () => {
  const r = at('.pro');
  assert.deepEqual(texts(r), ['.probe']);
  assert.equal(r.replaceFrom, 0);
  assert.equal(tab('.pro'), '.probe');
  assert.deepEqual(texts(at('.q')), ['.query', '.quit']);
  assert.equal(tab('.q'), '.qu');
  assert.equal(at('.').total, 14);
  assert.equal(tab('  .sa'), '  .save');
  assert.deepEqual(texts(at('.pr', { commands: ['.probe', 'print', { name: '.probe' }] })), ['.print', '.probe']);
});

test('probe descriptions after .probe and .list', () => {
  assert.equal(tab('.probe sys'), '.probe syscall:');
  assert.equal(tab('.list syscall::openat:'), '.list syscall::openat:');
  assert.deepEqual(at('.list syscall::openat:').candidates, [
    { text: 'syscall::openat:entry', count: 1 }, { text: 'syscall::openat:return', count: 1 },
  ]);
  assert.equal(tab('.list fbt::vfs_rea'), '.list fbt::vfs_read');
  assert.equal(at('.list fbt::vfs_rea').replaceFrom, 6);
});

test('probe descriptions at the start of a bare clause, after commas and on later lines', () => {
  assert.equal(tab('syscall::open'), 'syscall::open');
  assert.deepEqual(at('syscall::open').candidates.map((c) => `${c.text}(${c.count})`), [
    'syscall::open:(2)', 'syscall::open_by_handle_at:(2)', 'syscall::open_tree:(2)', 'syscall::open_tree_attr:(2)',
    'syscall::openat:(2)', 'syscall::openat2:(2)',
  ]);
  assert.equal(tab('sdt:sched::sched_swi'), 'sdt:sched::sched_switch');
  assert.equal(tab('syscall::openat:entry,syscall::close:r'), 'syscall::openat:entry,syscall::close:return');
  assert.equal(tab('BEG'), 'BEGIN');
  assert.equal(tab('syscall::read:entry { } syscall::read:r'), 'syscall::read:entry { } syscall::read:return');
  assert.equal(tab('syscall::openat2:e|ntry'), 'syscall::openat2:entryntry', 'the text after the cursor stays');
});

test('the probe list is cut at the limit, with the total kept', () => {
  const r = at('fbt::', { limit: 10 });
  assert.equal(r.candidates.length, 10);
  assert.equal(r.total, 495);
});

test('without a probe index, descriptions are not completed', () => {
  const r = at('syscall::op', { probes: undefined });
  assert.deepEqual(r.candidates, []);
  assert.equal(tab('syscall::op', { probes: undefined }), 'syscall::op');
});

test('D words inside a predicate or a clause body', () => {
  assert.equal(tab('syscall::openat:entry /exec'), 'syscall::openat:entry /execname');
  assert.equal(tab('syscall::openat:entry /pid == 1/ { trace(copyinst'), 'syscall::openat:entry /pid == 1/ { trace(copyinstr');
  assert.deepEqual(texts(at('BEGIN { @[probefunc] = qu')), ['quantize']);
  assert.deepEqual(texts(at('.probe syscall::read:entry { self->')), ['ts']);
  assert.deepEqual(texts(at('BEGIN { printa(@')), ['@bytes', '@count']);
  assert.deepEqual(texts(at('BEGIN { printf("exec')), [], 'nothing inside a string');
  assert.deepEqual(texts(at('BEGIN { /* exec')), [], 'nothing inside a comment');
  assert.deepEqual(texts(at('  timest', { pending: 'syscall::read:entry\n{' })), ['timestamp'], 'a later line of a clause');
  assert.deepEqual(texts(at('sysc', { pending: 'BEGIN { x = 1; }' })), ['syscall:'], 'a new clause after a finished one');
});

test('where the end of D text lies', () => {
  assert.equal(placeAtEnd('syscall::read:entry'), 'description');
  assert.equal(placeAtEnd('syscall::read:entry /arg0 / 2'), 'predicate', 'a / followed by more is a division');
  assert.equal(placeAtEnd('syscall::read:entry /arg0 > 2/ '), 'description');
  assert.equal(placeAtEnd('syscall::read:entry /arg0 > 2/ { x = "}'), 'string');
  assert.equal(placeAtEnd('a { b { } '), 'body');
  assert.equal(placeAtEnd('a { } // c { '), 'comment');
  assert.equal(placeAtEnd('#pragma D option q'), 'control');
});

test('file paths for .save and .source, relative to the working directory', () => {
  assert.deepEqual(texts(at('.save s')), ['scripts/', 'session.dtsh']);
  assert.equal(tab('.save se'), '.save session.dtsh');
  assert.equal(tab('.source scr'), '.source scripts/');
  assert.deepEqual(texts(at('.source scripts/')), ['scripts/notes.txt', 'scripts/opens.d', 'scripts/reads.d']);
  assert.equal(at('.source scripts/o').replaceFrom, 8);
  assert.deepEqual(texts(at('.save .h')), ['.hidden'], 'dot files only when asked for');
  assert.deepEqual(texts(at('.save nosuchdir/x')), []);
  assert.equal(at('.save s').candidates[0].kind, 'directory');
});

test('aggregation names for .print, .clear and .query', () => {
  assert.deepEqual(texts(at('.print ')), ['@bytes', '@count']);
  assert.equal(tab('.print @c'), '.print @count');
  assert.equal(tab('.clear b'), '.clear @bytes');
  assert.deepEqual(texts(at('.query @x')), []);
});

test('dot-command names after .help; nothing after commands without arguments', () => {
  assert.deepEqual(texts(at('.help pr')), ['print', 'probe']);
  assert.deepEqual(texts(at('.help .q')), ['.query', '.quit']);
  assert.deepEqual(texts(at('.go x')), []);
  assert.deepEqual(texts(at('.enabled ', { argKinds: { enabled: 'probe' } })).length, 4, 'kinds can be given');
});

test('dtrace typed at the prompt: flags, probe arguments, options and scripts', () => {
  assert.equal(tab('dtrace -n sys'), 'dtrace -n syscall:');
  assert.equal(tab('dtrace -l -n syscall::openat:e'), 'dtrace -l -n syscall::openat:entry');
  assert.equal(tab('dtrace -ln fbt::vfs_rea'), 'dtrace -ln fbt::vfs_read');
  assert.equal(tab('dtrace -nsdt:sched::sched_swi'), 'dtrace -nsdt:sched::sched_switch');
  assert.equal(tab("dtrace -n 'syscall::openat:e"), "dtrace -n 'syscall::openat:entry");
  assert.equal(tab("dtrace -n 'syscall::openat:entry { @[exe"), "dtrace -n 'syscall::openat:entry { @[execname");
  assert.equal(tab('dtrace -P sy'), 'dtrace -P syscall');
  assert.equal(tab('dtrace -m fbt:ex'), 'dtrace -m fbt:ext4');
  assert.equal(tab('dtrace -f vfs_readl'), 'dtrace -f vfs_readlink');
  assert.equal(tab('dtrace -x str'), 'dtrace -x strsize');
  assert.equal(tab('dtrace -O json-'), 'dtrace -O json-doc');
  assert.equal(tab('dtrace -qO te'), 'dtrace -qO text');
  assert.deepEqual(texts(at('dtrace -x aggsort')), ['aggsortkey', 'aggsortkeypos', 'aggsortpos', 'aggsortrev']);
  assert.deepEqual(texts(at('dtrace -x bufsize=')), []);
  assert.deepEqual(texts(at('dtrace -s scripts/')), ['scripts/opens.d', 'scripts/reads.d']);
  assert.deepEqual(texts(at('dtrace -q')), ['-q']);
  assert.equal(at('dtrace -').total, DTRACE_FLAGS.length);
  assert.deepEqual(texts(at('dtrace -n BEGIN ')), [], 'operands are not completed');
  assert.deepEqual(texts(at('dtrace -i 1')), []);
  assert.equal(tab('dtra'), 'dtrace:', 'a lone word is a probe description');
  assert.equal(tab('dtrace:'), 'dtrace:::');
});
