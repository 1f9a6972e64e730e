// DTrace's aggregation output: the exit-time print of every aggregation, and printa() with or without a format.
//
// Output facts (illumos libdtrace dt_consume.c / dt_aggregate.c, cmd/dtrace/dtrace.c):
// - At exit dtrace(1M) prints "\n" (oprintf) and then dtrace_aggregate_print(): every aggregation
//   not yet printed by printa(), one after another with no separator. formatAggregations() returns
//   the latter; the caller prints the "\n" first, even when there are no aggregations.
// - An entry is its keys ("  %-50s" strings, " %16lld" 64-bit integers, ...) then its value
//   (" %16lld"; histograms start with "\n" and a header) then "\n" -- so a histogram entry ends
//   with a blank line, and `@ = count()` prints just the value line.
// - printa(@a) prints "\n" then the entries; printa(@a, @b) joins them by key (missing values are
//   zeros); printa(fmt, @a, ...) prints nothing else: only the format, once per entry.
// - Entries sort by value then key, or by key (aggsortkey), with aggsortkeypos/aggsortpos/aggsortrev.
import {
  asAvg,
  asBuckets,
  asScalar,
  asStddev,
  avgValueUnsigned,
  i64,
  llquantizeShape,
  lquantizeShape,
  stddevValue,
  type AggEntry,
  type AggKey,
  type AggValue,
  type Aggregation,
} from '../../kmod/consumer/aggregation.js';
import { joinAggregations, sortAggregations, sortEntries } from '../../kmod/consumer/aggregation-sort.js';
import { formatKey, formatScalar, packedKeyWidth } from './aggregation-datum.js';
import {
  formatLlquantize,
  formatLquantize,
  formatLquantizePacked,
  formatQuantize,
  formatQuantizePacked,
  packedLquantizeHeader,
  packedQuantizeHeader,
  quantHeader,
  quantizeMinMaxBin,
  quantline,
  type BarTotal,
} from './aggregation-histogram.js';
import type { AggFormatOptions } from './aggregation-options.js';
import {
  PrintaFormatError,
  baseSpec,
  defaultFormatArg,
  parsePrintaFormat,
  type FormatArgFn,
  type PrintaPiece,
} from './aggregation-printa.js';

export type { AggFormatOptions } from './aggregation-options.js';
export { PrintaFormatError, defaultFormatArg, parsePrintaFormat } from './aggregation-printa.js';
export type { FormatArgFn, PrintaArg, PrintaConversion, PrintaPiece, PrintaSpec } from './aggregation-printa.js';
export { truncAggregation } from '../../kmod/consumer/aggregation-sort.js';

export interface PrintaOptions extends AggFormatOptions {
  /** Renders one printa() conversion; defaults to defaultFormatArg (shell/format/printf.ts primitives). */
  formatArg?: FormatArgFn;
}

/** State shared across one print call (dt_print_aggdata_t): which header agghist/aggpack printed. */
interface PrintState {
  header?: Aggregation;
  totals: Map<Aggregation, HistTotals>;
  bins: Map<Aggregation, [number, number]>;
}

interface HistTotals {
  total: BarTotal;
  positives: boolean;
  negatives: boolean;
}

function newState(): PrintState {
  return { totals: new Map(), bins: new Map() };
}

const HIST_FNS = new Set(['count', 'sum', 'avg', 'stddev']);

function isAgghist(agg: Aggregation, opts: AggFormatOptions): boolean {
  return !!opts.agghist && HIST_FNS.has(agg.fn);
}

function isAggpack(agg: Aggregation, opts: AggFormatOptions): boolean {
  return !!opts.aggpack && (agg.fn === 'quantize' || agg.fn === 'lquantize');
}

/** dt_aggregate_total: the agghist bar total over all of an aggregation's entries. */
function histTotals(agg: Aggregation, opts: AggFormatOptions, state: PrintState): HistTotals {
  const known = state.totals.get(agg);
  if (known) return known;
  let total = 0n;
  let positives = false;
  let negatives = false;
  for (const e of agg.entries) {
    let val: bigint;
    if (agg.fn === 'stddev') {
      const s = asStddev(e.value);
      val = i64(stddevValue(s.count, s.total, s.sumsq));
    } else if (agg.fn === 'avg') {
      const a = asAvg(e.value);
      val = a.count === 0n ? 0n : i64(a.total / a.count);
    } else {
      val = i64(asScalar(e.value));
    }
    if (val > 0n) positives = true;
    if (val < 0n) {
      negatives = true;
      val = -val;
    }
    if (opts.aggzoom) {
      const z = BigInt(Math.trunc(Number(val) * (1 / 0.95)));
      if (z > total) total = z;
    } else {
      total += val;
    }
  }
  const t: HistTotals = { total: { kind: 'sum', value: total }, positives, negatives };
  state.totals.set(agg, t);
  return t;
}

/** dt_aggregate_minmaxbin for quantize(): the bucket span shared by all of an aggregation's entries. */
function packBins(agg: Aggregation, state: PrintState): [number, number] {
  const known = state.bins.get(agg);
  if (known) return known;
  let min = Infinity;
  let max = -Infinity;
  for (const e of agg.entries) {
    const [lo, hi] = quantizeMinMaxBin(asBuckets(e.value));
    min = Math.min(min, lo);
    max = Math.max(max, hi);
  }
  const bins: [number, number] = Number.isFinite(min) ? [min, max] : [63, 63];
  state.bins.set(agg, bins);
  return bins;
}

/** A value as dt_print_datum prints it (histograms in full). */
function formatDatum(agg: Aggregation, v: AggValue, opts: AggFormatOptions): string {
  const normal = agg.normal ?? 1n;
  switch (agg.fn) {
    case 'quantize':
      return formatQuantize(asBuckets(v), normal, opts);
    case 'lquantize':
      return formatLquantize(asBuckets(v), lquantizeShape(agg.params), normal, opts);
    case 'llquantize':
      return formatLlquantize(asBuckets(v), llquantizeShape(agg.params), normal, opts);
    default:
      return formatScalar(agg.fn, v, normal);
  }
}

interface LineValue {
  agg: Aggregation;
  value: AggValue;
  percpu?: AggEntry['percpu'];
}

/** dt_print_aggs: one entry (or joined bundle): header if due, keys, values, and the newline. */
function formatLine(rep: Aggregation, keys: readonly AggKey[], values: readonly LineValue[], state: PrintState, opts: AggFormatOptions): string {
  const hist = isAgghist(rep, opts);
  const pack = isAggpack(rep, opts);
  let out = '';
  if ((hist || pack) && state.header !== rep) {
    const width = keys.reduce((w, k) => w + packedKeyWidth(k), 0);
    if (hist) out += quantHeader(width);
    else if (rep.fn === 'quantize') out += packedQuantizeHeader(width, ...packBins(rep, state));
    else out += packedLquantizeHeader(width, lquantizeShape(rep.params).levels);
    state.header = rep;
  }
  for (const k of keys) out += formatKey(k, hist || pack, opts);
  for (const { agg, value, percpu } of values) {
    const normal = agg.normal ?? 1n;
    if (hist && HIST_FNS.has(agg.fn)) {
      // The bar is drawn from the record's first word: the value of count()/sum(), the count of
      // avg()/stddev() (what a non-DEBUG libdtrace does where it asserts SUM or COUNT).
      const first = agg.fn === 'avg' || agg.fn === 'stddev' ? asAvg(value).count : asScalar(value);
      const t = histTotals(agg, opts, state);
      out += ` ${quantline(first, normal, t.total, t.positives, t.negatives, opts)}`;
    } else if (pack && agg.fn === 'quantize') {
      out += formatQuantizePacked(asBuckets(value), ...packBins(agg, state), opts);
    } else if (pack && agg.fn === 'lquantize') {
      out += formatLquantizePacked(asBuckets(value), lquantizeShape(agg.params), opts);
    } else {
      out += formatDatum(agg, value, opts);
    }
    if (opts.aggpercpu && percpu) {
      for (const p of percpu) out += `\n    [CPU ${p.cpu}]${formatDatum(agg, p.value, opts)}`;
    }
  }
  if (!hist && !pack) out += '\n';
  return out;
}

/**
 * What dtrace_aggregate_print() writes at exit: every aggregation not marked `printed`, in
 * variable order (reversed by aggsortrev), each one's entries sorted. Does not include the "\n"
 * dtrace(1M) prints before it.
 */
export function formatAggregations(aggs: readonly Aggregation[], opts: AggFormatOptions = {}): string {
  const state = newState();
  let out = '';
  for (const agg of sortAggregations(aggs.filter((a) => !a.printed), opts)) {
    for (const e of sortEntries(agg, opts)) {
      out += formatLine(agg, e.keys, [{ agg, value: e.value, percpu: e.percpu }], state, opts);
    }
  }
  return out;
}

/** The key/value rows printa() walks: single-aggregation entries or joined bundles. */
interface PrintaRow {
  rep: Aggregation;
  keys: AggKey[];
  values: LineValue[];
}

function printaRows(aggs: readonly Aggregation[], opts: AggFormatOptions): PrintaRow[] {
  const only = aggs[0];
  if (aggs.length === 1 && only) {
    return sortEntries(only, opts).map((e) => ({ rep: only, keys: e.keys, values: [{ agg: only, value: e.value, percpu: e.percpu }] }));
  }
  const byId = sortAggregations(aggs, {});
  return joinAggregations(aggs, opts).map((b) => {
    const rep = byId.find((a) => b.present[aggs.indexOf(a)]) ?? byId[0] ?? aggs[0];
    if (!rep) throw new PrintaFormatError('printa() needs an aggregation');
    return { rep, keys: b.keys, values: aggs.map((agg, j) => ({ agg, value: b.values[j] ?? 0n })) };
  });
}

function intArg(key: AggKey | undefined): number {
  if (!key || key.type !== 'int') throw new PrintaFormatError('printa() format needs an integer for a "*" width or precision');
  // dt_printf_getint(): the key cast to int from its own size.
  return Number(BigInt.asIntN(32, BigInt.asIntN((key.size ?? 8) * 8, key.value)));
}

/** dt_printf_format for one printa() row: keys feed plain conversions, values feed %@ ones. */
function formatRow(pieces: readonly PrintaPiece[], row: PrintaRow, opts: PrintaOptions): string {
  const formatArg = opts.formatArg ?? defaultFormatArg;
  let out = '';
  let k = 0;
  let cur = 0;
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      out += piece;
      continue;
    }
    if (piece.print === 'pct') {
      out += '%';
      continue;
    }
    const spec = baseSpec(piece);
    if (piece.dynWidth) {
      // A negative `*` width reads as the '-' flag and its magnitude.
      const w = intArg(row.keys[k++]);
      spec.width = Math.abs(w);
      if (w < 0) spec.left = true;
    }
    if (piece.dynPrec) {
      const p = intArg(row.keys[k++]);
      spec.prec = p > 0 ? p : -1;
    }
    if (!piece.flags.agg) {
      const key = row.keys[k++];
      if (!key) throw new PrintaFormatError(`printa() format conversion ${piece.text} has no key left to print`);
      out += formatArg(piece, spec, { kind: 'key', key });
      continue;
    }
    // %@ conversions take the aggregations in turn; extra ones repeat the last (curagg in libdtrace).
    const lv = row.values[cur];
    if (cur < row.values.length - 1) cur++;
    if (!lv) throw new PrintaFormatError('printa() %@ conversion without an aggregation');
    const { agg, value } = lv;
    const normal = agg.normal ?? 1n;
    switch (agg.fn) {
      case 'quantize':
      case 'lquantize':
      case 'llquantize':
        // pfprint_quantize & co. print the whole distribution, whatever the conversion.
        out += formatDatum(agg, value, opts);
        break;
      case 'avg': {
        // pfprint_average: data[1] / normal / data[0] in uint64 arithmetic.
        const a = asAvg(value);
        out += formatArg(piece, spec, { kind: 'value', fn: 'avg', value: avgValueUnsigned(a.count, a.total, normal), normal: 1n });
        break;
      }
      case 'stddev': {
        const s = asStddev(value);
        out += formatArg(piece, spec, { kind: 'value', fn: 'stddev', value: stddevValue(s.count, s.total, s.sumsq, normal), normal: 1n });
        break;
      }
      default:
        out += formatArg(piece, spec, { kind: 'value', fn: agg.fn, value: asScalar(value), normal });
    }
  }
  return out;
}

/**
 * printa() of one or more aggregations (all with the same key signature). Without a format:
 * "\n" then one line per entry (per key, joined, for several aggregations). With a format: the
 * format once per entry, keys consumed in order by plain conversions and the aggregations' values
 * by %@ conversions. The caller marks the aggregations `printed` when anything was printed.
 */
export function formatPrinta(fmt: string | undefined, aggs: readonly Aggregation[], opts: PrintaOptions = {}): string {
  if (aggs.length === 0) throw new PrintaFormatError('printa() needs an aggregation');
  const rows = printaRows(aggs, opts);
  if (fmt === undefined) {
    const state = newState();
    return `\n${rows.map((r) => formatLine(r.rep, r.keys, r.values, state, opts)).join('')}`;
  }
  const pieces = parsePrintaFormat(fmt);
  return rows.map((r) => formatRow(pieces, r, opts)).join('');
}
