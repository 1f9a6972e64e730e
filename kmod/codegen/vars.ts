// D variables in BPF: globals in one array map, thread-locals and associative arrays in hash maps,
// clause-locals on the stack; assigning 0 deletes a dynamic variable.
import type { Expr } from '../../d/ast.js';
import type { VarInfo } from '../../d/checker.js';
import { isString, sizeOf, type DType } from '../../d/types.js';
import {
  R0, R1, R2, R3, R4, R10, alu64, atomicAdd, call, ja, jmp, ldMap, ldMapValue, ldx, mov32, mov64, st, stx, add64,
} from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import type { Val } from './emitter.js';
import type { Gen } from './gen.js';
import { Slot } from './gen.js';
import { Counter, type Field, type VarPlan } from './plan.js';
import { MapName } from './layout.js';
import type { StrVal } from './strings.js';
import { evalInt, normalize } from './expr.js';
import { strInto, copyString, zeroFill } from './strings.js';
import { storeSpecial } from './special.js';

const loadSize = (t: DType): 1 | 2 | 4 | 8 => (t.kind === 'int' ? t.size : 8);

/** Key layout for a tuple of key types: ints take 8 bytes, strings their buffer rounded to 8. */
export function keyLayout(types: DType[], prefix = 0): { fields: Field[]; size: number } {
  let off = prefix;
  const fields = types.map((type) => {
    const f = { offset: off, type };
    off += isString(type) ? (type.maxLen + 7) & ~7 : Math.max(8, (sizeOf(type) + 7) & ~7);
    return f;
  });
  return { fields, size: off };
}

/** Builds a key (optionally prefixed by the thread ID) in a fresh scratch buffer; returns its address. */
export function buildKey(g: Gen, fields: Field[], size: number, exprs: Expr[], tidPrefix: boolean): Val {
  const off = g.scratchAlloc(size);
  const key = g.alloc();
  g.scratchPtr(key.reg, off);
  if (tidPrefix) {
    g.e.emit(call(Helper.get_current_pid_tgid), mov32(R0, R0), stx(8, key.reg, 0, R0));
  }
  fields.forEach((f, i) => {
    if (isString(f.type)) {
      const dst = g.alloc();
      g.e.emit(mov64(dst.reg, key.reg), add64(dst.reg, f.offset));
      strInto(g, exprs[i], dst, f.type.maxLen, true);
      // pad the rounding bytes too
      zeroFill(g, key.reg, f.offset + f.type.maxLen, f.offset + ((f.type.maxLen + 7) & ~7));
      g.free(dst);
    } else if (f.type.kind === 'stack' || f.type.kind === 'ustack' || f.type.kind === 'sym' || f.type.kind === 'usym') {
      const dst = g.alloc();
      g.e.emit(mov64(dst.reg, key.reg), add64(dst.reg, f.offset));
      zeroFill(g, dst.reg, 0, sizeOf(f.type));
      storeSpecial(g, dst.reg, f.type, exprs[i]);
      g.free(dst);
    } else {
      const v = evalInt(g, exprs[i]);
      g.e.emit(stx(8, key.reg, f.offset, v.reg));
      g.free(v);
    }
  });
  return key;
}

/** Plans storage for every variable the checker found. */
export function planVars(vars: Iterable<VarInfo>, g: { layout: import('./layout.js').Layout; strsize: number }): Map<string, VarPlan> {
  const out = new Map<string, VarPlan>();
  for (const v of vars) {
    if (v.scope === 'this') continue;
    const name = `${v.scope}:${v.name}`;
    if (v.scope === 'global' && !v.keys) {
      out.set(name, { name: v.name, scope: 'global', type: v.type, offset: g.layout.allocGlobal(sizeOf(v.type)) });
      continue;
    }
    const { fields, size } = keyLayout(v.keys ?? [], v.scope === 'self' ? 8 : 0);
    const map = `${v.scope === 'self' ? 't' : 'a'}${v.id}_${v.name}`.slice(0, 15);
    const valueSize = (sizeOf(v.type) + 7) & ~7;
    g.layout.addHashMap(map, Math.max(size, 8), valueSize, false, g.layout.dynvarMax);
    out.set(name, { name: v.name, scope: v.scope, type: v.type, map, keys: fields, keySize: Math.max(size, 8) });
  }
  return out;
}

function planOf(g: Gen, v: VarInfo): VarPlan {
  const p = g.vars.get(`${v.scope}:${v.name}`);
  if (!p) return g.error(`no storage for ${v.name}`);
  return p;
}

/** Stack slot of a clause-local int variable (this->x), zeroed in the prologue. */
function thisSlot(g: Gen, v: VarInfo): number {
  const off = g.thisSlots.get(v.name);
  if (off === undefined) return g.error(`this->${v.name} has no storage`);
  return off;
}

/** Key for a dynamic variable: thread ID and/or tuple, in scratch; returns its address. */
function dynKey(g: Gen, p: VarPlan, keys: Expr[]): Val {
  return buildKey(g, p.keys ?? [], p.keySize ?? 8, keys, p.scope === 'self');
}

/** Reads an integer variable into a fresh value register (0 when a dynamic variable is unset). */
export function loadVar(g: Gen, v: VarInfo, keys: Expr[]): Val {
  if (isString(v.type)) return g.error('a string variable is used as an integer');
  const size = loadSize(v.type);
  if (v.scope === 'this') {
    const out = g.alloc();
    g.e.emit(ldx(8, out.reg, R10, thisSlot(g, v)));
    return out;
  }
  const p = planOf(g, v);
  if (p.offset !== undefined) {
    const out = g.alloc();
    g.e.emit(ldMapValue(out.reg, MapName.globals, p.offset), ldx(size, out.reg, out.reg, 0));
    normalize(g, out.reg, v.type);
    return out;
  }
  const key = dynKey(g, p, keys);
  g.lookup(p.map!, key.reg);
  const out = key;
  const none = g.e.newLabel('vn');
  const done = g.e.newLabel('vd');
  g.e.emit(jmp('jeq', R0, 0, none), ldx(size, out.reg, R0, 0), ja(done));
  g.e.place(none);
  g.e.emit(mov64(out.reg, 0));
  g.e.place(done);
  normalize(g, out.reg, v.type);
  return out;
}

/** Reads a string variable: its buffer's address (an empty constant when unset). */
export function loadVarString(g: Gen, v: VarInfo, keys: Expr[]): StrVal {
  const maxLen = isString(v.type) ? v.type.maxLen : g.sema.strsize;
  if (v.scope === 'this') {
    const out = g.alloc();
    g.scratchPtr(out.reg, g.thisStrings.get(v.name)!);
    return { ptr: out, maxLen };
  }
  const p = planOf(g, v);
  if (p.offset !== undefined) {
    const out = g.alloc();
    g.e.emit(ldMapValue(out.reg, MapName.globals, p.offset));
    return { ptr: out, maxLen };
  }
  const key = dynKey(g, p, keys);
  g.lookup(p.map!, key.reg);
  const none = g.e.newLabel('sn');
  const done = g.e.newLabel('sd');
  g.e.emit(jmp('jeq', R0, 0, none), mov64(key.reg, R0), ja(done));
  g.e.place(none);
  g.constString(key.reg, '', maxLen);
  g.e.place(done);
  return { ptr: key, maxLen };
}

/** Stores an integer or string value into a variable; 0 deletes a dynamic variable. */
export function storeVar(g: Gen, v: VarInfo, keys: Expr[], value: { int?: Val; str?: StrVal }): void {
  const e = g.e;
  if (v.scope === 'this') {
    if (value.int) e.emit(stx(8, R10, thisSlot(g, v), value.int.reg));
    else {
      const dst = g.alloc();
      g.scratchPtr(dst.reg, g.thisStrings.get(v.name)!);
      copyString(g, dst, value.str!, isString(v.type) ? v.type.maxLen : g.sema.strsize, false);
      g.free(dst);
    }
    return;
  }
  const p = planOf(g, v);
  const size = loadSize(v.type);
  if (p.offset !== undefined) {
    const dst = g.alloc();
    e.emit(ldMapValue(dst.reg, MapName.globals, p.offset));
    if (value.int) e.emit(stx(size, dst.reg, 0, value.int.reg));
    else copyString(g, dst, value.str!, isString(v.type) ? v.type.maxLen : g.sema.strsize, false);
    g.free(dst);
    return;
  }
  const key = dynKey(g, p, keys);
  if (value.int) {
    const del = e.newLabel('del');
    const done = e.newLabel('std');
    e.emit(jmp('jeq', value.int.reg, 0, del));
    // The value goes through the stack: update(map, key, &value, BPF_ANY).
    const slot = e.stackAlloc(8);
    e.emit(stx(8, R10, slot, value.int.reg));
    e.emit(ldMap(R1, p.map!), mov64(R2, key.reg), mov64(R3, R10), add64(R3, slot), mov64(R4, 0), call(Helper.map_update_elem));
    countFailure(g, Counter.DYNDROPS);
    e.emit(ja(done));
    e.place(del);
    e.emit(ldMap(R1, p.map!), mov64(R2, key.reg), call(Helper.map_delete_elem));
    e.place(done);
  } else {
    const maxLen = isString(v.type) ? v.type.maxLen : g.sema.strsize;
    const buf = g.alloc();
    g.scratchPtr(buf.reg, g.scratchAlloc(maxLen));
    copyString(g, buf, value.str!, maxLen, true);
    e.emit(ldMap(R1, p.map!), mov64(R2, key.reg), mov64(R3, buf.reg), mov64(R4, 0), call(Helper.map_update_elem));
    countFailure(g, Counter.DYNDROPS);
    g.free(buf);
  }
  g.free(key);
}

/** When r0 (a helper's result) is non-zero, counts a drop in the per-CPU counters. */
export function countFailure(g: Gen, counter: number): void {
  const ok = g.e.newLabel('cf');
  g.e.emit(jmp('jeq', R0, 0, ok));
  bumpCounter(g, counter);
  g.e.place(ok);
}

/** counters[counter]++ on this CPU. Clobbers r0-r5. */
export function bumpCounter(g: Gen, counter: number): void {
  const skip = g.e.newLabel('bc');
  g.lookup(MapName.counters, Slot.zeroKey);
  g.e.emit(jmp('jeq', R0, 0, skip), mov64(R1, 1), atomicAdd(8, R0, 8 * counter, R1));
  g.e.place(skip);
}

export { st, alu64 };
