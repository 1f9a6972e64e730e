// Which kernel functions fbt may trace, their BTF signatures, and their addresses for kprobes.
//
// A function gets fbt probes when BTF describes it and, where tracefs lets us read it, when ftrace can
// trace it (available_filter_functions: notrace and inlined functions are absent), kprobes are allowed
// on it (the kprobe blacklist), and it is not on dtsh's own path (DENY below).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKernelBtf, loadModuleBtf } from '../btf/kernel.js';
import type { Btf } from '../btf/reader.js';
import type { BtfParam } from '../btf/types.js';
import { tracefsRoot } from './tracefs-format.js';

/**
 * Functions a dtsh program itself runs through (the BPF trampoline and kprobe dispatch, the helpers it
 * calls, the ring buffer): the kernel would skip a nested program there anyway (recursion protection),
 * so their probes would only count misses. Not listed.
 */
export const DENY: readonly RegExp[] = [
  /^__bpf_prog_(enter|exit)/, /^__bpf_tramp_/, /^bpf_trampoline_/, /^bpf_(ringbuf|probe_read|get_|ktime_get)/,
  /^__bpf_ringbuf_/, /^bpf_kprobe_multi_/, /^kprobe_multi_link_/, /^bpf_prog_(run|inc_misses)/, /^trace_call_bpf$/,
  /^(copy_from_kernel_nofault|copy_from_user_nofault|strncpy_from_kernel_nofault|strncpy_from_user_nofault)$/,
  /^(migrate_disable|migrate_enable|__rcu_read_lock|__rcu_read_unlock|rcu_read_unlock_strict|preempt_count_add|preempt_count_sub)$/,
  /^__ftrace_invalid_address__/,
];

const DENY_ONE = new RegExp(DENY.map((r) => `(?:${r.source})`).join('|'));
export const denied = (name: string): boolean => DENY_ONE.test(name);

/** Per module (`vmlinux` for the core kernel): each traceable function and how many functions have that name. */
export type TraceableMap = Map<string, Map<string, number>>;

/** Calls `fn` on each line of a big text without splitting it into an array first. */
function eachLine(text: string, fn: (line: string) => void): void {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    fn(text.slice(start, end));
    start = end + 1;
  }
}

/** Parses available_filter_functions (`name` or `name [module]` per line; duplicates are separate functions). */
export function parseFilterFunctions(text: string): TraceableMap {
  const out: TraceableMap = new Map();
  eachLine(text, (line) => {
    if (!line) return;
    const sp = line.indexOf(' ');
    const name = sp < 0 ? line : line.slice(0, sp);
    const mod = sp < 0 ? 'vmlinux' : line.slice(sp + 1).replace(/^\[|\]$/g, '').trim() || 'vmlinux';
    let m = out.get(mod);
    if (!m) out.set(mod, (m = new Map()));
    m.set(name, (m.get(name) ?? 0) + 1);
  });
  return out;
}

/** Function names of the kprobe blacklist (`0xstart-0xend\tname` per line). */
export function parseBlacklist(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) out.add(line.slice(tab + 1).trim());
  }
  return out;
}

interface Traceable {
  /** Undefined when tracefs does not let us read it (lockdown, not mounted): every BTF function is listed. */
  filter?: TraceableMap;
  blacklist: Set<string>;
}

let cached: Traceable | undefined;

function load(): Traceable {
  if (cached) return cached;
  let filter: TraceableMap | undefined;
  const root = tracefsRoot();
  if (root) {
    try {
      filter = parseFilterFunctions(readFileSync(join(root, 'available_filter_functions'), 'latin1'));
    } catch {
      filter = undefined;
    }
  }
  let blacklist = new Set<string>();
  try {
    blacklist = parseBlacklist(readFileSync('/sys/kernel/debug/kprobes/blacklist', 'latin1'));
  } catch {
    // debugfs not mounted or not readable: the kernel refuses those functions at attach time instead
  }
  cached = { filter, blacklist };
  return cached;
}

/** Forgets what was read (tests; after modules come and go). */
export function clearTraceableCache(): void {
  cached = undefined;
  addressMemo.clear();
  traceableCache.clear();
  signatures.clear();
}

/** Whether tracefs told us which functions can be traced (false: all BTF functions are listed). */
export function filterKnown(): boolean {
  return load().filter !== undefined;
}

const traceableCache = new Map<string, { from: number; names: string[] }>();

/** The names of `module`'s BTF functions that fbt lists, in BTF order (kept: the table counts, then lists). */
export function traceableNames(module: string, btfNames: string[]): string[] {
  const have = traceableCache.get(module);
  if (have && have.from === btfNames.length) return have.names;
  const names = filterTraceable(module, btfNames);
  traceableCache.set(module, { from: btfNames.length, names });
  return names;
}

function filterTraceable(module: string, btfNames: string[]): string[] {
  const t = load();
  const allowed = t.filter ? t.filter.get(module) : undefined;
  if (t.filter && !allowed) return [];
  return btfNames.filter((n) => (!allowed || allowed.has(n)) && !t.blacklist.has(n) && !denied(n));
}

/**
 * True when more than one kernel function has this name (static functions in different files): a kprobe
 * by name is refused then (EADDRNOTAVAIL on current kernels), so such probes attach by address, to every copy.
 */
export function ambiguous(module: string, func: string): boolean {
  const f = load().filter;
  if (!f) return false;
  let n = 0;
  // a module function named like a vmlinux one (or another module's) is ambiguous too
  for (const names of f.values()) n += names.get(func) ?? 0;
  void module;
  return n > 1;
}

/** A function's BTF: its FUNC id, parameters and return type, in the BTF that defines it. */
export interface FbtSignature {
  btf: Btf;
  funcId: number;
  params: readonly BtfParam[];
  returnTypeId: number;
  /** True when the signature's types all live in vmlinux BTF (the types D's args[] can use). */
  vmlinux: boolean;
}

const signatures = new Map<string, FbtSignature | null>();

/** The BTF signature of `module`'s function `func`, or undefined when BTF does not describe it. */
export function fbtSignature(module: string, func: string): FbtSignature | undefined {
  const key = `${module}:${func}`;
  const have = signatures.get(key);
  if (have !== undefined) return have ?? undefined;
  let sig: FbtSignature | null = null;
  try {
    const btf = module === 'vmlinux' ? loadKernelBtf() : loadModuleBtf(module);
    const s = btf.funcParams(func);
    if (s) sig = { btf, funcId: s.id, params: s.params, returnTypeId: s.returnTypeId, vmlinux: module === 'vmlinux' };
  } catch {
    sig = null;
  }
  signatures.set(key, sig);
  return sig ?? undefined;
}

/**
 * Calls `fn` for the lines `ADDR NAME` / `ADDR NAME\t[module]` (kallsyms without the type, or ftrace's
 * addrs file) whose NAME is in `names`: the name is checked before anything else is made of the line.
 */
function eachSymbol(text: string, hasType: boolean, names: ReadonlySet<string>, fn: (key: string, addr: bigint) => void): void {
  eachLine(text, (line) => {
    const s1 = line.indexOf(' ');
    if (s1 < 0) return;
    let from = s1 + 1;
    if (hasType) {
      // only text symbols (t/T)
      if ((line.charCodeAt(from) | 0x20) !== 0x74) return;
      from += 2;
    }
    let sep = line.indexOf('\t', from);
    if (sep < 0) sep = line.indexOf(' ', from);
    const name = sep < 0 ? line.slice(from) : line.slice(from, sep);
    if (!names.has(name)) return;
    const mod = sep < 0 ? 'vmlinux' : line.slice(sep + 1).trim().replace(/^\[|\]$/g, '');
    fn(`${mod}:${name}`, BigInt('0x' + line.slice(0, s1)));
  });
}

/** How far past a function's symbol its ftrace call site may lie (an endbr64 comes first under IBT). */
const FTRACE_SITE_MAX = 16n;

/** Addresses found so far, by `module:func` and the files read (an fbt::: enabling asks twice: entry, return). */
const addressMemo = new Map<string, bigint[]>();

/**
 * Addresses of the kernel functions named `name` in `module` (every copy of a static name), from
 * /proc/kallsyms; empty when hidden (kptr_restrict) or absent. Where ftrace lists its call sites
 * (available_filter_functions_addrs, Linux 6.5+), only the copies ftrace can trace: a same-named notrace
 * copy would make a kprobe_multi link fail whole.
 */
export function functionAddresses(
  wanted: { module: string; func: string }[], path = '/proc/kallsyms', ftraceAddrs = ftraceAddrsPath(),
): Map<string, bigint[]> {
  return memoized(wanted, `${path}|${ftraceAddrs ?? ''}`, (missing, names) => {
    const found = new Map<string, bigint[]>();
    const text = readOr(path);
    if (text === undefined) return found;
    eachSymbol(text, true, names, (key, addr) => {
      if (!missing.has(key) || addr === 0n) return;
      let l = found.get(key);
      if (!l) found.set(key, (l = []));
      l.push(addr);
    });
    const sites = ftraceAddrs ? readOr(ftraceAddrs) : undefined;
    if (sites !== undefined) {
      const traced = collect(sites, missing, names);
      for (const [key, addrs] of found) {
        const ips = traced.get(key) ?? [];
        found.set(key, addrs.filter((a) => ips.some((ip) => ip >= a && ip - a <= FTRACE_SITE_MAX)));
      }
    }
    return found;
  });
}

/**
 * Where ftrace calls out of each copy of the functions named (available_filter_functions_addrs, Linux
 * 6.5+): what kprobe_multi takes, without reading /proc/kallsyms; from kallsyms where the file is missing.
 */
export function ftraceSites(wanted: { module: string; func: string }[], ftraceAddrs = ftraceAddrsPath()): Map<string, bigint[]> {
  if (!ftraceAddrs || !existsSync(ftraceAddrs)) return functionAddresses(wanted);
  // the file is read only for names not looked up before (entry and return groups ask for the same)
  return memoized(wanted, `sites|${ftraceAddrs}`, (missing, names) => collect(readOr(ftraceAddrs) ?? '', missing, names));
}

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** `module:func` → addresses of the `ADDR NAME [module]` lines of `text` for the keys in `missing`. */
function collect(text: string, missing: ReadonlySet<string>, names: ReadonlySet<string>): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  eachSymbol(text, false, names, (key, addr) => {
    if (!missing.has(key)) return;
    let l = out.get(key);
    if (!l) out.set(key, (l = []));
    l.push(addr);
  });
  return out;
}

/** Looks up only the keys not found before under `source` (memoized per process; empty results too). */
function memoized(
  wanted: { module: string; func: string }[], source: string,
  find: (missing: Set<string>, names: Set<string>) => Map<string, bigint[]>,
): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  const missing = new Set<string>();
  for (const w of wanted) {
    const key = `${w.module}:${w.func}`;
    const have = addressMemo.get(`${source}|${key}`);
    if (have) {
      if (have.length) out.set(key, have);
    } else missing.add(key);
  }
  if (!missing.size) return out;
  const found = find(missing, new Set([...missing].map((k) => k.slice(k.indexOf(':') + 1))));
  for (const key of missing) {
    const addrs = found.get(key) ?? [];
    addressMemo.set(`${source}|${key}`, addrs);
    if (addrs.length) out.set(key, addrs);
  }
  return out;
}

function ftraceAddrsPath(): string | undefined {
  const root = tracefsRoot();
  return root ? join(root, 'available_filter_functions_addrs') : undefined;
}
