// DTrace printf() output at run time: formats compiled once into closures that follow C printf(3C) exactly.
import { readFileSync } from 'node:fs';
import type { PrintfConversion, PrintfFormat } from '../../d/printf-format.js';
import { parsePrintfFormat } from '../../d/printf-format.js';

/**
 * One printf() argument as the consumer decoded it from a record: integers as bigint (or number),
 * with their size and signedness known statically from the checked format (so the value need not
 * carry them: it is truncated or sign-extended to the checked size here, as dt_printf.c does);
 * strings as JS strings (UTF-8 text: widths and precisions count UTF-8 bytes, as C counts bytes);
 * stacks as arrays of already-symbolised frames (`genunix`cv_wait+0x2c`); floats as number.
 */
export type PrintfValue = bigint | number | string | readonly string[];

export interface PrintfOptions {
  /** %a: kernel address to `module`symbol+0xoff` (see addr2str); default `0x` + hex. */
  symbolize?: (addr: bigint) => string;
  /** %A: user address to `object`symbol+0xoff`; default `0x` + hex. */
  usymbolize?: (addr: bigint) => string;
  /** The strsize option (default 256): %S shows the string's terminating NUL as `\0` when it fits. */
  strsize?: number;
  /** %P: service name of a port; default the first match in /etc/services, else the number. */
  serviceName?: (port: number) => string | undefined;
  /** %I: host name of an address string; default none (the address prints as given). */
  hostName?: (addr: string) => string | undefined;
}

/**
 * A compiled format: the argument values in order (a `*` width or `.*` precision takes its own
 * value before the conversion's), and for printa() the values `%@` conversions take in turn (the
 * last one repeating, as in dt_printf_format()).
 */
export type CompiledPrintf = (args: readonly PrintfValue[], aggValues?: readonly PrintfValue[]) => string;

/** A C conversion specification after DTrace has built it: flags, width and precision (-1 = none). */
export interface CSpec {
  alt: boolean;
  zero: boolean;
  left: boolean;
  plus: boolean;
  space: boolean;
  width: number;
  prec: number;
}

// ---------------------------------------------------------------------------------------------
// C printf primitives

function pad(body: string, bodyLen: number, s: CSpec): string {
  if (bodyLen >= s.width) return body;
  const fill = ' '.repeat(s.width - bodyLen);
  return s.left ? body + fill : fill + body;
}

/** An integer conversion (d i u o x X) of a value already cast to the type printf sees. */
export function cInt(v: bigint, conv: string, s: CSpec): string {
  const neg = v < 0n;
  const mag = neg ? -v : v;
  let digits: string;
  let prefix = '';
  switch (conv) {
    case 'o': digits = mag.toString(8); break;
    case 'x': digits = mag.toString(16); break;
    case 'X': digits = mag.toString(16).toUpperCase(); break;
    default: digits = mag.toString(10);
  }
  if (s.prec >= 0) {
    if (s.prec === 0 && mag === 0n) digits = '';
    else if (digits.length < s.prec) digits = '0'.repeat(s.prec - digits.length) + digits;
  }
  if (conv === 'd' || conv === 'i') {
    prefix = neg ? '-' : s.plus ? '+' : s.space ? ' ' : '';
  } else if (s.alt) {
    if (conv === 'o') {
      if (digits[0] !== '0') digits = '0' + digits;
    } else if ((conv === 'x' || conv === 'X') && mag !== 0n) {
      prefix = conv === 'x' ? '0x' : '0X';
    }
  }
  const len = prefix.length + digits.length;
  if (s.zero && !s.left && s.prec < 0 && len < s.width) {
    return prefix + '0'.repeat(s.width - len) + digits;
  }
  return pad(prefix + digits, len, s);
}

function isAscii(str: string): boolean {
  for (let i = 0; i < str.length; i++) if (str.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** %s: precision and width count bytes (UTF-8), as C does. The 0 flag pads with spaces (glibc). */
export function cStr(str: string, s: CSpec): string {
  if (isAscii(str)) {
    if (s.prec >= 0 && str.length > s.prec) str = str.slice(0, s.prec);
    return pad(str, str.length, s);
  }
  let bytes = Buffer.from(str, 'utf8');
  if (s.prec >= 0 && bytes.length > s.prec) {
    bytes = bytes.subarray(0, s.prec);
    str = bytes.toString('utf8');
  }
  return pad(str, bytes.length, s);
}

/** %c: the low byte of the value (bytes above 0x7f come out as the Latin-1 character). */
export function cChar(code: number, s: CSpec): string {
  return pad(String.fromCharCode(code & 0xff), 1, s);
}

// Exact decimal conversion of doubles (C's %e %f %g round the exact binary value, half to even).

const dv = new DataView(new ArrayBuffer(8));
const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}

/** x = m * 2^e exactly (x finite, sign ignored). */
function decompose(x: number): [bigint, number] {
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const eb = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (eb === 0) return [m, -1074];
  m |= 1n << 52n;
  return [m, eb - 1075];
}

function roundDiv(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = (num - q * den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** round(x * 10^p) as a digit string. */
function fixedDigits(m: bigint, e: number, p: number): string {
  if (e >= 0) return ((m << BigInt(e)) * pow10(p)).toString();
  return roundDiv(m * pow10(p), 1n << BigInt(-e)).toString();
}

/** p+1 significant digits of x and its decimal exponent. */
function expDigits(x: number, m: bigint, e: number, p: number): [string, number] {
  if (m === 0n) return ['0'.repeat(p + 1), 0];
  let k = Math.floor(Math.log10(x));
  for (;;) {
    let num = m;
    let den = 1n;
    if (e >= 0) num <<= BigInt(e);
    else den <<= BigInt(-e);
    const sh = p - k;
    if (sh >= 0) num *= pow10(sh);
    else den *= pow10(-sh);
    const q = roundDiv(num, den);
    if (q >= pow10(p + 1)) k++;
    else if (q < pow10(p)) k--;
    else return [q.toString(), k];
  }
}

function fStyle(m: bigint, e: number, p: number, alt: boolean): string {
  let d = fixedDigits(m, e, p);
  if (d.length <= p) d = '0'.repeat(p + 1 - d.length) + d;
  const int = d.slice(0, d.length - p);
  return p > 0 || alt ? `${int}.${d.slice(d.length - p)}` : int;
}

function eStyle(x: number, m: bigint, e: number, p: number, alt: boolean, upper: boolean): string {
  const [d, k] = expDigits(x, m, e, p);
  const mant = p > 0 || alt ? `${d[0]}.${d.slice(1)}` : d;
  const ek = Math.abs(k);
  return `${mant}${upper ? 'E' : 'e'}${k < 0 ? '-' : '+'}${ek < 10 ? '0' : ''}${ek}`;
}

function stripZeros(str: string): string {
  const dot = str.indexOf('.');
  if (dot < 0) return str;
  let end = str.length;
  while (str.charCodeAt(end - 1) === 48) end--;
  if (end - 1 === dot) end--;
  return str.slice(0, end);
}

/** A floating conversion (e E f F g G) of a double. */
export function cFloat(x: number, conv: string, s: CSpec): string {
  dv.setFloat64(0, x);
  const neg = (dv.getUint32(0) >>> 31) === 1;
  const sign = neg ? '-' : s.plus ? '+' : s.space ? ' ' : '';
  const upper = conv === 'E' || conv === 'G' || conv === 'F';
  if (!Number.isFinite(x)) {
    const t = Number.isNaN(x) ? 'nan' : 'inf';
    const body = sign + (upper ? t.toUpperCase() : t);
    return pad(body, body.length, s);
  }
  const ax = Math.abs(x);
  const [m, e] = decompose(ax);
  let digits: string;
  if (conv === 'f' || conv === 'F') {
    digits = fStyle(m, e, s.prec < 0 ? 6 : s.prec, s.alt);
  } else if (conv === 'e' || conv === 'E') {
    digits = eStyle(ax, m, e, s.prec < 0 ? 6 : s.prec, s.alt, upper);
  } else {
    const P = s.prec < 0 ? 6 : s.prec === 0 ? 1 : s.prec;
    const X = m === 0n ? 0 : expDigits(ax, m, e, P - 1)[1];
    digits = P > X && X >= -4 ? fStyle(m, e, P - 1 - X, s.alt) : eStyle(ax, m, e, P - 1, s.alt, upper);
    if (!s.alt) {
      const ei = digits.indexOf(upper ? 'E' : 'e');
      digits = ei < 0 ? stripZeros(digits) : stripZeros(digits.slice(0, ei)) + digits.slice(ei);
    }
  }
  const len = sign.length + digits.length;
  if (s.zero && !s.left && len < s.width) return sign + '0'.repeat(s.width - len) + digits;
  return pad(sign + digits, len, s);
}

// ---------------------------------------------------------------------------------------------
// DTrace's own conversions

/**
 * dtrace_addr2str(): `module`symbol+0xoff`, `module`symbol` at the symbol's start,
 * `module`0xaddr` inside a module but no symbol, else `0xaddr`.
 */
export function addr2str(addr: bigint, sym?: { module: string; name?: string; value?: bigint }): string {
  if (sym && sym.name !== undefined && sym.value !== undefined) {
    if (addr !== sym.value) return `${sym.module}\`${sym.name}+0x${(addr - sym.value).toString(16)}`;
    return `${sym.module}\`${sym.name}`;
  }
  if (sym) return `${sym.module}\`0x${addr.toString(16)}`;
  return `0x${addr.toString(16)}`;
}

/** strchr2esc() over `bytes`: C escapes for specials, `\ooo` for other unprintables; stops after a NUL. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    switch (c) {
      case 0: return out + '\\0';
      case 7: out += '\\a'; break;
      case 8: out += '\\b'; break;
      case 12: out += '\\f'; break;
      case 10: out += '\\n'; break;
      case 13: out += '\\r'; break;
      case 9: out += '\\t'; break;
      case 11: out += '\\v'; break;
      case 34: out += '\\"'; break;
      case 92: out += '\\\\'; break;
      default:
        if (c < 32 || c > 126) out += '\\' + ((c >> 6) & 3) + ((c >> 3) & 7) + (c & 7);
        else out += String.fromCharCode(c);
    }
  }
  return out;
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const two = (n: number): string => (n < 10 ? '0' : '') + n;

function epochDate(ns: bigint): Date {
  return new Date(Number(BigInt.asIntN(64, ns) / 1_000_000_000n) * 1000);
}

/** %Y: ctime(3C) rearranged to `2004 Jul 20 13:04:25` (local time; day space-padded). */
export function formatTimeY(ns: bigint): string {
  const d = epochDate(ns);
  const day = d.getDate();
  return `${d.getFullYear()} ${MON[d.getMonth()]} ${day < 10 ? ' ' : ''}${day} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

let tzFormat: Intl.DateTimeFormat | undefined;
function tzName(d: Date): string {
  tzFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  return tzFormat.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** The ISO 8601 week-based year (strftime %G) of a local date. */
function isoWeekYear(d: Date): number {
  const t = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  t.setDate(t.getDate() + 3 - ((t.getDay() + 6) % 7)); // the Thursday of this week
  return t.getFullYear();
}

/** %T: strftime "%a, %d %b %G %T %Z" (local time; %G is DTrace's, the ISO week-based year). */
export function formatTimeT(ns: bigint): string {
  const d = epochDate(ns);
  return `${DAY[d.getDay()]}, ${two(d.getDate())} ${MON[d.getMonth()]} ${isoWeekYear(d)} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${tzName(d)}`;
}

let services: Map<number, string> | undefined;
/** getservbyport(port, NULL): the first /etc/services entry with that port. */
export function etcServiceName(port: number): string | undefined {
  if (!services) {
    services = new Map();
    let text = '';
    try {
      text = readFileSync('/etc/services', 'utf8');
    } catch {
      // no services database: ports print as numbers
    }
    for (const line of text.split('\n')) {
      const f = line.replace(/#.*/, '').trim().split(/\s+/);
      const m = /^(\d+)\//.exec(f[1] ?? '');
      if (f[0] && m && !services.has(Number(m[1]))) services.set(Number(m[1]), f[0]);
    }
  }
  return services.get(port);
}

// ---------------------------------------------------------------------------------------------
// Compilation

type Part = (args: readonly PrintfValue[], agg: readonly PrintfValue[] | undefined, st: { agg: number }) => string;

function toBig(v: PrintfValue | undefined): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return 0n;
}

function toNum(v: PrintfValue | undefined): number {
  return typeof v === 'number' ? v : Number(toBig(v));
}

function toStr(v: PrintfValue | undefined): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  if (typeof v === 'object') return v.join('\n');
  return String(v);
}

/** dt_printf_getint(): the `*` argument cast to int from its own size. */
function getInt(v: PrintfValue | undefined, size: number): number {
  return Number(BigInt.asIntN(32, BigInt.asIntN(Math.min(size, 8) * 8, toBig(v))));
}

function baseSpec(c: PrintfConversion): CSpec {
  return {
    alt: c.flags.alt, zero: c.flags.zpad, left: c.flags.left, plus: c.flags.spos, space: c.flags.space,
    width: c.width, prec: c.prec === 0 ? -1 : c.prec,
  };
}

/** Renders a value (already fetched) with the C spec, per the conversion's print kind. */
type Render = (v: PrintfValue | undefined, s: CSpec, dynWidth: number) => string;

function renderer(c: PrintfConversion, opts: PrintfOptions): Render {
  const size = c.arg?.size ?? 8;
  const bits = Math.min(size, 8) * 8;
  const cconv = c.cconv;
  const strsize = opts.strsize ?? 256;
  switch (c.print) {
    case 'sint':
    case 'dint':
      if (cconv === 'c' || cconv === 'lc' || cconv === 'wc') {
        if (cconv === 'c') return (v, s) => cChar(Number(BigInt.asUintN(8, toBig(v))), s);
        return (v, s) => {
          const cp = Number(BigInt.asIntN(32, toBig(v)));
          return pad(cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '', 1, s);
        };
      }
      return (v, s) => cInt(BigInt.asIntN(bits, toBig(v)), cconv, s);
    case 'uint':
      return (v, s) => cInt(BigInt.asUintN(bits, toBig(v)), cconv, s);
    case 'fp':
      return (v, s) => cFloat(toNum(v), cconv, s);
    case 'addr': {
      const sym = opts.symbolize ?? ((a: bigint) => addr2str(a));
      return (v, s) => cStr(sym(BigInt.asUintN(size === 4 ? 32 : 64, toBig(v))), s);
    }
    case 'uaddr': {
      const sym = opts.usymbolize ?? ((a: bigint) => addr2str(a));
      return (v, s) => cStr(sym(BigInt.asUintN(size === 4 ? 32 : 64, toBig(v))), s);
    }
    case 'stack': {
      const user = c.arg?.kind === 'ustack';
      return (v, s, dyn) => {
        const frames = Array.isArray(v) ? (v as readonly string[]) : [];
        if (user && frames.length === 0) return '';
        // pfprint_stack(): a left-aligned (or negative `*`) width is the indent, not the field.
        let indent = 0;
        if (dyn < 0) indent = -dyn;
        else if (c.flags.left) indent = dyn || c.width;
        const fs: CSpec = c.flags.left ? { ...s, width: 0 } : s;
        const ind = ' '.repeat(indent);
        let out = '\n';
        for (const f of frames) out += ind + cStr(f, fs) + '\n';
        return out;
      };
    }
    case 'time':
      return (v, s) => cStr(formatTimeY(toBig(v)), s);
    case 'time822':
      return (v, s) => cStr(formatTimeT(toBig(v)), s);
    case 'cstr':
    case 'wstr':
      return (v, s) => cStr(toStr(v), s);
    case 'estr':
      return (v, s) => {
        const b = Buffer.from(toStr(v), 'utf8');
        const e = escapeBytes(b);
        return cStr(b.length < strsize ? e + '\\0' : e, s);
      };
    case 'echr':
      return (v, s) => cStr(escapeBytes(Uint8Array.of(Number(BigInt.asUintN(8, toBig(v))))), s);
    case 'port': {
      const name = opts.serviceName ?? etcServiceName;
      return (v, s) => {
        const port = Number(BigInt.asUintN(16, toBig(v)));
        return cStr(name(port) ?? String(port), s);
      };
    }
    case 'inetaddr': {
      const host = opts.hostName;
      return (v, s) => {
        const a = toStr(v);
        return cStr((host && host(a)) ?? a, s);
      };
    }
    case 'pct':
      return () => '%';
  }
}

function compileConv(c: PrintfConversion, first: number, opts: PrintfOptions): Part {
  const render = renderer(c, opts);
  if (c.print === 'pct') return () => '%';
  let k = first;
  const wIdx = c.dynWidth ? k++ : -1;
  const pIdx = c.dynPrec ? k++ : -1;
  const vIdx = c.flags.agg ? -1 : k;
  const wSize = c.widthArg?.size ?? 4;
  const pSize = c.precArg?.size ?? 4;
  const spec = baseSpec(c);
  const fetch = (args: readonly PrintfValue[], agg: readonly PrintfValue[] | undefined, st: { agg: number }): PrintfValue | undefined => {
    if (vIdx >= 0) return args[vIdx];
    if (!agg || agg.length === 0) return undefined;
    const v = agg[Math.min(st.agg, agg.length - 1)];
    st.agg++;
    return v;
  };
  if (!c.dynWidth && !c.dynPrec) return (args, agg, st) => render(fetch(args, agg, st), spec, 0);
  return (args, agg, st) => {
    const s: CSpec = { ...spec };
    let dyn = 0;
    if (wIdx >= 0) {
      // A `*` of 0 leaves no width; a negative one reads as the '-' flag and its magnitude.
      dyn = getInt(args[wIdx], wSize);
      s.width = dyn < 0 ? -dyn : dyn;
      if (dyn < 0) s.left = true;
    }
    if (pIdx >= 0) {
      const p = getInt(args[pIdx], pSize);
      s.prec = p > 0 ? p : -1; // DTrace omits a zero precision; C ignores a negative one
    }
    return render(fetch(args, agg, st), s, dyn);
  };
}

/** Values consumed by each conversion: dynamic width, dynamic precision, then the value. */
function argsTaken(c: PrintfConversion): number {
  if (c.print === 'pct') return 0;
  return (c.dynWidth ? 1 : 0) + (c.dynPrec ? 1 : 0) + (c.flags.agg ? 0 : 1);
}

/**
 * Compiles a parsed (preferably checked) format into a function of the argument values. An
 * unchecked format takes integers as 64-bit signed values.
 */
export function compilePrintf(fmt: PrintfFormat | string, opts: PrintfOptions = {}): CompiledPrintf {
  const f = typeof fmt === 'string' ? parsePrintfFormat(fmt) : fmt;
  const parts: (string | Part)[] = [];
  let k = 0;
  for (const p of f.pieces) {
    if (typeof p === 'string') {
      const last = parts[parts.length - 1];
      if (typeof last === 'string') parts[parts.length - 1] = last + p;
      else parts.push(p);
      continue;
    }
    parts.push(compileConv(p, k, opts));
    k += argsTaken(p);
  }
  if (parts.length === 0) return () => '';
  if (parts.length === 1) {
    const only = parts[0]!;
    if (typeof only === 'string') return () => only;
    return (args, agg) => only(args, agg, { agg: 0 });
  }
  const n = parts.length;
  return (args, agg) => {
    const st = { agg: 0 };
    let out = '';
    for (let i = 0; i < n; i++) {
      const p = parts[i]!;
      out += typeof p === 'string' ? p : p(args, agg, st);
    }
    return out;
  };
}

const cache = new WeakMap<PrintfFormat, CompiledPrintf>();

/**
 * Formats once; compiled formats are cached per PrintfFormat object (when no options are given),
 * but per-record callers should hold on to compilePrintf()'s result.
 */
export function formatPrintf(fmt: PrintfFormat, args: readonly PrintfValue[], opts?: PrintfOptions): string {
  if (opts) return compilePrintf(fmt, opts)(args);
  let c = cache.get(fmt);
  if (!c) {
    c = compilePrintf(fmt);
    cache.set(fmt, c);
  }
  return c(args);
}
