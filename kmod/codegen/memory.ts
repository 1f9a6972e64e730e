// Kernel and user memory through typed pointers: addresses of lvalues (p->f, s.f, *p, p[i]) and loads.
import type { Expr } from '../../d/ast.js';
import { sizeOf, type DType } from '../../d/types.js';
import { alu64, ldx } from '../asm/insn.js';
import { R10 } from '../asm/insn.js';
import type { Val } from './emitter.js';
import { Gen, Slot } from './gen.js';
import { evalInt, normalize } from './expr.js';

/** The address of an lvalue that lives in kernel or user memory. */
export function lvalueAddr(g: Gen, e: Expr): Val {
  switch (e.kind) {
    case 'member': {
      const m = g.sema.members.get(e);
      if (!m) return g.error(`no member ${e.field}`, e.pos);
      const base = e.arrow ? evalInt(g, e.object) : lvalueAddr(g, e.object);
      if (m.offset) g.e.emit(alu64('add', base.reg, m.offset));
      return base;
    }
    case 'unary':
      if (e.op === '*') return evalInt(g, e.operand);
      break;
    case 'index': {
      const ot = g.sema.typeOf(e.object);
      const elem = g.sema.typeOf(e);
      const base = ot.kind === 'ptr' ? evalInt(g, e.object) : lvalueAddr(g, e.object);
      const i = evalInt(g, e.index[0]);
      const size = elem.kind === 'int' ? elem.size : sizeOf(elem) || 1;
      if (size > 1) g.e.emit(alu64('mul', i.reg, size));
      g.e.emit(alu64('add', base.reg, i.reg));
      g.free(i);
      return base;
    }
    case 'cast':
      return evalInt(g, e.operand);
  }
  return g.error('this expression is not an lvalue in memory', e.pos);
}

/** Loads the scalar of type `t` at the address in `addr` (reusing its register); faults on a bad address. */
export function loadAt(g: Gen, addr: Val, t: DType, bitOffset = 0, bitSize = 0): Val {
  const size = t.kind === 'int' ? t.size : 8;
  g.readMem(Slot.loadTmp, size, addr.reg);
  g.e.emit(ldx(size, addr.reg, R10, Slot.loadTmp));
  if (bitSize) {
    const signed = t.kind === 'int' && t.signed;
    g.e.emit(alu64('lsh', addr.reg, 64 - bitOffset - bitSize), alu64(signed ? 'arsh' : 'rsh', addr.reg, 64 - bitSize));
    return addr;
  }
  normalize(g, addr.reg, t);
  return addr;
}

/** A member, dereference or pointer index read as an integer or pointer. */
export function loadLvalue(g: Gen, e: Expr): Val {
  const t = g.sema.typeOf(e);
  if (t.kind === 'btf') return g.error(`a ${t.name} cannot be used as a value here (select a member, or take its address with &)`, e.pos);
  const addr = lvalueAddr(g, e);
  const m = e.kind === 'member' ? g.sema.members.get(e) : undefined;
  return loadAt(g, addr, t, m?.bitOffset, m?.bitSize);
}
