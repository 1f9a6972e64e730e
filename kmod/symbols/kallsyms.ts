// The kernel's symbol table from /proc/kallsyms: a lazy, sorted, typed-array index for address ↔ name.
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { type AddressInfo, formatAddress, formatModule } from './format.js';

/** Where the kernel lists its symbols; overridable for tests. */
export const KALLSYMS_PATH = '/proc/kallsyms';

/** Module name given to the core kernel's symbols (Oracle's DTrace for Linux prints `vmlinux`vfs_write+0x5`). */
export const KERNEL_MODULE = 'vmlinux';

/** A kernel function covering an address. */
export interface KernelSymbol extends AddressInfo {
  module: string;
  name: string;
  /** The function's start. */
  value: bigint;
  /** addr - value. */
  offset: number;
}

/**
 * Extent allowed past the last symbol of a module (kallsyms has no sizes, so a symbol ends where the
 * next one starts; the last one of each module has nothing after it).
 */
const LAST_SYMBOL_EXTENT = 0x10000;

// Types whose symbols name code. Everything else (data, and the text-end markers) only bounds them.
const T = 0x54, t = 0x74, W = 0x57, w = 0x77;
const TEXT_END_MARKERS = new Set(['_etext', '_einittext']);

/** Rank of a symbol type for picking one name among aliases: lower is better; 0 means not code. */
function typeRank(type: number): number {
  switch (type) {
    case T: return 1;
    case W: return 2;
    case t: return 3;
    case w: return 4;
    default: return 0;
  }
}

function leadingUnderscores(s: string): number {
  let n = 0;
  while (n < s.length && s.charCodeAt(n) === 0x5f) n++;
  return n;
}

/** The parallel arrays of a parsed kallsyms, one entry per symbol. */
interface Columns {
  hi: Uint32Array;
  lo: Uint32Array;
  nameStart: Uint32Array;
  nameLen: Uint16Array;
  types: Uint8Array;
  mods: Uint16Array;
}

/** A parsed kallsyms: parallel typed arrays sorted by address, names decoded on demand. */
export class KallsymsTable {
  /** False when every address reads as zero (kptr_restrict, or not privileged): all lookups fail. */
  readonly readable: boolean;
  /** Number of symbols (all types). */
  readonly count: number;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly nameStart: Uint32Array;
  private readonly nameLen: Uint16Array;
  private readonly types: Uint8Array;
  private readonly mods: Uint16Array;
  private readonly moduleNames: string[];
  private hashTable: Int32Array | undefined;
  private hashNext: Int32Array | undefined;

  /** Use parseKallsyms(). */
  constructor(
    private readonly text: Buffer,
    cols: Columns,
    moduleNames: string[],
    readable: boolean,
  ) {
    this.hi = cols.hi;
    this.lo = cols.lo;
    this.nameStart = cols.nameStart;
    this.nameLen = cols.nameLen;
    this.types = cols.types;
    this.mods = cols.mods;
    this.moduleNames = moduleNames;
    this.count = cols.hi.length;
    this.readable = readable;
  }

  /** The name of symbol `i` (in address order). */
  nameAt(i: number): string {
    return this.text.toString('latin1', this.nameStart[i]!, this.nameStart[i]! + this.nameLen[i]!);
  }

  /** The module of symbol `i`: `vmlinux` for the core kernel, else the `[module]` text without brackets. */
  moduleAt(i: number): string {
    return this.moduleNames[this.mods[i]!]!;
  }

  /** The address of symbol `i`. */
  addressAt(i: number): bigint {
    return (BigInt(this.hi[i]!) << 32n) | BigInt(this.lo[i]!);
  }

  /** The type letter of symbol `i` (`T`, `t`, `W`, `d`, ...). */
  typeAt(i: number): string {
    return String.fromCharCode(this.types[i]!);
  }

  /** Index of the last symbol whose address is <= addr, or -1. */
  private floor(addr: bigint): number {
    const h = Number(addr >> 32n) >>> 0;
    const l = Number(addr & 0xffffffffn) >>> 0;
    const { hi, lo } = this;
    let a = 0, b = this.count; // answer in [a-1, b-1]
    while (a < b) {
      const m = (a + b) >>> 1;
      const mh = hi[m]!;
      if (mh < h || (mh === h && lo[m]! <= l)) a = m + 1;
      else b = m;
    }
    return a - 1;
  }

  private isText(i: number): boolean {
    if (typeRank(this.types[i]!) === 0) return false;
    return !(this.mods[i] === 0 && this.nameLen[i]! <= 10 && TEXT_END_MARKERS.has(this.nameAt(i)));
  }

  /**
   * What covers `addr`: a function (`name` set), only a module (`name` absent: the address falls on
   * a non-code symbol of that module), or undefined.
   */
  lookupInfo(addr: bigint): AddressInfo | undefined {
    if (!this.readable || addr === 0n) return undefined;
    const last = this.floor(addr);
    if (last < 0) return undefined;
    const h = this.hi[last]!, l = this.lo[last]!;
    let first = last;
    while (first > 0 && this.hi[first - 1] === h && this.lo[first - 1] === l) first--;
    // Bound the symbol's extent: the next symbol (any type) of the same module, else a fixed cap.
    const mod = this.mods[last]!;
    const start = this.addressAt(last);
    const next = last + 1;
    if ((next >= this.count || this.mods[next] !== mod) && addr - start >= BigInt(LAST_SYMBOL_EXTENT)) return undefined;
    let best = -1;
    let bestRank = 0, bestUnder = 0;
    for (let i = first; i <= last; i++) {
      if (!this.isText(i)) continue;
      const rank = typeRank(this.types[i]!);
      const under = leadingUnderscores(this.nameAt(i));
      if (best < 0 || rank < bestRank || (rank === bestRank && under < bestUnder)) {
        best = i;
        bestRank = rank;
        bestUnder = under;
      }
    }
    if (best < 0) return { module: this.moduleNames[mod]! };
    return { module: this.moduleNames[this.mods[best]!]!, name: this.nameAt(best), value: start };
  }

  /** The kernel function covering `addr` (text symbols t/T/w/W only), or undefined. */
  lookup(addr: bigint): KernelSymbol | undefined {
    const info = this.lookupInfo(addr);
    if (!info || info.name === undefined || info.value === undefined) return undefined;
    return { module: info.module, name: info.name, value: info.value, offset: Number(addr - info.value) };
  }

  /** stack()/%a text (`withOffset`) or func()/sym() text; raw hex when nothing is known. */
  format(addr: bigint, withOffset = true): string {
    return formatAddress(addr, this.lookupInfo(addr), withOffset);
  }

  /** mod(): the module holding `addr`, or raw hex. */
  formatModule(addr: bigint): string {
    return formatModule(addr, this.lookupInfo(addr));
  }

  /** Hash of name bytes [start, start+len) (FNV-1a). */
  private static hash(buf: Buffer, start: number, len: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < start + len; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    return h >>> 0;
  }

  /** Chained hash index over names, built on the first by-name query (a few ms; no strings made). */
  private nameIndex(): { table: Int32Array; next: Int32Array } {
    if (this.hashTable && this.hashNext) return { table: this.hashTable, next: this.hashNext };
    let size = 1;
    while (size < this.count * 2) size <<= 1;
    const table = new Int32Array(size).fill(-1);
    const next = new Int32Array(this.count);
    // Insert in reverse so each chain lists equal names in address order.
    for (let i = this.count - 1; i >= 0; i--) {
      const slot = KallsymsTable.hash(this.text, this.nameStart[i]!, this.nameLen[i]!) & (size - 1);
      next[i] = table[slot]!;
      table[slot] = i;
    }
    this.hashTable = table;
    this.hashNext = next;
    return { table, next };
  }

  /** Indices of the symbols named `name`, in address order. */
  private indicesNamed(name: string): number[] {
    const key = Buffer.from(name, 'latin1');
    const { table, next } = this.nameIndex();
    const out: number[] = [];
    for (let i = table[KallsymsTable.hash(key, 0, key.length) & (table.length - 1)]!; i >= 0; i = next[i]!) {
      if (this.nameLen[i] !== key.length) continue;
      if (this.text.compare(key, 0, key.length, this.nameStart[i]!, this.nameStart[i]! + key.length) === 0) out.push(i);
    }
    return out.sort((a, b) => a - b);
  }

  /** Every symbol named `name` (optionally only in `module`; `kernel` means `vmlinux`), in address order. */
  symbolsNamed(name: string, module?: string): { module: string; address: bigint; type: string }[] {
    if (!this.readable) return [];
    const mod = module === 'kernel' ? KERNEL_MODULE : module;
    const out: { module: string; address: bigint; type: string }[] = [];
    for (const i of this.indicesNamed(name)) {
      if (mod !== undefined && this.moduleAt(i) !== mod) continue;
      out.push({ module: this.moduleAt(i), address: this.addressAt(i), type: this.typeAt(i) });
    }
    return out;
  }

  /**
   * The address of the symbol `name` (optionally in `module`): a global over a local one, code over
   * data, else the lowest address. Undefined when absent or unreadable.
   */
  address(name: string, module?: string): bigint | undefined {
    const all = this.symbolsNamed(name, module);
    if (!all.length) return undefined;
    const score = (s: { type: string }) => {
      const r = typeRank(s.type.charCodeAt(0));
      const global = s.type === s.type.toUpperCase() ? 0 : 1;
      return r === 0 ? 10 + global : r;
    };
    let best = all[0]!;
    for (const s of all) if (score(s) < score(best)) best = s;
    return best.address;
  }
}

/** Reads a /proc file in large chunks (its size reads as 0, and the kernel hands out ~4 KiB a call). */
function readProcFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(8 << 20);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) HEX[0x61 + c] = HEX[0x41 + c] = 10 + c;

function grow<A extends Uint32Array | Uint16Array | Uint8Array>(a: A): A {
  const b = new (a.constructor as new (n: number) => A)(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Indices in address order, stable. Kernel addresses span little (vmlinux to the last module is
 * about 2^31), so (address - lowest, index) usually packs exactly into one double and the native
 * numeric sort does the work; otherwise a comparator sort.
 */
function sortedOrder(hi: Uint32Array, lo: Uint32Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  let mh = 0xffffffff, ml = 0xffffffff, xh = 0, xl = 0;
  for (let i = 0; i < n; i++) {
    const h = hi[i]!, l = lo[i]!;
    if (h < mh || (h === mh && l < ml)) { mh = h; ml = l; }
    if (h > xh || (h === xh && l > xl)) { xh = h; xl = l; }
  }
  let bits = 1;
  while (2 ** bits < n) bits++;
  const span = (xh - mh) * TWO32 + (xl - ml);
  if (n > 0 && span < 2 ** (53 - bits)) {
    const scale = 2 ** bits;
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = ((hi[i]! - mh) * TWO32 + (lo[i]! - ml)) * scale + i;
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = keys[i]! % scale;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (hi[a]! - hi[b]!) || (lo[a]! - lo[b]!) || (a - b));
  return order;
}

const TWO32 = 4294967296;

/** Module names seen in `[module]` suffixes, interned to small ids (0 is vmlinux). */
class ModuleNames {
  readonly names = [KERNEL_MODULE];
  private readonly ids = new Map<string, number>([[KERNEL_MODULE, 0]]);
  private lastStart = -1;
  private lastLen = 0;
  private lastId = 0;
  /** Where the line after the one parse() read starts. */
  next = 0;

  /** The module id of the `[name]` after position `from` on this line (0 when malformed). */
  parse(buf: Buffer, from: number): number {
    const len = buf.length;
    let c = 0;
    let ms = from + 1;
    while (ms < len && (c = buf[ms]!) !== 0x5b && c !== 10) ms++; // '['
    let me = ms + 1;
    while (me < len && (c = buf[me]!) !== 0x5d && c !== 10) me++; // ']'
    this.next = nextLine(buf, me);
    if (ms >= len || buf[ms] !== 0x5b || me >= len || buf[me] !== 0x5d) return 0;
    const mlen = me - ms - 1;
    if (this.lastStart >= 0 && mlen === this.lastLen && sameBytes(buf, ms + 1, this.lastStart, mlen)) return this.lastId;
    const name = buf.toString('latin1', ms + 1, me);
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    this.lastStart = ms + 1;
    this.lastLen = mlen;
    this.lastId = id;
    return id;
  }
}

/** The index after the next newline at or after `i`. */
function nextLine(buf: Buffer, i: number): number {
  while (i < buf.length && buf[i] !== 10) i++;
  return i + 1;
}

function sameBytes(buf: Buffer, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/**
 * Parses kallsyms text: `ADDR TYPE NAME[\t[MODULE]]` a line. Lines that do not fit are skipped.
 * Sorted by address (stable: file order among equal addresses).
 */
export function parseKallsyms(input: Buffer | string): KallsymsTable {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const len = buf.length;
  const cap = Math.ceil(len / 20) + 1; // a 64-bit line has at least 21 bytes; grown for 32-bit ones
  let hi = new Uint32Array(cap), lo = new Uint32Array(cap);
  let nameStart = new Uint32Array(cap), nameLen = new Uint16Array(cap);
  let types = new Uint8Array(cap), mods = new Uint16Array(cap);
  const modules = new ModuleNames();
  let n = 0;
  let firstUnsorted = -1; // index of the first symbol lower than the one before it
  let anyAddr = false;
  let ph = 0, pl = 0;
  let p = 0;
  while (p < len) {
    // ADDR: hex digits, split into high and low 32 bits
    let h = 0, l = 0, q = p;
    for (; q < len; q++) {
      const d = HEX[buf[q]!]!;
      if (d < 0) break;
      h = ((h << 4) | (l >>> 28)) >>> 0;
      l = ((l << 4) | d) >>> 0;
    }
    if (q === p || q + 3 > len || buf[q] !== 0x20 || buf[q + 2] !== 0x20 || buf[q + 1] === 10) {
      p = nextLine(buf, q);
      continue;
    }
    const ns = q + 3;
    let ne = ns;
    let c = 0;
    while (ne < len && (c = buf[ne]!) !== 10 && c !== 9 && c !== 0x20) ne++;
    let mod = 0;
    if (ne < len && c !== 10) {
      mod = modules.parse(buf, ne); // \t[MODULE]
      p = modules.next;
    } else p = ne + 1;
    if (n === hi.length) {
      hi = grow(hi); lo = grow(lo); nameStart = grow(nameStart); nameLen = grow(nameLen); types = grow(types); mods = grow(mods);
    }
    hi[n] = h;
    lo[n] = l;
    nameStart[n] = ns;
    nameLen[n] = ne - ns > 0xffff ? 0xffff : ne - ns;
    types[n] = buf[q + 1]!;
    mods[n] = mod;
    if ((h | l) !== 0) anyAddr = true;
    if (firstUnsorted < 0 && (h < ph || (h === ph && l < pl))) firstUnsorted = n;
    ph = h;
    pl = l;
    n++;
  }
  let cols: Columns = {
    hi: hi.subarray(0, n), lo: lo.subarray(0, n), nameStart: nameStart.subarray(0, n),
    nameLen: nameLen.subarray(0, n), types: types.subarray(0, n), mods: mods.subarray(0, n),
  };
  if (firstUnsorted >= 0) cols = sortColumns(cols, n, firstUnsorted);
  return new KallsymsTable(buf, cols, modules.names, anyAddr);
}

/**
 * Columns in address order (stable). kallsyms lists vmlinux sorted, then modules and BPF programs
 * as loaded: when only a short tail is out of order, sort the tail and merge it into the sorted
 * prefix with block copies; else sort everything.
 */
function sortColumns(c: Columns, n: number, firstUnsorted: number): Columns {
  const hi = new Uint32Array(n), lo = new Uint32Array(n), nameStart = new Uint32Array(n);
  const nameLen = new Uint16Array(n), types = new Uint8Array(n), mods = new Uint16Array(n);
  const put = (dst: number, j: number) => {
    hi[dst] = c.hi[j]!;
    lo[dst] = c.lo[j]!;
    nameStart[dst] = c.nameStart[j]!;
    nameLen[dst] = c.nameLen[j]!;
    types[dst] = c.types[j]!;
    mods[dst] = c.mods[j]!;
  };
  const tail = n - firstUnsorted;
  if (tail * 8 > n) {
    const order = sortedOrder(c.hi, c.lo, n);
    for (let i = 0; i < n; i++) put(i, order[i]!);
    return { hi, lo, nameStart, nameLen, types, mods };
  }
  const k = firstUnsorted;
  const rest = Array.from({ length: tail }, (_, i) => k + i);
  rest.sort((a, b) => (c.hi[a]! - c.hi[b]!) || (c.lo[a]! - c.lo[b]!) || (a - b));
  const copy = (from: number, to: number, dst: number) => {
    hi.set(c.hi.subarray(from, to), dst);
    lo.set(c.lo.subarray(from, to), dst);
    nameStart.set(c.nameStart.subarray(from, to), dst);
    nameLen.set(c.nameLen.subarray(from, to), dst);
    types.set(c.types.subarray(from, to), dst);
    mods.set(c.mods.subarray(from, to), dst);
  };
  let src = 0, dst = 0;
  for (const t of rest) {
    // First prefix entry above t's address (equal addresses: the prefix's, listed earlier, first).
    const th = c.hi[t]!, tl = c.lo[t]!;
    let a = src, b = k;
    while (a < b) {
      const m = (a + b) >>> 1;
      const mh = c.hi[m]!;
      if (mh < th || (mh === th && c.lo[m]! <= tl)) a = m + 1;
      else b = m;
    }
    copy(src, a, dst);
    dst += a - src;
    src = a;
    put(dst++, t);
  }
  copy(src, k, dst);
  return { hi, lo, nameStart, nameLen, types, mods };
}

let cached: { path: string; table: KallsymsTable } | undefined;

/** The kernel's symbol table, read and parsed on first use and cached (per path). */
export function loadKallsyms(path = KALLSYMS_PATH): KallsymsTable {
  if (cached && cached.path === path) return cached.table;
  let table: KallsymsTable;
  try {
    table = parseKallsyms(readProcFile(path));
  } catch {
    table = parseKallsyms(Buffer.alloc(0)); // unreadable file: everything formats as raw hex
  }
  cached = { path, table };
  return table;
}

/**
 * Reads and parses kallsyms off the main thread's critical path (the kernel takes ~50 ms to list
 * 120k symbols), so a shell can warm the cache at start-up; later loadKallsyms() calls reuse it.
 */
export async function preloadKallsyms(path = KALLSYMS_PATH): Promise<KallsymsTable> {
  if (cached && cached.path === path) return cached.table;
  let table: KallsymsTable;
  try {
    const fh = await open(path, 'r');
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const chunk = Buffer.allocUnsafe(1 << 20);
        let n = 0;
        while (n < chunk.length) {
          const { bytesRead } = await fh.read(chunk, n, chunk.length - n, null);
          if (bytesRead === 0) break;
          n += bytesRead;
        }
        chunks.push(chunk.subarray(0, n));
        total += n;
        if (n < chunk.length) break;
      }
      table = parseKallsyms(Buffer.concat(chunks, total));
    } finally {
      await fh.close();
    }
  } catch {
    table = parseKallsyms(Buffer.alloc(0));
  }
  if (cached && cached.path === path) return cached.table; // a synchronous load won the race
  cached = { path, table };
  return table;
}

/** Forgets the cached table (modules and BPF programs come and go; call before re-reading). */
export function clearKallsymsCache(): void {
  cached = undefined;
}

/** The kernel function covering `addr`: `{ module, name, offset }` (module `vmlinux` for the core kernel). */
export function lookupKernel(addr: bigint): KernelSymbol | undefined {
  return loadKallsyms().lookup(addr);
}

/** The address of kernel symbol `name` (optionally in `module`), or undefined. */
export function kernelSymbolAddress(name: string, module?: string): bigint | undefined {
  return loadKallsyms().address(name, module);
}

/**
 * DTrace's text for a kernel address: `vmlinux`vfs_read+0x10` (`withOffset`, for stack() and %a)
 * or `vmlinux`vfs_read` (for func()/sym()); `ext4`...` for module code; raw `0x...` when unknown
 * or when kallsyms is unreadable.
 */
export function formatKernelAddr(addr: bigint, withOffset = true): string {
  return loadKallsyms().format(addr, withOffset);
}

/** mod(): the kernel module holding `addr` (`vmlinux` for the core kernel), or raw hex. */
export function formatKernelModule(addr: bigint): string {
  return loadKallsyms().formatModule(addr);
}
