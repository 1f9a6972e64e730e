// printa() conversions: keys and %@ aggregation values rendered through the D printf machinery.
// Formats are parsed by d/printf-format.ts (dt_printf_create's rules) and values printed with the
// C printf primitives of shell/format/printf.ts; callers may substitute their own FormatArgFn.
import { i64, u64, type AggFn, type AggKey } from '../../kmod/consumer/aggregation.js';
import { parsePrintfFormat, type PrintfConversion, type PrintfPiece } from '../../d/printf-format.js';
import { addr2str, cChar, cFloat, cInt, cStr, type CSpec } from './printf.js';

export type { PrintfConversion as PrintaConversion, PrintfPiece as PrintaPiece } from '../../d/printf-format.js';

/** A printa() format the aggregation data does not fit (libdtrace's EDT_DMISMATCH). */
export class PrintaFormatError extends Error {
  override name = 'PrintaFormatError';
}

/** Parses a printa() format (dt_printf_create); throws DError on a malformed one. */
export function parsePrintaFormat(fmt: string): PrintfPiece[] {
  return parsePrintfFormat(fmt).pieces;
}

/** What a conversion renders: a key record, or a scalar aggregation result. */
export type PrintaArg =
  | { kind: 'key'; key: AggKey }
  /** `value` is raw (count/sum/min/max: divided by `normal` here; avg/stddev: computed, normal 1). */
  | { kind: 'value'; fn: AggFn; value: bigint; normal: bigint };

/** The C spec of one conversion after any `*` width/precision was taken from the keys. */
export type PrintaSpec = CSpec;

/** The printf boundary: renders one conversion with its resolved C spec. */
export type FormatArgFn = (conv: PrintfConversion, spec: PrintaSpec, arg: PrintaArg) => string;

/** The C spec a parsed conversion starts with (dt_printf_format's flags, width, precision). */
export function baseSpec(c: PrintfConversion): PrintaSpec {
  return {
    alt: c.flags.alt,
    zero: c.flags.zpad,
    left: c.flags.left,
    plus: c.flags.spos,
    space: c.flags.space,
    width: c.width,
    prec: c.prec === 0 ? -1 : c.prec,
  };
}

function stackText(frames: readonly string[], s: PrintaSpec): string {
  // pfprint_stack(): stackindent is overridden -- with '-' the width becomes the indent (and no
  // field width applies); otherwise the indent is 0 and each frame is padded to the width.
  const ind = s.left ? s.width : 0;
  const fs: PrintaSpec = s.left ? { ...s, width: 0 } : s;
  return `\n${frames.map((f) => `${' '.repeat(ind)}${cStr(f, fs)}\n`).join('')}`;
}

function integer(v: bigint, c: PrintfConversion, s: PrintaSpec, bits: number, signed: boolean): string {
  if (c.cconv === 'c' || c.cconv === 'lc' || c.cconv === 'wc') return cChar(Number(BigInt.asUintN(8, v)), s);
  if (c.print === 'fp') return cFloat(Number(v), c.cconv, s);
  const unsigned = c.print === 'uint' || !signed;
  const x = unsigned ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
  // %d of an unsigned value prints as %u (pfcheck_dint).
  const conv = unsigned && (c.cconv === 'd' || c.cconv === 'i') ? 'u' : c.cconv;
  if (c.print === 'cstr' || c.print === 'estr') return cStr(x.toString(), s);
  if (c.print === 'addr' || c.print === 'uaddr') return cStr(addr2str(BigInt.asUintN(64, v)), s);
  return cInt(x, conv, s);
}

/**
 * The built-in rendering: integer keys cut to their size (signed keys print signed through %d);
 * strings and resolved symbols through %s (or %a/%A, which print them as they are); stacks through
 * %k (pfprint_stack: indent 0, or the width with '-'); %@ values divided by their normal as pfprint_sint/pfprint_uint do (signed for %d/%i,
 * unsigned for %u/%o/%x/%X and for count(), whose type is uint64_t).
 */
export const defaultFormatArg: FormatArgFn = (c, s, arg) => {
  if (arg.kind === 'value') {
    const unsigned = c.print === 'uint' || arg.fn === 'count';
    const v = unsigned ? u64(arg.value) / u64(arg.normal) : i64(i64(arg.value) / i64(arg.normal));
    return integer(v, c, s, 64, !unsigned);
  }
  const key = arg.key;
  switch (key.type) {
    case 'int':
      return integer(key.value, c, s, (key.size ?? 8) * 8, key.signed ?? true);
    case 'stack':
    case 'ustack':
      return stackText(key.frames, s);
    default:
      return cStr(key.value, s);
  }
};
