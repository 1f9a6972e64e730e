// lltostr(v[, base]) and strtoll(s[, base]), as DTrace's DIF_SUBR_LLTOSTR (illumos) and DIF_SUBR_STRTOLL
// (FreeBSD/illumos dtrace_strtoll). A base outside 2..36 is an "illegal operation" fault.
import type { Call } from '../../d/ast.js';
import { R0, R1, R2, R3, R4, R5, alu64, ja, jmp, ldx, mov64, st, stx, type Reg } from '../asm/insn.js';
import type { Val } from './emitter.js';
import type { Gen } from './gen.js';
import { Fault } from './plan.js';
import { constOf, evalInt } from './expr.js';
import { evalStr, type StrVal } from './strings.js';
import { area, base, copySlice, limitOf, loop, resultAt, scalarAddr } from './string-asm.js';

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
    const letter = e.newLabel('ll');
    const put = e.newLabel('lq');
    e.emit(jmp('jeq', R2, 0, exit), mov64(R3, R2), alu64('mod', R3, by), alu64('div', R2, by));
    e.emit(jmp('jgt', R3, 9, letter), alu64('add', R3, 0x30), ja(put));
    e.place(letter);
    e.emit(alu64('add', R3, 0x61 - 10));
    e.place(put);
    e.emit(mov64(R5, R4), alu64('sub', R5, R1), stx(1, R5, tmp + 64, R3));
  }, [R2, R4]);
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

/**
 * strtoll(s[, base]): leading blanks and tabs, an optional sign, for base 16 an optional "0x", then digits
 * up to the first character that is not one in this base; no overflow check (the value wraps).
 */
export function strtoll(g: Gen, c: Call): Val {
  const e = g.e;
  const s = evalStr(g, c.args[0]);
  const lim = limitOf(g, s);
  const b = baseArg(g, c);
  const by: Reg | number = b.v ? b.v.reg : b.k!;
  const v = area(g, 24);
  const [VAL, NEG, PHASE] = [v, v + 8, v + 16];
  base(g, R0);
  e.emit(st(8, R0, VAL, 0), st(8, R0, NEG, 0), st(8, R0, PHASE, 0));
  // r1 position, r2 character, r3 phase (0 blanks, 1 sign, 2 "0x", 3 digits, 4 the 'x'); the phase, value and
  // sign live in scratch between iterations.
  loop(g, R1, lim, (exit) => {
    const [p1, p2, digits, skipX, plus, isX, yes, next] = ['t1', 't2', 'td', 'tx', 'tp', 'ti', 'ty', 'ts'].map((l) => e.newLabel(l));
    base(g, R0);
    e.emit(ldx(8, R3, R0, PHASE), mov64(R2, s.ptr.reg), alu64('add', R2, R1), ldx(1, R2, R2, 0));
    e.emit(jmp('jeq', R3, 3, digits), jmp('jeq', R3, 4, skipX), jmp('jne', R3, 0, p1));
    e.emit(jmp('jeq', R2, 0x20, next), jmp('jeq', R2, 0x09, next), mov64(R3, 1));
    e.place(p1);
    e.emit(jmp('jne', R3, 1, p2), mov64(R3, 2), jmp('jne', R2, 0x2d, plus));
    base(g, R0);
    e.emit(st(8, R0, NEG, 1), ja(next));
    e.place(plus);
    e.emit(jmp('jeq', R2, 0x2b, next));
    e.place(p2);
    e.emit(mov64(R3, 3));
    if (lim >= 3) {
      ifBase(g, b, 16, () => {
        // "0x" or "0X" followed by a hex digit: skip the "0x".
        e.emit(jmp('jne', R2, 0x30, digits), jmp('jge', R1, lim - 2, digits));
        e.emit(mov64(R0, s.ptr.reg), alu64('add', R0, R1), ldx(1, R0, R0, 1), jmp('jeq', R0, 0x78, isX), jmp('jne', R0, 0x58, digits));
        e.place(isX);
        e.emit(mov64(R0, s.ptr.reg), alu64('add', R0, R1), ldx(1, R0, R0, 2));
        e.emit(jmp('jlt', R0, 0x30, digits), jmp('jle', R0, 0x39, yes), jmp('jlt', R0, 0x41, digits), jmp('jle', R0, 0x46, yes));
        e.emit(jmp('jlt', R0, 0x61, digits), jmp('jgt', R0, 0x66, digits));
        e.place(yes);
        e.emit(mov64(R3, 4), ja(next));
      });
    }
    if (b.k !== 16 || lim < 3) e.emit(ja(digits));
    e.place(skipX);
    e.emit(mov64(R3, 3), ja(next));
    e.place(digits);
    const [num, lower, have] = ['tn', 'tl', 'th'].map((l) => e.newLabel(l));
    e.emit(jmp('jlt', R2, 0x30, exit), jmp('jgt', R2, 0x39, num), alu64('sub', R2, 0x30), ja(have));
    e.place(num);
    e.emit(jmp('jlt', R2, 0x41, exit), jmp('jgt', R2, 0x5a, lower), alu64('sub', R2, 0x41 - 10), ja(have));
    e.place(lower);
    e.emit(jmp('jlt', R2, 0x61, exit), jmp('jgt', R2, 0x7a, exit), alu64('sub', R2, 0x61 - 10));
    e.place(have);
    e.emit(jmp('jge', R2, by, exit));
    base(g, R0);
    e.emit(ldx(8, R4, R0, VAL), alu64('mul', R4, by), alu64('add', R4, R2), stx(8, R0, VAL, R4));
    e.place(next);
    base(g, R5);
    e.emit(stx(8, R5, PHASE, R3));
  });
  base(g, R0);
  const pos = e.newLabel('tpos');
  e.emit(ldx(8, R4, R0, VAL), ldx(8, R5, R0, NEG), jmp('jeq', R5, 0, pos), alu64('neg', R4));
  e.place(pos);
  g.free(s.ptr, b.v);
  const out = g.alloc();
  e.emit(mov64(out.reg, R4));
  return out;
}

