// Tests for shell/format/trace.ts: probe lines, trace() output, byte dumps, stacks, notices, drops and faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FAULT, createFlowIndenter, cpuDropMessage, cropDescription, faultName, flowKind, flowPrefix, formatFault,
  formatLibError, hexDump, matchedMessage, probeHeader, probeLine, recordEnd, statusDropMessage, traceBytes,
  traceInt, traceMemory, traceStack, traceString, traceSym,
} from '../../../shell/format/trace.js';

const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const ascii = (s: string, size: number): Uint8Array => {
  const b = new Uint8Array(size);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
};

test('probe heading and lines', () => {
  assert.equal(probeHeader(), 'CPU     ID                    FUNCTION:NAME\n');
  assert.equal(probeHeader({ quiet: true }), '');
  assert.equal(probeLine(0, 1, '', 'BEGIN'), '  0      1                           :BEGIN ');
  assert.equal(probeLine(1, 1443, 'openat', 'return'), '  1   1443' + ' '.repeat(1 + 32 - 13) + 'openat:return ');
  assert.equal(probeLine(12, 123456, 'a_function_with_a_rather_long_name', 'entry'),
    ' 12 123456 a_function_with_a_rather_long_name:entry ');
  assert.equal(probeLine(0, 1, '', 'BEGIN', { quiet: true }), '');
  assert.equal(recordEnd(), '\n');
  assert.equal(recordEnd({ quiet: true }), '');
  // a whole record: dtrace -n 'BEGIN { trace(1); trace("hello") }'
  assert.equal(probeHeader() + probeLine(0, 1, '', 'BEGIN') + traceInt(1n, 4) + traceString('hello') + recordEnd(),
    'CPU     ID                    FUNCTION:NAME\n' +
    '  0      1                           :BEGIN ' + /* " %8d" */ ' ' + '1'.padStart(8) + /* "  %-33s" */ '  hello' + ' '.repeat(28) + '\n');
});

test('flowindent heading and lines', () => {
  assert.equal(probeHeader({ flowindent: true }), 'CPU FUNCTION                                 \n');
  assert.equal(probeHeader({ flowindent: true, quiet: true }), 'CPU FUNCTION                                 \n');
  assert.deepEqual(['entry', 'return', 'func-entry', 'carpentry', 'BEGIN', 'entry-entry'].map(flowKind),
    ['entry', 'return', 'entry', 'none', 'none', 'none']);
  assert.equal(flowPrefix('entry', 'fbt'), ' -> ');
  assert.equal(flowPrefix('return', 'syscall'), ' <= ');
  assert.equal(flowPrefix('none', 'fbt'), '| ');
  const line = createFlowIndenter();
  // "%3d %-41s " of indent + prefix + func (+ ":name" when neither entry nor return)
  const fl = (label: string): string => '  0 ' + label + ' '.repeat(41 - label.length) + ' ';
  assert.equal(line(0, 'syscall', 'read', 'entry'), fl(' => read'));
  assert.equal(line(0, 'fbt', 'vfs_read', 'entry'), fl('   -> vfs_read'));
  assert.equal(line(0, 'profile', 'tick', 'tick-1s'), fl('    | tick:tick-1s'));
  assert.equal(line(0, 'fbt', 'vfs_read', 'return'), fl('   <- vfs_read'));
  assert.equal(line(0, 'syscall', 'read', 'return'), fl(' <= read'));
  assert.equal(line(0, 'syscall', 'read', 'return'), fl(' <= read'));
});

test('trace() of integers: width by size, 1- and 2-byte values unsigned', () => {
  const rows: [bigint, 1 | 2 | 4 | 8, string, string][] = [
    [1n, 8, '                1', '1'],
    [-1n, 8, '               -1', '-1'],
    [18446744073709551615n, 8, '               -1', '-1'],
    [1234567890123456789n, 8, ' 1234567890123456789', '1234567890123456789'],
    [-1n, 4, '       -1', '-1'],
    [4294967295n, 4, '       -1', '-1'],
    [123456789n, 4, ' 123456789', '123456789'],
    [-1n, 2, ' 65535', '65535'],
    [42n, 2, '    42', '42'],
    [-1n, 1, ' 255', '255'],
    [7n, 1, '   7', '7'],
  ];
  for (const [v, size, normal, quiet] of rows) {
    assert.equal(traceInt(v, size), normal, `${v} size ${size}`);
    assert.equal(traceInt(v, size, { quiet: true }), quiet);
  }
  assert.equal(traceInt(5, 4), '        5');
});

test('trace() of strings', () => {
  assert.equal(traceString('hello'), '  hello                            ');
  assert.equal(traceString('hello', { quiet: true }), 'hello');
  assert.equal(traceString('a string longer than thirty-three bytes'), '  a string longer than thirty-three bytes');
  assert.equal(traceString('tab\there'), '  tab\there                         ');
  // a string filling its whole buffer has no NUL: "  %-33s" even under -q
  assert.equal(traceString('abcd', { strsize: 4, quiet: true }), '  abcd                             ');
  // the same from raw bytes
  assert.equal(traceBytes(ascii('hello', 32)), '  hello                            ');
  assert.equal(traceBytes(ascii('hello', 32), { quiet: true }), 'hello');
  assert.equal(traceBytes(ascii('abcd', 4), { quiet: true }), '  abcd                             ');
  // an empty string starts with its NUL, so it is dumped as bytes
  const empty = traceString('', { strsize: 16 });
  assert.equal(empty, '\n' +
    '             0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f  0123456789abcdef\n' +
    '         0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n');
  assert.equal(traceString(''), hexDump(new Uint8Array(256)));
  // non-printable text is dumped too
  assert.equal(traceString('\u00e9', { strsize: 4 }), '\n' +
    '             0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f  0123456789abcdef\n' +
    '         0: c3 a9 00 00                                      ....\n');
  // bytes after the NUL that are not NUL make it binary
  assert.equal(traceBytes(bytes(0x41, 0, 0x42)), hexDump(bytes(0x41, 0, 0x42)));
  // -x rawbytes dumps everything
  assert.equal(traceString('hi', { rawbytes: true, strsize: 2 }), hexDump(bytes(0x68, 0x69)));
  assert.equal(traceBytes(new Uint8Array(0)), '');
});

test('the hex dump matches the Dynamic Tracing Guide example', () => {
  const data = bytes(
    0xc0, 0xde, 0x09, 0xc2, 0x4a, 0xe8, 0x27, 0x54, 0xdc, 0xf8, 0x9f, 0xf1, 0x9a, 0x20, 0x4b, 0xd1,
    0x9c, 0x7a, 0x7a, 0x85, 0x1b, 0x03, 0x0a, 0xfb, 0x3a, 0x81, 0x8a, 0x1b, 0x25, 0x35, 0xb3, 0x9a,
  );
  assert.equal(traceBytes(data), '\n' +
    '             0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f  0123456789abcdef\n' +
    '         0: c0 de 09 c2 4a e8 27 54 dc f8 9f f1 9a 20 4b d1  ....J.\'T..... K.\n' +
    '        10: 9c 7a 7a 85 1b 03 0a fb 3a 81 8a 1b 25 35 b3 9a  .zz.....:...%5..\n');
  // "  0    342                      write:entry " then the dump
  assert.equal(probeLine(0, 342, 'write', 'entry'), '  0    342                      write:entry ');
});

test('tracemem() always dumps; short last rows are padded', () => {
  const data = new Uint8Array(20).map((_, i) => 0x41 + i);
  assert.equal(traceMemory(data), '\n' +
    '             0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f  0123456789abcdef\n' +
    '         0: 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50  ABCDEFGHIJKLMNOP\n' +
    '        10: 51 52 53 54                                      QRST\n');
  const big = new Uint8Array(0x110);
  assert.ok(traceMemory(big).includes('\n       100: 00 00'));
});

test('trace() of stacks and symbols', () => {
  const frames = ['genunix`cv_wait+0x2c', 'unix`_resume'];
  assert.equal(traceStack(frames), '\n              genunix`cv_wait+0x2c\n              unix`_resume\n');
  assert.equal(traceStack(frames, { stackindent: 2 }), '\n  genunix`cv_wait+0x2c\n  unix`_resume\n');
  assert.equal(traceStack([]), '\n');
  assert.equal(traceSym('genunix`cv_wait'), '  genunix`cv_wait' + ' '.repeat(50 - 15));
});

test('matched probes notices', () => {
  assert.equal(cropDescription('syscall::openat:entry { trace(1); }'), 'syscall::openat:entry ');
  assert.equal(cropDescription('BEGIN/pid/'), 'BEGIN');
  assert.equal(cropDescription('BEGIN'), 'BEGIN');
  assert.equal(matchedMessage('description', 'BEGIN', 1), "dtrace: description 'BEGIN' matched 1 probe\n");
  assert.equal(matchedMessage('description', 'syscall::open*:entry ', 2),
    "dtrace: description 'syscall::open*:entry ' matched 2 probes\n");
  assert.equal(matchedMessage('script', 'x.d', 0), "dtrace: script 'x.d' matched 0 probes\n");
  assert.equal(matchedMessage('script', 'x.d', 3, { quiet: true }), '');
});

test('drop messages', () => {
  assert.equal(cpuDropMessage(1, 12), 'dtrace: 12 drops on CPU 1\n');
  assert.equal(cpuDropMessage(0, 1), 'dtrace: 1 drop on CPU 0\n');
  assert.equal(cpuDropMessage(3, 5n, true), 'dtrace: 5 aggregation drops on CPU 3\n');
  assert.equal(statusDropMessage('dynamic', 7), 'dtrace: 7 dynamic variable drops\n');
  assert.equal(statusDropMessage('dynrinse', 1), 'dtrace: 1 dynamic variable drop with non-empty rinsing list\n');
  assert.equal(statusDropMessage('dyndirty', 2), 'dtrace: 2 dynamic variable drops with non-empty dirty list\n');
  assert.equal(statusDropMessage('spec', 1), 'dtrace: 1 speculative drop\n');
  assert.equal(statusDropMessage('specbusy', 2), 'dtrace: 2 failed speculations (available buffer(s) still busy)\n');
  assert.equal(statusDropMessage('specunavail', 1), 'dtrace: 1 failed speculation (no speculative buffer available)\n');
  assert.equal(statusDropMessage('stkstroverflow', 3), 'dtrace: 3 jstack()/ustack() string table overflows\n');
  assert.equal(statusDropMessage('dblerror', 2), 'dtrace: 2 errors in ERROR probe enabling\n');
});

test('fault messages', () => {
  const probe = { epid: 2, probeId: 1443, provider: 'syscall', module: 'vmlinux', func: 'openat', name: 'return' };
  assert.equal(formatFault({ ...probe, fault: FAULT.BADADDR, addr: 3n, action: 1 }),
    'dtrace: error on enabled probe ID 2 (ID 1443: syscall:vmlinux:openat:return): invalid address (0x3) in action #1\n');
  assert.equal(formatFault({ ...probe, fault: FAULT.BADADDR, addr: 0n, action: 2, offset: 28 }),
    'dtrace: error on enabled probe ID 2 (ID 1443: syscall:vmlinux:openat:return): invalid address (0x0) in action #2 at DIF offset 28\n');
  assert.equal(formatFault({ ...probe, fault: FAULT.DIVZERO, addr: 5n, action: 0 }),
    'dtrace: error on enabled probe ID 2 (ID 1443: syscall:vmlinux:openat:return): divide-by-zero in predicate\n');
  assert.equal(formatFault({ ...probe, fault: FAULT.BADALIGN, addr: -1n, action: 1, offset: -1 }),
    'dtrace: error on enabled probe ID 2 (ID 1443: syscall:vmlinux:openat:return): invalid alignment (0xffffffffffffffff) in action #1\n');
  assert.equal(formatLibError(probe, 'couldn\'t freopen() "/x": Permission denied'),
    'dtrace: error on enabled probe ID 2 (ID 1443: syscall:vmlinux:openat:return): couldn\'t freopen() "/x": Permission denied\n');
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000, 0, 42].map(faultName), [
    'invalid address', 'invalid alignment', 'illegal operation', 'divide-by-zero', 'out of scratch space',
    'invalid kernel access', 'invalid user access', 'tuple stack overflow', 'bad stack', 'library-level fault',
    'unknown fault', 'unknown fault',
  ]);
});
