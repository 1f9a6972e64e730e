// strstr(), index() and rindex(): substring search by Knuth-Morris-Pratt, so that the verifier walks two
// bounded loops (2 * pattern and 2 * text steps) instead of a nested one. Semantics are DTrace's
// (dtrace_dif_subr DIF_SUBR_STRSTR/INDEX/RINDEX): zero-based positions, -1 or NULL when absent, Perl's
// rules for the optional start position, and an empty pattern matching everywhere.
import type { Call } from '../../d/ast.js';
import { R0, R1, R2, R3, R4, R5, alu64, ja, jmp, ldx, mov64, st, stx } from '../asm/insn.js';
import type { Val } from './emitter.js';
import type { Gen } from './gen.js';
import { evalInt } from './expr.js';
import { evalStr, type StrVal } from './strings.js';
import { area, base, ldVar, limitOf, loop, scalarAddr, stVar, take } from './string-asm.js';
import { suffixOrNull } from './string-subroutines.js';

/** KMP's failure function of a constant pattern: pi[q] = the longest proper border of p[0..q]. */
export function prefixFunction(p: Buffer): number[] {
  const pi = new Array<number>(p.length).fill(0);
  let k = 0;
  for (let q = 1; q < p.length; q++) {
    while (k > 0 && p[q] !== p[k]) k = pi[k - 1];
    if (p[q] === p[k]) k++;
    pi[q] = k;
  }
  return pi;
}

type Kind = 'strstr' | 'index' | 'rindex';

/** Scratch layout of one search. */
interface Search {
  /** u64 variables. */
  L: number; M: number; I: number; K: number; RES: number; LO: number; HI: number; ADDR: number;
  /** The text, the pattern and its failure table (u16 per pattern byte). */
  T: number; P: number; PI: number;
  lt: number; lp: number;
}

/** index(s, sub[, start]) / rindex(s, sub[, start]): a position or -1. */
export function search(g: Gen, c: Call, kind: 'index' | 'rindex'): Val {
  const s = run(g, c, kind);
  const out = g.alloc();
  ldVar(g, out.reg, s.RES);
  return out;
}

/** strstr(s, sub): s from the first occurrence of sub, or NULL. */
export function strstr(g: Gen, c: Call): StrVal {
  const s = run(g, c, 'strstr');
  const out = area(g, g.sema.strsize);
  return suffixOrNull(g, out, s.RES, s.ADDR);
}

function run(g: Gen, c: Call, kind: Kind): Search {
  const e = g.e;
  const v = area(g, 64);
  const text = evalStr(g, c.args[0]);
  const lt = limitOf(g, text);
  const T = area(g, lt);
  take(g, text, T, lt);
  stVar(g, v, R0, R1);
  const pat = evalStr(g, c.args[1]);
  // A constant pattern's length and failure table are known here: no first pass at run time.
  const konst = pat.constant !== undefined ? Buffer.from(pat.constant, 'utf8').subarray(0, limitOf(g, pat) - 1) : undefined;
  const lp = konst ? konst.length + 1 : limitOf(g, pat);
  const P = area(g, lp);
  const PI = area(g, 2 * lp);
  const s: Search = { L: v, M: v + 8, I: v + 16, K: v + 24, RES: v + 32, LO: v + 40, HI: v + 48, ADDR: v + 56, T, P, PI, lt, lp };
  take(g, pat, P, lp);
  stVar(g, s.M, R0, R1);
  scalarAddr(g, R1, T, s.ADDR);
  stVar(g, s.ADDR, R1, R2);
  if (c.args[2]) {
    const pos = evalInt(g, c.args[2]);
    stVar(g, s.LO, pos.reg, R1);
    g.free(pos);
  }
  const done = e.newLabel('sd');
  const searchIt = e.newLabel('ss');
  base(g, R0);
  e.emit(ldx(8, R2, R0, s.L), ldx(8, R3, R0, s.M), ldx(8, R4, R0, s.LO));
  e.emit(jmp('jne', R3, 0, searchIt));
  // An empty pattern: strstr() gives s, index() 0, rindex() the length; a start position is clamped to [0, len].
  if (c.args[2]) {
    e.emit(mov64(R5, R4));
    clampSigned(g, R5, 0, R2);
  } else e.emit(mov64(R5, kind === 'rindex' ? R2 : 0));
  e.emit(stx(8, R0, s.RES, R5), ja(done));
  e.place(searchIt);
  e.emit(st(8, R0, s.RES, -1));
  if (kind === 'rindex') {
    if (c.args[2]) e.emit(jmp('jslt', R4, 0, done), stx(8, R0, s.HI, R4));
    else e.emit(mov64(R5, 0x7fffffff), stx(8, R0, s.HI, R5));
  } else if (c.args[2]) {
    const pos = e.newLabel('sp');
    e.emit(jmp('jsge', R4, 0, pos), mov64(R4, 0));
    e.place(pos);
    e.emit(jmp('jsge', R4, R2, done), stx(8, R0, s.LO, R4));
  } else e.emit(st(8, R0, s.LO, 0));
  if (konst) {
    prefixFunction(konst).forEach((k, q) => e.emit(st(2, R0, PI + 2 * q, k)));
  } else failureTable(g, s);
  scan(g, s, kind === 'rindex' ? 'last' : 'first');
  e.place(done);
  return s;
}

/** r = clamp(r, lo, hi) with a constant low bound and a register high bound (signed). */
function clampSigned(g: Gen, r: typeof R0, lo: number, hi: typeof R0): void {
  const a = g.e.newLabel('ca');
  const b = g.e.newLabel('cb');
  g.e.emit(jmp('jsge', r, lo, a), mov64(r, lo));
  g.e.place(a);
  g.e.emit(jmp('jsle', r, hi, b), mov64(r, hi));
  g.e.place(b);
}

/** First pass: PI[q] for q < m, by KMP's prefix function, in at most 2 * lp steps. */
function failureTable(g: Gen, s: Search): void {
  const e = g.e;
  const Q = s.I;
  base(g, R0);
  e.emit(st(8, R0, Q, 1), st(8, R0, s.K, 0), st(2, R0, s.PI, 0));
  loop(g, R1, 2 * s.lp, (exit, next) => {
    const mismatch = e.newLabel('fm');
    const zero = e.newLabel('fz');
    base(g, R0);
    e.emit(ldx(8, R2, R0, Q), ldx(8, R3, R0, s.M), jmp('jge', R2, R3, exit), jmp('jge', R2, s.lp, exit));
    e.emit(ldx(8, R4, R0, s.K), jmp('jge', R4, s.lp, exit));
    e.emit(mov64(R5, R0), alu64('add', R5, R2), ldx(1, R5, R5, s.P));
    e.emit(mov64(R3, R0), alu64('add', R3, R4), ldx(1, R3, R3, s.P));
    e.emit(jmp('jne', R5, R3, mismatch));
    // p[q] == p[k]: pi[q] = ++k, q++
    e.emit(alu64('add', R4, 1), stx(8, R0, s.K, R4));
    e.emit(mov64(R5, R2), alu64('lsh', R5, 1), alu64('add', R5, R0), stx(2, R5, s.PI, R4));
    e.emit(alu64('add', R2, 1), stx(8, R0, Q, R2), ja(next));
    e.place(mismatch);
    // k > 0: k = pi[k - 1]; else pi[q] = 0, q++
    e.emit(jmp('jle', R4, 0, zero));
    e.emit(alu64('sub', R4, 1), alu64('lsh', R4, 1), alu64('add', R4, R0), ldx(2, R4, R4, s.PI), stx(8, R0, s.K, R4), ja(next));
    e.place(zero);
    e.emit(mov64(R5, R2), alu64('lsh', R5, 1), alu64('add', R5, R0), st(2, R5, s.PI, 0));
    e.emit(alu64('add', R2, 1), stx(8, R0, Q, R2));
  });
}

/**
 * Second pass: the KMP automaton over the text; each step advances in the text or falls back in the
 * pattern, so 2 * len + 2 steps suffice. 'first' stops at the first match at or after LO; 'last' keeps
 * the last match at or before HI.
 */
function scan(g: Gen, s: Search, mode: 'first' | 'last'): void {
  const e = g.e;
  base(g, R0);
  e.emit(st(8, R0, s.I, 0), st(8, R0, s.K, 0));
  loop(g, R1, 2 * s.lt + 2, (exit, next) => {
    const step = e.newLabel('kn');
    const mismatch = e.newLabel('km');
    const advance = e.newLabel('ka');
    base(g, R0);
    e.emit(ldx(8, R4, R0, s.K), ldx(8, R3, R0, s.M), jmp('jne', R4, R3, step));
    // A match ends before text[i]: it starts at q = i - m.
    e.emit(ldx(8, R2, R0, s.I), alu64('sub', R2, R3));
    if (mode === 'first') {
      const early = e.newLabel('ke');
      e.emit(ldx(8, R5, R0, s.LO), jmp('jslt', R2, R5, early), stx(8, R0, s.RES, R2), ja(exit));
      e.place(early);
    } else {
      e.emit(ldx(8, R5, R0, s.HI), jmp('jsgt', R2, R5, exit), stx(8, R0, s.RES, R2));
    }
    // k = pi[m - 1]
    e.emit(mov64(R4, R3), alu64('sub', R4, 1), jmp('jge', R4, s.lp, exit));
    e.emit(alu64('lsh', R4, 1), alu64('add', R4, R0), ldx(2, R4, R4, s.PI), stx(8, R0, s.K, R4));
    e.place(step);
    e.emit(ldx(8, R2, R0, s.I), ldx(8, R3, R0, s.L), jmp('jge', R2, R3, exit), jmp('jge', R2, s.lt, exit));
    e.emit(ldx(8, R4, R0, s.K), jmp('jge', R4, s.lp, exit));
    e.emit(mov64(R5, R0), alu64('add', R5, R2), ldx(1, R5, R5, s.T));
    e.emit(mov64(R3, R0), alu64('add', R3, R4), ldx(1, R3, R3, s.P));
    e.emit(jmp('jne', R5, R3, mismatch));
    e.emit(alu64('add', R4, 1), stx(8, R0, s.K, R4), alu64('add', R2, 1), stx(8, R0, s.I, R2), ja(next));
    e.place(mismatch);
    e.emit(jmp('jle', R4, 0, advance));
    e.emit(alu64('sub', R4, 1), alu64('lsh', R4, 1), alu64('add', R4, R0), ldx(2, R4, R4, s.PI), stx(8, R0, s.K, R4), ja(next));
    e.place(advance);
    e.emit(alu64('add', R2, 1), stx(8, R0, s.I, R2));
  });
}

