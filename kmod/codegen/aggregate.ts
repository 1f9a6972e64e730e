// Aggregations in BPF: per-CPU maps keyed by the tuple, updated in place with atomic adds.
import type { Expr } from '../../d/ast.js';
import type { AggInfo } from '../../d/checker.js';
import type { AggFnName } from '../../d/functions.js';
import {
  R0, R1, R2, R3, R4, R5, alu64, atomicAdd, call, ja, jmp, ldImm64, ldMap, ldMapValue, ldx, mov64, st, stx, type Reg,
} from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import { BPF_NOEXIST } from '../sys/bpf.js';
import type { Gen } from './gen.js';
import { Slot } from './gen.js';
import { Counter, type AggPlan } from './plan.js';
import { MapName, type Layout } from './layout.js';
import { buildKey, keyLayout, bumpCounter } from './vars.js';
import { evalInt } from './expr.js';
import type { Val } from './emitter.js';
import { QUANTIZE_NBUCKETS, QUANTIZE_ZEROBUCKET, MIN_BIAS, MAX_BIAS, valueWords, llquantizeNBuckets, type AggParams } from '../consumer/aggregation.js';

/** DTrace's quantize buckets: 63 negative powers of two, zero, 63 positive (DTRACE_QUANTIZE_NBUCKETS). */
export const QUANTIZE_BUCKETS = QUANTIZE_NBUCKETS;
export const QUANTIZE_ZERO = QUANTIZE_ZEROBUCKET;

/** The D parameters of lquantize(v, lo, hi[, step]) / llquantize(v, factor, lmag, hmag[, nsteps]) as the model names them. */
export function aggParams(fn: AggFnName, params: bigint[]): AggParams | undefined {
  if (fn === 'lquantize') return { lo: params[0], hi: params[1], step: params[2] ?? 1n };
  if (fn === 'llquantize') return { factor: params[0], lmag: params[1], hmag: params[2], nsteps: params[3] ?? params[0] };
  return undefined;
}

/**
 * Bytes per CPU of each function's value: a generation word, then the layout kmod/consumer/aggregation.ts
 * documents. clear() bumps the aggregation's generation; a slot of an older generation counts as zero and
 * is reset by its next update, so no stale total survives a clear.
 */
export function aggValueSize(fn: AggFnName, params: bigint[]): number {
  return 8 + 8 * valueWords(fn, aggParams(fn, params));
}

/** Offset of an aggregation's current generation in the aggen map value. */
export const aggGenOffset = (id: number): number => 8 * id;

export function planAggs(aggs: Iterable<AggInfo>, layout: Layout): Map<string, AggPlan> {
  const out = new Map<string, AggPlan>();
  const list = [...aggs];
  layout.needAggGens(list.length);
  for (const a of list) {
    const { fields, size } = keyLayout(a.keys);
    const valueSize = aggValueSize(a.fn, a.params);
    const map = `g${a.id}_${a.name || 'anon'}`.slice(0, 15);
    if (fields.length === 0) layout.addPerCpuArray(map, valueSize);
    else layout.addHashMap(map, size, valueSize, true, layout.aggMax);
    layout.needZeros(valueSize);
    out.set(a.name, { id: a.id, name: a.name, fn: a.fn, params: a.params, keys: fields, keySize: size, valueSize, map });
  }
  return out;
}

/** `@name[keys] = fn(args)` */
export function aggregate(g: Gen, name: string, keys: Expr[], args: Expr[]): void {
  const plan = g.aggs.get(name);
  if (!plan) return g.error(`@${name} is not defined`);
  const value = plan.fn === 'count' ? undefined : evalInt(g, args[0]);
  const done = g.e.newLabel('ad');
  let key: Val | undefined;
  if (plan.keys.length === 0) {
    g.lookup(plan.map, Slot.zeroKey);
    g.e.emit(jmp('jeq', R0, 0, done));
  } else {
    key = buildKey(g, plan.keys, plan.keySize, keys, false);
    const have = g.e.newLabel('ah');
    g.lookup(plan.map, key.reg);
    g.e.emit(jmp('jne', R0, 0, have));
    g.e.emit(ldMap(R1, plan.map), mov64(R2, key.reg), ldMapValue(R3, MapName.zeros, 0), mov64(R4, Number(BPF_NOEXIST)),
      call(Helper.map_update_elem));
    g.lookup(plan.map, key.reg);
    const ok = g.e.newLabel('ao');
    g.e.emit(jmp('jne', R0, 0, have));
    bumpCounter(g, Counter.AGGDROPS);
    g.e.emit(ja(done));
    void ok;
    g.e.place(have);
  }
  newGeneration(g, plan);
  g.e.emit(alu64('add', R0, 8));
  apply(g, plan, value?.reg);
  g.e.place(done);
  g.free(key, value);
}

/** If the slot at r0 belongs to an older generation (a clear() happened), zero it and adopt the current one. */
function newGeneration(g: Gen, plan: AggPlan): void {
  const e = g.e;
  const same = e.newLabel('gen');
  e.emit(ldMapValue(R1, MapName.aggen, aggGenOffset(plan.id)), ldx(8, R1, R1, 0), ldx(8, R2, R0, 0), jmp('jeq', R1, R2, same));
  for (let off = 8; off < plan.valueSize; off += 8) e.emit(st(8, R0, off, 0));
  e.emit(stx(8, R0, 0, R1));
  e.place(same);
}

/** Updates the value at r0 with `v`. Uses r1-r4. */
function apply(g: Gen, plan: AggPlan, v: Reg | undefined): void {
  const e = g.e;
  switch (plan.fn) {
    case 'count':
      e.emit(mov64(R1, 1), atomicAdd(8, R0, 0, R1));
      return;
    case 'sum':
      e.emit(atomicAdd(8, R0, 0, v!));
      return;
    case 'avg':
      e.emit(mov64(R1, 1), atomicAdd(8, R0, 0, R1), atomicAdd(8, R0, 8, v!));
      return;
    case 'min':
    case 'max': {
      // The slot holds v ^ bias, so the larger slot is the better value and a zero slot means unset.
      const skip = e.newLabel('mskip');
      e.emit(ldImm64(R1, plan.fn === 'min' ? MIN_BIAS : MAX_BIAS), alu64('xor', R1, v!), ldx(8, R2, R0, 0));
      e.emit(jmp('jle', R1, R2, skip), stx(8, R0, 0, R1));
      e.place(skip);
      return;
    }
    case 'stddev':
      stddev(g, v!);
      return;
    case 'quantize':
      quantizeIndex(g, v!);
      e.emit(alu64('lsh', R1, 3), alu64('add', R0, R1), mov64(R1, 1), atomicAdd(8, R0, 0, R1));
      return;
    case 'lquantize': {
      const [lo, hi, step = 1n] = plan.params;
      const levels = Number((hi - lo) / step);
      const under = e.newLabel('lqu');
      const inc = e.newLabel('lqi');
      e.emit(ldImm64(R2, lo), jmp('jslt', v!, R2, under));
      e.emit(mov64(R1, v!), alu64('sub', R1, R2));
      if (step > 0x7fffffffn) e.emit(ldImm64(R3, step), alu64('div', R1, R3));
      else e.emit(alu64('div', R1, Number(step)));
      const over = e.newLabel('lqo');
      e.emit(jmp('jge', R1, levels, over), alu64('add', R1, 1), ja(inc));
      e.place(over);
      e.emit(mov64(R1, levels + 1), ja(inc));
      e.place(under);
      e.emit(mov64(R1, 0));
      e.place(inc);
      e.emit(alu64('lsh', R1, 3), alu64('add', R0, R1), mov64(R1, 1), atomicAdd(8, R0, 0, R1));
      return;
    }
    case 'llquantize':
      llquantizeIndex(g, v!, plan.params);
      e.emit(alu64('lsh', R1, 3), alu64('add', R0, R1), mov64(R1, 1), atomicAdd(8, R0, 0, R1));
      return;
  }
}

/** One order of magnitude of llquantize: values below `upper` (and >= `last`) go to base + (v - last) / div. */
interface LlqOrder {
  upper: bigint;
  last: bigint;
  base: number;
  div: bigint;
  /** factor^(order+2) overflows: every larger value lands in this order (dtrace.c's clamp). */
  clamp: boolean;
}

/** The orders dtrace_aggregate_llquantize_bucket walks, precomputed from the constant parameters. */
function llqOrders(params: bigint[]): { low: bigint; orders: LlqOrder[]; overflow: number } {
  const [factor, lmag, hmag, nsteps = factor] = params;
  const i64 = (x: bigint) => BigInt.asIntN(64, x);
  let cur = 1n;
  let order = 0n;
  for (; order < lmag; order++) cur = i64(cur * factor);
  let last = cur;
  const low = cur;
  let base = 1;
  const orders: LlqOrder[] = [];
  for (cur = i64(cur * factor); order <= hmag; order++) {
    const nbuckets = cur > nsteps ? nsteps : cur;
    const next = i64(cur * factor);
    const clamp = next < cur;
    orders.push({ upper: cur, last, base, div: cur / nbuckets, clamp });
    if (clamp) return { low, orders, overflow: -1 };
    base += Number(nbuckets - nbuckets / factor);
    last = cur;
    cur = next;
  }
  return { low, orders, overflow: base };
}

/** r1 = the llquantize bucket of `v` (unrolled over the orders of magnitude). Uses r2, r3. */
function llquantizeIndex(g: Gen, v: Reg, params: bigint[]): void {
  const e = g.e;
  const { low, orders, overflow } = llqOrders(params);
  const done = e.newLabel('llqd');
  e.emit(mov64(R1, 0), ldImm64(R2, low), jmp('jslt', v, R2, done));
  for (const o of orders) {
    const next = e.newLabel('llqn');
    if (!o.clamp) e.emit(ldImm64(R2, o.upper), jmp('jsge', v, R2, next));
    e.emit(mov64(R3, v));
    if (o.clamp) {
      const inRange = e.newLabel('llqc');
      e.emit(ldImm64(R2, o.upper - 1n), jmp('jsle', R3, R2, inRange), mov64(R3, R2));
      e.place(inRange);
    }
    e.emit(ldImm64(R2, o.last), alu64('sub', R3, R2), ldImm64(R2, o.div), alu64('div', R3, R2), mov64(R1, R3), alu64('add', R1, o.base), ja(done));
    e.place(next);
  }
  if (overflow >= 0) e.emit(mov64(R1, overflow));
  e.place(done);
  const buckets = llquantizeNBuckets(params[0], params[1], params[2], params[3] ?? params[0]);
  const ok = e.newLabel('llqok');
  e.emit(jmp('jlt', R1, buckets, ok), mov64(R1, buckets - 1));
  e.place(ok);
}

/** [count, total, sumsq lo, sumsq hi] += [1, v, v*v as 128 bits]. Uses r1-r5. */
function stddev(g: Gen, v: Reg): void {
  const e = g.e;
  const pos = e.newLabel('sdp');
  const c1 = e.newLabel('sdc1');
  const c2 = e.newLabel('sdc2');
  e.emit(mov64(R1, 1), atomicAdd(8, R0, 0, R1), atomicAdd(8, R0, 8, v));
  e.emit(mov64(R1, v), jmp('jsge', R1, 0, pos), alu64('neg', R1));
  e.place(pos);
  // |v| = a·2^32 + b; |v|^2 = a²·2^64 + 2ab·2^32 + b²
  e.emit(mov64(R2, R1), alu64('rsh', R2, 32), mov64(R3, R1), alu64('lsh', R3, 32), alu64('rsh', R3, 32));
  e.emit(mov64(R4, R3), alu64('mul', R4, R3), mov64(R5, R2), alu64('mul', R5, R3), mov64(R3, R2), alu64('mul', R3, R2));
  e.emit(mov64(R1, R5), alu64('lsh', R1, 33), alu64('add', R1, R4), jmp('jge', R1, R4, c1), alu64('add', R3, 1));
  e.place(c1);
  e.emit(alu64('rsh', R5, 31), alu64('add', R3, R5));
  e.emit(ldx(8, R2, R0, 16), alu64('add', R1, R2), jmp('jge', R1, R2, c2), alu64('add', R3, 1));
  e.place(c2);
  e.emit(stx(8, R0, 16, R1), ldx(8, R2, R0, 24), alu64('add', R2, R3), stx(8, R0, 24, R2));
}

/** r1 = DTrace's quantize bucket of the signed value in `v` (0..126). Uses r2, r3. */
function quantizeIndex(g: Gen, v: Reg): void {
  const e = g.e;
  const neg = e.newLabel('qn');
  const log = e.newLabel('ql');
  const done = e.newLabel('qd');
  const zero = e.newLabel('qz');
  e.emit(mov64(R2, v), jmp('jeq', R2, 0, zero), jmp('jslt', R2, 0, neg), ja(log));
  e.place(neg);
  e.emit(alu64('neg', R2));
  e.place(log);
  // r3 = floor(log2(r2)) by binary search
  e.emit(mov64(R3, 0));
  for (const bits of [32, 16, 8, 4, 2, 1]) {
    const skip = e.newLabel('qs');
    if (bits === 32) e.emit(ldImm64(R1, 1n << 32n), jmp('jlt', R2, R1, skip));
    else e.emit(jmp('jlt', R2, 2 ** bits, skip));
    e.emit(alu64('rsh', R2, bits), alu64('add', R3, bits));
    e.place(skip);
  }
  // positive: 64 + log; negative: 62 - log
  const pos = e.newLabel('qp');
  const small = e.newLabel('qm');
  e.emit(jmp('jsgt', v, 0, pos), jmp('jle', R3, QUANTIZE_ZERO - 1, small), mov64(R3, QUANTIZE_ZERO - 1));
  e.place(small);
  e.emit(mov64(R1, QUANTIZE_ZERO - 1), alu64('sub', R1, R3), ja(done));
  e.place(pos);
  e.emit(mov64(R1, QUANTIZE_ZERO + 1), alu64('add', R1, R3), ja(done));
  e.place(zero);
  e.emit(mov64(R1, QUANTIZE_ZERO));
  e.place(done);
  e.emit(alu64('and', R1, 127));
  const ok = e.newLabel('qok');
  e.emit(jmp('jle', R1, QUANTIZE_BUCKETS - 1, ok), mov64(R1, QUANTIZE_BUCKETS - 1));
  e.place(ok);
}
