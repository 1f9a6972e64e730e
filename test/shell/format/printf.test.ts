// Tests for shell/format/printf.ts: C printf semantics (checked against gcc's C library) and DTrace's own conversions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPrintfArgs, parsePrintfFormat, type ArgKind } from '../../../d/printf-format.js';
import { addr2str, compilePrintf, escapeBytes, formatPrintf, type PrintfValue } from '../../../shell/format/printf.js';

// Local time as UTC, so %Y and %T are deterministic.
process.env.TZ = 'UTC';

const I8: ArgKind = { kind: 'int', size: 1, signed: true, name: 'char' };
const U8: ArgKind = { kind: 'int', size: 1, signed: false, name: 'uchar_t' };
const I16: ArgKind = { kind: 'int', size: 2, signed: true, name: 'short' };
const U16: ArgKind = { kind: 'int', size: 2, signed: false, name: 'ushort_t' };
const F64: ArgKind = { kind: 'float', size: 8, name: 'double' };

function fmt(f: string, kinds: ArgKind[], args: PrintfValue[]): string {
  return compilePrintf(checkPrintfArgs(f, kinds))(args);
}

// Expected outputs produced by gcc/glibc printf(3) with the C format DTrace builds for each case
// (e.g. %d of an int64_t becomes %lld, %d of an unsigned int becomes %u, %x of a char is (uint32_t)(uint8_t)).
const C_TABLE: [string, ArgKind, PrintfValue, string][] = [
  ["%d", 'int', 2147483647n, "2147483647"],
  ["%+d", 'int', 0n, "+0"],
  ["%- d", 'int', -2147483648n, "-2147483648"],
  ["%i", 'int', -1n, "-1"],
  ["%+i", 'int', 2147483647n, "+2147483647"],
  ["%- i", 'int', -1n, "-1"],
  ["%u", 'int', -2147483648n, "2147483648"],
  ["%+u", 'int', 2147483647n, "2147483647"],
  ["%- u", 'int', 255n, "255"],
  ["%o", 'int', 2147483647n, "17777777777"],
  ["%+o", 'int', 2147483647n, "17777777777"],
  ["%- o", 'int', 2147483647n, "17777777777"],
  ["%x", 'int', -1n, "ffffffff"],
  ["%+x", 'int', 255n, "ff"],
  ["%- x", 'int', 1n, "1"],
  ["%X", 'int', 1n, "1"],
  ["%+X", 'int', -2147483648n, "80000000"],
  ["%- X", 'int', -42n, "FFFFFFD6"],
  ["%d", 'uint', 4294967295n, "4294967295"],
  ["%+d", 'uint', 4294967295n, "4294967295"],
  ["%- d", 'uint', 2147483648n, "2147483648"],
  ["%i", 'uint', 0n, "0"],
  ["%+i", 'uint', 42n, "+42"],
  ["%- i", 'uint', 1n, " 1"],
  ["%u", 'uint', 2147483648n, "2147483648"],
  ["%+u", 'uint', 0n, "0"],
  ["%- u", 'uint', 2147483648n, "2147483648"],
  ["%o", 'uint', 1n, "1"],
  ["%+o", 'uint', 42n, "52"],
  ["%- o", 'uint', 1n, "1"],
  ["%x", 'uint', 4294967295n, "ffffffff"],
  ["%+x", 'uint', 42n, "2a"],
  ["%- x", 'uint', 0n, "0"],
  ["%X", 'uint', 4294967295n, "FFFFFFFF"],
  ["%+X", 'uint', 4294967295n, "FFFFFFFF"],
  ["%- X", 'uint', 42n, "2A"],
  ["%d", 'int64', -9223372036854775808n, "-9223372036854775808"],
  ["%+d", 'int64', -1n, "-1"],
  ["%- d", 'int64', 0n, " 0"],
  ["%i", 'int64', 1234567890123n, "1234567890123"],
  ["%+i", 'int64', 9223372036854775807n, "+9223372036854775807"],
  ["%- i", 'int64', 1234567890123n, " 1234567890123"],
  ["%u", 'int64', 9223372036854775807n, "9223372036854775807"],
  ["%+u", 'int64', 0n, "0"],
  ["%- u", 'int64', -9223372036854775808n, "9223372036854775808"],
  ["%o", 'int64', 0n, "0"],
  ["%+o", 'int64', 0n, "0"],
  ["%- o", 'int64', 1234567890123n, "21756176602313"],
  ["%x", 'int64', 1234567890123n, "11f71fb04cb"],
  ["%+x", 'int64', 1234567890123n, "11f71fb04cb"],
  ["%- x", 'int64', 9223372036854775807n, "7fffffffffffffff"],
  ["%X", 'int64', -1n, "FFFFFFFFFFFFFFFF"],
  ["%+X", 'int64', 0n, "0"],
  ["%- X", 'int64', 9223372036854775807n, "7FFFFFFFFFFFFFFF"],
  ["%d", 'uint64', 18446744073709551615n, "18446744073709551615"],
  ["%+d", 'uint64', 1234567890123n, "1234567890123"],
  ["%- d", 'uint64', 0n, "0"],
  ["%i", 'uint64', 1234567890123n, "1234567890123"],
  ["%+i", 'uint64', 18446744073709551615n, "-1"],
  ["%- i", 'uint64', 0n, " 0"],
  ["%u", 'uint64', 0n, "0"],
  ["%+u", 'uint64', 0n, "0"],
  ["%- u", 'uint64', 18446744073709551615n, "18446744073709551615"],
  ["%o", 'uint64', 1234567890123n, "21756176602313"],
  ["%+o", 'uint64', 0n, "0"],
  ["%- o", 'uint64', 1234567890123n, "21756176602313"],
  ["%x", 'uint64', 18446744073709551615n, "ffffffffffffffff"],
  ["%+x", 'uint64', 0n, "0"],
  ["%- x", 'uint64', 0n, "0"],
  ["%X", 'uint64', 0n, "0"],
  ["%+X", 'uint64', 0n, "0"],
  ["%- X", 'uint64', 18446744073709551615n, "FFFFFFFFFFFFFFFF"],
  ["[%5d]", I8, -1n, "[   -1]"],
  ["[%5d]", I8, -128n, "[ -128]"],
  ["[%5i]", I8, -1n, "[   -1]"],
  ["[%5i]", I8, -128n, "[ -128]"],
  ["[%5u]", I8, -1n, "[  255]"],
  ["[%5u]", I8, -128n, "[  128]"],
  ["[%5x]", I8, -1n, "[   ff]"],
  ["[%5x]", I8, -128n, "[   80]"],
  ["[%5o]", I8, -1n, "[  377]"],
  ["[%5o]", I8, -128n, "[  200]"],
  ["[%5c]", I8, -1n, "[    \u00ff]"],
  ["[%5c]", I8, -128n, "[    \u0080]"],
  ["[%5d]", U8, 255n, "[  255]"],
  ["[%5d]", U8, 0n, "[    0]"],
  ["[%5i]", U8, 65n, "[   65]"],
  ["[%5u]", U8, 255n, "[  255]"],
  ["[%5u]", U8, 0n, "[    0]"],
  ["[%5x]", U8, 65n, "[   41]"],
  ["[%5o]", U8, 255n, "[  377]"],
  ["[%5o]", U8, 0n, "[    0]"],
  ["[%5c]", U8, 65n, "[    A]"],
  ["[%5d]", I16, -1n, "[   -1]"],
  ["[%5d]", I16, -32768n, "[-32768]"],
  ["[%5i]", I16, 32767n, "[32767]"],
  ["[%5u]", I16, -1n, "[65535]"],
  ["[%5u]", I16, -32768n, "[32768]"],
  ["[%5x]", I16, 32767n, "[ 7fff]"],
  ["[%5o]", I16, -1n, "[177777]"],
  ["[%5o]", I16, -32768n, "[100000]"],
  ["[%5c]", I16, 32767n, "[    \u00ff]"],
  ["[%5d]", U16, 65535n, "[65535]"],
  ["[%5i]", U16, 65535n, "[   -1]"],
  ["[%5u]", U16, 65535n, "[65535]"],
  ["[%5x]", U16, 65535n, "[ ffff]"],
  ["[%5o]", U16, 65535n, "[177777]"],
  ["[%5c]", U16, 65535n, "[    \u00ff]"],
  ["|%s|", 'string', "", "||"],
  ["|%2.1s|", 'string', "", "|  |"],
  ["|%-10.2s|", 'string', "", "|          |"],
  ["|%0.3s|", 'string', "", "||"],
  ["|%#8s|", 'string', "", "|        |"],
  ["|%+s|", 'string', "", "||"],
  ["|%+2.1s|", 'string', "", "|  |"],
  ["|% 10.2s|", 'string', "", "|          |"],
  ["|%.3s|", 'string', "a", "|a|"],
  ["|%-8s|", 'string', "a", "|a       |"],
  ["|%0s|", 'string', "a", "|a|"],
  ["|%02.1s|", 'string', "a", "| a|"],
  ["|%#10.2s|", 'string', "a", "|         a|"],
  ["|%+.3s|", 'string', "a", "|a|"],
  ["|% 8s|", 'string', "a", "|       a|"],
  ["|%s|", 'string', "hello", "|hello|"],
  ["|%2.1s|", 'string', "hello", "| h|"],
  ["|%-10.2s|", 'string', "hello", "|he        |"],
  ["|%0.3s|", 'string', "hello", "|hel|"],
  ["|%#8s|", 'string', "hello", "|   hello|"],
  ["|%+s|", 'string', "hello", "|hello|"],
  ["|%+2.1s|", 'string', "hello", "| h|"],
  ["|% 10.2s|", 'string', "hello", "|        he|"],
  ["|%.3s|", 'string', "hello, world", "|hel|"],
  ["|%-8s|", 'string', "hello, world", "|hello, world|"],
  ["|%0s|", 'string', "hello, world", "|hello, world|"],
  ["|%02.1s|", 'string', "hello, world", "| h|"],
  ["|%#10.2s|", 'string', "hello, world", "|        he|"],
  ["|%+.3s|", 'string', "hello, world", "|hel|"],
  ["|% 8s|", 'string', "hello, world", "|hello, world|"],
  ["|%s|", 'string', "tab\there", "|tab\there|"],
  ["|%2.1s|", 'string', "tab\there", "| t|"],
  ["|%-10.2s|", 'string', "tab\there", "|ta        |"],
  ["|%0.3s|", 'string', "tab\there", "|tab|"],
  ["|%#8s|", 'string', "tab\there", "|tab\there|"],
  ["|%+s|", 'string', "tab\there", "|tab\there|"],
  ["|%+2.1s|", 'string', "tab\there", "| t|"],
  ["|% 10.2s|", 'string', "tab\there", "|        ta|"],
  ["[%e]", F64, 3.14159265358979, "[3.141593e+00]"],
  ["[%.17e]", F64, 1.7976931348623157e+308, "[1.79769313486231571e+308]"],
  ["[%#.1e]", F64, 1.152921504606847e+18, "[1.2e+18]"],
  ["[%+20.10e]", F64, 1e-05, "[   +1.0000000000e-05]"],
  ["[%0.3e]", F64, 2.5, "[2.500e+00]"],
  ["[%-15e]", F64, -1.5, "[-1.500000e+00  ]"],
  ["[% e]", F64, 0.0, "[ 0.000000e+00]"],
  ["[% .17e]", F64, -0.0, "[-0.00000000000000000e+00]"],
  ["[%.1E]", F64, 1.0, "[1.0E+00]"],
  ["[%#20.10E]", F64, 3.14159265358979, "[    3.1415926536E+00]"],
  ["[%+.3E]", F64, 1e+21, "[+1.000E+21]"],
  ["[%015E]", F64, 3.14159265358979, "[0003.141593E+00]"],
  ["[%-E]", F64, 123456.789, "[1.234568E+05]"],
  ["[%-.17E]", F64, -0.0, "[-0.00000000000000000E+00]"],
  ["[% .1E]", F64, 1e+21, "[ 1.0E+21]"],
  ["[%20.10f]", F64, 0.000123456, "[        0.0001234560]"],
  ["[%#.3f]", F64, 99999.95, "[99999.950]"],
  ["[%+15f]", F64, 9.9999999, "[     +10.000000]"],
  ["[%0f]", F64, -0.0, "[-0.000000]"],
  ["[%0.17f]", F64, 1.152921504606847e+18, "[1152921504606846976.00000000000000000]"],
  ["[%-.1f]", F64, 123456.789, "[123456.8]"],
  ["[% 20.10f]", F64, 1.152921504606847e+18, "[ 1152921504606846976.0000000000]"],
  ["[%.3g]", F64, 99999.95, "[1e+05]"],
  ["[%#15g]", F64, 0.1, "[       0.100000]"],
  ["[%+g]", F64, 5e-324, "[+4.94066e-324]"],
  ["[%+.17g]", F64, 99999.95, "[+99999.949999999997]"],
  ["[%0.1g]", F64, 1e+100, "[1e+100]"],
  ["[%-20.10g]", F64, 1.7976931348623157e+308, "[1.797693135e+308    ]"],
  ["[% .3g]", F64, 1.7976931348623157e+308, "[ 1.8e+308]"],
  ["[%15G]", F64, 1e-05, "[          1E-05]"],
  ["[%#G]", F64, 0.000123456, "[0.000123456]"],
  ["[%#.17G]", F64, 0.5, "[0.50000000000000000]"],
  ["[%+.1G]", F64, 2.5, "[+2]"],
  ["[%020.10G]", F64, -1.5, "[-00000000000000001.5]"],
  ["[%-.3G]", F64, 0.5, "[0.5]"],
  ["[% 15G]", F64, 123456.789, "[         123457]"],
];

test('C conversions match the C library (verified with gcc)', () => {
  for (const [f, kind, v, want] of C_TABLE) {
    assert.equal(fmt(f, [kind], [v]), want, `${f} of ${JSON.stringify(kind)} ${String(v)}`);
  }
});

test('integer size and signedness follow the argument, as in dt_printf.c', () => {
  const rows: [string, ArgKind, PrintfValue, string][] = [
    ['%d', 'int', -1n, '-1'],
    ['%d', 'uint', 4294967295n, '4294967295'],
    ['%d', 'uint', -1n, '4294967295'],
    ['%d', 'int64', -1n, '-1'],
    ['%d', 'uint64', -1n, '18446744073709551615'],
    ['%i', 'uint', 4294967295n, '-1'],
    ['%i', 'uint64', 18446744073709551615n, '-1'],
    ['%u', 'int', -1n, '4294967295'],
    ['%x', 'int', -1n, 'ffffffff'],
    ['%x', 'int64', -1n, 'ffffffffffffffff'],
    ['%x', I8, -1n, 'ff'],
    ['%X', I16, -2n, 'FFFE'],
    ['%o', I8, -1n, '377'],
    ['%d', I8, 255n, '-1'],
    ['%d', U8, 255n, '255'],
    ['%d', I16, 40000n, '-25536'],
    ['%+d', 'uint', 5n, '5'],
    ['%c', 'int', 65n, 'A'],
    ['%c', I8, 0x141n, 'A'],
    ['%5c|', 'int', 0x7an, '    z|'],
    ['%-3c|', 'int', 0x7an, 'z  |'],
    ['%c', 'int', 0n, '\0'],
  ];
  for (const [f, kind, v, want] of rows) assert.equal(fmt(f, [kind], [v]), want, `${f} ${String(v)}`);
});

test("DTrace's quirks are kept", () => {
  // a zero precision is dropped: %.0f prints like %f, %.0d like %d, %.0s prints the whole string
  assert.equal(fmt('%.0f', [F64], [2.5]), '2.500000');
  assert.equal(fmt('%.0d', ['int'], [0n]), '0');
  assert.equal(fmt('%.0s', ['string'], ['abc']), 'abc');
  // '-' then '0': zero padding wins; '0' then '-': left alignment wins
  assert.equal(fmt('[%-05d]', ['int'], [42n]), '[00042]');
  assert.equal(fmt('[%0-5d]', ['int'], [42n]), '[42   ]');
  // %p is hexadecimal without 0x unless '#' is given; %?p is 16 wide
  assert.equal(fmt('%p', ['pointer'], [0xffff8880deadbeefn]), 'ffff8880deadbeef');
  assert.equal(fmt('%#p', ['pointer'], [0x1000n]), '0x1000');
  assert.equal(fmt('[%?p]', ['pointer'], [0x1000n]), '[            1000]');
  // ' (thousands grouping) does nothing in the C locale
  assert.equal(fmt("%'d", ['int'], [1234567n]), '1234567');
  assert.equal(fmt('100%%\n', [], []), '100%\n');
});

test('dynamic widths and precisions', () => {
  assert.equal(fmt('[%*d]', ['int', 'int'], [6n, 42n]), '[    42]');
  assert.equal(fmt('[%*d]', ['int', 'int'], [-6n, 42n]), '[42    ]');
  assert.equal(fmt('[%0*d]', ['int', 'int'], [6n, -42n]), '[-00042]');
  assert.equal(fmt('[%0*d]', ['int', 'int'], [-6n, 42n]), '[42    ]');
  assert.equal(fmt('[%*d]', ['int', 'int'], [0n, 42n]), '[42]');
  assert.equal(fmt('[%-*.*s]', ['int', 'int', 'string'], [10n, 3n, 'abcdef']), '[abc       ]');
  assert.equal(fmt('[%.*s]', ['int', 'string'], [0n, 'abcdef']), '[abcdef]');
  assert.equal(fmt('[%.*s]', ['int', 'string'], [-2n, 'abcdef']), '[abcdef]');
  assert.equal(fmt('[%.*d]', ['int', 'int'], [5n, 42n]), '[00042]');
  // the width argument is read as an int of its own size: an unsigned char 250 is -6
  assert.equal(fmt('[%*d]', [U8, 'int'], [250n, 42n]), '[42    ]');
  assert.equal(fmt('[%*s|%*s]', ['int', 'string', 'int', 'string'], [4n, 'a', -4n, 'b']), '[   a|b   ]');
});

test('strings count bytes, as C does', () => {
  assert.equal(fmt('[%6s]', ['string'], ['h\u00e9']), '[   h\u00e9]');
  assert.equal(fmt('[%.2s]', ['string'], ['h\u00e9llo']), '[h\ufffd]');
  assert.equal(fmt('[%-4s]', ['string'], ['\u00e9']), '[\u00e9  ]');
  assert.equal(fmt('[%05s]', ['string'], ['ab']), '[   ab]');
});

test('%a and %A print symbols', () => {
  const syms = (a: bigint): string => addr2str(a, a >= 0x1000n && a < 0x2000n
    ? { module: 'genunix', name: 'cv_wait', value: 0x1000n } : a >= 0x2000n && a < 0x3000n ? { module: 'unix' } : undefined);
  const f = compilePrintf(checkPrintfArgs('%a|%a|%a|%-24a|', ['uint64', 'uint64', 'uint64', 'uint64']), { symbolize: syms });
  assert.equal(f([0x102cn, 0x1000n, 0x2abcn, 0x102cn]), 'genunix`cv_wait+0x2c|genunix`cv_wait|unix`0x2abc|genunix`cv_wait+0x2c    |');
  assert.equal(fmt('%a', ['pointer'], [0xdeadn]), '0xdead');
  const u = compilePrintf(checkPrintfArgs('%A', ['usym']), { usymbolize: () => 'libc.so.1`malloc+0x10' });
  assert.equal(u([0x401000n]), 'libc.so.1`malloc+0x10');
  assert.equal(addr2str(0xffffffffffffffffn), '0xffffffffffffffff');
});

test('%k prints a stack, one frame a line; a left-aligned width is the indent', () => {
  const frames = ['genunix`cv_wait+0x2c', 'unix`_resume'];
  assert.equal(fmt('%k', ['stack'], [frames]), '\ngenunix`cv_wait+0x2c\nunix`_resume\n');
  assert.equal(fmt('%-4k', ['stack'], [frames]), '\n    genunix`cv_wait+0x2c\n    unix`_resume\n');
  assert.equal(fmt('%15k', ['stack'], [frames]), '\ngenunix`cv_wait+0x2c\n   unix`_resume\n');
  assert.equal(fmt('%*k', ['int', 'stack'], [-3n, frames]), '\n   genunix`cv_wait+0x2c\n   unix`_resume\n');
  assert.equal(fmt('%k', ['stack'], [[]]), '\n');
  assert.equal(fmt('%k', ['ustack'], [[]]), '');
});

test('%S and %C escape, %S showing the NUL that ends the string', () => {
  assert.equal(fmt('%S', ['string'], ['a\tb"c\\d\x01\x7f']), 'a\\tb\\"c\\\\d\\001\\177\\0');
  assert.equal(fmt('%S', ['string'], ['hello world']), 'hello world\\0');
  assert.equal(compilePrintf(checkPrintfArgs('%S', ['string']), { strsize: 3 })(['abc']), 'abc');
  assert.equal(fmt('%S', ['string'], ['\u00e9']), '\\303\\251\\0');
  assert.equal(fmt('[%C|%C|%C|%C]', ['int', 'int', I8, 'int'], [65n, 10n, 0n, 0x1bn]), '[A|\\n|\\0|\\033]');
  assert.equal(fmt('[%-4C]', ['int'], [9n]), '[\\t  ]');
  assert.equal(escapeBytes(Uint8Array.of(7, 8, 12, 13, 11, 32, 0, 65)), '\\a\\b\\f\\r\\v \\0');
});

test('%Y and %T print ns since the epoch as local time', () => {
  const t = 1700000000_123456789n; // 2023-11-14 22:13:20 UTC
  assert.equal(fmt('%Y', ['int64'], [t]), '2023 Nov 14 22:13:20');
  assert.equal(fmt('%Y', ['int64'], [1699000000n * 1_000_000_000n]), '2023 Nov  3 08:26:40');
  assert.equal(fmt('[%-22Y]', ['int64'], [0n]), '[1970 Jan  1 00:00:00  ]');
  assert.equal(fmt('%T', ['int64'], [t]), 'Tue, 14 Nov 2023 22:13:20 UTC');
  // %T uses strftime's %G, the ISO 8601 week-based year: 1 Jan 2021 is in 2020's last week
  assert.equal(fmt('%T', ['int64'], [1609459200n * 1_000_000_000n]), 'Fri, 01 Jan 2020 00:00:00 UTC');
});

test('%P and %I', () => {
  const f = compilePrintf(checkPrintfArgs('%P %P', [U16, U16]), { serviceName: (p) => (p === 22 ? 'ssh' : undefined) });
  assert.equal(f([22n, 65000n]), 'ssh 65000');
  assert.equal(fmt('%I', ['string'], ['10.0.0.1']), '10.0.0.1');
});

test('Dynamic Tracing Guide examples', () => {
  assert.equal(fmt('%d %s\n', [{ kind: 'int', size: 4, signed: true, name: 'pid_t' }, 'string'], [100830n, 'ksh']), '100830 ksh\n');
  assert.equal(fmt('execname is %s; priority is %d\n', ['string', 'int'], ['sh', 59n]), 'execname is sh; priority is 59\n');
  assert.equal(fmt('%-16s %5d %10d\n', ['string', 'int', 'int64'], ['dtrace', 1234n, 5678901n]), 'dtrace            1234    5678901\n');
  assert.equal(fmt('%s: %d\n', ['string', 'int'], ['open', -1n]), 'open: -1\n');
  assert.equal(fmt('%2d %s\n', ['int', 'string'], [3n, 'x']), ' 3 x\n');
  assert.equal(fmt('%Y\n', ['int64'], [1090328665_000000000n]), '2004 Jul 20 13:04:25\n');
});

test('formats work unchecked, taking integers as int64_t', () => {
  assert.equal(compilePrintf('%d %x %s\n')([-1n, -1n, 'a']), '-1 ffffffffffffffff a\n');
  assert.equal(compilePrintf('plain text')([]), 'plain text');
  assert.equal(compilePrintf('%d', {})([42]), '42');
  const parsed = parsePrintfFormat('%d-%d');
  assert.equal(formatPrintf(parsed, [1n, 2n]), '1-2');
  assert.equal(formatPrintf(parsed, [3n, 4n]), '3-4');
});

test('printa() %@ takes aggregation values', () => {
  const f = compilePrintf(checkPrintfArgs('%-10s %@8d\n', ['string'], { func: 'printa', aggregation: { signed: true } }));
  assert.equal(f(['read'], [1234n]), 'read           1234\n');
});

test('compiled formats are fast', () => {
  const f = compilePrintf(checkPrintfArgs('%5d %-16s %x %s\n', ['int', 'string', 'int64', 'string']));
  const args = [1234n, 'bash', 0xdeadbeefn, '/etc/passwd'];
  const n = 200_000;
  const t0 = process.hrtime.bigint();
  let len = 0;
  for (let i = 0; i < n; i++) len += f(args).length;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(len, n * f(args).length);
  assert.ok(ms < 4000, `${n} records took ${ms} ms`);
});

// --- Randomised comparison with the C library, when a C compiler is at hand -----------------

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case { d: string; kind: ArgKind; v: PrintfValue; c: string; cexpr: string }

function cLit(v: bigint): string {
  if (v >= 1n << 63n) return `${v}ULL`;
  if (v === -(1n << 63n)) return '(-9223372036854775807LL-1)';
  return `(${v}LL)`;
}

function genCases(): Case[] {
  const r = rng(20240601);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const rbig = (bits: number): bigint => {
    let v = 0n;
    for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(r() * 65536));
    return BigInt.asUintN(bits, v);
  };
  const spec = (): string => {
    let flags = '';
    for (const f of ['#', '0', '-', '+', ' ']) if (r() < 0.25) flags += f;
    if (flags.includes('-') && flags.includes('0')) flags = flags.replace('0', '');
    const w = r() < 0.5 ? 0 : 1 + Math.floor(r() * 25);
    const p = r() < 0.5 ? 0 : 1 + Math.floor(r() * 20);
    return flags + (w ? String(w) : '') + (p ? `.${p}` : '');
  };
  const ints: [ArgKind, number, boolean, string, string][] = [
    ['int', 4, true, 'int', 'unsigned'], ['uint', 4, false, 'int', 'unsigned'],
    ['int64', 8, true, 'long long', 'unsigned long long'], ['uint64', 8, false, 'long long', 'unsigned long long'],
    [I8, 1, true, 'signed char', 'unsigned char'], [U8, 1, false, 'signed char', 'unsigned char'],
    [I16, 2, true, 'short', 'unsigned short'], [U16, 2, false, 'short', 'unsigned short'],
  ];
  const cases: Case[] = [];
  for (let i = 0; i < 900; i++) {
    const [kind, size, signed, sty, uty] = pick(ints);
    const conv = pick(['d', 'i', 'u', 'o', 'x', 'X', 'c'] as const);
    if (conv === 'c' && size === 8) continue;
    const raw = BigInt.asIntN(size * 8, rbig(size * 8));
    const s = conv === 'c' ? spec().replace(/\.\d+/, '') : spec();
    const sint = conv === 'i' || conv === 'c' || (conv === 'd' && signed);
    const cconv = conv === 'd' && !signed ? 'u' : conv;
    const ll = size === 8 ? 'll' : '';
    const wide = size === 8 ? (sint ? 'long long' : 'unsigned long long') : (sint ? 'int' : 'unsigned');
    let v = raw;
    if (conv === 'c' && (BigInt.asUintN(8, v) === 0x1en || BigInt.asUintN(8, v) === 0x1fn)) v = 0x41n;
    cases.push({ d: `%${s}${conv}`, kind, v, c: `%${s}${ll}${cconv}`, cexpr: `(${wide})(${sint ? sty : uty})${cLit(v)}` });
  }
  for (let i = 0; i < 300; i++) {
    let str = '';
    const n = Math.floor(r() * 20);
    for (let j = 0; j < n; j++) {
      const ch = 32 + Math.floor(r() * 95);
      str += ch === 34 || ch === 92 ? 'q' : String.fromCharCode(ch);
    }
    const s = spec();
    cases.push({ d: `%${s}s`, kind: 'string', v: str, c: `%${s}s`, cexpr: JSON.stringify(str) });
  }
  const dv = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 600; i++) {
    let x: number;
    const k = r();
    if (k < 0.3) {
      dv.setUint32(0, Math.floor(r() * 2 ** 32));
      dv.setUint32(4, Math.floor(r() * 2 ** 32));
      x = dv.getFloat64(0);
      if (!Number.isFinite(x)) x = 1.5;
    } else if (k < 0.6) {
      x = (r() - 0.5) * 2e6;
    } else if (k < 0.8) {
      x = Math.round((r() - 0.5) * 2000) + pick([0, 0.5, 0.05, 0.005, 0.125]);
    } else {
      x = Math.floor((r() - 0.5) * 2e6) / 8;
    }
    const conv = pick(['e', 'E', 'f', 'g', 'G'] as const);
    if (conv === 'f' && Math.abs(x) > 1e30) x = 1.25;
    const s = spec();
    const lit = Object.is(x, -0) ? '-0.0' : String(x);
    cases.push({ d: `%${s}${conv}`, kind: F64, v: x, c: `%${s}${conv}`, cexpr: `(double)${lit}` });
  }
  return cases;
}

test('random conversions match the C library', (t) => {
  if (spawnSync('gcc', ['--version']).status !== 0) {
    t.skip('gcc is not available');
    return;
  }
  const cases = genCases();
  const dir = mkdtempSync(join(tmpdir(), 'dtsh-printf-'));
  try {
    const lines = ['#include <stdio.h>', 'int main(void) {'];
    for (const c of cases) lines.push(`printf(${JSON.stringify(c.c)}, ${c.cexpr}); putchar(0x1f);`);
    lines.push('return 0; }');
    writeFileSync(join(dir, 'p.c'), lines.join('\n'));
    const cc = spawnSync('gcc', ['-w', '-o', join(dir, 'p'), join(dir, 'p.c')], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const run = spawnSync(join(dir, 'p'), [], { maxBuffer: 64 << 20 });
    assert.equal(run.status, 0);
    const outs = run.stdout.toString('latin1').split('\x1f');
    assert.equal(outs.length, cases.length + 1);
    cases.forEach((c, i) => {
      assert.equal(fmt(c.d, [c.kind], [c.v]), outs[i], `${c.d} (C ${c.c}) of ${String(c.v)}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
