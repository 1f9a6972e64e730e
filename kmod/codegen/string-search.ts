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
import { area, base, eqFlag, exitIf, ldVar, limitOf, loop, ltFlag, scalarAddr, select, stVar, take } from './string-asm.js';
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
  L: number; M: number; I: number; K: number; RES: number; LO: number; HI: number; ADDR: number; TMP: number;
  /** The text, the pattern and its failure table (u16 per pattern byte), in buffers of t2 and p2 entries. */
  T: number; P: number; PI: number;
  lt: number; lp: number; t2: number; p2: number;
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
  const v = area(g, 72);
  const text = evalStr(g, c.args[0]);
  const lt = limitOf(g, text);
  const t2 = pow2(lt);
  const T = area(g, t2);
  take(g, text, T, lt);
  stVar(g, v, R0, R1);
  const pat = evalStr(g, c.args[1]);
  // A constant pattern's length and failure table are known here: no first pass at run time.
  const konst = pat.constant !== undefined ? Buffer.from(pat.constant, 'utf8').subarray(0, limitOf(g, pat) - 1) : undefined;
  const lp = konst ? konst.length + 1 : limitOf(g, pat);
  const p2 = pow2(lp);
  const P = area(g, p2);
  const PI = area(g, 2 * p2);
  const s: Search = {
    L: v, M: v + 8, I: v + 16, K: v + 24, RES: v + 32, LO: v + 40, HI: v + 48, ADDR: v + 56, TMP: v + 64, T, P, PI, lt, lp, t2, p2,
  };
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

/** The smallest power of two >= n: buffers of that size let indices be masked instead of checked. */
const pow2 = (n: number): number => 1 << Math.ceil(Math.log2(Math.max(n, 2)));

/**
 * First pass: PI[q] for q < m, KMP's prefix function, in at most 2 * lp steps. A step either advances q
 * (recording PI[q]) or falls back to k = PI[k - 1]; computed without branches (see loop()).
 */
function failureTable(g: Gen, s: Search): void {
  const e = g.e;
  const Q = s.I;
  const pm = s.p2 - 1;
  base(g, R0);
  e.emit(st(8, R0, Q, 1), st(8, R0, s.K, 0), st(2, R0, s.PI, 0));
  loop(g, R1, 2 * s.lp, (exit) => {
    base(g, R0);
    e.emit(ldx(8, R2, R0, Q), ldx(8, R3, R0, s.M));
    exitIf(g, 'jge', R2, R3, exit);
    e.emit(alu64('and', R2, pm), ldx(8, R4, R0, s.K), alu64('and', R4, pm));
    charAt(g, R5, R2, s.P);
    charAt(g, R3, R4, s.P);
    eqFlag(g, R5, R5, R3);
    // advance q when p[q] == p[k] or k == 0
    eqFlag(g, R3, R4, 0);
    e.emit(alu64('or', R3, R5), stx(8, R0, s.TMP, R3));
    // PI[q] = p[q] == p[k] ? k + 1 : 0
    e.emit(mov64(R3, R4), alu64('add', R3, 1), alu64('mul', R3, R5));
    e.emit(alu64('lsh', R2, 1), alu64('add', R2, R0), stx(2, R2, s.PI, R3));
    nextK(g, s, R4, R5);
    e.emit(ldx(8, R2, R0, Q), ldx(8, R3, R0, s.TMP), alu64('add', R2, R3), stx(8, R0, Q, R2));
  });
}

/** r = the byte at scratch + off + idx (r0 holds the scratch base). */
function charAt(g: Gen, r: typeof R0, idx: typeof R0, off: number): void {
  g.e.emit(mov64(r, R0), alu64('add', r, idx), ldx(1, r, r, off));
}

/** K = eq ? k + 1 : (k > 0 ? PI[k - 1] : 0), for k in `k` and the 0/1 flag in `eq` (clobbers r2, r3, k). */
function nextK(g: Gen, s: Search, k: typeof R0, eq: typeof R0): void {
  const e = g.e;
  e.emit(mov64(R2, k), alu64('sub', R2, 1), alu64('and', R2, s.p2 - 1), alu64('lsh', R2, 1), alu64('add', R2, R0), ldx(2, R2, R2, s.PI));
  eqFlag(g, R3, k, 0);
  e.emit(alu64('xor', R3, 1), alu64('mul', R2, R3), alu64('add', k, 1));
  select(g, R2, eq, k, R3);
  e.emit(stx(8, R0, s.K, R2));
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
  loop(g, R1, 2 * s.lt + 2, (exit) => {
    base(g, R0);
    // A match ends before text[i] when k == m; it starts at q = i - m.
    e.emit(ldx(8, R4, R0, s.K), ldx(8, R3, R0, s.M));
    eqFlag(g, R5, R4, R3);
    e.emit(ldx(8, R2, R0, s.I), alu64('sub', R2, R3));
    if (mode === 'first') {
      e.emit(ldx(8, R3, R0, s.LO));
      ltFlag(g, R4, R2, R3);
      e.emit(alu64('xor', R4, 1), alu64('and', R4, R5));
      exitIf(g, 'jne', R4, 0, exit, () => e.emit(stx(8, R0, s.RES, R2)));
    } else {
      e.emit(ldx(8, R3, R0, s.HI), mov64(R4, R3));
      ltFlag(g, R4, R4, R2);
      e.emit(alu64('and', R4, R5));
      exitIf(g, 'jne', R4, 0, exit);
      e.emit(ldx(8, R3, R0, s.RES));
      select(g, R3, R5, R2, R4);
      e.emit(stx(8, R0, s.RES, R3));
    }
    // after a match, k = PI[m - 1]
    e.emit(ldx(8, R3, R0, s.M), alu64('sub', R3, 1), alu64('and', R3, s.p2 - 1), alu64('lsh', R3, 1), alu64('add', R3, R0));
    e.emit(ldx(2, R3, R3, s.PI), ldx(8, R4, R0, s.K));
    select(g, R4, R5, R3, R2);
    // the text's next character
    e.emit(ldx(8, R2, R0, s.I), ldx(8, R3, R0, s.L));
    exitIf(g, 'jge', R2, R3, exit);
    e.emit(alu64('and', R2, s.t2 - 1), alu64('and', R4, s.p2 - 1));
    charAt(g, R5, R2, s.T);
    charAt(g, R3, R4, s.P);
    eqFlag(g, R5, R5, R3);
    eqFlag(g, R3, R4, 0);
    e.emit(alu64('or', R3, R5), alu64('add', R2, R3), stx(8, R0, s.I, R2));
    nextK(g, s, R4, R5);
  });
}
