// D printf() formats at compile time: parsing into text and conversions (DTrace's table) and checking argument types.
import { DError } from './errors.js';

/**
 * How a conversion renders its value at run time; these mirror the pfprint_* routines of
 * illumos lib/libdtrace/common/dt_printf.c.
 */
export type PrintKind =
  | 'sint' // value cast to its signed size, printed with a C integer conversion
  | 'uint' // value zero-extended from its size, printed with a C integer conversion
  | 'dint' // %d / %i before checking: becomes 'sint' or 'uint' from the argument's signedness
  | 'fp' // C floating conversion
  | 'addr' // %a: kernel address as module`symbol+0xoff, printed with %s
  | 'uaddr' // %A: user address as object`symbol+0xoff, printed with %s
  | 'stack' // %k: a stack(), one frame a line
  | 'time' // %Y: ns since the epoch as "2004 Jul 20 13:04:25" (local time)
  | 'time822' // %T: ns since the epoch as RFC 822 "Tue, 20 Jul 2004 13:04:25 PDT"
  | 'cstr' // %s
  | 'estr' // %S: %s with C escapes
  | 'echr' // %C: a character with C escapes
  | 'wstr' // %ls / %ws
  | 'port' // %P: a port number, as a service name where one is known
  | 'inetaddr' // %I: an IP address string, as a host name where one is known
  | 'pct'; // %%

/** How a conversion's argument is checked (pfcheck_* in dt_printf.c). */
export type CheckKind =
  | 'addr' | 'kaddr' | 'uaddr' | 'stack' | 'time' | 'str' | 'wstr' | 'csi' | 'fp'
  | 'xint' | 'dint' | 'xshort' | 'xlong' | 'xlonglong' | 'type';

/** One row of DTrace's conversion dictionary (_dtrace_conversions[]). */
export interface ConvDef {
  /** Name as written after flags and width, size prefix included: `d`, `lld`, `hx`, `%`. */
  name: string;
  /** The C conversion DTrace hands to printf(3C) (before an `ll` size prefix is added). */
  ofmt: string;
  /** Prototype text used in error messages, or the exact type for 'type' checks. */
  proto: string;
  check: CheckKind;
  print: PrintKind;
}

const XINT = 'char, short, int, long, or long long';
const CSI = 'char, short, or int';
const FP = 'float, double, or long double';
const ADDR = 'pointer or integer';
const UADDR = 'pointer or integer (with -p/-c) or _usymaddr (without -p/-c)';
const CSTR = 'char [] or string (or use stringof)';
const WSTR = 'wchar_t []';

function def(name: string, ofmt: string, proto: string, check: CheckKind, print: PrintKind): ConvDef {
  return { name, ofmt, proto, check, print };
}

/** DTrace's printf conversion dictionary, as in illumos dt_printf.c (current illumos-gate). */
export const CONVERSIONS: ReadonlyMap<string, ConvDef> = new Map(
  [
    def('a', 's', ADDR, 'kaddr', 'addr'),
    def('A', 's', UADDR, 'uaddr', 'uaddr'),
    def('c', 'c', CSI, 'csi', 'sint'),
    def('C', 's', CSI, 'csi', 'echr'),
    def('d', 'd', XINT, 'dint', 'dint'),
    def('e', 'e', FP, 'fp', 'fp'),
    def('E', 'E', FP, 'fp', 'fp'),
    def('f', 'f', FP, 'fp', 'fp'),
    def('g', 'g', FP, 'fp', 'fp'),
    def('G', 'G', FP, 'fp', 'fp'),
    def('hd', 'd', 'short', 'type', 'sint'),
    def('hi', 'i', 'short', 'type', 'sint'),
    def('ho', 'o', 'unsigned short', 'type', 'uint'),
    def('hu', 'u', 'unsigned short', 'type', 'uint'),
    def('hx', 'x', 'short', 'xshort', 'uint'),
    def('hX', 'X', 'short', 'xshort', 'uint'),
    def('i', 'i', XINT, 'xint', 'sint'),
    def('I', 's', CSTR, 'str', 'inetaddr'),
    def('k', 's', 'stack', 'stack', 'stack'),
    def('lc', 'lc', 'int', 'type', 'sint'),
    def('ld', 'd', 'long', 'type', 'sint'),
    def('li', 'i', 'long', 'type', 'sint'),
    def('lo', 'o', 'unsigned long', 'type', 'uint'),
    def('lu', 'u', 'unsigned long', 'type', 'uint'),
    def('ls', 'ls', WSTR, 'wstr', 'wstr'),
    def('lx', 'x', 'long', 'xlong', 'uint'),
    def('lX', 'X', 'long', 'xlong', 'uint'),
    def('lld', 'd', 'long long', 'type', 'sint'),
    def('lli', 'i', 'long long', 'type', 'sint'),
    def('llo', 'o', 'unsigned long long', 'type', 'uint'),
    def('llu', 'u', 'unsigned long long', 'type', 'uint'),
    def('llx', 'x', 'long long', 'xlonglong', 'uint'),
    def('llX', 'X', 'long long', 'xlonglong', 'uint'),
    def('Le', 'e', 'long double', 'type', 'fp'),
    def('LE', 'E', 'long double', 'type', 'fp'),
    def('Lf', 'f', 'long double', 'type', 'fp'),
    def('Lg', 'g', 'long double', 'type', 'fp'),
    def('LG', 'G', 'long double', 'type', 'fp'),
    def('o', 'o', XINT, 'xint', 'uint'),
    def('p', 'x', ADDR, 'addr', 'uint'),
    def('P', 's', 'uint16_t', 'type', 'port'),
    def('s', 's', CSTR, 'str', 'cstr'),
    def('S', 's', CSTR, 'str', 'estr'),
    def('T', 's', 'int64_t', 'time', 'time822'),
    def('u', 'u', XINT, 'xint', 'uint'),
    def('wc', 'wc', 'int', 'type', 'sint'),
    def('ws', 'ws', WSTR, 'wstr', 'wstr'),
    def('x', 'x', XINT, 'xint', 'uint'),
    def('X', 'X', XINT, 'xint', 'uint'),
    def('Y', 's', 'int64_t', 'time', 'time'),
    def('%', '%', 'void', 'type', 'pct'),
  ].map((d) => [d.name, d] as const),
);

/** Flags of one conversion; `zpad` and `left` exclude each other, the later one winning (as in DTrace). */
export interface ConvFlags {
  alt: boolean; // '#'
  zpad: boolean; // '0'
  left: boolean; // '-'
  spos: boolean; // '+'
  space: boolean; // ' '
  group: boolean; // '\''
  agg: boolean; // '@' (printa only: the aggregation's value)
}

/** What the checker learnt about the value a conversion prints. */
export interface ArgInfo {
  /** Size in bytes of the traced value (ints 1, 2, 4, 8; strings their buffer size when known). */
  size: number;
  signed: boolean;
  kind: ArgType['kind'];
}

/** One `%...` directive. */
export interface PrintfConversion {
  kind: 'conv';
  /** 1-based ordinal among all directives (DTrace's "conversion #N"; `%%` counts). */
  index: number;
  /** The directive as written, e.g. `%-*.*s`. */
  text: string;
  def: ConvDef;
  flags: ConvFlags;
  /** 0 = none. `%?` sets 16. */
  width: number;
  /** 0 = none: DTrace drops a zero precision, so `%.0f` prints as `%f`. */
  prec: number;
  dynWidth: boolean;
  dynPrec: boolean;
  /** How the value prints; 'dint' is resolved to 'sint'/'uint' by checkPrintfArgs. */
  print: PrintKind;
  /** The C conversion used at run time ('d' of an unsigned value becomes 'u'). */
  cconv: string;
  /** Filled in by checkPrintfArgs: the value's type. */
  arg?: ArgInfo;
  /** Filled in by checkPrintfArgs: the types of the `*` width and `.*` precision arguments. */
  widthArg?: ArgInfo;
  precArg?: ArgInfo;
}

export type PrintfPiece = string | PrintfConversion;

/** A parsed D printf format: literal text and conversions in order. */
export interface PrintfFormat {
  source: string;
  pieces: PrintfPiece[];
  conversions: PrintfConversion[];
  /** True once checkPrintfArgs has bound argument types to the conversions. */
  checked: boolean;
}

function noFlags(): ConvFlags {
  return { alt: false, zpad: false, left: false, spos: false, space: false, group: false, agg: false };
}

/**
 * Parses a D printf format the way dt_printf_create() does, including its quirks: a zero precision
 * is dropped, `-` and `0` cancel each other (last wins), `%?` is a 16-wide field, `h l L w` size
 * prefixes become part of the conversion name. Throws DError with DTrace's wording.
 */
export function parsePrintfFormat(fmt: string): PrintfFormat {
  const pieces: PrintfPiece[] = [];
  const conversions: PrintfConversion[] = [];
  let q = 0;
  let argc = 0;
  for (;;) {
    let p = fmt.indexOf('%', q);
    if (p < 0) break;
    argc++;
    if (p > q) pieces.push(fmt.slice(q, p));
    const start = p;
    const flags = noFlags();
    let width = 0;
    let prec = 0;
    let dynWidth = false;
    let dynPrec = false;
    let digits = 0;
    let dot = 0;
    let name = '';
    for (;;) {
      const c = fmt.charAt(++p);
      if (c >= '0' && c <= '9') {
        if (dot === 0 && digits === 0 && c === '0') {
          flags.zpad = true;
          flags.left = false;
          continue;
        }
        let n = 0;
        while (p < fmt.length && fmt[p]! >= '0' && fmt[p]! <= '9') n = n * 10 + fmt.charCodeAt(p++) - 48;
        if (dot) prec = n;
        else width = n;
        p--;
        digits++;
        continue;
      }
      if (c === '#') { flags.alt = true; continue; }
      if (c === '*') {
        if (dot ? dynPrec : dynWidth) {
          // dt_printf.c tests a flag value that is never 0, so it always says "precision".
          throw new DError(`format conversion #${argc} has more than one '*' specified for the output precision`);
        }
        if (dot) dynPrec = true;
        else dynWidth = true;
        continue;
      }
      if (c === '+') { flags.spos = true; continue; }
      if (c === '-') { flags.left = true; flags.zpad = false; continue; }
      if (c === '.') {
        if (dot++ !== 0) throw new DError(`format conversion #${argc} has more than one '.' specified`);
        digits = 0;
        continue;
      }
      if (c === '?') { width = 16; continue; }
      if (c === '@') { flags.agg = true; continue; }
      if (c === "'") { flags.group = true; continue; }
      if (c === ' ') { flags.space = true; continue; }
      if (c === '$') throw new DError(`format conversion #${argc} uses unsupported positional format (%n$)`);
      if (c === '%' && fmt[p - 1] !== '%') {
        throw new DError(`format conversion #${argc} cannot be combined with other format flags: %%`);
      }
      if (c === '') throw new DError(`format conversion #${argc} name expected before end of format string`);
      if (c === 'h' || c === 'l' || c === 'L' || c === 'w') {
        if (name.length < 6) name += c;
        continue;
      }
      name += c;
      break;
    }
    const d = CONVERSIONS.get(name);
    if (!d) throw new DError(`format conversion #${argc} is undefined: %${name}`);
    const conv: PrintfConversion = {
      kind: 'conv', index: argc, text: fmt.slice(start, p + 1), def: d, flags, width, prec,
      dynWidth, dynPrec, print: d.print, cconv: d.ofmt,
    };
    pieces.push(conv);
    conversions.push(conv);
    q = p + 1;
  }
  if (q < fmt.length) pieces.push(fmt.slice(q));
  return { source: fmt, pieces, conversions, checked: false };
}

/** The type of one printf() argument, as the D checker knows it. */
export interface ArgType {
  kind: 'int' | 'float' | 'string' | 'chararray' | 'wchararray' | 'pointer' | 'stack' | 'ustack' | 'sym' | 'usym' | 'other';
  /** Bytes: ints 1|2|4|8 (default 8), floats 4|8|16, strings/arrays their buffer size. */
  size?: number;
  /** Integers: default true. Pointers, sym and usym are unsigned. */
  signed?: boolean;
  /** The type's name as D prints it in messages (`int`, `uint64_t`, `struct file *`, `char [16]`). */
  name?: string;
  /** Resolved C base type for %hx, %lx, %llx and %ld-like checks (`long`, `unsigned short`). */
  base?: string;
  /** Typedef names from outermost in (`uint64_t`), which %llx accepts in place of `long long`. */
  typedefs?: readonly string[];
}

/**
 * The short names: 'int' is a 32-bit signed int, 'uint' a 32-bit unsigned int, 'int64'/'uint64'
 * D's int64_t/uint64_t (typedefs of long), 'string' a D string, 'pointer' a `void *`, 'stack'/'ustack'
 * the results of stack()/ustack(), 'sym'/'usym' of sym()/func() and usym()/ufunc().
 */
export type ArgKind =
  | 'int' | 'uint' | 'int64' | 'uint64' | 'string' | 'pointer' | 'stack' | 'ustack' | 'sym' | 'usym'
  | ArgType;

const SHORT_KINDS: Record<string, ArgType> = {
  int: { kind: 'int', size: 4, signed: true, name: 'int', base: 'int' },
  uint: { kind: 'int', size: 4, signed: false, name: 'unsigned int', base: 'unsigned int' },
  int64: { kind: 'int', size: 8, signed: true, name: 'int64_t', base: 'long', typedefs: ['int64_t'] },
  uint64: { kind: 'int', size: 8, signed: false, name: 'uint64_t', base: 'unsigned long', typedefs: ['uint64_t'] },
  string: { kind: 'string', size: 256, name: 'string' },
  pointer: { kind: 'pointer', size: 8, signed: false, name: 'void *' },
  stack: { kind: 'stack', size: 8, name: 'stack' },
  ustack: { kind: 'ustack', size: 8, name: 'stack' },
  sym: { kind: 'sym', size: 8, signed: false, name: '_symaddr', base: 'unsigned long', typedefs: ['_symaddr', 'uintptr_t'] },
  usym: { kind: 'usym', size: 8, signed: false, name: '_usymaddr', base: 'unsigned long', typedefs: ['_usymaddr', 'uintptr_t'] },
};

const DEFAULT_NAMES: Record<ArgType['kind'], string> = {
  int: 'int64_t', float: 'double', string: 'string', chararray: 'char []', wchararray: 'wchar_t []',
  pointer: 'void *', stack: 'stack', ustack: 'stack', sym: '_symaddr', usym: '_usymaddr', other: 'void',
};

/** Normalises an ArgKind to a full ArgType with defaults filled in. */
export function argType(k: ArgKind): Required<Omit<ArgType, 'base' | 'typedefs'>> & ArgType {
  const t = typeof k === 'string' ? SHORT_KINDS[k]! : k;
  const isInt = t.kind === 'int' || t.kind === 'sym' || t.kind === 'usym';
  return {
    ...t,
    size: t.size ?? (t.kind === 'string' ? 256 : 8),
    signed: t.signed ?? (t.kind === 'int'),
    name: t.name ?? (isInt && t.size !== undefined ? intName(t.size, t.signed ?? true) : DEFAULT_NAMES[t.kind]),
  };
}

function intName(size: number, signed: boolean): string {
  const n = size === 1 ? 'char' : size === 2 ? 'short' : size === 4 ? 'int' : 'long';
  return signed ? n : `unsigned ${n}`;
}

/** D integers: ints and enums, and the _symaddr/_usymaddr typedefs of uintptr_t. */
function isInteger(t: ArgType): boolean {
  return t.kind === 'int' || t.kind === 'sym' || t.kind === 'usym';
}

/** D counts arrays as pointers (dt_node_is_pointer), but not strings. */
function isPointer(t: ArgType): boolean {
  return t.kind === 'pointer' || t.kind === 'chararray' || t.kind === 'wchararray';
}

function baseName(t: ArgType & { size: number; signed: boolean }): string {
  if (t.base) return t.base;
  return intName(t.size, t.signed);
}

/** ctf_type_compat() against one of the dictionary's named types: same kind, size and sign. */
function compatWith(proto: string, t: ArgType & { size: number; signed: boolean }): boolean {
  switch (proto) {
    case 'short': return isInteger(t) && t.size === 2 && t.signed;
    case 'unsigned short': case 'uint16_t': return isInteger(t) && t.size === 2 && !t.signed;
    case 'int': return isInteger(t) && t.size === 4 && t.signed;
    case 'long': case 'long long': return isInteger(t) && t.size === 8 && t.signed;
    case 'unsigned long': case 'unsigned long long': return isInteger(t) && t.size === 8 && !t.signed;
    case 'long double': return t.kind === 'float' && t.size === 16;
    default: return false;
  }
}

/** Options for checkPrintfArgs. */
export interface CheckOptions {
  /** The action's name for messages: printf, printa, sprintf, system, freopen. */
  func?: string;
  /** Number of arguments before the first value (the format itself): 1 for printf(). */
  foff?: number;
  /** Whether a `$target` process exists (-p/-c): %A then also takes pointers and integers. */
  hasTarget?: boolean;
  /** printa(): %@ conversions take the aggregation's value (int64_t, uint64_t for count()). */
  aggregation?: { signed: boolean };
  /** Reject extra arguments (DT_PRINTF_EXACTLEN); true for printf(). */
  exactLen?: boolean;
}

function checkOne(c: PrintfConversion, t: ReturnType<typeof argType>, opts: CheckOptions): boolean {
  switch (c.def.check) {
    case 'addr': return isPointer(t) || isInteger(t);
    case 'kaddr': return isPointer(t) || isInteger(t);
    case 'uaddr':
      if (t.kind === 'usym') return true;
      if (!opts.hasTarget) return false;
      return isPointer(t) || isInteger(t);
    case 'stack': return t.kind === 'stack' || t.kind === 'ustack';
    case 'time': return isInteger(t) && t.size === 8;
    case 'str': return t.kind === 'string' || t.kind === 'chararray';
    case 'wstr': return t.kind === 'wchararray';
    case 'csi': return isInteger(t) && t.size <= 4;
    case 'fp': return t.kind === 'float';
    case 'xint': return isInteger(t);
    case 'dint': return isInteger(t);
    case 'xshort': return isInteger(t) && ['short', 'signed short', 'unsigned short'].includes(baseName(t));
    case 'xlong': return isInteger(t) && ['long', 'signed long', 'unsigned long'].includes(baseName(t));
    case 'xlonglong':
      if (!isInteger(t)) return false;
      if (['long long', 'signed long long', 'unsigned long long'].includes(baseName(t))) return true;
      return (t.typedefs ?? []).some((n) => n === 'int64_t' || n === 'uint64_t');
    case 'type': return compatWith(c.def.proto, t);
  }
}

/**
 * Checks the arguments of printf(fmt, ...) the way dt_printf_validate() does and returns the format
 * with each conversion bound to its argument's size and signedness (%d of an unsigned value prints
 * as %u; %i is always signed; %x, %o, %u, %p zero-extend from the value's size). `fmt` may be the
 * format string or an already parsed format. Throws DError with DTrace's messages.
 */
export function checkPrintfArgs(fmt: string | PrintfFormat, argKinds: readonly ArgKind[], opts: CheckOptions = {}): PrintfFormat {
  const parsed = typeof fmt === 'string' ? parsePrintfFormat(fmt) : fmt;
  const func = opts.func ?? 'printf';
  const foff = opts.foff ?? 1;
  const exact = opts.exactLen ?? true;
  if (parsed.source === '') throw new DError(`${func}( ) format string is empty`);
  let j = 0;
  const pieces: PrintfPiece[] = [];
  const conversions: PrintfConversion[] = [];
  for (const piece of parsed.pieces) {
    if (typeof piece === 'string') {
      pieces.push(piece);
      continue;
    }
    const c: PrintfConversion = { ...piece, flags: { ...piece.flags } };
    pieces.push(c);
    conversions.push(c);
    const name = c.def.name;
    if (c.def.print === 'pct') continue;
    const dyns: string[] = [];
    if (c.dynWidth) dyns.push('*');
    if (c.dynPrec) dyns.push('.*');
    for (const dyn of dyns) {
      if (j >= argKinds.length) {
        throw new DError(`${func}( ) prototype mismatch: conversion #${c.index} (%${name}) is missing a corresponding "${dyn}" argument`);
      }
      const t = argType(argKinds[j]!);
      if (!isInteger(t)) {
        throw new DError(`${func}( ) argument #${j + foff + 1} is incompatible with conversion #${c.index} prototype:\n` +
          `\tconversion: % ${dyn} ${name}\n\t prototype: int\n\t  argument: ${t.name}`);
      }
      const info: ArgInfo = { size: t.size, signed: t.signed, kind: t.kind };
      if (dyn === '*') c.widthArg = info;
      else c.precArg = info;
      j++;
    }
    let t: ReturnType<typeof argType>;
    let vname: string;
    if (c.flags.agg) {
      if (!opts.aggregation) throw new DError(`%@ conversion requires an aggregation and is not for use with ${func}( )`);
      const signed = opts.aggregation.signed;
      t = argType({ kind: 'int', size: 8, signed, name: signed ? 'int64_t' : 'uint64_t', base: signed ? 'long' : 'unsigned long', typedefs: [signed ? 'int64_t' : 'uint64_t'] });
      vname = 'aggregating action';
    } else {
      if (j >= argKinds.length) {
        throw new DError(`${func}( ) prototype mismatch: conversion #${c.index} (%${name}) is missing a corresponding value argument`);
      }
      t = argType(argKinds[j]!);
      vname = `argument #${j + foff + 1}`;
      j++;
    }
    if (!checkOne(c, t, opts)) {
      throw new DError(`${func}( ) ${vname} is incompatible with conversion #${c.index} prototype:\n` +
        `\tconversion: %${name}\n\t prototype: ${c.def.proto}\n\t  argument: ${t.name}`);
    }
    if (c.def.print === 'dint') {
      c.print = t.signed ? 'sint' : 'uint';
      c.cconv = t.signed ? 'd' : 'u';
    }
    c.arg = { size: t.size, signed: t.signed, kind: t.kind };
  }
  if (exact && j < argKinds.length) {
    throw new DError(`${func}( ) prototype mismatch: only ${j} arguments required by this format string`);
  }
  return { source: parsed.source, pieces, conversions, checked: true };
}

/** How many argument values a format consumes (dynamic widths and precisions included). */
export function printfArgCount(fmt: PrintfFormat): number {
  let n = 0;
  for (const c of fmt.conversions) {
    if (c.def.print === 'pct') continue;
    if (c.dynWidth) n++;
    if (c.dynPrec) n++;
    if (!c.flags.agg) n++;
  }
  return n;
}
