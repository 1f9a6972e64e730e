// String expressions: where a string lives (rodata, scratch, globals, map values), copies and comparison.
import type { Expr } from '../../d/ast.js';
import { isString, stringOf } from '../../d/types.js';
import {
  R0, R1, R2, R3, R4, R5, alu64, call, ja, jmp, ldx, mov64, st, type Reg,
} from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import type { Val } from './emitter.js';
import type { Gen } from './gen.js';
import { evalInt, evalCond } from './expr.js';
import { loadVarString } from './vars.js';
import { lvalueAddr } from './memory.js';
import { MapName } from './layout.js';
import { stringSubroutine, stringSubroutineNames } from './string-subroutines.js';
import { groupProbeString } from './probe-ids.js';

/** A string value: a register holding the address of a NUL-terminated buffer of `maxLen` bytes. */
export interface StrVal {
  ptr: Val;
  maxLen: number;
  /** Set when the buffer is a constant of the rodata map (usable with bpf_strncmp). */
  constant?: string;
}

function maxLenOf(g: Gen, e: Expr): number {
  const t = g.sema.typeOf(e);
  return isString(t) ? t.maxLen : g.sema.strsize;
}

/** A fresh scratch buffer of `size` bytes, its address in a new value register. */
function scratchBuffer(g: Gen, size: number): Val {
  const off = g.scratchAlloc(size);
  const v = g.alloc();
  g.scratchPtr(v.reg, off);
  return v;
}

export function evalStr(g: Gen, e: Expr): StrVal {
  const prev = g.e.pos;
  g.e.pos = e.pos;
  try {
    return strAt(g, e);
  } finally {
    g.e.pos = prev;
  }
}

function constStr(g: Gen, s: string, maxLen: number): StrVal {
  const v = g.alloc();
  g.constString(v.reg, s, maxLen);
  return { ptr: v, maxLen, constant: s };
}

function strAt(g: Gen, e: Expr): StrVal {
  const maxLen = maxLenOf(g, e);
  switch (e.kind) {
    case 'str':
      return constStr(g, e.value, Math.max(maxLen, Buffer.byteLength(e.value) + 1));
    case 'macro': {
      const r = g.sema.resolved.get(e);
      if (r?.kind === 'string') return constStr(g, r.value, maxLen);
      break;
    }
    case 'ident': {
      const r = g.sema.resolved.get(e);
      if (r?.kind === 'builtin') return builtinStr(g, r.name, maxLen);
      if (r?.kind === 'inline') return evalStr(g, r.expr);
      if (r?.kind === 'var') return loadVarString(g, r.v, []);
      break;
    }
    case 'self':
    case 'this':
    case 'index': {
      const r = g.sema.resolved.get(e);
      if (r?.kind === 'var') return loadVarString(g, r.v, e.kind === 'index' ? e.index : []);
      if (e.kind === 'index' && e.object.kind === 'ident' && e.object.name === 'args' && g.ctx.argAddr) {
        const addr = g.alloc();
        g.ctx.argAddr(g.e, Number(e.index[0].kind === 'int' ? e.index[0].value : 0n), addr.reg);
        const buf = scratchBuffer(g, maxLen);
        g.readMem(buf.reg, maxLen, addr.reg, true);
        g.free(addr);
        return { ptr: buf, maxLen };
      }
      if (e.kind === 'index') return memoryString(g, e, maxLen);
      break;
    }
    case 'unary':
      if (e.op === 'stringof') {
        if (isString(g.sema.typeOf(e.operand))) return evalStr(g, e.operand);
        return readString(g, e.operand, maxLen, 'any');
      }
      break;
    case 'call':
      if (e.callee === 'copyinstr') return readString(g, e.args[0], maxLen, 'user', e.args[1]);
      if (stringSubroutineNames.has(e.callee)) return stringSubroutine(g, e);
      break;
    case 'member':
      return memoryString(g, e, maxLen);
    case 'ternary': {
      // both branches leave the string's address in the same register (see the integer ternary)
      const no = g.e.newLabel('sf');
      const end = g.e.newLabel('se');
      evalCond(g, e.cond, no);
      const a = evalStr(g, e.then);
      const r = a.ptr.reg;
      g.free(a.ptr);
      g.e.emit(ja(end));
      g.e.place(no);
      const b = evalStr(g, e.else);
      if (b.ptr.reg !== r) g.e.emit(mov64(r, b.ptr.reg));
      g.free(b.ptr);
      g.e.place(end);
      return { ptr: g.e.allocReg(r), maxLen: Math.min(a.maxLen, b.maxLen) };
    }
  }
  return g.error(`string expression (${e.kind}${e.kind === 'call' ? ' ' + e.callee : ''}) is not supported yet`, e.pos);
}

/** A char array inside a kernel or user structure, copied out as a string. */
function memoryString(g: Gen, e: Expr, maxLen: number): StrVal {
  const addr = lvalueAddr(g, e);
  const buf = scratchBuffer(g, maxLen);
  g.readMem(buf.reg, maxLen, addr.reg, true);
  g.free(addr);
  return { ptr: buf, maxLen };
}

function builtinStr(g: Gen, name: string, maxLen: number): StrVal {
  const p = g.probe;
  switch (name) {
    case 'execname': {
      const v = scratchBuffer(g, 16);
      g.e.emit(mov64(R1, v.reg), mov64(R2, 16), call(Helper.get_current_comm));
      return { ptr: v, maxLen: 16 };
    }
    case 'probeprov':
      return constStr(g, p.provider, maxLen);
    case 'probemod':
      return groupProbeString(g, 'module', maxLen) ?? constStr(g, p.module, maxLen);
    case 'probefunc':
      return groupProbeString(g, 'func', maxLen) ?? constStr(g, p.func, maxLen);
    case 'probename':
      return constStr(g, p.name, maxLen);
  }
  return g.error(`built-in variable ${name} is not supported yet`);
}

/** Reads a NUL-terminated string from the address `addrExpr` evaluates to; faults on a bad address. */
function readString(g: Gen, addrExpr: Expr, maxLen: number, space: 'user' | 'any', lenExpr?: Expr): StrVal {
  const addr = evalInt(g, addrExpr);
  const buf = scratchBuffer(g, maxLen);
  if (lenExpr) {
    // copyinstr(addr, len): at most len bytes (and never more than strsize).
    const len = evalInt(g, lenExpr);
    const small = g.e.newLabel('ls');
    g.e.emit(jmp('jle', len.reg, maxLen - 1, small), mov64(len.reg, maxLen - 1));
    g.e.place(small);
    g.e.emit(alu64('add', len.reg, 1));
    g.e.emit(alu64('and', len.reg, 0xffff));
    const ok = g.e.newLabel('lok');
    g.e.emit(jmp('jle', len.reg, maxLen, ok), mov64(len.reg, maxLen));
    g.e.place(ok);
    g.e.emit(mov64(R1, buf.reg), mov64(R2, len.reg), mov64(R3, addr.reg), call(Helper.probe_read_user_str));
    g.faultIfNegative(addr.reg);
    g.free(len);
  } else if (space === 'user') {
    g.e.emit(mov64(R1, buf.reg), mov64(R2, maxLen), mov64(R3, addr.reg), call(Helper.probe_read_user_str));
    g.faultIfNegative(addr.reg);
  } else {
    g.readMem(buf.reg, maxLen, addr.reg, true);
  }
  g.free(addr);
  return { ptr: buf, maxLen };
}

/**
 * Writes the string `e` into the buffer at `dst` (a value register) of `size` bytes, NUL-padded when
 * `pad` (keys must not carry garbage after the NUL).
 */
export function strInto(g: Gen, e: Expr, dst: Val, size: number, pad: boolean): void {
  const r = g.sema.resolved.get(e);
  if (e.kind === 'ident' && r?.kind === 'builtin' && r.name === 'execname' && size >= 16) {
    if (pad && size > 16) zeroFill(g, dst.reg, 16, size);
    g.e.emit(mov64(R1, dst.reg), mov64(R2, 16), call(Helper.get_current_comm));
    return;
  }
  const s = evalStr(g, e);
  copyString(g, dst, s, size, pad);
  g.free(s.ptr);
}

/** Copies a string value into `dst` (at most size-1 bytes and a NUL). */
export function copyString(g: Gen, dst: Val, s: StrVal, size: number, pad: boolean): void {
  if (pad) zeroFill(g, dst.reg, 0, size);
  const n = Math.min(size, s.maxLen);
  g.e.emit(mov64(R1, dst.reg), mov64(R2, n), mov64(R3, s.ptr.reg), call(Helper.probe_read_kernel_str));
}

/** Stores zeros over [from, to) of the buffer at `r` (8 bytes at a time where aligned). */
export function zeroFill(g: Gen, r: Reg, from: number, to: number): void {
  let o = from;
  while (o < to && o % 8) g.e.emit(st(1, r, o++, 0));
  for (; o + 8 <= to; o += 8) g.e.emit(st(8, r, o, 0));
  for (; o < to; o++) g.e.emit(st(1, r, o, 0));
}

/** strcmp(a, b) of two string expressions: a value register holding <0, 0 or >0. */
export function compareStrings(g: Gen, left: Expr, right: Expr): Val {
  const a = evalStr(g, left);
  const b = evalStr(g, right);
  const out = g.alloc();
  if (b.constant !== undefined || a.constant !== undefined) {
    const [s1, s2, flip] = b.constant !== undefined ? [a, b, false] : [b, a, true];
    // bpf_strncmp(s1, s1_sz, const s2): s2 must be a NUL-terminated constant of a frozen map.
    g.e.emit(mov64(R1, s1.ptr.reg), mov64(R2, s1.maxLen), mov64(R3, s2.ptr.reg), call(Helper.strncmp), mov64(out.reg, R0));
    if (flip) g.e.emit(alu64('neg', out.reg));
  } else {
    const n = Math.min(a.maxLen, b.maxLen);
    const loop = g.e.newLabel('sc');
    const ne = g.e.newLabel('sne');
    const eq = g.e.newLabel('seq');
    const end = g.e.newLabel('send');
    g.e.emit(mov64(R1, a.ptr.reg), mov64(R2, b.ptr.reg), mov64(R3, 0));
    g.e.place(loop);
    g.e.emit(
      jmp('jge', R3, n, eq),
      mov64(R4, R1), alu64('add', R4, R3), ldx(1, R4, R4, 0),
      mov64(R5, R2), alu64('add', R5, R3), ldx(1, R5, R5, 0),
      jmp('jne', R4, R5, ne),
      jmp('jeq', R4, 0, eq),
      alu64('add', R3, 1),
      ja(loop),
    );
    g.e.place(ne);
    g.e.emit(mov64(out.reg, R4), alu64('sub', out.reg, R5), ja(end));
    g.e.place(eq);
    g.e.emit(mov64(out.reg, 0));
    g.e.place(end);
  }
  g.free(a.ptr, b.ptr);
  return out;
}

/** The empty string constant (what an unset string variable reads as). */
export function emptyString(g: Gen, dst: Reg, maxLen: number): void {
  g.constString(dst, '', maxLen);
}

export { stringOf, MapName };
