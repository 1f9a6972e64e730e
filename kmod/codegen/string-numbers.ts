// lltostr(v[, base]) and strtoll(s[, base]), as DTrace's DIF_SUBR_LLTOSTR (illumos) and DIF_SUBR_STRTOLL
// (FreeBSD/illumos dtrace_strtoll). A base outside 2..36 is an "illegal operation" fault.
import type { Call } from '../../d/ast.js';
import { R0, R1, R2, R3, R4, R5, alu64, ja, jmp, ldx, mov64, st, stx, type Reg } from '../asm/insn.js';
import type { Val } from './emitter.js';
import type { Gen } from './gen.js';
import { Fault } from './plan.js';
import { constOf, evalInt } from './expr.js';
import { evalStr, type StrVal } from './strings.js';
import { area, base, clamp, copySlice, eqFlag, exitIf, limitOf, loop, ltFlag, resultAt, scalarAddr, take } from './string-asm.js';

/** The base argument: a compile-time constant, or a register checked to be in 2..36 at run time. */
function baseArg(g: Gen, c: Call): { k?: number; v?: Val } {
  const arg = c.args[1];
  if (!arg) return { k: 10 };
  const k = constOf(g, arg);
  if (k !== undefined && k >= 2n && k <= 36n) return { k: Number(k) };
  const v = evalInt(g, arg);
  const bad = g.e.newLabel('bb');
  const ok = g.e.newLabel('bo');
  g.e.emit(jmp('jslt', v.reg, 2, bad), jmp('jsle', v.reg, 36, ok));
  g.e.place(bad);
  g.fault(Fault.ILLOP, 0n);
  g.e.place(ok);
  return { v };
}

/**
 * Emits `body` guarded by "base == k": not at all when a constant base differs, unguarded when it is k, and
 * behind a run-time test otherwise (the verifier refuses unreachable code, so none is emitted).
 */
function ifBase(g: Gen, b: { k?: number; v?: Val }, k: number, body: (skip: string) => void): void {
  if (b.k !== undefined && b.k !== k) return;
  const skip = g.e.newLabel('bk');
  if (b.k === undefined) g.e.emit(jmp('jne', b.v!.reg, k, skip));
  body(skip);
  g.e.place(skip);
}

/** lltostr(v[, base]): decimal with a '-', hex with "0x", octal with a leading '0'; other bases unsigned. */
export function lltostr(g: Gen, c: Call): StrVal {
  const n = g.sema.strsize;
  const e = g.e;
  const out = area(g, n);
  const tmp = area(g, 72);
  const slot = area(g, 8);
  const x = evalInt(g, c.args[0]);
  const b = baseArg(g, c);
  const by: Reg | number = b.v ? b.v.reg : b.k!;
  // Digits go backwards from tmp[64], before the NUL at tmp[65].
  base(g, R4);
  e.emit(st(1, R4, tmp + 65, 0), mov64(R2, x.reg));
  ifBase(g, b, 10, (skip) => e.emit(jmp('jsge', R2, 0, skip), alu64('neg', R2)));
  loop(g, R1, 64, (exit) => {
    exitIf(g, 'jeq', R2, 0, exit);
    e.emit(mov64(R3, R2), alu64('mod', R3, by), alu64('div', R2, by));
    // '0' + d, or 'a' + d - 10 past 9
    e.emit(mov64(R5, 9), alu64('sub', R5, R3), alu64('rsh', R5, 63), alu64('mul', R5, 0x61 - 10 - 0x30), alu64('add', R3, R5), alu64('add', R3, 0x30));
    e.emit(mov64(R5, R4), alu64('sub', R5, R1), stx(1, R5, tmp + 64, R3));
  });
  // r5 = the first character; then the prefixes, innermost first.
  e.emit(mov64(R5, 65), alu64('sub', R5, R1));
  const push = (ch: number): void => {
    e.emit(alu64('sub', R5, 1), mov64(R3, R4), alu64('add', R3, R5), st(1, R3, tmp, ch));
  };
  ifBase(g, b, 16, (skip) => {
    e.emit(jmp('jne', x.reg, 0, skip));
    push(0x30);
  });
  ifBase(g, b, 16, () => push(0x78));
  // A leading 0 for zero, octal and hex.
  const zero = e.newLabel('lz');
  const noZero = e.newLabel('ln');
  if (b.k === 8 || b.k === 16) e.emit(ja(zero));
  else {
    e.emit(jmp('jeq', x.reg, 0, zero));
    if (b.k === undefined) e.emit(jmp('jeq', b.v!.reg, 8, zero), jmp('jeq', b.v!.reg, 16, zero));
    e.emit(ja(noZero));
  }
  e.place(zero);
  push(0x30);
  e.place(noZero);
  ifBase(g, b, 10, (skip) => {
    e.emit(jmp('jsge', x.reg, 0, skip));
    push(0x2d);
  });
  g.free(x, b.v);
  scalarAddr(g, R3, tmp, slot);
  e.emit(alu64('add', R3, R5), mov64(R2, 70));
  copySlice(g, out, n);
  return resultAt(g, out, n);
}

/** DTrace's DIGIT(): the value of an alphanumeric character in bases up to 36; 99 for anything else. */
function digitTable(): string {
  const v = (c: number): number =>
    c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x7a ? c - 0x61 + 10 : c >= 0x41 && c <= 0x5a ? c - 0x41 + 10 : 99;
  return String.fromCharCode(...Array.from({ length: 256 }, (_, c) => v(c)));
}

/** r = digit value of the character in r (clobbers r0 unless r is r0). */
function digitOf(g: Gen, r: Reg, tmp: Reg): void {
  const t = digitTable();
  g.constString(tmp, t, t.length + 1);
  g.e.emit(alu64('and', r, 0xff), alu64('add', tmp, r), ldx(1, r, tmp, 0));
}

/**
 * strtoll(s[, base]): leading blanks and tabs, an optional sign, for base 16 an optional "0x" before a hex
 * digit, then digits up to the first character that is not one in this base; the value wraps on overflow.
 */
export function strtoll(g: Gen, c: Call): Val {
  const e = g.e;
  const text = evalStr(g, c.args[0]);
  const lim = limitOf(g, text);
  const buf = area(g, lim + 8);
  const v = area(g, 24);
  const [POS, VAL, NEG] = [v, v + 8, v + 16];
  take(g, text, buf, lim);
  const b = baseArg(g, c);
  const by: Reg | number = b.v ? b.v.reg : b.k!;
  base(g, R0);
  e.emit(st(8, R0, POS, 0), st(8, R0, VAL, 0));
  // Blanks.
  loop(g, R1, lim, (exit) => {
    base(g, R0);
    e.emit(mov64(R2, R0), alu64('add', R2, R1), ldx(1, R2, R2, buf));
    eqFlag(g, R3, R2, 0x20);
    eqFlag(g, R4, R2, 0x09);
    e.emit(alu64('or', R3, R4));
    exitIf(g, 'jeq', R3, 0, exit, () => e.emit(stx(8, R0, POS, R1)));
  });
  // The sign, then "0x".
  base(g, R0);
  e.emit(ldx(8, R2, R0, POS));
  clamp(g, R2, 0, lim - 1);
  e.emit(mov64(R3, R0), alu64('add', R3, R2), ldx(1, R3, R3, buf));
  eqFlag(g, R4, R3, 0x2d);
  eqFlag(g, R5, R3, 0x2b);
  e.emit(stx(8, R0, NEG, R4), alu64('or', R5, R4), alu64('add', R2, R5));
  if (b.k === undefined || b.k === 16) {
    // "0" then 'x' or 'X' then a hex digit: r4 = all three, and only for base 16.
    e.emit(mov64(R3, R0), alu64('add', R3, R2), ldx(1, R4, R3, buf));
    eqFlag(g, R4, R4, 0x30);
    e.emit(ldx(1, R5, R3, buf + 1), alu64('or', R5, 0x20));
    eqFlag(g, R5, R5, 0x78);
    e.emit(alu64('and', R4, R5), ldx(1, R5, R3, buf + 2));
    digitOf(g, R5, R0);
    ltFlag(g, R5, R5, 16);
    e.emit(alu64('and', R4, R5));
    if (b.v) {
      eqFlag(g, R5, b.v.reg, 16);
      e.emit(alu64('and', R4, R5));
    }
    e.emit(alu64('lsh', R4, 1), alu64('add', R2, R4));
  }
  base(g, R0);
  e.emit(stx(8, R0, POS, R2));
  // Digits.
  loop(g, R1, lim, (exit) => {
    base(g, R0);
    e.emit(ldx(8, R2, R0, POS), alu64('add', R2, R1));
    exitIf(g, 'jge', R2, lim, exit);
    e.emit(alu64('add', R2, R0), ldx(1, R2, R2, buf));
    digitOf(g, R2, R3);
    exitIf(g, 'jge', R2, by, exit);
    e.emit(ldx(8, R3, R0, VAL), alu64('mul', R3, by), alu64('add', R3, R2), stx(8, R0, VAL, R3));
  });
  g.free(b.v);
  const out = g.alloc();
  base(g, R0);
  const pos = e.newLabel('tpos');
  e.emit(ldx(8, out.reg, R0, VAL), ldx(8, R5, R0, NEG), jmp('jeq', R5, 0, pos), alu64('neg', out.reg));
  e.place(pos);
  return out;
}
