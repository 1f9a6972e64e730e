// User-space symbols of a process: addresses → `object`function+0x..` (ustack, %A) and pid-provider function sites.
import { closeSync, openSync, readSync, readlinkSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fieldMatcher, hasGlob } from '../probes/glob.js';
import { type ElfFile, elfFromBuffer, readElf } from './elf.js';
import { type AddressInfo, formatAddress, formatModule } from './format.js';
import { type Mapping, isFileMapping, readMaps } from './maps.js';
import { type ObjectRef, selectObjects } from './object-match.js';

/** What covers a user address: the object (basename) and, when a function covers it, the function. */
export interface UserSymbol extends AddressInfo {
  /** Basename of the mapped object (`libc.so.6`), or `[vdso]`. */
  module: string;
  /** The object's path as the process sees it. */
  path: string;
  /** Function name, when a symbol covers the address. */
  name?: string;
  /** The function's start in the process (absolute), with `name`. */
  value?: bigint;
  /** addr - value, with `name`. */
  offset?: number;
}

/** Where a uprobe goes for one function: the file to open and the function's offset in it. */
export interface UserFunctionSite {
  /** The probe's module field: the object's basename (`libc.so.6`, or the executable's name for `a.out`). */
  object: string;
  /** A path to the object that dtsh can open: its own, else via /proc/PID/root or /proc/PID/map_files (see hostPath()). */
  path: string;
  /** File offset of the function's first instruction: `st_value - p_vaddr + p_offset`. */
  offset: number;
  /** The function's name: the matched alias for globs, the preferred alias (`malloc`) for an exact name. */
  name: string;
  /** st_value and st_size. */
  value: number;
  size: number;
}

/** How often a miss (an address in no known mapping) may re-read /proc/PID/maps. */
const REFRESH_INTERVAL_MS = 1000;

/** One process's mappings and the ELF objects behind them, read on demand and kept after it exits. */
export class ProcessSymbols {
  private maps: Mapping[] | undefined;
  private lastRead = 0;
  private readonly paths = new Map<string, string>();
  private readonly objects = new Map<string, ElfFile | null>();

  constructor(readonly pid: number, private readonly procRoot = '/proc') {}

  /** The mappings, read on first use (empty when the process is gone and none were ever read). */
  mappings(): Mapping[] {
    if (!this.maps) this.refresh();
    return this.maps ?? [];
  }

  /** Re-reads /proc/PID/maps; false (keeping what was known) when the process is gone. */
  refresh(): boolean {
    this.lastRead = Date.now();
    try {
      this.maps = readMaps(this.pid, this.procRoot);
      return true;
    } catch {
      return false;
    }
  }

  private findMapping(addr: bigint): Mapping | undefined {
    const maps = this.mappings();
    let a = 0, b = maps.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (maps[m]!.start <= addr) a = m + 1;
      else b = m;
    }
    const m = maps[a - 1];
    return m && addr < m.end ? m : undefined;
  }

  /**
   * A path through which we can open the file behind `m`: its own path when that is the same file
   * (inode check), else through the target's root (containers), else /proc/PID/map_files (also for
   * unlinked files).
   */
  hostPath(m: Mapping): string {
    const known = this.paths.get(m.path);
    if (known !== undefined) return known;
    const proc = `${this.procRoot}/${this.pid}`;
    const mapFile = `${proc}/map_files/${m.start.toString(16)}-${m.end.toString(16)}`;
    const tries = m.deleted ? [mapFile] : [m.path, `${proc}/root${m.path}`, mapFile];
    let found = tries[0]!;
    for (const p of tries) {
      try {
        if (statSync(p).ino === m.inode) {
          found = p;
          break;
        }
      } catch {
        // not reachable this way
      }
    }
    if (!m.deleted) this.paths.set(m.path, found);
    return found;
  }

  /** The ELF object behind a file mapping or the vDSO, or null when it is not one this reader handles. */
  private objectFor(m: Mapping): ElfFile | null {
    const key = m.path === '[vdso]' ? `[vdso]@${m.start.toString(16)}` : this.hostPath(m);
    const known = this.objects.get(key);
    if (known !== undefined) return known;
    let elf: ElfFile | null = null;
    try {
      elf = m.path === '[vdso]' ? this.readVdso(m) : readElf(key);
    } catch {
      elf = null;
    }
    this.objects.set(key, elf);
    return elf;
  }

  private readVdso(m: Mapping): ElfFile {
    const size = Number(m.end - m.start);
    const buf = Buffer.alloc(size);
    const fd = openSync(`${this.procRoot}/${this.pid}/mem`, 'r');
    try {
      readSync(fd, buf, 0, size, m.start);
    } finally {
      closeSync(fd);
    }
    return elfFromBuffer(buf, `[vdso] of ${this.pid}`);
  }

  /** The object and function covering `addr`, or undefined for anonymous memory and unknown addresses. */
  lookup(addr: bigint): UserSymbol | undefined {
    let m = this.findMapping(addr);
    if (!m && Date.now() - this.lastRead >= REFRESH_INTERVAL_MS && this.refresh()) m = this.findMapping(addr);
    if (!m) return undefined;
    const vdso = m.path === '[vdso]';
    if (!vdso && !isFileMapping(m)) return undefined;
    const out: UserSymbol = { module: vdso ? '[vdso]' : basename(m.path), path: m.path };
    const elf = this.objectFor(m);
    if (!elf) return out;
    // The mapping shows file offset m.offset at m.start; the PT_LOAD mapped there gives the vaddr.
    const fileOffset = Number(addr - m.start) + m.offset;
    const seg = elf.loadForFileOffset(m.offset, m.perms);
    const vaddr = seg ? fileOffset - seg.offset + seg.vaddr : elf.fileOffsetToVaddr(fileOffset);
    if (vaddr === undefined) return out;
    const hit = elf.symbolize(vaddr);
    if (!hit) return out;
    return { ...out, name: hit.name, value: addr - BigInt(hit.offset), offset: hit.offset };
  }

  /** ustack()/%A/uaddr() text (`withOffset`) or ufunc()/usym() text; raw hex when unknown. */
  format(addr: bigint, withOffset = true): string {
    return formatAddress(addr, this.lookup(addr), withOffset);
  }

  /** umod(): the object's basename, or raw hex. */
  formatModule(addr: bigint): string {
    return formatModule(addr, this.lookup(addr));
  }

  /** The process's loaded ELF objects with executable mappings, in address order. */
  objectRefs(): ObjectRef[] {
    let exe: string | undefined;
    try {
      exe = readlinkSync(`${this.procRoot}/${this.pid}/exe`).replace(/ \(deleted\)$/, '');
    } catch {
      exe = undefined;
    }
    const seen = new Set<string>();
    const out: ObjectRef[] = [];
    const maps = this.mappings();
    for (const m of maps) {
      if (!isFileMapping(m) || !m.perms.includes('x') || seen.has(m.path)) continue;
      seen.add(m.path);
      out.push({ path: m.path, name: basename(m.path), exec: m.path === exe });
    }
    // Without /proc/PID/exe (exited, or no permission), the first file mapped is the executable.
    if (!out.some((o) => o.exec)) {
      const first = maps.find(isFileMapping);
      const o = first && out.find((x) => x.path === first.path);
      if (o) o.exec = true;
    }
    return out;
  }

  /** The ELF object behind one of objectRefs(), or null. */
  elfFor(ref: ObjectRef): { elf: ElfFile; hostPath: string } | null {
    const m = this.mappings().find((x) => x.path === ref.path && isFileMapping(x));
    if (!m) return null;
    const elf = this.objectFor(m);
    return elf ? { elf, hostPath: this.hostPath(m) } : null;
  }
}

const PROCESS_CACHE_LIMIT = 64;
const processes = new Map<number, ProcessSymbols>();

/** The (cached) symbol view of process `pid`. */
export function processSymbols(pid: number): ProcessSymbols {
  let p = processes.get(pid);
  if (p) {
    processes.delete(pid);
    processes.set(pid, p);
    return p;
  }
  p = new ProcessSymbols(pid);
  processes.set(pid, p);
  if (processes.size > PROCESS_CACHE_LIMIT) processes.delete(processes.keys().next().value!);
  return p;
}

/** Drops what is known about `pid` (after exec, or when the pid may be reused); no argument: all. */
export function forgetProcess(pid?: number): void {
  if (pid === undefined) processes.clear();
  else processes.delete(pid);
}

/** The object and function covering `addr` in process `pid`. */
export function userSymbolize(pid: number, addr: bigint): UserSymbol | undefined {
  return processSymbols(pid).lookup(addr);
}

/** DTrace's text for a user address of `pid`: `libc.so.6`malloc+0x10`, `libc.so.6`0x7f..`, or `0x...`. */
export function formatUserAddr(pid: number, addr: bigint, withOffset = true): string {
  return processSymbols(pid).format(addr, withOffset);
}

/** umod(): the basename of the object holding `addr`, or raw hex. */
export function formatUserModule(pid: number, addr: bigint): string {
  return processSymbols(pid).formatModule(addr);
}

/** Matches functions of one object like Oracle's dt_pid_per_mod(): one site per address. */
function functionSites(elf: ElfFile, ref: ObjectRef, hostPath: string, func: string): UserFunctionSite[] {
  const t = elf.functionTable();
  const site = (i: number, name = t.nameAt(i)): UserFunctionSite => ({
    object: ref.name, path: hostPath, offset: t.offsetAt(i), name, value: t.valueAt(i), size: t.sizeAt(i),
  });
  if (func !== '' && !hasGlob(func)) {
    // An exact name: a global definition before a local one, then the lowest address; named by its
    // preferred alias (what dt_Plookup_by_addr() gives back), so `__libc_malloc` probes `malloc`.
    const cands = t.indicesNamed(func).filter((i) => t.probeableAt(i));
    if (!cands.length) return [];
    const i = cands.find((c) => !t.localAt(c)) ?? cands[0]!;
    return [site(i, elf.symbolize(t.valueAt(i))?.name ?? func)];
  }
  // A glob: in address order, the first alias at each address (best first) that matches, skipping
  // size-less symbols, IFUNC resolvers, non-code, and _init/_fini (as dt_pid_sym_filt() does).
  const match = fieldMatcher(func);
  const out: UserFunctionSite[] = [];
  let lastValue = -1;
  let taken = false;
  for (let i = 0; i < t.count; i++) {
    const v = t.valueAt(i);
    if (v !== lastValue) {
      lastValue = v;
      taken = false;
    }
    if (taken || !t.probeableAt(i)) continue;
    const name = t.nameAt(i);
    if (name === '_init' || name === '_fini') continue;
    if (!match || match(name)) {
      out.push(site(i, name));
      taken = true;
    }
  }
  return out;
}

/**
 * Function sites for the pid provider: in process `target` (its loaded objects) or in the ELF file
 * at path `target` (its only object, which is also `a.out`). `module` and `func` are probe fields
 * (empty = any; globs allowed; see selectObjects() for module names). Sorted by object then address.
 */
export function resolveUserFunction(target: number | string, module: string, func: string): UserFunctionSite[] {
  const out: UserFunctionSite[] = [];
  if (typeof target === 'string') {
    const path = resolve(target);
    const ref: ObjectRef = { path, name: basename(path), exec: true };
    if (!selectObjects([ref], module).length) return [];
    return functionSites(readElf(path), ref, path, func);
  }
  const proc = processSymbols(target);
  for (const ref of selectObjects(proc.objectRefs(), module)) {
    const o = proc.elfFor(ref);
    if (o) out.push(...functionSites(o.elf, ref, o.hostPath, func));
  }
  return out;
}

/** Every traceable function of process `pid` (one per address, preferred alias): `dtrace -l -n pid$target:::entry`. */
export function listUserFunctions(pid: number): UserFunctionSite[] {
  return resolveUserFunction(pid, '', '');
}
