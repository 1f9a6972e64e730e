// The session as JSON: what `.query`/`.watch` evaluate jsonata over, what `dtrace -O json-doc` prints.
//
//   {
//     aggregations: { NAME: { name, fn, params?, entries: [ENTRY, ...] }, ... },   ('' is the anonymous @)
//     probes:  [ { id, description, clause?, probes, firings?, enabled? }, ... ],  (one per enabling/clause)
//     drops:   { buffer, aggregation, dynamic, speculative },                      (totals over the CPUs)
//     errors:  N,                                                                  (faults, all clauses)
//   }
//
//   ENTRY = { keys: [KEY, ...], key: "k1, k2", value }                 count sum min max
//         | { keys, key, value, count, total }                         avg stddev (value as DTrace prints it)
//         | { keys, key, buckets: [ { lo, hi, count }, ... ] }        quantize lquantize llquantize
//
// KEY is typed: an integer is a number (a decimal string beyond 2^53), a string is a string, a stack is
// an array of frames. `key` is the tuple as one string (frames joined by ";"), for grouping and joins.
// Buckets are the non-zero ones, `lo` inclusive and `hi` exclusive, null when unbounded. Entries come
// in DTrace's print order (ascending value, then keys). In a query `@NAME` stands for
// `aggregations.NAME.entries` (see evaluate.ts).
import {
  isHistogram, jsonInt, toJSON, type AggFn, type Aggregation, type JsonAggEntry, type JsonBucket,
  type JsonInt, type JsonKey,
} from '../../kmod/consumer/aggregation.js';
import { Counter } from '../../kmod/codegen/plan.js';

export interface QueryEntry {
  keys: JsonKey[];
  key: string;
  value?: JsonInt;
  count?: JsonInt;
  total?: JsonInt;
  buckets?: JsonBucket[];
}

export interface QueryAggregation {
  name: string;
  fn: AggFn;
  /** lquantize/llquantize parameters (lo, hi, step / factor, lmag, hmag, nsteps). */
  params?: Record<string, JsonInt>;
  entries: QueryEntry[];
}

export interface QueryProbe {
  /** The enabling's ID in the shell (.enabled, .disable ID); the clause's number under dtrace. */
  id: number;
  /** The probe descriptions, as written, comma-separated. */
  description: string;
  /** The clause's text (the shell). */
  clause?: string;
  /** Probes the description matched. */
  probes: number;
  /** Times the clause fired, over every probe and CPU (the shell counts them; dtrace does not). */
  firings?: JsonInt;
  enabled?: boolean;
}

export interface QueryDrops {
  /** Records the ring buffer had no room for. */
  buffer: JsonInt;
  aggregation: JsonInt;
  dynamic: JsonInt;
  speculative: JsonInt;
}

export interface SessionModel {
  aggregations: Record<string, QueryAggregation>;
  probes: QueryProbe[];
  drops: QueryDrops;
  errors: JsonInt;
}

/** Field names of the model (completion owns the list, being below the shell; the model's shape follows it). */
export { QUERY_FIELDS as MODEL_FIELDS, queryEntryFields as entryFields } from '../../completions/query-expr.js';

/** A key tuple as one string: "4012, bash"; stack frames joined by ";". */
export function keyText(keys: readonly JsonKey[]): string {
  if (keys.length === 1) {
    const k = keys[0];
    return Array.isArray(k) ? k.join(';') : String(k);
  }
  return keys.map((k) => (Array.isArray(k) ? k.join(';') : String(k))).join(', ');
}

function entryOf(e: JsonAggEntry): QueryEntry {
  const out: QueryEntry = { keys: e.keys, key: keyText(e.keys) };
  if (e.value !== undefined) out.value = e.value;
  if (e.count !== undefined) out.count = e.count;
  if (e.total !== undefined) out.total = e.total;
  if (e.buckets) out.buckets = e.buckets;
  return out;
}

export function paramsOf(agg: Pick<Aggregation, 'params'>): Record<string, JsonInt> | undefined {
  if (!agg.params) return undefined;
  const out: Record<string, JsonInt> = {};
  for (const [k, v] of Object.entries(agg.params)) if (typeof v === 'bigint') out[k] = jsonInt(v);
  return Object.keys(out).length ? out : undefined;
}

/** An aggregation (a snapshot, in any entry order) as the model has it, in DTrace's print order. */
export function aggregationModel(agg: Aggregation): QueryAggregation {
  const out: QueryAggregation = { name: agg.name, fn: agg.fn, entries: sortEntries(toJSON(agg).map(entryOf), agg.fn) };
  const params = paramsOf(agg);
  if (params) out.params = params;
  return out;
}

// ---- order ------------------------------------------------------------------------------------

function num(v: JsonInt | undefined): number {
  return typeof v === 'number' ? v : v === undefined ? 0 : Number(v);
}

function bucketTotal(e: QueryEntry): number {
  let t = 0;
  for (const b of e.buckets ?? []) t += num(b.count);
  return t;
}

function compareKey(a: JsonKey, b: JsonKey): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = Array.isArray(a) ? a.join(';') : String(a);
  const y = Array.isArray(b) ? b.join(';') : String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareKeys(a: readonly JsonKey[], b: readonly JsonKey[]): number {
  for (let k = 0; k < a.length && k < b.length; k++) {
    const c = compareKey(a[k], b[k]);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Integer values and one integer key each, the keys all different and close together (file
 * descriptors, pids, CPUs: the big aggregations): ordered by one typed-array sort, no comparator.
 * Each entry is packed as (value - min value) * key range + (key - min key).
 */
function sortNumeric(entries: QueryEntry[]): QueryEntry[] | undefined {
  const n = entries.length;
  if (n < 2) return entries;
  let vmin = Infinity;
  let vmax = -Infinity;
  let kmin = Infinity;
  let kmax = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = entries[i].value as number;
    const k = entries[i].keys[0] as number;
    if (!Number.isInteger(v) || !Number.isInteger(k)) return undefined;
    if (v < vmin) vmin = v;
    if (v > vmax) vmax = v;
    if (k < kmin) kmin = k;
    if (k > kmax) kmax = k;
  }
  const range = kmax - kmin + 1;
  if (range > Math.max(4 * n, 65536) || (vmax - vmin + 1) * range >= Number.MAX_SAFE_INTEGER) return undefined;
  const at = new Uint32Array(range).fill(0xffffffff);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = (entries[i].keys[0] as number) - kmin;
    if (at[k] !== 0xffffffff) return undefined;
    at[k] = i;
    packed[i] = ((entries[i].value as number) - vmin) * range + k;
  }
  packed.sort();
  const out = new Array<QueryEntry>(n);
  for (let i = 0; i < n; i++) out[i] = entries[at[packed[i] % range]];
  return out;
}

/** Ascending value (histograms: their total count), then keys: the order DTrace prints in (in place, or a new array). */
export function sortEntries(entries: QueryEntry[], fn: AggFn): QueryEntry[] {
  if (isHistogram(fn)) {
    const total = new Map(entries.map((e) => [e, bucketTotal(e)]));
    return entries.sort((a, b) => total.get(a)! - total.get(b)! || compareKeys(a.keys, b.keys));
  }
  if (entries.some((e) => typeof e.value !== 'number')) {
    return entries.sort((a, b) => {
      const x = BigInt(a.value ?? 0);
      const y = BigInt(b.value ?? 0);
      return x < y ? -1 : x > y ? 1 : compareKeys(a.keys, b.keys);
    });
  }
  const one = entries.every((e) => e.keys.length === 1 && typeof e.keys[0] === 'number');
  if (one) return sortNumeric(entries) ?? entries.sort((a, b) => (a.value as number) - (b.value as number) || (a.keys[0] as number) - (b.keys[0] as number));
  return entries.sort((a, b) => (a.value as number) - (b.value as number) || compareKeys(a.keys, b.keys));
}

// ---- counters and the whole -----------------------------------------------------------------------

/** Drop and error totals from the session's per-CPU counters. */
export function countersModel(perCpu: readonly (readonly bigint[])[]): { drops: QueryDrops; errors: JsonInt } {
  const sum = (i: number) => jsonInt(perCpu.reduce((n, c) => n + (c[i] ?? 0n), 0n));
  return {
    drops: { buffer: sum(Counter.DROPS), aggregation: sum(Counter.AGGDROPS), dynamic: sum(Counter.DYNDROPS), speculative: sum(Counter.SPECDROPS) },
    errors: sum(Counter.ERRORS),
  };
}

export function emptyModel(): SessionModel {
  return { aggregations: {}, probes: [], drops: { buffer: 0, aggregation: 0, dynamic: 0, speculative: 0 }, errors: 0 };
}

export function sessionModel(aggs: readonly QueryAggregation[], probes: QueryProbe[], counters?: readonly (readonly bigint[])[]): SessionModel {
  const m = emptyModel();
  for (const a of aggs) m.aggregations[a.name] = a;
  m.probes = probes;
  if (counters) Object.assign(m, countersModel(counters));
  return m;
}
