// Tests for d/printf-format.ts: parsing D printf formats and checking their arguments, with DTrace's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONVERSIONS, checkPrintfArgs, parsePrintfFormat, printfArgCount,
  type ArgKind, type PrintfConversion,
} from '../../d/printf-format.js';
import { DError } from '../../d/errors.js';

function convs(fmt: string): PrintfConversion[] {
  return parsePrintfFormat(fmt).conversions;
}

test('literal text and conversions come out in order', () => {
  const f = parsePrintfFormat('pid %d: %s\n');
  assert.equal(f.pieces.length, 5);
  assert.equal(f.pieces[0], 'pid ');
  assert.equal((f.pieces[1] as PrintfConversion).def.name, 'd');
  assert.equal(f.pieces[2], ': ');
  assert.equal((f.pieces[3] as PrintfConversion).def.name, 's');
  assert.equal(f.pieces[4], '\n');
  assert.deepEqual(parsePrintfFormat('no conversions').pieces, ['no conversions']);
  assert.deepEqual(parsePrintfFormat('').pieces, []);
});

test('flags, widths and precisions', () => {
  const rows: [string, Omit<Partial<PrintfConversion>, 'flags'> & { flags?: Partial<PrintfConversion['flags']> }][] = [
    ['%-20s', { width: 20, prec: 0, flags: { left: true } }],
    ['%08x', { width: 8, flags: { zpad: true } }],
    ['%#o', { flags: { alt: true } }],
    ['%+d', { flags: { spos: true } }],
    ['% d', { flags: { space: true } }],
    ["%'d", { flags: { group: true } }],
    ['%.3s', { width: 0, prec: 3 }],
    ['%10.4f', { width: 10, prec: 4 }],
    ['%*d', { dynWidth: true, dynPrec: false }],
    ['%-*.*s', { dynWidth: true, dynPrec: true, flags: { left: true } }],
    ['%.*s', { dynWidth: false, dynPrec: true }],
    // DTrace drops a zero precision: %.0f is printed as %f
    ['%.0f', { prec: 0 }],
    // '-' and '0' cancel each other; the later one wins
    ['%-05d', { width: 5, flags: { zpad: true, left: false } }],
    ['%0-5d', { width: 5, flags: { zpad: false, left: true } }],
    // %? is a pointer-wide (16) field
    ['%?p', { width: 16 }],
    ['%@d', { flags: { agg: true } }],
  ];
  for (const [fmt, want] of rows) {
    const [c] = convs(fmt);
    assert.ok(c, fmt);
    const { flags, ...rest } = want;
    for (const [k, v] of Object.entries(rest)) assert.equal((c as unknown as Record<string, unknown>)[k], v, `${fmt} ${k}`);
    for (const [k, v] of Object.entries(flags ?? {})) assert.equal(c.flags[k as keyof typeof c.flags], v, `${fmt} flag ${k}`);
    assert.equal(c.text, fmt);
  }
});

test('size prefixes are part of the conversion name', () => {
  const rows: [string, string, string][] = [
    ['%ld', 'ld', 'd'], ['%lld', 'lld', 'd'], ['%hd', 'hd', 'd'], ['%hx', 'hx', 'x'], ['%llx', 'llx', 'x'],
    ['%lu', 'lu', 'u'], ['%Lf', 'Lf', 'f'], ['%ls', 'ls', 'ls'], ['%wc', 'wc', 'wc'], ['%lc', 'lc', 'lc'],
  ];
  for (const [fmt, name, ofmt] of rows) {
    const [c] = convs(fmt);
    assert.equal(c!.def.name, name);
    assert.equal(c!.def.ofmt, ofmt);
  }
});

test("every conversion in DTrace's table parses", () => {
  for (const name of CONVERSIONS.keys()) {
    const [c] = convs(`%${name}`);
    assert.equal(c!.def.name, name);
  }
  assert.deepEqual([...CONVERSIONS.keys()].sort(), [
    '%', 'A', 'C', 'E', 'G', 'I', 'LE', 'LG', 'Le', 'Lf', 'Lg', 'P', 'S', 'T', 'X', 'Y', 'a', 'c', 'd', 'e', 'f', 'g',
    'hX', 'hd', 'hi', 'ho', 'hu', 'hx', 'i', 'k', 'lX', 'lc', 'ld', 'li', 'llX', 'lld', 'lli', 'llo', 'llu', 'llx',
    'lo', 'ls', 'lu', 'lx', 'o', 'p', 's', 'u', 'wc', 'ws', 'x',
  ]);
});

test('conversions are numbered among all directives, %% included', () => {
  const f = parsePrintfFormat('%d%% %s');
  assert.deepEqual(f.conversions.map((c) => [c.index, c.def.name]), [[1, 'd'], [2, '%'], [3, 's']]);
});

test('parse errors use DTrace wording', () => {
  const rows: [string, string][] = [
    ['%z', 'format conversion #1 is undefined: %z'],
    ['%zu', 'format conversion #1 is undefined: %z'],
    ['%d %hhd', 'format conversion #2 is undefined: %hhd'],
    ['%lf', 'format conversion #1 is undefined: %lf'],
    ['%F', 'format conversion #1 is undefined: %F'],
    ['%n', 'format conversion #1 is undefined: %n'],
    ['abc%', 'format conversion #1 name expected before end of format string'],
    ['%-', 'format conversion #1 name expected before end of format string'],
    ['%**d', "format conversion #1 has more than one '*' specified for the output precision"],
    ['%.*.*d', "format conversion #1 has more than one '.' specified"],
    ['%5.3.1f', "format conversion #1 has more than one '.' specified"],
    ['%1$d', 'format conversion #1 uses unsupported positional format (%n$)'],
    ['%d %5%', 'format conversion #2 cannot be combined with other format flags: %%'],
    ['%-%', 'format conversion #1 cannot be combined with other format flags: %%'],
  ];
  for (const [fmt, msg] of rows) {
    assert.throws(() => parsePrintfFormat(fmt), (e: unknown) => e instanceof DError && e.message === msg, fmt);
  }
});

test('argument checks accept what DTrace accepts', () => {
  const ok: [string, ArgKind[]][] = [
    ['%d %i %u %o %x %X', ['int', 'int', 'uint', 'int64', 'uint64', 'int']],
    ['%s %S %I', ['string', 'string', { kind: 'chararray', size: 16, name: 'char [16]' }]],
    ['%c %C', ['int', { kind: 'int', size: 1, signed: true, name: 'char' }]],
    ['%p %a', ['pointer', 'int64']],
    ['%a %a', ['sym', 'pointer']],
    ['%A', ['usym']],
    ['%k %k', ['stack', 'ustack']],
    ['%Y %T', ['int64', 'uint64']],
    ['%*d %-*.*s', ['int', 'int', 'int', 'int', 'string']],
    ['%e %f %g %E %G', Array(5).fill({ kind: 'float', size: 8 }) as ArgKind[]],
    ['%hd %hx', [{ kind: 'int', size: 2, signed: true }, { kind: 'int', size: 2, signed: false }]],
    ['%ld %lx %llx %lld', ['int64', 'uint64', 'int64', { kind: 'int', size: 8, signed: true, base: 'long long' }]],
    ['%lu %llu', ['uint64', 'uint64']],
    ['%P', [{ kind: 'int', size: 2, signed: false, name: 'uint16_t' }]],
    ['100%%', []],
  ];
  for (const [fmt, kinds] of ok) {
    const f = checkPrintfArgs(fmt, kinds);
    assert.equal(f.checked, true);
    assert.equal(printfArgCount(f), kinds.length, fmt);
  }
});

test('argument check errors use DTrace wording', () => {
  const XINT = 'char, short, int, long, or long long';
  const rows: [string, ArgKind[], string][] = [
    ['%d', ['string'],
      `printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %d\n\t prototype: ${XINT}\n\t  argument: string`],
    ['%s', ['int'],
      'printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %s\n\t prototype: char [] or string (or use stringof)\n\t  argument: int'],
    ['%d %s', ['int', 'int64'],
      'printf( ) argument #3 is incompatible with conversion #2 prototype:\n\tconversion: %s\n\t prototype: char [] or string (or use stringof)\n\t  argument: int64_t'],
    ['%d', ['pointer'],
      `printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %d\n\t prototype: ${XINT}\n\t  argument: void *`],
    ['%c', ['int64'],
      'printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %c\n\t prototype: char, short, or int\n\t  argument: int64_t'],
    ['%f', ['int'],
      'printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %f\n\t prototype: float, double, or long double\n\t  argument: int'],
    ['%Y', ['int'],
      'printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %Y\n\t prototype: int64_t\n\t  argument: int'],
    ['%k', ['int'],
      'printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %k\n\t prototype: stack\n\t  argument: int'],
    ['%A', ['pointer'],
      'printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %A\n\t prototype: pointer or integer (with -p/-c) or _usymaddr (without -p/-c)\n\t  argument: void *'],
    ['%hd', ['int'],
      'printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %hd\n\t prototype: short\n\t  argument: int'],
    ['%lx', ['int'],
      'printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %lx\n\t prototype: long\n\t  argument: int'],
    ['%*d', ['string', 'int'],
      'printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: % * d\n\t prototype: int\n\t  argument: string'],
    ['%.*s', ['string', 'string'],
      'printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: % .* s\n\t prototype: int\n\t  argument: string'],
    ['%d %d', ['int'], 'printf( ) prototype mismatch: conversion #2 (%d) is missing a corresponding value argument'],
    ['%*d', [], 'printf( ) prototype mismatch: conversion #1 (%d) is missing a corresponding "*" argument'],
    ['%*.*d', ['int'], 'printf( ) prototype mismatch: conversion #1 (%d) is missing a corresponding ".*" argument'],
    ['%d', ['int', 'int'], 'printf( ) prototype mismatch: only 1 arguments required by this format string'],
    ['hello', ['int'], 'printf( ) prototype mismatch: only 0 arguments required by this format string'],
    ['', [], 'printf( ) format string is empty'],
    ['%@d', ['int'], '%@ conversion requires an aggregation and is not for use with printf( )'],
  ];
  for (const [fmt, kinds, msg] of rows) {
    assert.throws(() => checkPrintfArgs(fmt, kinds), (e: unknown) => e instanceof DError && e.message === msg, fmt);
  }
});

test('the action name and argument offset appear in messages', () => {
  assert.throws(() => checkPrintfArgs('%d', ['string'], { func: 'printa', foff: 2 }),
    { message: /^printa\( \) argument #3 is incompatible/ });
});

test('%A takes pointers and integers once there is a $target', () => {
  assert.throws(() => checkPrintfArgs('%A', ['int64']));
  checkPrintfArgs('%A', ['int64'], { hasTarget: true });
});

test('printa() %@ takes the aggregation value and no argument', () => {
  const f = checkPrintfArgs('%s %@d\n', ['string'], { func: 'printa', aggregation: { signed: true } });
  assert.equal(f.conversions[1]!.arg?.size, 8);
  assert.equal(printfArgCount(f), 1);
});

test('%d follows the signedness of its argument; %i is always signed', () => {
  const f = checkPrintfArgs('%d %d %i %u', ['int', 'uint', 'uint', 'int']);
  assert.deepEqual(f.conversions.map((c) => [c.print, c.cconv, c.arg?.size, c.arg?.signed]), [
    ['sint', 'd', 4, true], ['uint', 'u', 4, false], ['sint', 'i', 4, false], ['uint', 'u', 4, true],
  ]);
  // the parsed format is left untouched
  const parsed = parsePrintfFormat('%d');
  checkPrintfArgs(parsed, ['uint']);
  assert.equal(parsed.conversions[0]!.print, 'dint');
});

test('dynamic width and precision arguments are typed', () => {
  const f = checkPrintfArgs('%*.*d', [{ kind: 'int', size: 1, signed: true }, 'int64', 'int']);
  const c = f.conversions[0]!;
  assert.equal(c.widthArg?.size, 1);
  assert.equal(c.precArg?.size, 8);
  assert.equal(c.arg?.size, 4);
});

test('Dynamic Tracing Guide formats check', () => {
  // printf("%d %s\n", pid, execname); printf("%Y\n", walltimestamp); printf("%a\n", caller)
  checkPrintfArgs('%d %s\n', [{ kind: 'int', size: 4, signed: true, name: 'pid_t' }, 'string']);
  checkPrintfArgs('%Y\n', ['int64']);
  checkPrintfArgs('%a\n', ['uint64']);
  checkPrintfArgs('%s %s %d\n', ['string', { kind: 'chararray', size: 32, name: 'char [32]' }, 'int']);
  checkPrintfArgs('execname is %s; priority is %d\n', ['string', 'int']);
  checkPrintfArgs('%-16s %5d %10d\n', ['string', 'int', 'int64']);
});
