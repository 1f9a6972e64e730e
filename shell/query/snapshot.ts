// Fresh snapshots for queries: count() and sum() aggregations (the big ones) are decoded straight from
// their map into the JSON model, without the bigint data model in between; the others go through the
// ordinary snapshot and kmod's toJSON. Both give the same entries (test/shell/query/snapshot.test.ts).
import { isString, type DType } from '../../d/types.js';
import type { Field } from '../../kmod/codegen/plan.js';
import { decodeKeyField, readAll } from '../../kmod/consumer/snapshot.js';
import { jsonInt, keyToJson, sdiv, type AggFn, type JsonInt, type JsonKey } from '../../kmod/consumer/aggregation.js';
import { aggParams } from '../../kmod/codegen/aggregate.js';
import type { TraceRun } from '../engine/trace-run.js';
import { aggregationModel, keyText, paramsOf, sortEntries, type QueryAggregation, type QueryEntry } from './model.js';

const TWO32 = 4294967296;
/** |high word| below this: the 64-bit value is a safe integer. */
const SAFE_HI = 1 << 20;

/** One key field read from a key buffer, as the model has it. */
type KeyReader = (buf: Buffer, base: number) => JsonKey;

function keyReader(f: Field): KeyReader {
  const t: DType = f.type;
  const off = f.offset;
  if (t.kind === 'int') {
    switch (t.size) {
      case 1: return t.signed ? (b, at) => b.readInt8(at + off) : (b, at) => b.readUInt8(at + off);
      case 2: return t.signed ? (b, at) => b.readInt16LE(at + off) : (b, at) => b.readUInt16LE(at + off);
      case 4: return t.signed ? (b, at) => b.readInt32LE(at + off) : (b, at) => b.readUInt32LE(at + off);
      default: return t.signed ? (b, at) => int64(b, at + off) : (b, at) => uint64(b, at + off);
    }
  }
  if (isString(t)) {
    const max = t.maxLen;
    return (b, at) => {
      const start = at + off;
      let end = b.indexOf(0, start);
      if (end < 0 || end > start + max) end = start + max;
      return b.toString('utf8', start, end);
    };
  }
  if (t.kind === 'stack' || t.kind === 'ustack' || t.kind === 'sym' || t.kind === 'usym') return (b, at) => keyToJson(decodeKeyField(b, at, f));
  return (b, at) => uint64(b, at + off);
}

function int64(b: Buffer, at: number): JsonInt {
  const hi = b.readInt32LE(at + 4);
  if (hi > -SAFE_HI && hi < SAFE_HI) return hi * TWO32 + b.readUInt32LE(at);
  return jsonInt(b.readBigInt64LE(at));
}

function uint64(b: Buffer, at: number): JsonInt {
  const hi = b.readUInt32LE(at + 4);
  if (hi < SAFE_HI) return hi * TWO32 + b.readUInt32LE(at);
  return jsonInt(b.readBigUInt64LE(at));
}

/**
 * The entries of the last snapshot of each aggregation, in the map's order: an entry whose key and
 * value have not changed is the same object in the next snapshot (entries are never modified), so a
 * query repeated over a big aggregation (.watch) allocates only for what changed. A hash map walks its
 * keys in the same order while none is added or removed; the walk through the last snapshot steps
 * over one removed key and waits at an added one.
 */
const previous = new WeakMap<TraceRun, Map<string, QueryEntry[]>>();

function sameKeys(a: readonly JsonKey[], b: readonly JsonKey[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A count() or sum() with keys, read from its map: each CPU's slot of the current generation adds. */
function additive(fd: number, plan: { keys: Field[]; keySize: number; valueSize: number }, ncpus: number, gen: bigint,
  normal: bigint | undefined, last: readonly QueryEntry[]): QueryEntry[] {
  const readers = plan.keys.map(keyReader);
  const genLo = Number(gen & 0xffffffffn);
  const genHi = Number((gen >> 32n) & 0xffffffffn);
  const stride = plan.valueSize;
  const entries: QueryEntry[] = [];
  const plain = normal === undefined || normal === 1n;
  const single = readers.length === 1 ? readers[0] : undefined;
  let j = 0;
  readAll(fd, plan.keySize, plan.valueSize * ncpus, (kb, ko, vb, vo) => {
    let total = 0;
    let exact = plain;
    for (let c = 0, at = vo; c < ncpus && exact; c++, at += stride) {
      if (vb.readUInt32LE(at) !== genLo || vb.readUInt32LE(at + 4) !== genHi) continue;
      const hi = vb.readInt32LE(at + 12);
      if (hi <= -SAFE_HI || hi >= SAFE_HI) exact = false;
      else total += hi * TWO32 + vb.readUInt32LE(at + 8);
    }
    let value: JsonInt;
    if (exact && Number.isSafeInteger(total)) value = total;
    else {
      let t = 0n;
      for (let c = 0, at = vo; c < ncpus; c++, at += stride) {
        if (vb.readBigUInt64LE(at) === gen) t += vb.readBigUInt64LE(at + 8);
      }
      value = jsonInt(sdiv(BigInt.asIntN(64, t), normal ?? 1n));
    }
    let keys: JsonKey[];
    if (single) {
      const k = single(kb, ko);
      // the common case: the same key where the last snapshot had it, with the same value
      const o = last[j];
      if (o !== undefined && o.value === value && o.keys[0] === k) {
        entries.push(o);
        j++;
        return;
      }
      keys = [k];
    } else {
      keys = new Array(readers.length);
      for (let i = 0; i < readers.length; i++) keys[i] = readers[i](kb, ko);
    }
    // the same key where the last snapshot had it, or one further (a key was removed)
    let old: QueryEntry | undefined = last[j];
    if (old && !sameKeys(old.keys, keys)) old = last[j + 1] && sameKeys(last[j + 1].keys, keys) ? last[++j] : undefined;
    if (old) j++;
    entries.push(old && old.value === value ? old : { keys, key: keyText(keys), value });
  });
  return entries;
}

/** A fresh snapshot of one aggregation of a running trace, as the query model has it. */
export function queryAggregation(run: TraceRun, name: string): QueryAggregation {
  const src = run.aggSource(name);
  if (!src) throw new Error(`no aggregation @${name}`);
  const { plan } = src;
  const fn = plan.fn as AggFn;
  if ((fn === 'count' || fn === 'sum') && plan.keys.length > 0) {
    let byName = previous.get(run);
    if (!byName) previous.set(run, (byName = new Map()));
    const entries = additive(src.fd, plan, src.ncpus, src.gen, src.normal, byName.get(name) ?? []);
    byName.set(name, entries);
    const out: QueryAggregation = { name, fn, entries: sortEntries(entries.slice(), fn) };
    const params = paramsOf({ params: aggParams(plan.fn, plan.params) });
    if (params) out.params = params;
    return out;
  }
  return aggregationModel(run.snapshot(name));
}

/** Every aggregation of a running trace. */
export function queryAggregations(run: TraceRun): QueryAggregation[] {
  return [...run.aggs.keys()].map((n) => queryAggregation(run, n));
}

/** Forgets the entries kept from earlier snapshots of `run` (the next snapshot builds every entry anew). */
export function forgetEntries(run: TraceRun): void {
  previous.delete(run);
}
