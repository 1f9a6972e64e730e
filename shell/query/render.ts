// A query's result on the terminal: a table for a list of objects (or one entry), DTrace's histogram for
// buckets ({lo, hi, count}, or entries that have them), the text itself for a string or number, JSON
// otherwise.
import Table from 'cli-table3';
import { quantHeader, quantline, barTotal } from '../format/aggregation-histogram.js';
import { cpad } from '../format/aggregation-datum.js';

export interface RenderOptions {
  /** Rows shown in a table at most (default 1000); the rest are counted. */
  maxRows?: number;
  /** Characters a table cell shows at most (default 60). */
  maxCell?: number;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Bucket {
  lo: number | string | null;
  hi: number | string | null;
  count: number | string;
}

function isBucket(v: unknown): v is Bucket {
  if (!isObj(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 3 && 'lo' in v && 'hi' in v && 'count' in v && (typeof v.count === 'number' || typeof v.count === 'string');
}

function big(v: unknown): bigint {
  try {
    return BigInt(typeof v === 'number' ? Math.trunc(v) : String(v));
  } catch {
    return 0n;
  }
}

/** Buckets drawn as DTrace draws quantize(): the value column is each bucket's low bound. */
export function renderHistogram(buckets: readonly Bucket[]): string {
  const counts = buckets.map((b) => big(b.count));
  const total = barTotal(counts, 0, counts.length - 1, false);
  const positives = counts.some((c) => c > 0n);
  const negatives = counts.some((c) => c < 0n);
  let out = quantHeader();
  buckets.forEach((b, i) => {
    const label = b.lo === null ? `< ${b.hi}` : b.hi === null ? `>= ${b.lo}` : String(b.lo);
    out += `${cpad(label, 16)} ${quantline(counts[i], 1n, total, positives, negatives)}`;
  });
  return out;
}

function keyLine(e: Obj): string {
  if (typeof e.key === 'string') return e.key;
  if (Array.isArray(e.keys)) return e.keys.map((k) => (Array.isArray(k) ? k.join(';') : String(k))).join(', ');
  return '';
}

/** Entries with buckets (a quantize aggregation's): each key, then its histogram. */
function renderHistograms(entries: readonly Obj[]): string {
  return entries.map((e) => {
    const key = keyLine(e);
    return (key ? `  ${key}\n` : '') + renderHistogram(e.buckets as Bucket[]);
  }).join('\n') + '\n';
}

function cell(v: unknown, max: number): string {
  let s: string;
  if (v === undefined || v === null) s = '';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) s = v.join(', ');
  else if (Array.isArray(v) && v.length && v.every(isBucket)) s = (v as Bucket[]).map((b) => `${b.lo ?? '-inf'}:${b.count}`).join(' ');
  else s = JSON.stringify(v);
  s = s.replace(/\n/g, ' ');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** A list of objects as a table: a column for every field met (an entry's `keys` shown as its `key`), numbers to the right. */
export function renderTable(rows: readonly Obj[], opts: RenderOptions = {}): string {
  const maxRows = opts.maxRows ?? 1000;
  const maxCell = opts.maxCell ?? 60;
  const cols: string[] = [];
  const seen = new Set<string>();
  const shown = rows.slice(0, maxRows);
  for (const r of shown) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        cols.push(k);
      }
    }
  }
  // an entry's `key` is its `keys` as text: one column of them is enough
  if (seen.has('key') && seen.has('keys') && shown.every((r) => typeof r.key === 'string' && Array.isArray(r.keys))) cols.splice(cols.indexOf('keys'), 1);
  const numeric = new Set(cols.filter((c) => shown.every((r) => r[c] === undefined || typeof r[c] === 'number')));
  const t = new Table({ head: cols, style: { head: [], border: [] } });
  for (const r of shown) {
    t.push(cols.map((c) => ({ content: cell(r[c], maxCell), hAlign: numeric.has(c) ? ('right' as const) : ('left' as const) })));
  }
  let out = t.toString() + '\n';
  if (rows.length > shown.length) out += `… ${rows.length - shown.length} more rows (${rows.length} in all; [[0..N]] picks some)\n`;
  return out;
}

function json(v: unknown): string {
  const flat = JSON.stringify(v);
  if (flat === undefined) return String(v);
  return flat.length <= 100 ? flat : JSON.stringify(v, null, 2);
}

/** A query result as text for the terminal (always ends with a newline). */
export function renderResult(v: unknown, opts: RenderOptions = {}): string {
  if (v === undefined) return '(no result)\n';
  if (typeof v === 'string') return v.endsWith('\n') ? v : v + '\n';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v) + '\n';
  if (typeof v === 'function') return '(a function)\n';
  if (Array.isArray(v)) {
    if (v.length && v.every(isBucket)) return renderHistogram(v);
    if (v.length && v.every(isObj)) {
      if (v.every((e) => Array.isArray(e.buckets) && (e.buckets as unknown[]).every(isBucket) && ('keys' in e || 'key' in e))) return renderHistograms(v);
      return renderTable(v, opts);
    }
    return json(v) + '\n';
  }
  if (isObj(v) && Array.isArray(v.buckets) && (v.buckets as unknown[]).every(isBucket) && ('keys' in v || 'key' in v)) return renderHistograms([v]);
  // one entry (jsonata gives a list of one as the item itself): a table of one row
  if (isObj(v) && Array.isArray(v.keys) && typeof v.key === 'string') return renderTable([v], opts);
  return json(v) + '\n';
}
