// `dtrace -l`: DTrace's columns, filters, and the "does not match any probes" error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtrace } from '../../helpers/run.js';
import { kernelTest } from '../../kernel-gate.js';

const HEADER = '   ID   PROVIDER            MODULE                          FUNCTION NAME';

test('dtrace -l lists every probe under DTrace\'s header', kernelTest(), () => {
  const r = dtrace(['-l']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], HEADER);
  assert.equal(lines[1], '    1     dtrace                                                     BEGIN');
  assert.equal(lines[3], '    3     dtrace                                                     ERROR');
  assert.ok(lines.length > 50000, `${lines.length} lines`);
  assert.ok(lines.some((l) => /^ *\d+ +fbt +vmlinux +vfs_read entry$/.test(l)));
});

test('dtrace -l -n filters, formatting each field at DTrace\'s width', kernelTest(), () => {
  const r = dtrace(['-l', '-n', 'syscall::getppid:']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^ {0,4}\d+ {4}syscall {11}vmlinux {27}getppid entry$/);
  assert.match(lines[2], /getppid return$/);
  const id = Number(lines[1].trim().split(/ +/)[0]);
  assert.equal(lines[1].slice(0, 5), String(id).padStart(5));
});

test('-P, -m and -f select by provider, module and function', kernelTest(), () => {
  const p = dtrace(['-l', '-P', 'dtrace']);
  assert.equal(p.stdout.trimEnd().split('\n').length, 4);
  const f = dtrace(['-l', '-f', 'syscall::getppid']);
  assert.deepEqual(f.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/ +/).pop()), ['entry', 'return']);
  const m = dtrace(['-l', '-m', 'sdt:sched']);
  assert.ok(m.stdout.includes(' sched_switch\n'));
  assert.ok(m.stdout.trimEnd().split('\n').slice(1).every((l) => / +sdt +sched /.test(l)));
});

test('a description that matches nothing is one dtrace: line and exit 1', kernelTest(), () => {
  const r = dtrace(['-l', '-n', 'syscall::nosuch:entry']);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'dtrace: invalid probe specifier syscall::nosuch:entry: probe description syscall::nosuch:entry does not match any probes\n');
});
