// Integer expressions and conditions: D's C semantics on 64-bit registers, with checked division.
import type { Expr } from '../../d/ast.js';
import { isInt, isString, type DType, type IntType } from '../../d/types.js';
import {
  R0, R1, R2, R3, alu32, alu64, call, ja, jmp, ldImm64, mov64, type Reg,
} from '../asm/insn.js';
import type { JmpOp } from '../asm/opcodes.js';
import { Helper } from '../asm/helpers.js';
import type { Val } from './emitter.js';
import { Fault } from './plan.js';
import type { Gen } from './gen.js';
import { loadBuiltinInt } from './builtins.js';
import { loadVar, storeVar } from './vars.js';
import { evalStr, compareStrings } from './strings.js';
import { intSubroutine } from './subroutines.js';
import { compareWithNull } from './string-subroutines.js';
import { loadLvalue, lvalueAddr } from './memory.js';

/** Brings a value in `r` to the canonical 64-bit form of type `t` (sign- or zero-extended). */
export function normalize(g: Gen, r: Reg, t: DType): void {
  if (t.kind !== 'int' || t.size === 8) return;
  if (t.size === 4 && !t.signed) {
    g.e.emit(alu32('mov', r, r));
    return;
  }
  const shift = 64 - t.size * 8;
  g.e.emit(alu64('lsh', r, shift), alu64(t.signed ? 'arsh' : 'rsh', r, shift));
}

function isSigned(t: DType): boolean {
  return t.kind === 'int' && t.signed;
}

/** Loads a constant into a register. */
export function loadConst(g: Gen, r: Reg, v: bigint): void {
  if (v >= -0x80000000n && v <= 0x7fffffffn) g.e.emit(mov64(r, Number(v)));
  else g.e.emit(ldImm64(r, v));
}

/** The compile-time value of a constant expression, if it is one. */
export function constOf(g: Gen, e: Expr): bigint | undefined {
  if (e.kind === 'int') return e.value;
  const r = g.sema.resolved.get(e);
  if (r?.kind === 'const') return r.value;
  if (r?.kind === 'inline') return constOf(g, r.expr);
  if (e.kind === 'unary' && e.op === '-') {
    const v = constOf(g, e.operand);
    return v === undefined ? undefined : BigInt.asIntN(64, -v);
  }
  return undefined;
}

/** Evaluates an integer (or pointer) expression into a fresh value register. */
export function evalInt(g: Gen, e: Expr): Val {
  const prev = g.e.pos;
  g.e.pos = e.pos;
  try {
    return evalIntAt(g, e);
  } finally {
    g.e.pos = prev;
  }
}

function evalIntAt(g: Gen, e: Expr): Val {
  const t = g.sema.typeOf(e);
  if (isString(t)) g.error('a string is used where an integer is expected', e.pos);
  const c = constOf(g, e);
  if (c !== undefined) {
    const v = g.alloc();
    loadConst(g, v.reg, BigInt.asIntN(64, c));
    return v;
  }
  switch (e.kind) {
    case 'ident': {
      const r = g.sema.resolved.get(e);
      if (r?.kind === 'builtin') {
        const v = g.alloc();
        loadBuiltinInt(g, r.name, v.reg);
        return v;
      }
      if (r?.kind === 'inline') return evalInt(g, r.expr);
      if (r?.kind === 'var') return loadVar(g, r.v, []);
      return g.error(`cannot evaluate ${e.name}`, e.pos);
    }
    case 'self':
    case 'this': {
      const r = g.sema.resolved.get(e);
      if (r?.kind !== 'var') return g.error(`${e.kind}->${e.name} is not defined`, e.pos);
      return loadVar(g, r.v, []);
    }
    case 'member':
      return loadLvalue(g, e);
    case 'index': {
      if (e.object.kind === 'ident' && e.object.name === 'args') {
        const v = g.alloc();
        g.ctx.loadArg(g.e, Number(constOf(g, e.index[0]) ?? 0n), v.reg);
        normalize(g, v.reg, t);
        return v;
      }
      const r = g.sema.resolved.get(e);
      if (r?.kind !== 'var') return loadLvalue(g, e);
      return loadVar(g, r.v, e.index);
    }
    case 'call':
      return intSubroutine(g, e);
    case 'unary':
      return unary(g, e, t);
    case 'postfix':
      return incDec(g, e.operand, e.op, true);
    case 'binary':
      return binary(g, e, t);
    case 'assign':
      return assign(g, e);
    case 'ternary': {
      // Each branch leaves its value in the same register; only one branch runs, so the register
      // is free again while the other branch is generated (nesting costs no extra register).
      const no = g.e.newLabel('tf');
      const end = g.e.newLabel('te');
      evalCond(g, e.cond, no);
      const a = evalInt(g, e.then);
      const r = a.reg;
      g.free(a);
      g.e.emit(ja(end));
      g.e.place(no);
      const b = evalInt(g, e.else);
      if (b.reg !== r) g.e.emit(mov64(r, b.reg));
      g.free(b);
      g.e.place(end);
      return g.e.allocReg(r);
    }
    case 'cast': {
      const from = g.sema.typeOf(e.operand);
      if (isString(from)) return g.error('cannot cast a string to an integer', e.pos);
      const v = evalInt(g, e.operand);
      normalize(g, v.reg, t);
      return v;
    }
    default:
      return g.error(`${e.kind} expressions are not supported here yet`, e.pos);
  }
}

function unary(g: Gen, e: Extract<Expr, { kind: 'unary' }>, t: DType): Val {
  switch (e.op) {
    case '+':
      return evalInt(g, e.operand);
    case '-': {
      const v = evalInt(g, e.operand);
      g.e.emit(alu64('neg', v.reg));
      normalize(g, v.reg, t);
      return v;
    }
    case '~': {
      const v = evalInt(g, e.operand);
      g.e.emit(alu64('xor', v.reg, -1));
      normalize(g, v.reg, t);
      return v;
    }
    case '!':
      return materialize(g, e);
    case '++':
    case '--':
      return incDec(g, e.operand, e.op, false);
    case '*':
      return loadLvalue(g, e);
    case '&':
      return lvalueAddr(g, e.operand);
    default:
      return g.error(`operator ${e.op} is not supported here yet`, e.pos);
  }
}

/** `x++`, `++x` and friends on a variable. */
function incDec(g: Gen, target: Expr, op: '++' | '--', post: boolean): Val {
  const t = g.sema.typeOf(target);
  const r = g.sema.resolved.get(target);
  if (r?.kind !== 'var') return g.error(`operator ${op} requires a variable`, target.pos);
  const keys = target.kind === 'index' ? target.index : [];
  const old = loadVar(g, r.v, keys);
  const nv = g.alloc();
  g.e.emit(mov64(nv.reg, old.reg), alu64(op === '++' ? 'add' : 'sub', nv.reg, 1));
  normalize(g, nv.reg, t);
  storeVar(g, r.v, keys, { int: nv });
  if (post) {
    g.free(nv);
    return old;
  }
  g.free(old);
  return nv;
}

const arith: Record<string, 'add' | 'sub' | 'mul' | 'and' | 'or' | 'xor' | 'lsh'> = {
  '+': 'add', '-': 'sub', '*': 'mul', '&': 'and', '|': 'or', '^': 'xor', '<<': 'lsh',
};

/** Applies a binary arithmetic operator in place: a = a OP b (b is freed by the caller). */
export function applyArith(g: Gen, op: string, a: Reg, b: Reg, t: DType): void {
  const e = g.e;
  if (arith[op]) e.emit(alu64(arith[op], a, b));
  else if (op === '>>') e.emit(alu64(isSigned(t) ? 'arsh' : 'rsh', a, b));
  else if (op === '/' || op === '%') divide(g, op, a, b, isSigned(t));
  else g.error(`operator ${op} is not supported`);
  normalize(g, a, t);
}

/** Checked division: a fault on zero, signed division done on magnitudes (the BPF ISA v3 has none). */
function divide(g: Gen, op: '/' | '%', a: Reg, b: Reg, signed: boolean): void {
  const e = g.e;
  const ok = e.newLabel('dz');
  e.emit(jmp('jne', b, 0, ok));
  g.fault(Fault.DIVZERO, 0n);
  e.place(ok);
  if (!signed) {
    e.emit(alu64(op === '/' ? 'div' : 'mod', a, b));
    return;
  }
  // r1 = |b|, r2 = sign flag of the result, a = |a| OP |b|, then negate if needed.
  const posA = e.newLabel('pa');
  const posB = e.newLabel('pb');
  const done = e.newLabel('sd');
  e.emit(mov64(R2, 0), mov64(R1, b), jmp('jsge', R1, 0, posB), alu64('neg', R1));
  if (op === '/') e.emit(alu64('xor', R2, 1));
  e.place(posB);
  e.emit(jmp('jsge', a, 0, posA), alu64('neg', a), alu64('xor', R2, 1));
  e.place(posA);
  e.emit(alu64(op === '/' ? 'div' : 'mod', a, R1), jmp('jeq', R2, 0, done), alu64('neg', a));
  e.place(done);
}

const compareOps = new Set(['==', '!=', '<', '<=', '>', '>=']);

function binary(g: Gen, e: Extract<Expr, { kind: 'binary' }>, t: DType): Val {
  if (compareOps.has(e.op) || e.op === '&&' || e.op === '||' || e.op === '^^') return materialize(g, e);
  if (e.op === ',') {
    discard(g, e.left);
    return evalInt(g, e.right);
  }
  const lt = g.sema.typeOf(e.left);
  const rt = g.sema.typeOf(e.right);
  const k = constOf(g, e.right);
  if (k === undefined && need(g, e.right) > need(g, e.left)) {
    // the heavier side first (Sethi-Ullman): C leaves the order of evaluation of operands open
    const b = evalInt(g, e.right);
    const a = evalSpilling(g, b, e.left);
    if (lt.kind === 'ptr' && isInt(rt) && (e.op === '+' || e.op === '-')) scale(g, b.reg, lt);
    applyArith(g, e.op, a.reg, b.reg, t);
    g.free(b);
    return a;
  }
  const a = evalInt(g, e.left);
  if (k !== undefined && k >= -0x80000000n && k <= 0x7fffffffn && k !== 0n && (arith[e.op] || e.op === '>>') && !(lt.kind === 'ptr' && e.op === '+')) {
    if (arith[e.op]) g.e.emit(alu64(arith[e.op], a.reg, Number(k)));
    else g.e.emit(alu64(isSigned(t) ? 'arsh' : 'rsh', a.reg, Number(k)));
    normalize(g, a.reg, t);
    return a;
  }
  const b = evalSpilling(g, a, e.right);
  // Pointer arithmetic scales by the pointed-to size.
  if (lt.kind === 'ptr' && isInt(rt) && (e.op === '+' || e.op === '-')) scale(g, b.reg, lt);
  applyArith(g, e.op, a.reg, b.reg, t);
  g.free(b);
  return a;
}

/** Evaluates `next` while `held` stays live, `held` waiting in a stack slot when `next` needs every register. */
function evalSpilling(g: Gen, held: Val, next: Expr): Val {
  if (need(g, next) <= g.e.freeCount) return evalInt(g, next);
  const mark = g.e.stackMark();
  const slot = g.e.stackAlloc(8);
  g.e.spill(held, slot);
  const v = evalInt(g, next);
  g.e.reload(held, slot);
  g.e.stackRelease(mark);
  return v;
}

function scale(g: Gen, r: Reg, p: DType): void {
  if (p.kind !== 'ptr') return;
  const size = p.to.kind === 'int' ? p.to.size : p.to.kind === 'ptr' ? 8 : 1;
  if (size > 1) g.e.emit(alu64('mul', r, size));
}

/** Registers an expression needs at most (Sethi-Ullman numbers; calls and loads count as two). */
export function need(g: Gen, e: Expr): number {
  if (constOf(g, e) !== undefined) return 1;
  switch (e.kind) {
    case 'binary': {
      const l = need(g, e.left);
      const r = need(g, e.right);
      return l === r ? l + 1 : Math.max(l, r);
    }
    case 'unary':
    case 'cast':
    case 'postfix':
      return need(g, e.operand);
    case 'ternary':
      return Math.max(need(g, e.cond), need(g, e.then), need(g, e.else));
    case 'ident':
    case 'macro':
    case 'self':
    case 'this':
      return 1;
    default:
      return 2;
  }
}

/** Evaluates a boolean expression into 0/1. */
function materialize(g: Gen, e: Expr): Val {
  const no = g.e.newLabel('f');
  const end = g.e.newLabel('b');
  evalCond(g, e, no);
  // allocated after the condition: its code is all emitted, and it needs no register of ours
  const v = g.alloc();
  g.e.emit(mov64(v.reg, 1), ja(end));
  g.e.place(no);
  g.e.emit(mov64(v.reg, 0));
  g.e.place(end);
  return v;
}

const jumpIfFalse: Record<string, [JmpOp, JmpOp]> = {
  // [unsigned, signed] jump taken when the comparison is FALSE
  '==': ['jne', 'jne'],
  '!=': ['jeq', 'jeq'],
  '<': ['jge', 'jsge'],
  '<=': ['jgt', 'jsgt'],
  '>': ['jle', 'jsle'],
  '>=': ['jlt', 'jslt'],
};

/** Emits code that jumps to `falseLabel` when `e` is false (zero) and falls through when true. */
export function evalCond(g: Gen, e: Expr, falseLabel: string): void {
  const prev = g.e.pos;
  g.e.pos = e.pos;
  try {
    condAt(g, e, falseLabel);
  } finally {
    g.e.pos = prev;
  }
}

function condAt(g: Gen, e: Expr, falseLabel: string): void {
  if (e.kind === 'binary') {
    if (e.op === '&&') {
      evalCond(g, e.left, falseLabel);
      evalCond(g, e.right, falseLabel);
      return;
    }
    if (e.op === '||') {
      const yes = g.e.newLabel('or');
      const tryRight = g.e.newLabel('orr');
      evalCond(g, e.left, tryRight);
      g.e.emit(ja(yes));
      g.e.place(tryRight);
      evalCond(g, e.right, falseLabel);
      g.e.place(yes);
      return;
    }
    if (e.op === '^^') {
      // true when exactly one side is: each side's truth as 0/1, then the two compared
      const a = materialize(g, e.left);
      const b = evalSpilling(g, a, e.right);
      const zero = g.e.newLabel('xz');
      g.e.emit(jmp('jeq', b.reg, 0, zero), mov64(b.reg, 1));
      g.e.place(zero);
      g.e.emit(jmp('jeq', a.reg, b.reg, falseLabel));
      g.free(a, b);
      return;
    }
    if (compareOps.has(e.op)) {
      const lt = g.sema.typeOf(e.left);
      const rt = g.sema.typeOf(e.right);
      if (isString(lt) !== isString(rt)) {
        compareWithNull(g, e, falseLabel);
        return;
      }
      if (isString(lt) && isString(rt)) {
        const r = compareStrings(g, e.left, e.right);
        // r is <0, 0 or >0 like strcmp
        g.e.emit(jmp(jumpIfFalse[e.op][1], r.reg, 0, falseLabel));
        g.free(r);
        return;
      }
      const signed = promoteSigned(lt, rt);
      const op = jumpIfFalse[e.op][signed ? 1 : 0];
      const a = evalInt(g, e.left);
      const k = constOf(g, e.right);
      if (k !== undefined && k >= -0x80000000n && k <= 0x7fffffffn) {
        g.e.emit(jmp(op, a.reg, Number(k), falseLabel));
        g.free(a);
        return;
      }
      const b = evalSpilling(g, a, e.right);
      g.e.emit(jmp(op, a.reg, b.reg, falseLabel));
      g.free(a, b);
      return;
    }
  }
  if (e.kind === 'unary' && e.op === '!') {
    const yes = g.e.newLabel('not');
    evalCond(g, e.operand, yes);
    g.e.emit(ja(falseLabel));
    g.e.place(yes);
    return;
  }
  const t = g.sema.typeOf(e);
  if (isString(t)) g.error('a string cannot be used as a condition', e.pos);
  const v = evalInt(g, e);
  g.e.emit(jmp('jeq', v.reg, 0, falseLabel));
  g.free(v);
}

function promoteSigned(a: DType, b: DType): boolean {
  const x: IntType | undefined = a.kind === 'int' ? a : undefined;
  const y: IntType | undefined = b.kind === 'int' ? b : undefined;
  if (!x || !y) return false;
  const size = Math.max(x.size, y.size, 4);
  if ((x.size === size && !x.signed && size >= 4) || (y.size === size && !y.signed && size >= 4)) return false;
  return true;
}

/** Evaluates an expression for its side effects only. */
export function discard(g: Gen, e: Expr): void {
  const t = g.sema.typeOf(e);
  if (e.kind === 'assign') {
    const v = assignValue(g, e);
    if (v) g.free(v);
    return;
  }
  if (isString(t)) {
    const s = evalStr(g, e);
    g.free(s.ptr);
    return;
  }
  g.free(evalInt(g, e));
}

/** Assignment as an expression: the stored value. */
function assign(g: Gen, e: Extract<Expr, { kind: 'assign' }>): Val {
  const v = assignValue(g, e);
  if (!v) return g.error('a string assignment is used as an integer', e.pos);
  return v;
}

/** Performs an assignment; returns the integer value stored (undefined for strings). */
export function assignValue(g: Gen, e: Extract<Expr, { kind: 'assign' }>): Val | undefined {
  const r = g.sema.resolved.get(e.target);
  if (r?.kind !== 'var') return g.error('operator = requires a writable variable', e.pos);
  const keys = e.target.kind === 'index' ? e.target.index : [];
  const t = r.v.type;
  if (isString(t)) {
    const s = evalStr(g, e.value);
    storeVar(g, r.v, keys, { str: s });
    g.free(s.ptr);
    return undefined;
  }
  let v: Val;
  if (e.op === '=') {
    v = evalInt(g, e.value);
  } else {
    v = loadVar(g, r.v, keys);
    const b = evalInt(g, e.value);
    applyArith(g, e.op.slice(0, -1), v.reg, b.reg, t);
    g.free(b);
  }
  normalize(g, v.reg, t);
  storeVar(g, r.v, keys, { int: v });
  return v;
}

/** r0 = a helper's u64 result: used by builtins. */
export function callHelper(g: Gen, helper: keyof typeof Helper): void {
  g.e.emit(call(Helper[helper]));
}

export { R0, R1, R2, R3 };
