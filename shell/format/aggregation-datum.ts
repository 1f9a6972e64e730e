// dt_print_datum for aggregations: key records (ints, strings, stacks, symbols) and scalar values.
import {
  asAvg,
  asScalar,
  asStddev,
  avgValue,
  i64,
  normalizedValue,
  stddevValue,
  type AggFn,
  type AggKey,
  type AggValue,
} from '../../kmod/consumer/aggregation.js';
import { DEFAULT_STACKINDENT, DEFAULT_STRSIZE, type AggFormatOptions } from './aggregation-options.js';

/** C's `%*s` / `%*d` padding: a negative width left-justifies. */
export function cpad(s: string, width: number): string {
  return width < 0 ? s.padEnd(-width) : s.padStart(width);
}

/** dt_ndigits: the digits (plus a sign) of a value, at least 4 (it stops at exact powers of ten). */
export function ndigits(value: bigint): number {
  let val = i64(value);
  let rval = 1;
  let c = 10n;
  if (val < 0n) {
    val = val === -0x8000000000000000n ? 0x7fffffffffffffffn : -val;
    rval++;
  }
  while (val > c && c > 0n) {
    rval++;
    c = i64(c * 10n);
  }
  return rval < 4 ? 4 : rval;
}

/** dt_print_datum's record widths: {size, width, packedwidth} for 1-, 2-, 4-, 8-byte and other records. */
function recordWidths(size: number): { width: number; packed: number } {
  switch (size) {
    case 1:
      return { width: 3, packed: 3 };
    case 2:
      return { width: 5, packed: 5 };
    case 4:
      return { width: 8, packed: 8 };
    case 8:
      return { width: 16, packed: 16 };
    default:
      return { width: -50, packed: 16 };
  }
}

/** The width a key contributes to an agghist/aggpack header: packedwidth + 1. */
export function packedKeyWidth(key: AggKey): number {
  return (key.type === 'int' ? recordWidths(key.size ?? 8).packed : 16) + 1;
}

function isPrintable(c: number): boolean {
  // isprint() || isspace() || '\b' || '\a' in the C locale; bytes >= 0x80 are negative chars there.
  return (c >= 0x20 && c <= 0x7e) || (c >= 0x09 && c <= 0x0d) || c === 0x08 || c === 0x07;
}

function latin(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** The raw dump dt_print_bytes falls back to (margin 5, 16 bytes a row, offsets in %5x). */
function rawDump(c: Uint8Array): string {
  const margin = ' '.repeat(5);
  let out = `\n${margin}      `;
  for (let i = 0; i < 16; i++) out += `  ${'0123456789abcdef'[i]}`;
  out += '  0123456789abcdef\n';
  for (let i = 0; i < c.length; i += 16) {
    out += `${margin}${i.toString(16).padStart(5)}:`;
    let j = i;
    for (; j < i + 16 && j < c.length; j++) out += ` ${(c[j] ?? 0).toString(16).padStart(2, '0')}`;
    while (j++ % 16) out += '   ';
    out += '  ';
    for (j = i; j < i + 16 && j < c.length; j++) {
      const b = c[j] ?? 0;
      out += b < 0x20 || b > 0x7e ? '.' : String.fromCharCode(b);
    }
    out += '\n';
  }
  return out;
}

/**
 * dt_print_bytes (non-quiet): a NUL-terminated run of printable bytes followed only by NULs prints
 * as " " + (width < 0 ? " " : "") + %*s; a record with no NUL at all prints as "  %-*s"; anything
 * else (an empty string included) is a hex dump.
 */
export function formatBytes(c: Uint8Array, width: number, rawbytes = false): string {
  if (c.length === 0) return '';
  if (!rawbytes) {
    let i = 0;
    for (; i < c.length; i++) {
      const b = c[i] ?? 0;
      if (isPrintable(b)) continue;
      if (b === 0 && i > 0) {
        let j = i + 1;
        while (j < c.length && c[j] === 0) j++;
        if (j !== c.length) break;
        return ` ${width < 0 ? ' ' : ''}${cpad(latin(c.subarray(0, i)), width)}`;
      }
      break;
    }
    if (i === c.length) return `  ${latin(c).padEnd(Math.abs(width))}`;
  }
  return rawDump(c);
}

/** A string key as its strsize-byte record: the UTF-8 bytes, NUL padded (truncated when too long). */
export function stringRecord(s: string, strsize = DEFAULT_STRSIZE): Uint8Array {
  const bytes = new TextEncoder().encode(s);
  const rec = new Uint8Array(strsize);
  rec.set(bytes.subarray(0, strsize));
  return rec;
}

/** dt_print_stack / dt_print_ustack: a newline, then each frame indented on its own line. */
export function formatStack(frames: readonly string[], indent = DEFAULT_STACKINDENT): string {
  return `\n${frames.map((f) => `${' '.repeat(indent)}${f}\n`).join('')}`;
}

/** One key record as dt_print_datum prints it (packed: under agghist/aggpack). */
export function formatKey(key: AggKey, packed: boolean, opts: AggFormatOptions = {}): string {
  switch (key.type) {
    case 'int': {
      const size = key.size ?? 8;
      const { width, packed: pw } = recordWidths(size);
      const w = packed ? pw : width;
      // 8-byte keys print as %lld; 4-byte ones are uint32 through %d (so signed); 1- and 2-byte
      // ones are uint8/uint16 promoted to int (so unsigned).
      const v = size === 8 ? i64(key.value) : size === 4 ? BigInt.asIntN(32, key.value) : BigInt.asUintN(size * 8, key.value);
      return ` ${cpad(v.toString(), w)}`;
    }
    case 'string':
      return formatBytes(stringRecord(key.value, opts.strsize), packed ? 16 : -50, opts.rawbytes);
    case 'stack':
    case 'ustack':
      return formatStack(key.frames, opts.stackindent);
    default:
      // dt_print_sym / _mod / _usym / _umod: "  %-50s".
      return `  ${key.value.padEnd(50)}`;
  }
}

/** A count/sum/min/max/avg/stddev value as dt_print_datum prints it: " %16lld" (stddev %16llu). */
export function formatScalar(fn: AggFn, v: AggValue, normal: bigint): string {
  switch (fn) {
    case 'avg': {
      const a = asAvg(v);
      return ` ${cpad(avgValue(a.count, a.total, normal).toString(), 16)}`;
    }
    case 'stddev': {
      const s = asStddev(v);
      const n = i64(s.count) === 0n ? 0n : stddevValue(s.count, s.total, s.sumsq, normal);
      return ` ${cpad(n.toString(), 16)}`;
    }
    default:
      return ` ${cpad(normalizedValue(asScalar(v), normal).toString(), 16)}`;
  }
}
