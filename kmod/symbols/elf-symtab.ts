// An ELF object's function symbols as sorted typed arrays: alias ranking (libproc's), address lookup, names decoded on demand.

/** A function symbol of an ELF object (STT_FUNC or STT_GNU_IFUNC, defined, non-zero address). */
export interface ElfFunction {
  name: string;
  /** st_value: the virtual address in the object's own address space (before any load bias). */
  value: number;
  /** st_size (0 when the symbol carries none). */
  size: number;
  /** Where `value` lies in the file: `value - p_vaddr + p_offset` of the PT_LOAD holding it (what uprobes take). */
  offset: number;
  bind: 'local' | 'global' | 'weak';
  /** STT_GNU_IFUNC: `value` is the resolver, not the function callers reach. */
  ifunc: boolean;
  /** The PT_LOAD holding it is executable and not writable (a PLT or data would not be). */
  text: boolean;
}

/** A function covering an address. */
export interface ElfSymbolHit {
  name: string;
  value: number;
  size: number;
  /** addr - value. */
  offset: number;
}

/** One symbol table section and its string table, raw. */
export interface RawSymbols {
  syms: Buffer;
  entsize: number;
  strs: Buffer;
}

/** A range of the object's addresses backed by the file (a PT_LOAD, or an allocated section without them). */
export interface FileRange {
  vaddr: number;
  offset: number;
  filesz: number;
  /** Executable and not writable. */
  text: boolean;
}

/** How far past its start a size-less symbol is taken to reach (bounded by the next symbol). */
export const SIZELESS_EXTENT = 4096;

const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;
const BIND_LOCAL = 0, BIND_GLOBAL = 1, BIND_WEAK = 2;
const F_IFUNC = 4, F_TEXT = 16; // low 2 bits: bind
const TWO32 = 4294967296;
/** nameLen not measured yet. */
const NO_LEN = 0xffffffff;

/** Growable columns used while collecting symbols. */
class Cols {
  n = 0;
  value: Float64Array;
  size: Float64Array;
  offset: Float64Array;
  nameOff: Uint32Array;
  nameLen: Uint32Array;
  src: Uint8Array;
  flags: Uint8Array;

  constructor(cap: number) {
    cap = Math.max(cap, 16);
    this.value = new Float64Array(cap); this.size = new Float64Array(cap); this.offset = new Float64Array(cap);
    this.nameOff = new Uint32Array(cap); this.nameLen = new Uint32Array(cap); this.src = new Uint8Array(cap); this.flags = new Uint8Array(cap);
  }

  push(value: number, size: number, offset: number, nameOff: number, nameLen: number, src: number, flags: number): void {
    if (this.n === this.value.length) {
      const g = <A extends Float64Array | Uint32Array | Uint8Array>(a: A): A => {
        const b = new (a.constructor as new (n: number) => A)(a.length * 2);
        b.set(a);
        return b;
      };
      this.value = g(this.value); this.size = g(this.size); this.offset = g(this.offset);
      this.nameOff = g(this.nameOff); this.nameLen = g(this.nameLen); this.src = g(this.src); this.flags = g(this.flags);
    }
    const i = this.n++;
    this.value[i] = value; this.size[i] = size; this.offset[i] = offset;
    this.nameOff[i] = nameOff; this.nameLen[i] = nameLen; this.src[i] = src; this.flags[i] = flags;
  }
}

/**
 * Function symbols of one object from its symbol table(s), merged (a symbol listed twice kept once),
 * sorted by address with the preferred alias first at each address.
 */
export class FunctionTable {
  readonly count: number;
  private readonly value: Float64Array;
  private readonly size: Float64Array;
  private readonly offset: Float64Array;
  private readonly nameOff: Uint32Array;
  private readonly nameLen: Uint32Array;
  private readonly src: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly names: (string | undefined)[];
  // One entry per distinct address: start, end (exclusive), index of the preferred alias.
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly which: Uint32Array;
  private all: ElfFunction[] | undefined;
  private byName: Map<string, number | number[]> | undefined;

  constructor(private readonly strtabs: Buffer[], c: Cols) {
    const order = sortedOrder(c, strtabs);
    const n = order.length;
    this.count = n;
    this.value = new Float64Array(n); this.size = new Float64Array(n); this.offset = new Float64Array(n);
    this.nameOff = new Uint32Array(n); this.nameLen = new Uint32Array(n); this.src = new Uint8Array(n); this.flags = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      this.value[i] = c.value[j]!; this.size[i] = c.size[j]!; this.offset[i] = c.offset[j]!;
      this.nameOff[i] = c.nameOff[j]!; this.nameLen[i] = c.nameLen[j]!; this.src[i] = c.src[j]!; this.flags[i] = c.flags[j]!;
    }
    this.names = new Array<string | undefined>(n);
    const starts = new Float64Array(n), ends = new Float64Array(n), which = new Uint32Array(n);
    let k = 0;
    for (let i = 0; i < n; ) {
      const v = this.value[i]!;
      let size = 0, j = i;
      for (; j < n && this.value[j] === v; j++) size = Math.max(size, this.size[j]!);
      starts[k] = v;
      ends[k] = v + size;
      which[k++] = i;
      i = j;
    }
    for (let i = 0; i < k; i++) {
      if (ends[i] === starts[i]) ends[i] = Math.min(starts[i]! + SIZELESS_EXTENT, i + 1 < k ? starts[i + 1]! : Infinity);
    }
    this.starts = starts.subarray(0, k);
    this.ends = ends.subarray(0, k);
    this.which = which.subarray(0, k);
  }

  /** Collects the function symbols of the given tables, keeping those inside one of `ranges`. */
  static build(tables: RawSymbols[], ranges: FileRange[]): FunctionTable {
    const c = new Cols(tables.reduce((n, t) => n + Math.floor(t.syms.length / t.entsize), 0));
    let last: FileRange | undefined = ranges[0];
    tables.forEach((t, src) => {
      const { syms, strs, entsize } = t;
      const dv = new DataView(syms.buffer, syms.byteOffset, syms.byteLength);
      const strLen = strs.length;
      for (let o = entsize; o + 24 <= syms.length; o += entsize) {
        const info = syms[o + 4]!;
        const kind = info & 0xf;
        if (kind !== STT_FUNC && kind !== STT_GNU_IFUNC) continue;
        if (dv.getUint16(o + 6, true) === 0) continue; // SHN_UNDEF: an import
        const value = dv.getUint32(o + 8, true) + dv.getUint32(o + 12, true) * TWO32;
        const nameOff = dv.getUint32(o, true);
        if (value === 0 || nameOff === 0 || nameOff >= strLen) continue;
        if (!last || value < last.vaddr || value >= last.vaddr + last.filesz) {
          last = ranges.find((r) => value >= r.vaddr && value < r.vaddr + r.filesz);
          if (!last) continue;
        }
        const bind = info >> 4;
        const flags = (bind === BIND_GLOBAL ? BIND_GLOBAL : bind === BIND_WEAK ? BIND_WEAK : BIND_LOCAL)
          | (kind === STT_GNU_IFUNC ? F_IFUNC : 0) | (last.text ? F_TEXT : 0);
        const size = dv.getUint32(o + 16, true) + dv.getUint32(o + 20, true) * TWO32;
        c.push(value, size, value - last.vaddr + last.offset, nameOff, NO_LEN, src, flags);
      }
    });
    return new FunctionTable(tables.map((t) => t.strs), c);
  }

  /** The name of function `i` (address order). */
  nameAt(i: number): string {
    let s = this.names[i];
    if (s === undefined) {
      const off = this.nameOff[i]!;
      const strs = this.strtabs[this.src[i]!]!;
      let len = this.nameLen[i]!;
      if (len === NO_LEN) this.nameLen[i] = len = cstrLen(strs, off);
      s = strs.toString('utf8', off, off + len);
      this.names[i] = s;
    }
    return s;
  }

  /** st_value of function `i`. */
  valueAt(i: number): number {
    return this.value[i]!;
  }

  /** st_size of function `i`. */
  sizeAt(i: number): number {
    return this.size[i]!;
  }

  /** File offset of function `i`. */
  offsetAt(i: number): number {
    return this.offset[i]!;
  }

  /** True when function `i` is a plain function worth a probe: sized, not an IFUNC resolver, in code. */
  probeableAt(i: number): boolean {
    const f = this.flags[i]!;
    return this.size[i]! > 0 && (f & F_IFUNC) === 0 && (f & F_TEXT) !== 0;
  }

  /** True when function `i` is local (STB_LOCAL). */
  localAt(i: number): boolean {
    return (this.flags[i]! & 3) === BIND_LOCAL;
  }

  /** Indices of the functions named `name`, in address order (a name index is built on first use). */
  indicesNamed(name: string): number[] {
    if (!this.byName) {
      const m = new Map<string, number | number[]>();
      for (let i = 0; i < this.count; i++) {
        const s = this.nameAt(i);
        const prev = m.get(s);
        if (prev === undefined) m.set(s, i);
        else if (typeof prev === 'number') m.set(s, [prev, i]);
        else prev.push(i);
      }
      this.byName = m;
    }
    const hit = this.byName.get(name);
    return hit === undefined ? [] : typeof hit === 'number' ? [hit] : hit;
  }

  /** Function `i` as an object. */
  functionAt(i: number): ElfFunction {
    const f = this.flags[i]!;
    const bind = f & 3;
    return {
      name: this.nameAt(i), value: this.value[i]!, size: this.size[i]!, offset: this.offset[i]!,
      bind: bind === BIND_GLOBAL ? 'global' : bind === BIND_WEAK ? 'weak' : 'local',
      ifunc: (f & F_IFUNC) !== 0, text: (f & F_TEXT) !== 0,
    };
  }

  /** Every function, sorted (cached). */
  functions(): ElfFunction[] {
    if (!this.all) {
      const out = new Array<ElfFunction>(this.count);
      for (let i = 0; i < this.count; i++) out[i] = this.functionAt(i);
      this.all = out;
    }
    return this.all;
  }

  /** The function whose [value, value+size) holds `addr` (preferred alias), or undefined. */
  lookup(addr: number): ElfSymbolHit | undefined {
    const { starts, ends } = this;
    let a = 0, b = starts.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (starts[m]! <= addr) a = m + 1;
      else b = m;
    }
    // The nearest start may be a small symbol nested in a bigger one: look back a little.
    for (let i = a - 1, tries = 0; i >= 0 && tries < 8; i--, tries++) {
      if (addr < ends[i]!) {
        const j = this.which[i]!;
        const value = this.value[j]!;
        return { name: this.nameAt(j), value, size: this.size[j]!, offset: addr - value };
      }
    }
    return undefined;
  }
}

function cstrLen(buf: Buffer, off: number): number {
  let e = off;
  while (e < buf.length && buf[e] !== 0) e++;
  return e - off;
}


/**
 * Compares aliases at one address the way illumos/Oracle libproc's byaddr_cmp_common() does, best
 * first: global or weak over local, a name not starting with `$`, fewer leading underscores, smaller
 * size, then byte order. So `malloc` wins over `__libc_malloc`, `getpid` over `__getpid`.
 */
function compareAliases(c: Cols, strtabs: Buffer[], a: number, b: number): number {
  const ab = c.flags[a]! & 3, bb = c.flags[b]! & 3;
  if (ab !== bb) {
    if (bb === BIND_LOCAL) return -1;
    if (ab === BIND_LOCAL) return 1;
  }
  const as = strtabs[c.src[a]!]!, bs = strtabs[c.src[b]!]!;
  const ao = c.nameOff[a]!, bo = c.nameOff[b]!;
  const ad = as[ao] === 0x24, bd = bs[bo] === 0x24; // '$'
  if (ad !== bd) return ad ? 1 : -1;
  let au = 0, bu = 0;
  while (as[ao + au] === 0x5f) au++;
  while (bs[bo + bu] === 0x5f) bu++;
  if (au !== bu) return au - bu;
  if (c.size[a] !== c.size[b]) return c.size[a]! - c.size[b]!;
  // strcmp(); NUL-terminated, so a prefix sorts first.
  for (let k = 0; ; k++) {
    const x = ao + k < as.length ? as[ao + k]! : 0, y = bo + k < bs.length ? bs[bo + k]! : 0;
    if (x !== y) return x - y;
    if (x === 0) return 0;
  }
}

function sameName(c: Cols, strtabs: Buffer[], a: number, b: number): boolean {
  const as = strtabs[c.src[a]!]!, bs = strtabs[c.src[b]!]!;
  const ao = c.nameOff[a]!, bo = c.nameOff[b]!;
  if (as === bs && ao === bo) return true;
  for (let k = 0; ; k++) {
    const x = ao + k < as.length ? as[ao + k]! : 0, y = bo + k < bs.length ? bs[bo + k]! : 0;
    if (x !== y) return false;
    if (x === 0) return true;
  }
}

/** Indices of `c` in address order, aliases ranked, duplicates (same address and name) merged away. */
function sortedOrder(c: Cols, strtabs: Buffer[]): Uint32Array {
  const n = c.n;
  let order = new Uint32Array(n);
  let bits = 1;
  while (1 << bits < n) bits++;
  let maxValue = 0;
  for (let i = 0; i < n; i++) if (c.value[i]! > maxValue) maxValue = c.value[i]!;
  if (maxValue < 2 ** (53 - bits)) {
    // Pack (value, index) into one exact double and let the native numeric sort do the work.
    const scale = 2 ** bits;
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = c.value[i]! * scale + i;
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = keys[i]! % scale;
  } else {
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => c.value[a]! - c.value[b]! || a - b);
  }
  // Rank the aliases within each group of equal addresses and drop repeats.
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < n; ) {
    const v = c.value[order[i]!]!;
    let j = i + 1;
    while (j < n && c.value[order[j]!] === v) j++;
    if (j - i === 1) out[k++] = order[i]!;
    else if (j - i === 2) {
      // The common case: one symbol in both .symtab and .dynsym, or two aliases.
      const a = order[i]!, b = order[i + 1]!;
      if (sameName(c, strtabs, a, b)) {
        if (c.size[b]! > c.size[a]!) c.size[a] = c.size[b]!;
        out[k++] = a;
      } else if (compareAliases(c, strtabs, a, b) <= 0) {
        out[k++] = a;
        out[k++] = b;
      } else {
        out[k++] = b;
        out[k++] = a;
      }
    } else {
      const group = Array.from(order.subarray(i, j)).sort((a, b) => compareAliases(c, strtabs, a, b));
      const start = k;
      for (const g of group) {
        let dup = -1;
        for (let q = start; q < k; q++) if (sameName(c, strtabs, out[q]!, g)) dup = out[q]!;
        if (dup < 0) out[k++] = g;
        else {
          if (c.size[g]! > c.size[dup]!) c.size[dup] = c.size[g]!;
        }
      }
    }
    i = j;
  }
  order = out.subarray(0, k);
  return order;
}
