// A small ELF64 little-endian reader: sections, PT_LOAD segments, function symbols and build-id, cached per file.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type ElfFunction, type ElfSymbolHit, type FileRange, FunctionTable, type RawSymbols } from './elf-symtab.js';

export type { ElfFunction, ElfSymbolHit } from './elf-symtab.js';

/** A file that is not an ELF object this reader handles, or is cut short. */
export class ElfError extends Error {
  constructor(message: string, public readonly path?: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'ElfError';
  }
}

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const PT_LOAD = 1;
export const PT_NOTE = 4;
export const PF_X = 1;
export const PF_W = 2;
export const SHT_SYMTAB = 2;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;
const NT_GNU_BUILD_ID = 3;

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

/** Reads byte ranges of an object: a file by path, or a buffer (e.g. the vDSO read from memory). */
interface ByteSource {
  read(offset: number, length: number): Buffer;
}

function fileSource(path: string): ByteSource {
  return {
    read(offset, length) {
      const fd = openSync(path, 'r');
      try {
        const buf = Buffer.allocUnsafe(length);
        let n = 0;
        while (n < length) {
          const r = readSync(fd, buf, n, length - n, offset + n);
          if (r === 0) break;
          n += r;
        }
        if (n < length) throw new ElfError(`truncated (wanted ${length} bytes at 0x${offset.toString(16)})`, path);
        return buf;
      } finally {
        closeSync(fd);
      }
    },
  };
}

function bufferSource(buf: Buffer, name: string): ByteSource {
  return {
    read(offset, length) {
      if (offset < 0 || offset + length > buf.length) {
        throw new ElfError(`truncated (wanted ${length} bytes at 0x${offset.toString(16)})`, name);
      }
      return buf.subarray(offset, offset + length);
    },
  };
}

const u64 = (b: Buffer, o: number) => Number(b.readBigUInt64LE(o));

/** One ELF object: headers read eagerly, symbols on first use. */
export class ElfFile {
  /** e_type: ET_EXEC (2) for a fixed-address executable, ET_DYN (3) for PIE executables and shared objects. */
  readonly type: number;
  readonly machine: number;
  readonly entry: number;
  readonly sections: ElfSection[];
  /** Every program header. */
  readonly segments: ElfSegment[];
  /** The PT_LOAD segments, in file order. */
  readonly loads: ElfSegment[];
  /** The GNU build-id as hex, when the object has one. */
  readonly buildId: string | undefined;
  private table: FunctionTable | undefined;

  constructor(readonly path: string, private readonly source: ByteSource) {
    const h = source.read(0, 64);
    if (h.readUInt32BE(0) !== 0x7f454c46) throw new ElfError('not an ELF file', path);
    if (h[4] !== 2) throw new ElfError('not a 64-bit ELF object', path);
    if (h[5] !== 1) throw new ElfError('not a little-endian ELF object', path);
    this.type = h.readUInt16LE(16);
    this.machine = h.readUInt16LE(18);
    this.entry = u64(h, 24);
    const phoff = u64(h, 32), shoff = u64(h, 40);
    const phentsize = h.readUInt16LE(54), phnum = h.readUInt16LE(56);
    const shentsize = h.readUInt16LE(58);
    let shnum = h.readUInt16LE(60), shstrndx = h.readUInt16LE(62);

    this.segments = [];
    if (phoff && phnum) {
      if (phentsize < 56) throw new ElfError(`bad program header size ${phentsize}`, path);
      const ph = source.read(phoff, phentsize * phnum);
      for (let i = 0; i < phnum; i++) {
        const o = i * phentsize;
        this.segments.push({
          type: ph.readUInt32LE(o), flags: ph.readUInt32LE(o + 4), offset: u64(ph, o + 8), vaddr: u64(ph, o + 16),
          filesz: u64(ph, o + 32), memsz: u64(ph, o + 40), align: u64(ph, o + 48),
        });
      }
    }
    this.loads = this.segments.filter((s) => s.type === PT_LOAD);

    this.sections = [];
    if (shoff && shentsize >= 64) {
      if (shnum === 0 || shstrndx === 0xffff) {
        // Extended numbering: the real counts sit in section 0.
        const s0 = source.read(shoff, 64);
        if (shnum === 0) shnum = u64(s0, 32);
        if (shstrndx === 0xffff) shstrndx = s0.readUInt32LE(40);
      }
      const sh = source.read(shoff, shentsize * shnum);
      const nameOffs: number[] = [];
      for (let i = 0; i < shnum; i++) {
        const o = i * shentsize;
        nameOffs.push(sh.readUInt32LE(o));
        this.sections.push({
          name: '', type: sh.readUInt32LE(o + 4), flags: u64(sh, o + 8), addr: u64(sh, o + 16), offset: u64(sh, o + 24),
          size: u64(sh, o + 32), link: sh.readUInt32LE(o + 40), info: sh.readUInt32LE(o + 44), entsize: u64(sh, o + 56),
        });
      }
      const strs = this.sections[shstrndx];
      if (strs && strs.type !== SHT_NOBITS && strs.size) {
        const names = source.read(strs.offset, strs.size);
        this.sections.forEach((s, i) => (s.name = cstr(names, nameOffs[i]!)));
      }
    }
    this.buildId = this.readBuildId();
  }

  private readBuildId(): string | undefined {
    const notes = this.sections.filter((s) => s.type === SHT_NOTE).map((s) => ({ offset: s.offset, size: s.size }));
    if (!notes.length) for (const s of this.segments) if (s.type === PT_NOTE) notes.push({ offset: s.offset, size: s.filesz });
    for (const n of notes) {
      if (n.size > 1 << 16) continue;
      let b: Buffer;
      try {
        b = this.source.read(n.offset, n.size);
      } catch {
        continue;
      }
      for (let o = 0; o + 12 <= b.length; ) {
        const namesz = b.readUInt32LE(o), descsz = b.readUInt32LE(o + 4), type = b.readUInt32LE(o + 8);
        const name = o + 12, desc = name + ((namesz + 3) & ~3);
        if (desc + descsz > b.length) break;
        if (type === NT_GNU_BUILD_ID && namesz === 4 && b.toString('latin1', name, name + 3) === 'GNU') {
          return b.toString('hex', desc, desc + descsz);
        }
        o = desc + ((descsz + 3) & ~3);
      }
    }
    return undefined;
  }

  /** The section called `name`, if any. */
  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The PT_LOAD whose file image holds `vaddr`. */
  loadForVaddr(vaddr: number): ElfSegment | undefined {
    return this.loads.find((s) => vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz);
  }

  /**
   * The PT_LOAD that a mapping at file offset `offset` shows (mmap rounds a segment's start down to
   * a page, so with packed segments two may cover one page). `perms` (`r-xp`, from /proc/PID/maps)
   * picks the segment with matching execute/write flags.
   */
  loadForFileOffset(offset: number, perms?: string, pageSize = 4096): ElfSegment | undefined {
    const cands = this.loads.filter((s) => offset >= s.offset - (s.offset % pageSize) && offset < s.offset + Math.max(s.filesz, 1));
    if (cands.length < 2 || !perms) return cands[0];
    const x = perms[2] === 'x', w = perms[1] === 'w';
    const isX = (s: ElfSegment) => ((s.flags & PF_X) !== 0) === x;
    return cands.find((s) => isX(s) && ((s.flags & PF_W) !== 0) === w) ?? cands.find(isX) ?? cands[0];
  }

  /** vaddr → file offset (`vaddr - p_vaddr + p_offset`); sections stand in when there are no PT_LOADs. */
  vaddrToFileOffset(vaddr: number): number | undefined {
    const seg = this.loadForVaddr(vaddr);
    if (seg) return vaddr - seg.vaddr + seg.offset;
    if (this.loads.length) return undefined;
    const sec = this.sections.find(
      (s) => s.flags & SHF_ALLOC && s.type !== SHT_NOBITS && vaddr >= s.addr && vaddr < s.addr + s.size,
    );
    return sec ? vaddr - sec.addr + sec.offset : undefined;
  }

  /** File offset → vaddr, through the PT_LOAD mapping that offset. */
  fileOffsetToVaddr(offset: number): number | undefined {
    const seg = this.loadForFileOffset(offset);
    return seg ? offset - seg.offset + seg.vaddr : undefined;
  }

  /** The function symbol table, as sorted typed arrays (read on first use). */
  functionTable(): FunctionTable {
    if (this.table) return this.table;
    const raw = (type: number): RawSymbols[] => {
      const out: RawSymbols[] = [];
      for (const sec of this.sections) {
        if (sec.type !== type) continue;
        const strtab = this.sections[sec.link];
        const entsize = sec.entsize || 24;
        if (!strtab || strtab.type === SHT_NOBITS || entsize < 24 || out.length === 255) continue;
        out.push({ syms: this.source.read(sec.offset, sec.size), entsize, strs: this.source.read(strtab.offset, strtab.size) });
      }
      return out;
    };
    const ranges: FileRange[] = this.loads.length
      ? this.loads.map((l) => ({ vaddr: l.vaddr, offset: l.offset, filesz: l.filesz, text: (l.flags & PF_X) !== 0 && (l.flags & PF_W) === 0 }))
      : this.sections
        .filter((s) => s.flags & SHF_ALLOC && s.type !== SHT_NOBITS)
        .map((s) => ({ vaddr: s.addr, offset: s.offset, filesz: s.size, text: (s.flags & SHF_EXECINSTR) !== 0 }));
    // A full .symtab holds every .dynsym function too; a stripped object has only .dynsym.
    let table = FunctionTable.build(raw(SHT_SYMTAB), ranges);
    if (table.count === 0) table = FunctionTable.build(raw(SHT_DYNSYM), ranges);
    this.table = table;
    return this.table;
  }

  /** Function symbols from .symtab (or .dynsym when stripped), sorted by address with the preferred alias first. */
  functions(): ElfFunction[] {
    return this.functionTable().functions();
  }

  /** The function covering `vaddr` (an address in this object's own address space), or undefined. */
  symbolize(vaddr: number): ElfSymbolHit | undefined {
    return this.functionTable().lookup(vaddr);
  }

  /** Every function symbol named `name` (aliases at other addresses included), in address order. */
  functionsNamed(name: string): ElfFunction[] {
    const t = this.functionTable();
    return t.indicesNamed(name).map((i) => t.functionAt(i));
  }
}

function cstr(buf: Buffer, off: number): string {
  if (off >= buf.length) return '';
  let end = buf.indexOf(0, off);
  if (end < 0) end = buf.length;
  return buf.toString('utf8', off, end);
}

const CACHE_LIMIT = 256;
const cache = new Map<string, { key: string; elf: ElfFile }>();

/**
 * Reads an ELF object's headers (symbols load on first use). Cached by path and the file's identity
 * (device, inode, size, mtime), so a rebuilt file is read again. Throws ElfError or the fs error.
 */
export function readElf(path: string): ElfFile {
  const fd = openSync(path, 'r');
  let key: string;
  try {
    const st = fstatSync(fd);
    key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } finally {
    closeSync(fd);
  }
  const hit = cache.get(path);
  if (hit && hit.key === key) {
    cache.delete(path); // keep recently used entries last
    cache.set(path, hit);
    return hit.elf;
  }
  const elf = new ElfFile(path, fileSource(path));
  cache.set(path, { key, elf });
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return elf;
}

/** Parses an ELF image held in memory (e.g. a process's vDSO); `name` labels errors. Not cached. */
export function elfFromBuffer(buf: Buffer, name: string): ElfFile {
  return new ElfFile(name, bufferSource(buf, name));
}

/** Forgets every cached object. */
export function clearElfCache(): void {
  cache.clear();
}

/** The object's function symbols, sorted by address (best alias first among equal addresses). */
export function elfFunctions(path: string): ElfFunction[] {
  return readElf(path).functions();
}

/** The function covering `vaddrInFile` (the object's own virtual address, i.e. before load bias). */
export function elfSymbolize(path: string, vaddrInFile: number): ElfSymbolHit | undefined {
  return readElf(path).symbolize(vaddrInFile);
}
