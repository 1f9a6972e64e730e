// Parser error tests as data (source → exact `line N: message`), caret rendering, and a mutation fuzz test.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DError } from '../../d/errors.js';
import { caretLine, formatDError } from '../../d/format-error.js';
import { parseProgram } from '../../d/parser.js';
import { dErrorOf, errorOf } from './ast-util.js';

const cases: [source: string, error: string][] = [
  // a token that cannot continue the program
  ['BEGIN { x = ; }', 'line 1: syntax error near ";"'],
  ['BEGIN { x = 1', 'line 1: syntax error near end of input'],
  ['BEGIN {\n\tx = ;\n}', 'line 2: syntax error near ";"'],
  ['BEGIN { x = y z; }', 'line 1: syntax error near "z"'],
  ['BEGIN { x = (1; }', 'line 1: syntax error near ";"'],
  ['BEGIN { x = y ? z; }', 'line 1: syntax error near ";"'],
  ['BEGIN { x = "a" "b"; }', 'line 1: syntax error near ""b""'],
  ['BEGIN { ... }', 'line 1: syntax error near "..."'],
  ['BEGIN { x = int; }', 'line 1: syntax error near "int"'],
  ['BEGIN { x = else; }', 'line 1: syntax error near "else"'],
  ['BEGIN { x = xlate<int>(y); }', 'line 1: syntax error near "xlate"'],
  ['BEGIN { @a[] = count(); }', 'line 1: syntax error near "]"'],
  ['BEGIN { self->; }', 'line 1: syntax error near ";"'],
  ['BEGIN { self = 1; }', 'line 1: syntax error near "="'],
  ['BEGIN { x = a.; }', 'line 1: syntax error near ";"'],
  ['BEGIN { offsetof(struct file); }', 'line 1: syntax error near ")"'],
  ['BEGIN { $$ }', 'line 1: syntax error near "$"'],
  // assignment needs a unary expression on its left, as in C
  ['BEGIN { a + b = c; }', 'line 1: syntax error near "="'],
  ['BEGIN { (int)x = 1; }', 'line 1: syntax error near "="'],
  ['BEGIN { a ? b : c = d; }', 'line 1: syntax error near "="'],
  // calls only on names
  ['BEGIN { x->y(1); }', 'line 1: syntax error near "("'],
  ['BEGIN { (printf)("x"); }', 'line 1: syntax error near "("'],
  // a name that is not a type is not a cast
  ['BEGIN { x = (foo)y; }', 'line 1: syntax error near "y"'],
  // statements
  ['BEGIN { if x { } }', 'line 1: syntax error near "x"'],
  ['BEGIN { x = 1 else }', 'line 1: syntax error near "else"'],
  ['BEGIN { if (x) y = 1 else z = 2; }', 'line 1: syntax error near "else"'],
  ['BEGIN { if (x) int y; }', 'line 1: syntax error near "int"'],
  ['BEGIN { inline int X = 1; }', 'line 1: syntax error near "inline"'],
  // declarations
  ['int x = 5;', 'line 1: syntax error near "="'],
  ['inline int X;', 'line 1: syntax error near ";"'],
  ['BEGIN { int; }', 'line 1: syntax error near ";"'],
  ['typedef int foo_t;', 'line 1: syntax error near "typedef"'],
  ['BEGIN { int a[string][4]; }', 'line 1: syntax error near "["'],
  ['BEGIN { int a[4][string]; }', 'line 1: syntax error near "string"'],
  ['BEGIN { int a[x]; }', 'line 1: syntax error near "x"'],
  ['BEGIN { unsigned signed x; }', 'line 1: syntax error near "signed"'],
  ['BEGIN { long long long x; }', 'line 1: syntax error near "long"'],
  ['BEGIN { struct int x; }', 'line 1: syntax error near "int"'],
  ['BEGIN { x = (int int)y; }', 'line 1: syntax error near "int"'],
  // program level
  ['BEGIN END', 'line 1: syntax error near "END"'],
  ['BEGIN\nEND {}', 'line 2: syntax error near "END"'],
  ['x = 1;', 'line 1: syntax error near "="'],
  ['printf("x");', 'line 1: syntax error near "("'],
  ['"abc"', 'line 1: syntax error near """'],
  ['BEGIN, { }', 'line 1: syntax error near "{"'],
  ['BEGIN,', 'line 1: syntax error near end of input'],
  ['BEGIN /x/ ;', 'line 1: syntax error near ";"'],
  ['BEGIN / x', 'line 1: syntax error near end of input'],
  ['BEGIN { @ = count(); } ;', 'line 1: syntax error near ";"'],
  ['BEGIN { trace(1) } }', 'line 1: syntax error near "}"'],
  ['BEGIN { } /', 'line 1: syntax error near "/"'],
  ['syscall::read:entry\n/pid == 1/\n/pid == 2/ {}', 'line 3: syntax error near "/"'],
  // lexical errors (DTrace's dt_lex.l wording)
  ['BEGIN\n{\n  printf("hi);\n}', 'line 3: newline encountered in string literal'],
  ['BEGIN { printf("hi) }', 'line 1: syntax error near """'],
  ["BEGIN { x = 'ab\n'; }", 'line 1: newline encountered in character constant'],
  ["BEGIN { x = ''; }", 'line 1: empty character constant'],
  ["BEGIN { x = '123456789'; }", 'line 1: character constant is too long'],
  ['BEGIN { x = 1 # 2; }', 'line 1: syntax error near "#"'],
  ['/* unterminated\n\nBEGIN {}', 'line 1: end-of-file encountered before matching */'],
  ['BEGIN { /* a /* b */ }', 'line 1: /* encountered inside a comment'],
  ['BEGIN { x = 1.5; }', 'line 1: floating-point constants are not permitted'],
  ['BEGIN { x = 0x10000000000000000; }', 'line 1: constant 0x10000000000000000 results in integer overflow'],
  ['BEGIN { x = 09; }', 'line 1: constant 09 contains invalid digit 9'],
  ['BEGIN { x = 1); }', 'line 1: extra ) in input stream'],
  ['BEGIN { x = a[1]]; }', 'line 1: extra ] in input stream'],
  ['BEGIN /(x/ { }', 'line 1: closing ) expected in predicate before /'],
  ['BEGIN /x[1/ { }', 'line 1: closing ] expected in predicate before /'],
  // control lines
  ['#include <stdio.h>\nBEGIN {}', 'line 1: unsupported preprocessor directive #include'],
  ['BEGIN {}\n#define N 10', 'line 2: unsupported preprocessor directive #define'],
  ['#pragma D option\nBEGIN {}', 'line 1: malformed #pragma option <option>=<val>'],
  ['#pragma D option quiet destructive', 'line 1: superfluous arguments specified for #pragma option'],
  ['#pragma D nonsense', 'line 1: invalid D pragma: nonsense'],
  ['BEGIN {\n#error unsupported\n}', 'line 2: #error: unsupported'],
];

describe('parser errors: exact DTrace-style text', () => {
  for (const [src, want] of cases) test(JSON.stringify(src), () => assert.equal(errorOf(src), want));
});

describe('error positions and carets', () => {
  test('the error points at the offending token', () => {
    const e = dErrorOf('BEGIN\n{\n\tx = 1 +;\n}');
    assert.deepEqual(e.pos, { line: 3, col: 9, offset: 16 });
    assert.equal(caretLine(e, 'BEGIN\n{\n\tx = 1 +;\n}'), '\tx = 1 +;\n\t       ^');
  });
  test('at end of input the caret follows the last character', () => {
    const src = 'BEGIN { x = 1';
    const e = dErrorOf(src);
    assert.deepEqual(e.pos, { line: 1, col: 14, offset: 13 });
    assert.equal(caretLine(e, src), 'BEGIN { x = 1\n             ^');
  });
  test('an error on the first column', () => {
    const src = '}';
    assert.equal(caretLine(dErrorOf(src), src), '}\n^');
  });
  test('the message never holds the position; formatDError adds the line', () => {
    const e = dErrorOf('\n\nBEGIN { x = ; }');
    assert.equal(e.message, 'syntax error near ";"');
    assert.equal(formatDError(e, ''), 'line 3: syntax error near ";"');
    assert.equal(formatDError(new DError('no position'), ''), 'no position');
    assert.equal(caretLine(new DError('no position'), 'x'), '');
  });
  test('empty programs and comment-only programs are fine', () => {
    for (const src of ['', '  \n\t\n', '// nothing\n/* at all */\n']) {
      assert.deepEqual(parseProgram(src), { kind: 'program', items: [] });
    }
  });
});

/** A small deterministic PRNG (mulberry32), so a failing mutation can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  `#!/usr/sbin/dtrace -s
#pragma D option quiet
self uint64_t ts[int];
inline int LIMIT = 100;
syscall::read*:entry, syscall::write*:entry
/pid == $target && execname != "sshd"/
{
  self->ts[tid] = timestamp; /* start */
  @bytes[execname, probefunc] = sum(arg2);
}
syscall::read*:return /self->ts[tid]/ {
  @lat = quantize((timestamp - self->ts[tid]) / 1000);
  self->ts[tid] = 0
}`,
  `BEGIN { printf("%s %d\\n", stringof(args[0]->f_path.dentry->d_name.name), (int)arg0); x = 0x10ULL; c = '\\n'; }
syscall::open*:{printf("%s", copyinstr(arg0));}
tick-1s { if (i++ > 5) { exit(0); } else trace(i); }
END { printa("%-20s %@d\\n", @bytes); }`,
  `profile-997 /arg0/ { @[stack()] = count(); }
fbt::vfs_*:entry { this->f = (struct file *)arg0; @sizes[probefunc] = lquantize(sizeof(int) * 2, 0, 100, 10); }
pid$target:libc.so.6:malloc:entry { @m = sum(arg0 ^^ 1 ? -arg0 : ~arg0 << 2); }
// trailing comment`,
];

describe('fuzz: mutated programs parse or throw DError', () => {
  test('2,000 random deletions, duplications and swaps', () => {
    const rand = prng(0xd7ace);
    const pick = (n: number): number => Math.floor(rand() * n);
    let parsed = 0;
    let failed = 0;
    let slowest = 0;
    for (let i = 0; i < 2000; i++) {
      let s = SEEDS[i % SEEDS.length];
      for (let edits = 1 + pick(3); edits > 0 && s.length > 1; edits--) {
        const at = pick(s.length);
        switch (pick(3)) {
          case 0: s = s.slice(0, at) + s.slice(at + 1); break; // delete
          case 1: s = s.slice(0, at) + s[at] + s.slice(at); break; // duplicate
          default: { // swap two characters
            const b = pick(s.length);
            const [x, y] = at < b ? [at, b] : [b, at];
            if (x !== y) s = s.slice(0, x) + s[y] + s.slice(x + 1, y) + s[x] + s.slice(y + 1);
          }
        }
      }
      const t0 = performance.now();
      try {
        parseProgram(s);
        parsed++;
      } catch (e) {
        assert.ok(e instanceof DError, `mutation ${i} threw ${String(e)} for ${JSON.stringify(s)}`);
        assert.ok(e.pos, `mutation ${i}: error without a position: ${e.message}`);
        assert.ok(e.pos.offset >= 0 && e.pos.offset <= s.length && e.pos.line >= 1 && e.pos.col >= 1);
        assert.ok(!/line \d/.test(e.message), `message holds a position: ${e.message}`);
        caretLine(e, s);
        failed++;
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    assert.equal(parsed + failed, 2000);
    assert.ok(failed > 0 && parsed > 0, `parsed ${parsed}, failed ${failed}`);
    assert.ok(slowest < 250, `slowest parse took ${slowest.toFixed(1)} ms`);
  });
});
