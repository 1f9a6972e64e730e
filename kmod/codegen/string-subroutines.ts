// D's string subroutines (illumos dtrace_dif_subr semantics): the dispatch, strjoin, substr, strchr/strrchr,
// toupper/tolower, copyin, and comparisons of a string with NULL. Every string result is a fresh per-CPU
// scratch buffer of strsize bytes; strchr, strrchr, strstr and strtok may return NULL, which faults with
// "invalid address (0x0)" when used as a string, as in DTrace, and can be compared with NULL.
import type { Call, Expr } from '../../d/ast.js';
import { isString } from '../../d/types.js';
import { R0, R1, R2, R3, R4, R5, alu64, call, ja, jmp, ldx, mov64, st, stx } from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import type { Val } from './emitter.js';
import type { Gen } from './gen.js';
import { Fault } from './plan.js';
import { evalInt, constOf } from './expr.js';
import { evalStr, type StrVal } from './strings.js';
import {
  area, base, clamp, copySlice, eqFlag, exitIf, ldVar, limitOf, loop, ltFlag, nonNull, resultAt, savePtr, select, stVar, take,
} from './string-asm.js';
import { search, strstr } from './string-search.js';
import { strtok } from './string-tokens.js';
import { pathname, cleanpath } from './string-paths.js';
import { lltostr, strtoll } from './string-numbers.js';

/** Subroutines whose value is a string (evaluated by evalStr). */
export const stringSubroutineNames = new Set([
  'strjoin', 'substr', 'strchr', 'strrchr', 'strstr', 'strtok', 'lltostr', 'basename', 'dirname', 'cleanpath',
  'toupper', 'tolower',
]);

/** Those that return NULL when they find nothing. */
const nullable = new Set(['strchr', 'strrchr', 'strstr', 'strtok']);

/** Integer subroutines that work on strings or user memory (evaluated by evalInt). */
export const intStringSubroutineNames = new Set(['index', 'rindex', 'strtoll', 'copyin']);

/** A string subroutine's value; a NULL result faults (BADADDR 0) as DTrace does when it is used. */
export function stringSubroutine(g: Gen, c: Call): StrVal {
  const s = rawStringSubroutine(g, c);
  if (nullable.has(c.callee)) nonNull(g, s.ptr);
  return s;
}

/** A string subroutine's value, whose register holds 0 for NULL (strchr, strrchr, strstr, strtok). */
function rawStringSubroutine(g: Gen, c: Call): StrVal {
  switch (c.callee) {
    case 'strjoin':
      return strjoin(g, c);
    case 'substr':
      return substr(g, c);
    case 'strchr':
    case 'strrchr':
      return strchr(g, c, c.callee === 'strrchr');
    case 'strstr':
      return strstr(g, c);
    case 'strtok':
      return strtok(g, c);
    case 'lltostr':
      return lltostr(g, c);
    case 'basename':
    case 'dirname':
      return pathname(g, c, c.callee);
    case 'cleanpath':
      return cleanpath(g, c);
    case 'toupper':
    case 'tolower':
      return changeCase(g, c, c.callee === 'toupper');
  }
  return g.error(`${c.callee}( ) is not a string subroutine`, c.pos);
}

/** index(), rindex(), strtoll() and copyin(). */
export function intStringSubroutine(g: Gen, c: Call): Val {
  switch (c.callee) {
    case 'index':
    case 'rindex':
      return search(g, c, c.callee);
    case 'strtoll':
      return strtoll(g, c);
    case 'copyin':
      return copyin(g, c);
  }
  return g.error(`${c.callee}( ) is not supported yet`, c.pos);
}

/** The NULL constant (or a literal 0) where a string could stand. */
function isNullConst(g: Gen, e: Expr): boolean {
  return !isString(g.sema.typeOf(e)) && constOf(g, e) === 0n;
}

/**
 * `s == NULL` / `s != NULL` (either order) in a condition: jumps to `falseLabel` when false. Only strchr,
 * strrchr, strstr and strtok produce NULL; every other string is a buffer, never NULL.
 */
export function compareWithNull(g: Gen, e: Extract<Expr, { kind: 'binary' }>, falseLabel: string): void {
  const [str, other] = isString(g.sema.typeOf(e.left)) ? [e.left, e.right] : [e.right, e.left];
  if (!isNullConst(g, other) || (e.op !== '==' && e.op !== '!=')) {
    g.error(`operator ${e.op} operands have incompatible types: a string can only be compared with NULL`, e.pos);
  }
  const s = str.kind === 'call' && nullable.has(str.callee) ? rawStringSubroutine(g, str) : evalStr(g, str);
  g.e.emit(jmp(e.op === '==' ? 'jne' : 'jeq', s.ptr.reg, 0, falseLabel));
  g.free(s.ptr);
}

/** strjoin(a, b): a then b; DTrace's "out of scratch space" when the two do not fit in strsize. */
function strjoin(g: Gen, c: Call): StrVal {
  const n = g.sema.strsize;
  const out = area(g, 2 * n);
  const v = area(g, 8);
  take(g, evalStr(g, c.args[0]), out, n);
  stVar(g, v, R0, R1);
  const b = evalStr(g, c.args[1]);
  // b goes right after a: out + la, with room for n more bytes.
  ldVar(g, R4, v);
  clamp(g, R4, 0, n - 1);
  g.e.emit(mov64(R3, b.ptr.reg));
  g.scratchPtr(R1, out);
  g.e.emit(alu64('add', R1, R4), mov64(R2, Math.min(n, b.maxLen)), call(Helper.probe_read_kernel_str));
  g.free(b.ptr);
  clamp(g, R0, 1, n);
  ldVar(g, R1, v);
  g.e.emit(alu64('add', R0, R1));
  const ok = g.e.newLabel('sj');
  // la + lb + 1 bytes (r0 = la + lb + 1) must fit in strsize.
  g.e.emit(jmp('jle', R0, n, ok));
  g.fault(Fault.NOSCRATCH, 0n);
  g.e.place(ok);
  return resultAt(g, out, n);
}

/** substr(s, index[, length]), with DTrace's treatment of negative index and length. */
function substr(g: Gen, c: Call): StrVal {
  const n = g.sema.strsize;
  const out = area(g, n);
  const v = area(g, 16);
  const [LEN, ADDR] = [v, v + 8];
  const s = evalStr(g, c.args[0]);
  savePtr(g, ADDR, s.ptr.reg, R1);
  take(g, s, out, n);
  stVar(g, LEN, R0, R1);
  const index = evalInt(g, c.args[1]);
  const rem = c.args[2] ? evalInt(g, c.args[2]) : undefined;
  const e = g.e;
  const i = index.reg;
  const r = R5;
  if (rem) e.emit(mov64(r, rem.reg));
  else e.emit(mov64(r, n));
  g.free(rem);
  ldVar(g, R4, LEN);
  const fix = e.newLabel('sb');
  // if (index < 0) { index += len; if (index < 0 && index + remaining > 0) { remaining += index; index = 0; } }
  e.emit(jmp('jsge', i, 0, fix), alu64('add', i, R4), jmp('jsge', i, 0, fix));
  e.emit(mov64(R3, i), alu64('add', R3, r), jmp('jsle', R3, 0, fix), alu64('add', r, i), mov64(i, 0));
  e.place(fix);
  const none = e.newLabel('sn');
  const copy = e.newLabel('sc');
  const notNeg = e.newLabel('sp');
  // if (index >= len || index < 0) remaining = 0 (the unsigned compare covers both)
  e.emit(jmp('jge', i, R4, none));
  // else if (remaining < 0) remaining += len - index
  e.emit(jmp('jsge', r, 0, notNeg), alu64('add', r, R4), alu64('sub', r, i), ja(copy));
  e.place(notNeg);
  // else if (index + remaining > size) remaining = size - index
  e.emit(mov64(R3, i), alu64('add', R3, r), jmp('jle', R3, n, copy), mov64(r, n), alu64('sub', r, i), ja(copy));
  e.place(none);
  e.emit(mov64(r, 0), mov64(i, 0));
  e.place(copy);
  ldVar(g, R3, ADDR);
  e.emit(alu64('add', R3, i), mov64(R2, r));
  g.free(index);
  copySlice(g, out, n);
  return resultAt(g, out, n);
}

/** strchr(s, c) / strrchr(s, c): the rest of s from the first / last c, or NULL. */
function strchr(g: Gen, c: Call, last: boolean): StrVal {
  const n = g.sema.strsize;
  const out = area(g, n);
  const v = area(g, 16);
  const [POS, ADDR] = [v, v + 8];
  const s = evalStr(g, c.args[0]);
  const ch = evalInt(g, c.args[1]);
  const e = g.e;
  e.emit(alu64('and', ch.reg, 0xff));
  savePtr(g, ADDR, s.ptr.reg, R1);
  stVar(g, POS, -1, R1);
  loop(g, R1, limitOf(g, s), (exit) => {
    e.emit(mov64(R2, s.ptr.reg), alu64('add', R2, R1), ldx(1, R2, R2, 0));
    if (last) {
      // POS = c == ch ? i : POS
      eqFlag(g, R3, R2, ch.reg);
      base(g, R4);
      e.emit(ldx(8, R5, R4, POS));
      select(g, R5, R3, R1, R0);
      e.emit(stx(8, R4, POS, R5));
    } else exitIf(g, 'jeq', R2, ch.reg, exit, () => stVar(g, POS, R1, R3));
    exitIf(g, 'jeq', R2, 0, exit);
  });
  g.free(s.ptr, ch);
  return suffixOrNull(g, out, POS, ADDR);
}

/** The string from the plain address in ADDR plus the offset in POS into `out`, or NULL when POS is -1. */
export function suffixOrNull(g: Gen, out: number, posVar: number, addrVar: number): StrVal {
  const n = g.sema.strsize;
  const e = g.e;
  const res = g.alloc();
  const none = e.newLabel('nf');
  const done = e.newLabel('nd');
  ldVar(g, R4, posVar);
  e.emit(jmp('jslt', R4, 0, none));
  clamp(g, R4, 0, n - 1);
  ldVar(g, R3, addrVar);
  e.emit(alu64('add', R3, R4), mov64(R2, n - 1));
  copySlice(g, out, n);
  g.scratchPtr(res.reg, out);
  e.emit(ja(done));
  e.place(none);
  e.emit(mov64(res.reg, 0));
  e.place(done);
  return { ptr: res, maxLen: n };
}

/** toupper(s) / tolower(s): ASCII letters converted, everything else copied. */
function changeCase(g: Gen, c: Call, upper: boolean): StrVal {
  const n = g.sema.strsize;
  const out = area(g, n);
  take(g, evalStr(g, c.args[0]), out, n);
  const lo = upper ? 0x61 : 0x41;
  const e = g.e;
  loop(g, R1, n, (exit) => {
    base(g, R4);
    e.emit(alu64('add', R4, R1), ldx(1, R2, R4, out));
    exitIf(g, 'jeq', R2, 0, exit);
    // A letter of the other case when 0 <= c - lo < 26: move it by 32.
    e.emit(mov64(R3, R2), alu64('sub', R3, lo), mov64(R5, R3), alu64('rsh', R5, 63), alu64('xor', R5, 1));
    ltFlag(g, R3, R3, 26);
    e.emit(alu64('and', R3, R5), alu64('lsh', R3, 5), alu64(upper ? 'sub' : 'add', R2, R3), stx(1, R4, out, R2));
  });
  return resultAt(g, out, n);
}

/**
 * copyin(addr, size): `size` bytes of user memory copied into scratch (and a NUL after them, so that
 * stringof() of the copy stops there); its address as an integer. A constant size gets a buffer of that
 * size; a variable one, strsize bytes (a larger size is DTrace's "out of scratch space").
 */
function copyin(g: Gen, c: Call): Val {
  const k = constOf(g, c.args[1]);
  const max = k !== undefined && k >= 0n && k <= 0x2000n ? Number(k) : g.sema.strsize;
  const buf = area(g, max + 1);
  const slot = area(g, 8);
  const addr = evalInt(g, c.args[0]);
  const size = evalInt(g, c.args[1]);
  const e = g.e;
  const ok = e.newLabel('ci');
  e.emit(jmp('jle', size.reg, max, ok));
  g.fault(Fault.NOSCRATCH, 0n);
  e.place(ok);
  g.scratchPtr(R1, buf);
  e.emit(mov64(R2, size.reg), mov64(R3, addr.reg), call(Helper.probe_read_user));
  g.faultIfNegative(addr.reg);
  // The NUL after the data, then the buffer's address as a plain number.
  g.scratchPtr(R1, buf);
  e.emit(alu64('add', R1, size.reg), st(1, R1, 0, 0));
  g.free(size);
  base(g, addr.reg);
  e.emit(stx(8, addr.reg, slot, addr.reg), ldx(8, addr.reg, addr.reg, slot), alu64('add', addr.reg, buf));
  return addr;
}

