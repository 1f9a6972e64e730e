// Lexer tests as data: source → tokens, literal values, positions, comments, pragmas and lexical errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DError } from '../../d/errors.js';
import { Lexer, tokenize, type Token } from '../../d/lexer.js';

/** `type:text` for each token before the end. */
function kinds(source: string): string[] {
  return tokenize(source).slice(0, -1).map((t) => `${t.type}:${t.text}`);
}

function only(source: string): Token {
  const toks = tokenize(source);
  assert.equal(toks.length, 2, `one token expected in ${JSON.stringify(source)}`);
  return toks[0];
}

describe('lexer: token kinds', () => {
  const cases: [string, string[]][] = [
    ['printf', ['name:printf']],
    ['x_1 _y kernel`max_ncpus', ['name:x_1', 'name:_y', 'name:kernel`max_ncpus']],
    ['self->x', ['name:self', 'punct:->', 'name:x']],
    ['a^^b', ['name:a', 'punct:^^', 'name:b']],
    ['a <<= 1 >>= 2 ...', ['name:a', 'punct:<<=', 'int:1', 'punct:>>=', 'int:2', 'punct:...']],
    ['$target $pid $1 $9 $$1 $$name $foo', [
      'macro:$target', 'macro:$pid', 'macro:$1', 'macro:$9', 'macro:$$1', 'macro:$$name', 'macro:$foo',
    ]],
    ['@ @a @count_1[x]', ['agg:@', 'agg:@a', 'agg:@count_1', 'punct:[', 'name:x', 'punct:]']],
    ['"a b" \'c\'', ['string:"a b"', "int:'c'"]],
    ['x / 2', ['name:x', 'punct:/', 'int:2']],
    ['x /{', ['name:x', 'endpred:/', 'punct:{']],
    ['x / ;', ['name:x', 'endpred:/', 'punct:;']],
    ['x /\n\n /', ['name:x', 'endpred:/', 'endpred:/']],
    ['x /', ['name:x', 'endpred:/']],
    ['a /= 2', ['name:a', 'punct:/=', 'int:2']],
    ['a /* c */ b // d\n c', ['name:a', 'name:b', 'name:c']],
    ['a \\\n b', ['name:a', 'name:b']],
    ['123abc', ['int:123', 'name:abc']],
    ['0x', ['int:0', 'name:x']],
  ];
  for (const [src, want] of cases) test(JSON.stringify(src), () => assert.deepEqual(kinds(src), want));

  test('every C operator', () => {
    const ops = [
      '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '^^', '+=', '-=', '*=', '%=',
      '&=', '|=', '^=', '<<=', '>>=', '+', '-', '*', '%', '<', '>', '=', '!', '~', '&', '|', '^', '?', ':',
      ',', ';', '.', '(', ')', '[', ']', '{', '}', '...',
    ];
    assert.deepEqual(kinds(ops.join(' ')), ops.map((o) => `punct:${o}`));
  });
});

describe('lexer: integer literals', () => {
  const cases: [string, bigint, boolean, number][] = [
    ['0', 0n, false, 0],
    ['42', 42n, false, 0],
    ['0x10', 16n, false, 0],
    ['0XfF', 255n, false, 0],
    ['017', 15n, false, 0],
    ['10u', 10n, true, 0],
    ['10U', 10n, true, 0],
    ['10l', 10n, false, 1],
    ['10LL', 10n, false, 2],
    ['10ul', 10n, true, 1],
    ['10ULL', 10n, true, 2],
    ['10llu', 10n, true, 2],
    ['0x10ULL', 16n, true, 2],
    ['9223372036854775807', 9223372036854775807n, false, 0],
    ['9223372036854775808', 9223372036854775808n, true, 0],
    ['0xffffffffffffffff', 0xffffffffffffffffn, true, 0],
  ];
  for (const [src, value, unsigned, longs] of cases) {
    test(src, () => {
      const t = only(src);
      assert.equal(t.type, 'int');
      if (t.type !== 'int') return;
      assert.deepEqual([t.value, t.unsigned, t.longs, t.text], [value, unsigned, longs, src]);
    });
  }
});

describe('lexer: character literals', () => {
  const cases: [string, bigint][] = [
    ["'a'", 97n],
    ["'\\n'", 10n],
    ["'\\0'", 0n],
    ["'\\x41'", 65n],
    ["'\\101'", 65n],
    ["'\\''", 39n],
    ["'\\\\'", 92n],
    ["'\"'", 34n],
    ["'ab'", 0x6162n],
    ["'\\377'", 255n],
    ["'é'", 0xc3a9n],
  ];
  for (const [src, value] of cases) {
    test(src, () => {
      const t = only(src);
      assert.ok(t.type === 'int' && t.value === value && !t.unsigned && t.longs === 0 && t.text === src);
    });
  }
});

describe('lexer: string literals', () => {
  const cases: [string, string][] = [
    ['""', ''],
    ['"hello"', 'hello'],
    ['"%s %d\\n"', '%s %d\n'],
    ['"\\t\\\\\\"\\\'"', '\t\\"\''],
    ['"\\0\\a\\b\\f\\r\\v"', '\0\x07\b\f\r\v'],
    ['"\\x41\\x4a"', 'AJ'],
    ['"\\101\\60\\0061"', 'A0\x061'],
    ['"\\q"', '\\q'],
    ['"/* not a comment */"', '/* not a comment */'],
  ];
  for (const [src, value] of cases) {
    test(src, () => {
      const t = only(src);
      assert.ok(t.type === 'string');
      assert.equal(t.value, value);
      assert.equal(t.text, src);
    });
  }
});

describe('lexer: positions', () => {
  test('line, column (1-based) and offset of each token', () => {
    const src = 'BEGIN\n{\n\tx = "s";\n  /* two\n lines */ y++\n}';
    const toks = tokenize(src).map((t) => [t.text, t.pos.line, t.pos.col, t.pos.offset]);
    assert.deepEqual(toks, [
      ['BEGIN', 1, 1, 0],
      ['{', 2, 1, 6],
      ['x', 3, 2, 9],
      ['=', 3, 4, 11],
      ['"s"', 3, 6, 13],
      [';', 3, 9, 16],
      ['y', 5, 11, 37],
      ['++', 5, 12, 38],
      ['}', 6, 1, 41],
      ['', 6, 2, 42],
    ]);
  });
});

describe('lexer: control lines', () => {
  function pragmas(src: string): unknown[] {
    const lx = new Lexer(src);
    while (lx.next().type !== 'eof');
    return lx.pragmas.map((p) => [p.option, p.value, p.pos.line]);
  }

  test('#! first line is skipped', () => {
    assert.deepEqual(kinds('#!/usr/sbin/dtrace -qs\nBEGIN'), ['name:BEGIN']);
  });
  test('#pragma D option name[=value]', () => {
    const src = '#pragma D option quiet\n  #  pragma D option bufsize=4m\n#pragma D option switchrate=10hz // why\n';
    assert.deepEqual(pragmas(src), [['quiet', undefined, 1], ['bufsize', '4m', 2], ['switchrate', '10hz', 3]]);
  });
  test('other #pragma D forms, #ident, #line and unknown #pragma are accepted and ignored', () => {
    const src = [
      '#pragma D depends_on module nfs',
      '#pragma D attributes Evolving/Evolving/Common provider foo provider',
      '#pragma D binding "1.0" foo',
      '#pragma ident "@(#)x.d"',
      '#pragma once',
      '#ident "x"',
      '# 1 "x.d"',
      '#line 20',
      '#',
      'x',
    ].join('\n');
    assert.deepEqual(kinds(src), ['name:x']);
    assert.deepEqual(pragmas(src), []);
  });
  test('a # that does not begin a line is an invalid character', () => {
    assert.throws(() => tokenize('x # y'), { message: 'syntax error near "#"' });
  });
});

describe('lexer: errors', () => {
  const cases: [string, string, number, number][] = [
    ['"abc\ndef"', 'newline encountered in string literal', 1, 1],
    ['x = "abc', 'syntax error near """', 1, 5],
    ["'a\n'", 'newline encountered in character constant', 1, 1],
    ["x 'a", `syntax error near "'"`, 1, 3],
    ["''", 'empty character constant', 1, 1],
    ["'abcdefghi'", 'character constant is too long', 1, 1],
    ['a /* open', 'end-of-file encountered before matching */', 1, 3],
    ['/* a\n /* b */', '/* encountered inside a comment', 2, 2],
    ['1.5', 'floating-point constants are not permitted', 1, 1],
    ['.5', 'floating-point constants are not permitted', 1, 1],
    ['1e10', 'floating-point constants are not permitted', 1, 1],
    ['x = 2f', 'floating-point constants are not permitted', 1, 5],
    ['0x10000000000000000', 'constant 0x10000000000000000 results in integer overflow', 1, 1],
    ['18446744073709551616', 'constant 18446744073709551616 results in integer overflow', 1, 1],
    ['09', 'constant 09 contains invalid digit 9', 1, 1],
    ['  x \\ y', 'syntax error near "\\"', 1, 5],
    ['x\n  §', 'syntax error near "§"', 2, 3],
    ['$ x', 'syntax error near "$"', 1, 1],
    ['f(x))', 'extra ) in input stream', 1, 5],
    ['a]', 'extra ] in input stream', 1, 2],
    ['(x /', 'closing ) expected in predicate before /', 1, 4],
    ['a[x /{', 'closing ] expected in predicate before /', 1, 5],
    ['#include <stdio.h>', 'unsupported preprocessor directive #include', 1, 2],
    ['\n  #define X 1', 'unsupported preprocessor directive #define', 2, 4],
    ['#pragma D option', 'malformed #pragma option <option>=<val>', 1, 11],
    ['#pragma D option "quiet"', 'malformed #pragma option <option>=<val>', 1, 18],
    ['#pragma D option quiet flowindent', 'superfluous arguments specified for #pragma option', 1, 24],
    ['#pragma D foo', 'invalid D pragma: foo', 1, 11],
    ['#error not on this kernel', '#error: not on this kernel', 1, 2],
    ['#"x"', 'invalid control directive', 1, 2],
  ];
  for (const [src, message, line, col] of cases) {
    test(JSON.stringify(src), () => {
      assert.throws(() => tokenize(src), (e: unknown) => {
        assert.ok(e instanceof DError, 'a DError');
        assert.equal(e.message, message);
        assert.deepEqual([e.pos?.line, e.pos?.col], [line, col]);
        return true;
      });
    });
  }
});
