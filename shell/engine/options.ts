// DTrace's run-time options (-x name=value, #pragma D option): names, defaults and value parsing.
import type { CompileOptions } from '../../kmod/codegen/compile.js';
import { possibleCpus } from '../../kmod/session.js';

export interface DOptions {
  quiet: boolean;
  /** Ring buffer bytes for the whole session (DTrace's per-CPU bufsize times the CPUs, a power of two). */
  bufsize: number;
  strsize: number;
  /** Milliseconds between buffer drains (switchrate). */
  switchrate: number;
  /** Milliseconds between drop/status checks (statusrate). */
  statusrate: number;
  /** Entries of each dynamic variable map. */
  dynvarsize: number;
  /** Entries of each keyed aggregation map. */
  aggsize: number;
  verbose: boolean;
  flowindent: boolean;
  rawbytes: boolean;
  stackindent: number;
  aggsortkey: boolean;
  aggsortrev: boolean;
  aggsortpos: number;
  aggsortkeypos: number;
  aggpercpu: boolean;
  /** Everything as given, for options without a typed field. */
  raw: Map<string, string | true>;
}

export function defaultOptions(): DOptions {
  return {
    quiet: false, bufsize: 4 << 20, strsize: 256, switchrate: 10, statusrate: 1000, dynvarsize: 65536, aggsize: 262144,
    verbose: false, flowindent: false, rawbytes: false, stackindent: 14, aggsortkey: false, aggsortrev: false,
    aggsortpos: 0, aggsortkeypos: 0, aggpercpu: false, raw: new Map(),
  };
}

export class OptionError extends Error {}

/** `4m`, `512k`, `1g`, `65536`. */
export function parseSize(v: string): number {
  const m = /^(\d+)([kmgt]?)b?$/i.exec(v.trim());
  if (!m) throw new OptionError('Invalid value');
  const mult = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Number(m[1]) * mult;
}

/** `10hz`, `100ms`, `1s`, `5000us`, `1000000ns`; a bare number is a rate in Hz, as DTrace takes it. */
export function parseRateMs(v: string): number {
  const m = /^(\d+)(hz|ns|us|ms|s|sec|m|min|h|hour|d|day)?$/i.exec(v.trim());
  if (!m) throw new OptionError('Invalid value');
  const n = Number(m[1]);
  const unit = (m[2] ?? 'hz').toLowerCase();
  const ms: Record<string, number> = {
    ns: n / 1e6, us: n / 1e3, ms: n, s: n * 1e3, sec: n * 1e3, m: n * 6e4, min: n * 6e4, h: n * 3.6e6, hour: n * 3.6e6,
    d: n * 8.64e7, day: n * 8.64e7, hz: n ? 1000 / n : Infinity,
  };
  return ms[unit];
}

const boolOptions = new Set(['quiet', 'verbose', 'flowindent', 'rawbytes', 'aggsortkey', 'aggsortrev', 'aggpercpu',
  'destructive', 'zdefs', 'defaultargs', 'aggzoom', 'aggpack', 'aggrate', 'agghist', 'grabanon', 'nolibs']);
const known = new Set([...boolOptions, 'bufsize', 'strsize', 'switchrate', 'statusrate', 'dynvarsize', 'aggsize', 'stackindent',
  'aggsortpos', 'aggsortkeypos', 'bufpolicy', 'bufresize', 'cleanrate', 'cpu', 'jstackframes', 'jstackstrsize', 'nspec',
  'specsize', 'stackframes', 'ustackframes', 'aggrate', 'maxprobes', 'oformat', 'evaltime', 'temporal', 'encoding',
  'linkmode', 'libdir', 'version']);

/** Sets one option; throws OptionError with DTrace's reason ("Invalid option name", "Invalid value"). */
export function setOption(o: DOptions, name: string, value: string | true): void {
  if (!known.has(name)) throw new OptionError('Invalid option name');
  // oformat: text (or none) is DTrace's output, json one object per line, json-doc one document at exit;
  // checked before it is recorded, so a bad value leaves the current format in place
  if (name === 'oformat' && (value === true || !['text', 'none', 'json', 'json-doc'].includes(value))) throw new OptionError('Invalid value');
  o.raw.set(name, value);
  const str = value === true ? '' : value;
  if (boolOptions.has(name)) {
    if (value !== true && !/^(|1|true|set)$/i.test(str)) {
      if (/^(0|false|unset)$/i.test(str)) {
        setBool(o, name, false);
        return;
      }
      throw new OptionError('Invalid value');
    }
    setBool(o, name, true);
    return;
  }
  if (value === true) throw new OptionError('Invalid value');
  switch (name) {
    case 'bufsize':
      o.bufsize = parseSize(str);
      return;
    case 'strsize': {
      const n = parseSize(str);
      if (n < 2 || n > 8192) throw new OptionError('Invalid value');
      o.strsize = n;
      return;
    }
    case 'switchrate':
      o.switchrate = parseRateMs(str);
      return;
    case 'statusrate':
      o.statusrate = parseRateMs(str);
      return;
    case 'dynvarsize':
      o.dynvarsize = Math.max(1024, Math.floor(parseSize(str) / 64));
      return;
    case 'aggsize':
      o.aggsize = Math.max(1024, Math.floor(parseSize(str) / 16));
      return;
    case 'maxprobes': {
      const n = Number(str);
      if (!Number.isInteger(n) || n < 1) throw new OptionError('Invalid value');
      return;
    }
    case 'stackindent':
    case 'aggsortpos':
    case 'aggsortkeypos': {
      const n = Number(str);
      if (!Number.isInteger(n) || n < 0) throw new OptionError('Invalid value');
      o[name] = n;
      return;
    }
  }
}

function setBool(o: DOptions, name: string, v: boolean): void {
  if (name in o && typeof (o as unknown as Record<string, unknown>)[name] === 'boolean') {
    (o as unknown as Record<string, boolean>)[name] = v;
  }
}

/** The ring buffer size for a per-CPU bufsize: times the CPUs, rounded up to a power of two pages. */
export function ringBytes(bufsize: number, ncpus: number): number {
  let n = 4096;
  while (n < bufsize * ncpus && n < 1 << 30) n *= 2;
  return n;
}

/** -x maxprobes: the most probes one enabling may match (undefined: the default, at most DEFAULT_MAXPROBES = 20000 attached one at a time; kprobe_multi carries any number). */
export function maxprobesOf(o: DOptions): number | undefined {
  const v = o.raw.get('maxprobes');
  return typeof v === 'string' ? Number(v) : undefined;
}

/** What compile() takes from the options: sizes (the ring buffer for all CPUs), maxprobes, and the macros. */
export function compileOptionsOf(o: DOptions, macros: CompileOptions['macros']): CompileOptions {
  return {
    strsize: o.strsize, bufsize: ringBytes(o.bufsize, possibleCpus()), dynvarMax: o.dynvarsize, aggMax: o.aggsize,
    macros, maxprobes: maxprobesOf(o),
  };
}
