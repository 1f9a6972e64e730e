// Probe descriptions: right-anchored fields, the kernel alias, and DTrace's glob patterns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDescription, compileDescription, matchesProbe } from '../../../kmod/probes/describe.js';
import { fieldMatcher } from '../../../kmod/probes/glob.js';
import type { Probe } from '../../../kmod/probes/probe.js';

const fields = (t: string) => { const d = parseDescription(t); return [d.provider, d.module, d.func, d.name]; };

test('fewer than four fields anchor at the right', () => {
  assert.deepEqual(fields('BEGIN'), ['', '', '', 'BEGIN']);
  assert.deepEqual(fields('read:entry'), ['', '', 'read', 'entry']);
  assert.deepEqual(fields('vmlinux:read:entry'), ['', 'vmlinux', 'read', 'entry']);
  assert.deepEqual(fields('syscall::open*:'), ['syscall', '', 'open*', '']);
  assert.deepEqual(fields('fbt:::'), ['fbt', '', '', '']);
});

test('kernel is an alias of the module vmlinux', () => {
  assert.deepEqual(fields('fbt:kernel:vfs_read:entry'), ['fbt', 'vmlinux', 'vfs_read', 'entry']);
});

test('colons inside [...] do not split fields', () => {
  assert.deepEqual(fields('syscall::[:r]ead:entry'), ['syscall', '', '[:r]ead', 'entry']);
});

test('more than four fields is an error', () => {
  assert.throws(() => parseDescription('a:b:c:d:e'));
});

const globs: [string, string, boolean][] = [
  ['open*', 'openat', true], ['open*', 'open', true], ['open*', 'xopen', false],
  ['?ead', 'read', true], ['?ead', 'pread', false], ['[rw]ead', 'read', true], ['[rw]ead', 'lead', false],
  ['[!r]ead', 'read', false], ['[!r]ead', 'lead', true], ['[a-c]*', 'brk', true], ['[a-c]*', 'dup', false],
  ['vfs_re\\*', 'vfs_re*', true], ['vfs_re\\*', 'vfs_read', false], ['a.b', 'a.b', true], ['a.b', 'axb', false],
  ['sched_sw*', 'sched_switch', true], ['', 'anything', true], ['*', '', true],
];
for (const [pat, s, want] of globs) {
  test(`glob ${JSON.stringify(pat)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(s)}`, () => {
    const m = fieldMatcher(pat);
    assert.equal(m ? m(s) : true, want);
  });
}

test('a description matches a probe field by field', () => {
  const p: Probe = { id: 7, provider: 'syscall', module: 'vmlinux', func: 'openat', name: 'return', attach: { kind: 'tracepoint', group: 'syscalls', event: 'sys_exit_openat' } };
  const yes = ['syscall::openat:return', 'openat:return', 'syscall:::', 'syscall::open*:', ':::return', 'syscall:kernel::', 'return'];
  const no = ['syscall::openat:entry', 'fbt:::', 'syscall:foo::', 'open:return'];
  for (const d of yes) assert.ok(matchesProbe(compileDescription(parseDescription(d)), p), d);
  for (const d of no) assert.ok(!matchesProbe(compileDescription(parseDescription(d)), p), d);
});
