// Aggregation snapshots: reads each aggregation's per-CPU map and merges it into the data model.
import { mapLookup, mapLookupBatch, mapNextKey } from '../sys/bpf.js';
import { SysError } from '../sys/errno.js';
import { isString, type DType } from '../../d/types.js';
import type { AggPlan, Field } from '../codegen/plan.js';
import { aggParams } from '../codegen/aggregate.js';
import { decodeStack, decodeSym } from './special.js';
import { mergePerCpu, type AggKey, type Aggregation, type AggEntry } from './aggregation.js';

/** Decodes one key field from a key buffer. */
export function decodeKeyField(buf: Buffer, base: number, f: Field): AggKey {
  const t: DType = f.type;
  if (t.kind === 'stack' || t.kind === 'ustack') {
    const s = decodeStack(buf, base + f.offset, t);
    return { type: t.kind, frames: s.frames, pcs: s.pcs };
  }
  if (t.kind === 'sym' || t.kind === 'usym') {
    const s = decodeSym(buf, base + f.offset, t);
    const type = t.fn === 'mod' ? (t.kind === 'sym' ? 'mod' : 'umod') : t.kind;
    return { type, value: s.text, addr: s.addr, ...(s.pid !== undefined ? { pid: BigInt(s.pid) } : {}) } as AggKey;
  }
  if (isString(t)) {
    const start = base + f.offset;
    let end = buf.indexOf(0, start);
    if (end < 0 || end > start + t.maxLen) end = start + t.maxLen;
    return { type: 'string', value: buf.toString('utf8', start, end) };
  }
  const raw = buf.readBigUInt64LE(base + f.offset);
  if (t.kind === 'int') {
    const bits = BigInt(t.size * 8);
    const value = t.signed ? BigInt.asIntN(Number(bits), raw) : BigInt.asUintN(Number(bits), raw);
    return { type: 'int', value, size: t.size, signed: t.signed };
  }
  return { type: 'int', value: raw, size: 8, signed: false };
}

/** Each CPU's value words, skipping the generation word; a slot of another generation reads as zeros. */
function perCpuWords(values: Buffer, base: number, ncpus: number, words: number, gen: bigint): bigint[][] {
  const out: bigint[][] = [];
  const stride = (words + 1) * 8;
  for (let c = 0; c < ncpus; c++) {
    const w: bigint[] = new Array(words);
    const at = base + c * stride;
    const current = values.readBigUInt64LE(at) === gen;
    for (let i = 0; i < words; i++) w[i] = current ? values.readBigUInt64LE(at + 8 + i * 8) : 0n;
    out.push(w);
  }
  return out;
}

/** Reads every entry of an aggregation's map and merges the per-CPU values. */
/** `percpu` keeps each CPU's value too (the aggpercpu option). */
export function snapshotAggregation(plan: AggPlan, fd: number, ncpus: number, gen = 0n, percpu = false): Aggregation {
  const params = aggParams(plan.fn, plan.params);
  const words = plan.valueSize / 8 - 1;
  const entries: AggEntry[] = [];
  const stride = (words + 1) * 8;
  const additive = plan.fn === 'count' || plan.fn === 'sum';
  const push = (keyBuf: Buffer, keyBase: number, values: Buffer, valueBase: number) => {
    if (additive && plan.keys.length && !percpu) {
      // count() and sum(): one word per CPU, added straight away (the common case, and the big one)
      let total = 0n;
      for (let c = 0, at = valueBase; c < ncpus; c++, at += stride) {
        if (values.readBigUInt64LE(at) === gen) total += values.readBigUInt64LE(at + 8);
      }
      entries.push({ keys: plan.keys.map((f) => decodeKeyField(keyBuf, keyBase, f)), value: BigInt.asIntN(64, total) });
      return;
    }
    const perCpu = perCpuWords(values, valueBase, ncpus, words, gen);
    // a keyless aggregation exists once something updated it (a cleared one shows as zero)
    if (plan.keys.length === 0 && perCpu.every((w) => w.every((x) => x === 0n)) && gen === 0n) return;
    const entry: AggEntry = { keys: plan.keys.map((f) => decodeKeyField(keyBuf, keyBase, f)), value: mergePerCpu(plan.fn, perCpu, params) };
    if (percpu) entry.percpu = perCpu.map((w, cpu) => ({ cpu, value: mergePerCpu(plan.fn, [w], params) }));
    entries.push(entry);
  };
  if (plan.keys.length === 0) {
    const v = Buffer.alloc(plan.valueSize * ncpus);
    if (mapLookup(fd, Buffer.alloc(4), v)) push(Buffer.alloc(0), 0, v, 0);
  } else {
    readAll(fd, plan.keySize, plan.valueSize * ncpus, push);
  }
  return { name: plan.name, id: plan.id, fn: plan.fn, params, entries };
}

/** Walks a hash map in batches (falling back to one key at a time where batches are unsupported). */
export function readAll(fd: number, keySize: number, valueSize: number,
  each: (keys: Buffer, keyOff: number, values: Buffer, valueOff: number) => void): void {
  const batch = 4096;
  const keys = Buffer.alloc(keySize * batch);
  const values = Buffer.alloc(valueSize * batch);
  const inBatch = Buffer.alloc(Math.max(keySize, 8));
  const outBatch = Buffer.alloc(Math.max(keySize, 8));
  let first = true;
  try {
    for (;;) {
      const r = mapLookupBatch(fd, first ? null : inBatch, outBatch, keys, values, batch);
      for (let i = 0; i < r.count; i++) each(keys, i * keySize, values, i * valueSize);
      if (r.done) return;
      outBatch.copy(inBatch);
      first = false;
    }
  } catch (e) {
    if (!(e instanceof SysError) || !first) throw e;
  }
  const key = Buffer.alloc(keySize);
  const next = Buffer.alloc(keySize);
  const value = Buffer.alloc(valueSize);
  let have = mapNextKey(fd, null, next);
  while (have) {
    next.copy(key);
    if (mapLookup(fd, key, value)) each(key, 0, value, 0);
    have = mapNextKey(fd, key, next);
  }
}
