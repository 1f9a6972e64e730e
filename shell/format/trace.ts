// DTrace's default output: probe lines, trace() data, byte dumps, stacks, and the dtrace: notices, drops and faults.

/** Options that change the default output (the -q, -F, -x rawbytes and -x stackindent options). */
export interface TraceOptions {
  quiet?: boolean;
  flowindent?: boolean;
  rawbytes?: boolean;
  /** The stackindent option; DTrace's default is 14 (_dtrace_stkindent). */
  stackindent?: number;
}

/** The program name that prefixes notices (g_pname, the basename of argv[0]). */
const PNAME = 'dtrace';

// ---------------------------------------------------------------------------------------------
// Probe lines (cmd/dtrace/dtrace.c chew() and chewrec())

/**
 * The heading printed before the first record: `%3s %6s %32s\n` of CPU, ID, FUNCTION:NAME, or with
 * -F `%3s %-41s\n` of CPU, FUNCTION. Under -q only the -F heading is printed.
 */
export function probeHeader(opts: TraceOptions = {}): string {
  if (opts.flowindent) return 'CPU FUNCTION'.padEnd(3 + 1 + 41) + '\n';
  if (opts.quiet) return '';
  return 'CPU     ID                    FUNCTION:NAME\n';
}

/** The start of a record's line: `%3d %6d %32s ` of cpu, probe id and func:name (none under -q). */
export function probeLine(cpu: number, id: number, func: string, name: string, opts: TraceOptions = {}): string {
  if (opts.quiet) return '';
  return `${String(cpu).padStart(3)} ${String(id).padStart(6)} ${`${func}:${name}`.padStart(32)} `;
}

/** After a record's last datum: the newline, except under -q. */
export function recordEnd(opts: TraceOptions = {}): string {
  return opts.quiet ? '' : '\n';
}

export type FlowKind = 'entry' | 'return' | 'none';

/** dt_flowindent(): a probe named `entry` or `*-entry` enters, `return` or `*-return` returns. */
export function flowKind(name: string): FlowKind {
  // strstr() finds the first occurrence only, which must end the name.
  const at = (w: string): boolean => {
    const i = name.indexOf(w);
    return i >= 0 && i + w.length === name.length && (i === 0 || name[i - 1] === '-');
  };
  if (at('entry')) return 'entry';
  if (at('return')) return 'return';
  return 'none';
}

/** The arrow: ` -> ` / ` <- `, or ` => ` / ` <= ` for the syscall provider; `| ` otherwise. */
export function flowPrefix(kind: FlowKind, provider: string): string {
  const sys = provider === 'syscall';
  if (kind === 'entry') return sys ? ' => ' : ' -> ';
  if (kind === 'return') return sys ? ' <= ' : ' <- ';
  return '| ';
}

/** A -F record line: `%3d %-41s ` of cpu and indent+prefix+func (plus `:name` when not entry/return). */
export function flowProbeLine(cpu: number, indent: number, prefix: string, func: string, name: string, kind: FlowKind): string {
  const label = ' '.repeat(indent) + prefix + func + (kind === 'none' ? `:${name}` : '');
  return `${String(cpu).padStart(3)} ${label.padEnd(41)} `;
}

/**
 * The -F indentation state: entries indent the following lines by 2, returns unindent first.
 * (DTrace also suppresses the change when the same probe fires for two enablings in a row; callers
 * that know this may pass kind 'none'.)
 */
export function createFlowIndenter(): (cpu: number, provider: string, func: string, name: string, kind?: FlowKind) => string {
  let indent = 0;
  return (cpu, provider, func, name, kind = flowKind(name)) => {
    if (kind === 'return' && indent > 0) indent -= 2;
    const line = flowProbeLine(cpu, indent, flowPrefix(kind, provider), func, name, kind);
    if (kind === 'entry') indent += 2;
    return line;
  };
}

// ---------------------------------------------------------------------------------------------
// trace() data (lib/libdtrace/common/dt_consume.c)

/**
 * trace() of a 1, 2, 4 or 8 byte value: ` %16lld`, ` %8d`, ` %5d`, ` %3d` (`%lld`/`%d` under -q).
 * 8 and 4 byte values print signed; 2 and 1 byte values are read unsigned (trace((char)-1) is 255).
 */
export function traceInt(value: bigint | number, size: 1 | 2 | 4 | 8, opts: TraceOptions = {}): string {
  const v = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
  let n: bigint;
  let width: number;
  switch (size) {
    case 8: n = BigInt.asIntN(64, v); width = 16; break;
    case 4: n = BigInt.asIntN(32, v); width = 8; break;
    case 2: n = BigInt.asUintN(16, v); width = 5; break;
    default: n = BigInt.asUintN(8, v); width = 3;
  }
  return opts.quiet ? n.toString() : ' ' + n.toString().padStart(width);
}

function printable(c: number): boolean {
  // isprint() || isspace() || '\b' || '\a', in the C locale (bytes above 0x7f are not printable)
  return (c >= 0x20 && c <= 0x7e) || (c >= 7 && c <= 13);
}

function latin1(b: Uint8Array, end: number): string {
  let s = '';
  for (let i = 0; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * dt_print_bytes() with width -33: a NUL-terminated printable buffer prints as `  %-33s` (`%s`
 * under -q); a printable buffer without a NUL as `  %-33s` even under -q; anything else (an empty
 * string included) as a hex dump: a header of offsets, then 16 bytes a row with their ASCII.
 */
export function traceBytes(bytes: Uint8Array, opts: TraceOptions = {}, forceRaw = false): string {
  const n = bytes.length;
  if (n === 0) return '';
  if (!forceRaw && !opts.rawbytes) {
    let i = 0;
    for (; i < n; i++) {
      const c = bytes[i]!;
      if (printable(c)) continue;
      if (c === 0 && i > 0) {
        let j = i + 1;
        while (j < n && bytes[j] === 0) j++;
        if (j !== n) break;
        const s = latin1(bytes, i);
        return opts.quiet ? s : '  ' + s.padEnd(33);
      }
      break;
    }
    if (i === n) return '  ' + latin1(bytes, n).padEnd(33);
  }
  return hexDump(bytes);
}

/** The raw part of dt_print_bytes() (margin 5). */
export function hexDump(bytes: Uint8Array): string {
  const margin = '     ';
  let out = '\n' + margin + '      ';
  for (let i = 0; i < 16; i++) out += '  ' + '0123456789abcdef'[i];
  out += '  0123456789abcdef\n';
  const n = bytes.length;
  for (let i = 0; i < n; i += 16) {
    out += margin + i.toString(16).padStart(5) + ':';
    const end = Math.min(i + 16, n);
    let chars = '';
    for (let j = i; j < end; j++) {
      const c = bytes[j]!;
      out += ' ' + (c < 16 ? '0' : '') + c.toString(16);
      chars += c < 0x20 || c > 0x7e ? '.' : String.fromCharCode(c);
    }
    out += '   '.repeat(i + 16 - end) + '  ' + chars + '\n';
  }
  return out;
}

/** tracemem(): always the hex dump. */
export function traceMemory(bytes: Uint8Array): string {
  return hexDump(bytes);
}

/**
 * trace() of a D string: its record is `strsize` bytes, the string then NULs (so an empty string,
 * starting with NUL, prints as a hex dump, as in DTrace). UTF-8 text is not printable (bytes > 0x7f).
 */
export function traceString(s: string, opts: TraceOptions & { strsize?: number } = {}): string {
  const strsize = opts.strsize ?? 256;
  let ascii = s.length > 0 && s.length <= strsize;
  for (let i = 0; ascii && i < s.length; i++) ascii = printable(s.charCodeAt(i));
  if (ascii && !opts.rawbytes) {
    if (s.length < strsize) return opts.quiet ? s : '  ' + s.padEnd(33);
    return '  ' + s.padEnd(33);
  }
  const buf = new Uint8Array(strsize);
  const enc = Buffer.from(s, 'utf8');
  buf.set(enc.subarray(0, strsize));
  return traceBytes(buf, opts);
}

/** trace(stack()) / trace(ustack()): a newline, then each frame on its own line after the indent. */
export function traceStack(frames: readonly string[], opts: TraceOptions = {}): string {
  const ind = ' '.repeat(opts.stackindent ?? 14);
  let out = '\n';
  for (const f of frames) out += ind + f + '\n';
  return out;
}

/** trace() of sym()/func()/mod()/usym()/ufunc()/umod()/uaddr(): `  %-50s`. */
export function traceSym(text: string): string {
  return '  ' + text.padEnd(50);
}

// ---------------------------------------------------------------------------------------------
// Notices, drops and faults (cmd/dtrace/dtrace.c, lib/libdtrace/common/dt_handle.c)

/**
 * What `-n`/`-P`/... reports as the description: the argument cropped at its first `{`, `/` or `;`
 * (so `syscall::read:entry { ... }` becomes `syscall::read:entry `, space kept).
 */
export function cropDescription(arg: string): string {
  const m = /[{/;]/.exec(arg);
  return m ? arg.slice(0, m.index) : arg;
}

/** `dtrace: description 'X' matched N probes` (or `script`), a notice: nothing under -q. */
export function matchedMessage(kind: 'description' | 'script', name: string, matches: number, opts: TraceOptions = {}): string {
  if (opts.quiet) return '';
  return `${PNAME}: ${kind} '${name}' matched ${matches} probe${matches === 1 ? '' : 's'}\n`;
}

/** `dtrace: N drops on CPU C` / `dtrace: N aggregation drops on CPU C` (dt_handle_cpudrop). */
export function cpuDropMessage(cpu: number, drops: number | bigint, aggregation = false): string {
  return `${PNAME}: ${drops} ${aggregation ? 'aggregation ' : ''}drop${drops > 1 ? 's' : ''} on CPU ${cpu}\n`;
}

/** The status drop counters of dt_handle_status(), in DTrace's order. */
export const STATUS_DROPS = {
  dynamic: ['dynamic variable drop', ''],
  dynrinse: ['dynamic variable drop', ' with non-empty rinsing list'],
  dyndirty: ['dynamic variable drop', ' with non-empty dirty list'],
  spec: ['speculative drop', ''],
  specbusy: ['failed speculation', ' (available buffer(s) still busy)'],
  specunavail: ['failed speculation', ' (no speculative buffer available)'],
  stkstroverflow: ['jstack()/ustack() string table overflow', ''],
  dblerror: ['error', ' in ERROR probe enabling'],
} as const;

export type StatusDropKind = keyof typeof STATUS_DROPS;

/** `dtrace: N dynamic variable drops`, `dtrace: 1 speculative drop`, ... */
export function statusDropMessage(kind: StatusDropKind, drops: number | bigint): string {
  const [what, more] = STATUS_DROPS[kind];
  return `${PNAME}: ${drops} ${what}${drops > 1 ? 's' : ''}${more}\n`;
}

/** DTRACEFLT_* codes (sys/dtrace.h). */
export const FAULT = {
  UNKNOWN: 0,
  BADADDR: 1,
  BADALIGN: 2,
  ILLOP: 3,
  DIVZERO: 4,
  NOSCRATCH: 5,
  KPRIV: 6,
  UPRIV: 7,
  TUPOFLOW: 8,
  BADSTACK: 9,
  LIBRARY: 1000,
} as const;

/** dtrace_faultstr(): the text of each fault code. */
export const FAULT_NAMES: ReadonlyMap<number, string> = new Map([
  [FAULT.BADADDR, 'invalid address'],
  [FAULT.BADALIGN, 'invalid alignment'],
  [FAULT.ILLOP, 'illegal operation'],
  [FAULT.DIVZERO, 'divide-by-zero'],
  [FAULT.NOSCRATCH, 'out of scratch space'],
  [FAULT.KPRIV, 'invalid kernel access'],
  [FAULT.UPRIV, 'invalid user access'],
  [FAULT.TUPOFLOW, 'tuple stack overflow'],
  [FAULT.BADSTACK, 'bad stack'],
  [FAULT.LIBRARY, 'library-level fault'],
]);

export function faultName(code: number): string {
  return FAULT_NAMES.get(code) ?? 'unknown fault';
}

/** An ERROR record: which enabling faulted, where, and how. */
export interface FaultInfo {
  /** The enabled probe ID (EPID) of the faulting clause. */
  epid: number;
  /** The probe's ID and full name. */
  probeId: number;
  provider: string;
  module: string;
  func: string;
  name: string;
  /** A DTRACEFLT_* code. */
  fault: number;
  /** The faulting address, shown for BADADDR, BADALIGN and BADSTACK. */
  addr?: bigint | number;
  /** 0 = the predicate, else the 1-based action. */
  action: number;
  /** The DIF offset; omitted (or -1) when there is none, as in BPF code. */
  offset?: number;
}

/**
 * `dtrace: error on enabled probe ID 2 (ID 1443: syscall:vmlinux:openat:return): invalid address
 * (0x3) in action #1 at DIF offset 28` (dt_handle_err; the offset part only when known).
 */
export function formatFault(f: FaultInfo): string {
  const where = f.action === 0 ? 'predicate' : `action #${f.action}`;
  const off = f.offset !== undefined && f.offset !== -1 ? ` at DIF offset ${f.offset}` : '';
  const showAddr = f.fault === FAULT.BADADDR || f.fault === FAULT.BADALIGN || f.fault === FAULT.BADSTACK;
  const details = showAddr ? ` (0x${BigInt.asUintN(64, BigInt(f.addr ?? 0)).toString(16)})` : '';
  return `${PNAME}: error on enabled probe ID ${f.epid} (ID ${f.probeId}: ${f.provider}:${f.module}:${f.func}:${f.name}): ` +
    `${faultName(f.fault)}${details} in ${where}${off}\n`;
}

/** A consumer-side error (dt_handle_liberr), e.g. `couldn't freopen() "x": ...`. */
export function formatLibError(f: Omit<FaultInfo, 'fault' | 'addr' | 'action' | 'offset'>, message: string): string {
  return `${PNAME}: error on enabled probe ID ${f.epid} (ID ${f.probeId}: ${f.provider}:${f.module}:${f.func}:${f.name}): ${message}\n`;
}
