// quantize/lquantize/llquantize output as dt_consume.c draws it: full histograms, bars, packed lines.
import {
  QUANTIZE_NBUCKETS,
  QUANTIZE_ZEROBUCKET,
  llquantizeLayout,
  normalizedValue,
  quantizeBucketValue,
  type LlqParams,
  type LquantizeShape,
} from '../../kmod/consumer/aggregation.js';
import { cpad, ndigits } from './aggregation-datum.js';
import type { AggFormatOptions } from './aggregation-options.js';

/** DTRACE_AGGZOOM_MAX: with aggzoom the tallest bar is 95% of the full length. */
const AGGZOOM_MAX = 0.95;
const ATS = '@'.repeat(40);
const SPACES = ' '.repeat(40);
const DIST = '------------- Distribution -------------';

/**
 * The denominator bars are drawn against: the sum of |counts| (exact), or with aggzoom the largest
 * |count| / 0.95 (a C long double; a JS double here).
 */
export type BarTotal = { kind: 'sum'; value: bigint } | { kind: 'zoom'; value: number };

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** dt_quantize_total over a range of buckets. */
export function barTotal(counts: readonly bigint[], from: number, to: number, zoom: boolean | undefined): BarTotal {
  if (zoom) {
    let t = 0;
    for (let i = from; i <= to; i++) t = Math.max(t, Number(abs(counts[i] ?? 0n)) * (1 / AGGZOOM_MAX));
    return { kind: 'zoom', value: t };
  }
  let t = 0n;
  for (let i = from; i <= to; i++) t += abs(counts[i] ?? 0n);
  return { kind: 'sum', value: t };
}

/** (uint_t)((|val| * len) / total + 0.5), exactly for integer totals. */
function depth(val: bigint, len: number, total: BarTotal): number {
  if (total.kind === 'zoom') return Math.trunc((Number(abs(val)) * len) / total.value + 0.5);
  if (total.value === 0n) return 0;
  const t = total.value;
  return Number((2n * BigInt(len) * abs(val) + t) / (2n * t));
}

/** The whole and eighths of a UTF-8 bar (dt_print_quantline_utf8). */
function wholeAndEighths(val: bigint, total: BarTotal): [number, number] {
  if (total.kind === 'zoom') {
    const f = (Number(abs(val)) * 40) / total.value;
    const whole = Math.trunc(f);
    return [whole, Math.trunc((f - whole) * 8)];
  }
  if (total.value === 0n) return [0, 0];
  const n = 40n * abs(val);
  const whole = n / total.value;
  return [Number(whole), Number((8n * (n - whole * total.value)) / total.value)];
}

function count9(val: bigint, normal: bigint): string {
  return normalizedValue(val, normal).toString().padEnd(9);
}

/**
 * dt_print_quantline: the bar and count after a row label. Only positive counts: "|@@@   count";
 * only negative: "   @@@| count"; both: half-length bars either side of a centre "|".
 */
export function quantline(val: bigint, normal: bigint, total: BarTotal, positives: boolean, negatives: boolean, opts: AggFormatOptions = {}): string {
  if (!negatives) {
    if (positives && opts.encoding === 'utf8') {
      const [whole, partial] = wholeAndEighths(val, total);
      let bar = '\u2588'.repeat(whole);
      let i = whole;
      if (partial !== 0) {
        bar += String.fromCodePoint(0x258f - (partial - 1));
        i++;
      }
      return `|${bar}${SPACES.slice(i)} ${count9(val, normal)}\n`;
    }
    const d = positives ? depth(val, 40, total) : 0;
    return `|${ATS.slice(40 - d)}${SPACES.slice(d)} ${count9(val, normal)}\n`;
  }
  if (!positives) {
    const d = depth(val, 40, total);
    return `${SPACES.slice(d)}${ATS.slice(40 - d)}| ${count9(val, normal)}\n`;
  }
  const d = depth(val, 20, total);
  if (val <= 0n) return `${' '.repeat(20 - d)}${'@'.repeat(d)}|${' '.repeat(20)} ${count9(val, normal)}\n`;
  return `${' '.repeat(20)}|${'@'.repeat(d)}${' '.repeat(20 - d)} ${count9(val, normal)}\n`;
}

/** dt_print_quanthdr: "\n%*s %41s %-9s\n" (width 16 and "value", or the packed key width and "key"). */
export function quantHeader(width = 0): string {
  return `\n${cpad(width ? 'key' : 'value', width || 16)} ${cpad(DIST, 41)} ${'count'.padEnd(9)}\n`;
}

function signs(counts: readonly bigint[], from: number, to: number): { positives: boolean; negatives: boolean } {
  let positives = false;
  let negatives = false;
  for (let i = from; i <= to; i++) {
    const c = counts[i] ?? 0n;
    if (c > 0n) positives = true;
    if (c < 0n) negatives = true;
  }
  return { positives, negatives };
}

/** The rows to show: one zero bucket either side of the non-zero ones, or `empty` when all are 0. */
function visibleRange(counts: readonly bigint[], n: number, empty: [number, number]): [number, number] {
  let first = 0;
  while (first < n && (counts[first] ?? 0n) === 0n) first++;
  if (first === n) return empty;
  if (first > 0) first--;
  let last = n - 1;
  while (last > 0 && (counts[last] ?? 0n) === 0n) last--;
  if (last < n - 1) last++;
  return [first, last];
}

function rows(counts: readonly bigint[], from: number, to: number, normal: bigint, opts: AggFormatOptions, label: (i: number) => string): string {
  const total = barTotal(counts, from, to, opts.aggzoom);
  const { positives, negatives } = signs(counts, from, to);
  let out = quantHeader();
  for (let i = from; i <= to; i++) out += `${cpad(label(i), 16)} ${quantline(counts[i] ?? 0n, normal, total, positives, negatives, opts)}`;
  return out;
}

/** dt_print_quantize. */
export function formatQuantize(counts: readonly bigint[], normal = 1n, opts: AggFormatOptions = {}): string {
  // dt_print_quantize scans for the first non-zero bucket only up to NBUCKETS - 1.
  let first = 0;
  while (first < QUANTIZE_NBUCKETS - 1 && (counts[first] ?? 0n) === 0n) first++;
  let from: number;
  let to: number;
  if (first === QUANTIZE_NBUCKETS - 1) {
    from = QUANTIZE_ZEROBUCKET - 1;
    to = QUANTIZE_ZEROBUCKET + 1;
  } else {
    from = first > 0 ? first - 1 : first;
    let last = QUANTIZE_NBUCKETS - 1;
    while (last > 0 && (counts[last] ?? 0n) === 0n) last--;
    to = last < QUANTIZE_NBUCKETS - 1 ? last + 1 : last;
  }
  return rows(counts, from, to, normal, opts, (i) => quantizeBucketValue(i).toString());
}

/** dt_print_lquantize: "< lo" and ">= lo + levels * step" end rows. */
export function formatLquantize(counts: readonly bigint[], shape: LquantizeShape, normal = 1n, opts: AggFormatOptions = {}): string {
  const { levels, step } = shape;
  const base = BigInt.asIntN(32, shape.lo);
  const [from, to] = visibleRange(counts, levels + 2, [0, 2]);
  return rows(counts, from, to, normal, opts, (i) => {
    if (i === 0) return `< ${base}`;
    if (i === levels + 1) return `>= ${BigInt.asIntN(32, base + BigInt(levels) * step)}`;
    return BigInt.asIntN(32, base + BigInt(i - 1) * step).toString();
  });
}

/** dt_print_llquantize: "< factor^lmag", the linear rows of each magnitude, ">= factor^(hmag+1)". */
export function formatLlquantize(counts: readonly bigint[], p: LlqParams, normal = 1n, opts: AggFormatOptions = {}): string {
  const { nbuckets, linear, bounds } = llquantizeLayout(p);
  const [from, to] = visibleRange(counts, nbuckets, [0, 1]);
  const total = barTotal(counts, from, to, opts.aggzoom);
  const { positives, negatives } = signs(counts, from, to);
  const line = (label: string, i: number): string =>
    `${cpad(label, 16)} ${quantline(counts[i] ?? 0n, normal, total, positives, negatives, opts)}`;
  let out = quantHeader();
  if (from === 0) out += line(`< ${bounds[0]}`, 0);
  for (let bin = 1; bin <= linear; bin++) {
    if (bin >= from && bin <= to) out += line(`${bounds[bin]}`, bin);
  }
  if (to < linear + 1) return out;
  return out + line(`>= ${bounds[linear + 1]}`, linear + 1);
}

// ---- aggpack ------------------------------------------------------------------------------------

/** Whether packed glyphs are UTF-8 block elements (dt_print_packed's encoding/$TERM check). */
export function packedUtf8(opts: AggFormatOptions): boolean {
  if (opts.encoding === 'ascii') return false;
  if (opts.encoding === 'utf8') return true;
  return !(opts.term === 'sun' || opts.term === 'sun-color' || opts.term === 'dumb');
}

/** round(|datum| * k / total), exactly for integer totals. */
function scaled(datum: bigint, k: number, total: BarTotal): number {
  return depth(datum, k, total);
}

/** dt_print_packed: one glyph per bucket ("__xxxxXX", "vvvvVV" below zero, or U+2581..U+2588). */
export function packedGlyph(datum: bigint, total: BarTotal, utf8: boolean): string {
  if (datum === 0n) return ' ';
  if (datum < 0n) return 'vvvvVV'[scaled(datum, 5, total)] ?? 'V';
  if (utf8) return String.fromCodePoint(0x2581 + scaled(datum, 7, total));
  return '__xxxxXX'[scaled(datum, 7, total)] ?? 'X';
}

/** The bucket span a packed quantize() shows: minbin - 1 (unless 0 or the zero bucket) to maxbin + 1. */
export function packedQuantizeSpan(minbin: number, maxbin: number): [number, number] {
  const min = minbin !== 0 && minbin !== QUANTIZE_ZEROBUCKET ? minbin - 1 : minbin;
  const max = maxbin < QUANTIZE_NBUCKETS - 1 ? maxbin + 1 : maxbin;
  return [min, max];
}

/** dt_aggregate_minmaxbin for quantize(): first and last non-zero buckets (the zero bucket if none). */
export function quantizeMinMaxBin(counts: readonly bigint[]): [number, number] {
  let min = -1;
  let max = -1;
  for (let i = 0; i < QUANTIZE_NBUCKETS; i++) {
    if ((counts[i] ?? 0n) === 0n) continue;
    if (min === -1) min = i;
    max = i;
  }
  return min === -1 ? [QUANTIZE_ZEROBUCKET, QUANTIZE_ZEROBUCKET] : [min, max];
}

/** dt_print_quanthdr_packed for quantize(). */
export function packedQuantizeHeader(width: number, minbin: number, maxbin: number): string {
  const [min, max] = packedQuantizeSpan(minbin, maxbin);
  const minwidth = ndigits(quantizeBucketValue(min));
  const maxwidth = ndigits(quantizeBucketValue(max));
  return `\n${cpad(width > 0 ? 'key' : '', width)} ${cpad('min', minwidth)} .${'-'.repeat(max - min + 1)}. ${cpad('max', -maxwidth)} | count\n`;
}

/** dt_print_quanthdr_packed for lquantize(): always the full range. */
export function packedLquantizeHeader(width: number, levels: number): string {
  // minbin = 1 and maxbin = levels + 1 (dt_aggregate_minmaxbin), then max++.
  return `\n${cpad(width > 0 ? 'key' : '', width)} ${cpad('min', 7)} .${'-'.repeat(levels + 2)}. ${cpad('max', -8)} | count\n`;
}

/** dt_print_quantize_packed. */
export function formatQuantizePacked(counts: readonly bigint[], minbin: number, maxbin: number, opts: AggFormatOptions = {}): string {
  const [min, max] = packedQuantizeSpan(minbin, maxbin);
  const minval = quantizeBucketValue(min);
  const maxval = quantizeBucketValue(max);
  const total = barTotal(counts, min, max, opts.aggzoom);
  const utf8 = packedUtf8(opts);
  let count = 0n;
  let glyphs = '';
  for (let i = min; i <= max; i++) {
    count += counts[i] ?? 0n;
    glyphs += packedGlyph(counts[i] ?? 0n, total, utf8);
  }
  return ` ${cpad(minval.toString(), ndigits(minval))} :${glyphs}: ${cpad(maxval.toString(), -ndigits(maxval))} | ${count}\n`;
}

/** dt_print_lquantize_packed: every bucket from "< lo" to ">= hi". */
export function formatLquantizePacked(counts: readonly bigint[], shape: LquantizeShape, opts: AggFormatOptions = {}): string {
  const { levels, step } = shape;
  const base = BigInt.asIntN(32, shape.lo);
  const total = barTotal(counts, 0, levels + 1, opts.aggzoom);
  const utf8 = packedUtf8(opts);
  let count = 0n;
  let glyphs = '';
  for (let i = 0; i <= levels + 1; i++) {
    count += counts[i] ?? 0n;
    glyphs += packedGlyph(counts[i] ?? 0n, total, utf8);
  }
  const hi = `>= ${BigInt.asIntN(32, base + BigInt(levels) * step)}`;
  return `${cpad(`< ${base}`, 8)} :${glyphs}: ${cpad(hi, -8)} | ${count}\n`;
}
