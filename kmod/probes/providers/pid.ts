// The pid provider: pidNNN:MODULE:FUNC:entry|return on uprobes, created when a description names
// process NNN (its loaded objects, or for a -c command not yet exec'd, the objects it is about to load).
import { spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import { fieldMatcher, hasGlob } from '../glob.js';
import type { ProbeDescription } from '../describe.js';
import { readElf } from '../../symbols/elf.js';
import { selectObjects, type ObjectRef } from '../../symbols/object-match.js';
import { resolveUserFunction, type UserFunctionSite } from '../../symbols/process.js';
import type { ProbeCreator, ProbeSpec, Provision } from './provider.js';

const PT_INTERP = 3;

/** The process ID a pid-provider name (`pid1234`) stands for, or undefined. */
export function pidOfProvider(provider: string): number | undefined {
  const m = /^pid([1-9]\d*)$/.exec(provider);
  return m ? Number(m[1]) : undefined;
}

/**
 * Processes started by -c that are still held before exec: their pid already names them, but their
 * objects are the command's, not the waiting shell's.
 */
const execTargets = new Map<number, string>();

/**
 * Tells the pid provider that process `pid` is about to exec `command` (the -c gate): its probes
 * resolve against the command's executable and the shared objects the dynamic linker will load.
 * Returns the executable's path, or undefined when it cannot be found (probes then resolve against
 * the process as it is).
 */
export function registerExecTarget(pid: number, command: string): string | undefined {
  const exe = commandExecutable(command);
  if (!exe) return undefined;
  execTargets.set(pid, exe);
  return exe;
}

/** Forgets a registered -c target (after it exec'd, its own maps are the truth). */
export function forgetExecTarget(pid: number): void {
  execTargets.delete(pid);
}

/** The path `sh -c 'exec CMD'` would run: the first word, searched in $PATH unless it has a '/'. */
export function commandExecutable(command: string, path = process.env.PATH ?? '/usr/bin:/bin'): string | undefined {
  const word = /^\s*(?:'([^']*)'|"([^"]*)"|(\S+))/.exec(command);
  const name = word ? (word[1] ?? word[2] ?? word[3] ?? '') : '';
  if (!name) return undefined;
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (name.includes('/')) return executable(name) ? resolve(name) : undefined;
  for (const dir of path.split(delimiter)) {
    const p = resolve(join(dir || '.', name));
    if (executable(p)) return p;
  }
  return undefined;
}

/** `#!interpreter` of a script, or undefined for anything else. */
function scriptInterpreter(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.toString('latin1', 0, n);
    if (!text.startsWith('#!')) return undefined;
    return /^#!\s*(\S+)/.exec(text)?.[1];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A path with symbolic links resolved, as /proc/PID/maps will show the mapped file. */
function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * The ELF objects executing `path` will map, named as the process's maps will name them: the
 * executable (a script's interpreter), then its shared objects as the dynamic linker resolves them.
 */
export function plannedObjects(path: string): ObjectRef[] {
  const interpFor = scriptInterpreter(path);
  const exe = realPath(interpFor ?? path);
  const out: ObjectRef[] = [{ path: exe, name: basename(exe), exec: true }];
  let interp: string | undefined;
  try {
    const elf = readElf(exe);
    const seg = elf.segments.find((s) => s.type === PT_INTERP);
    if (seg) {
      const fd = openSync(exe, 'r');
      try {
        const buf = Buffer.alloc(seg.filesz);
        readSync(fd, buf, 0, seg.filesz, seg.offset);
        interp = buf.toString('latin1').replace(/\0.*$/s, '');
      } finally {
        closeSync(fd);
      }
    }
  } catch {
    return out;
  }
  if (!interp) return out;
  // `ld.so --list` resolves the dependencies without running the program (what ldd does).
  const r = spawnSync(interp, ['--list', exe], { encoding: 'utf8', timeout: 10000 });
  const seen = new Set([exe]);
  const add = (p: string) => {
    const real = realPath(p);
    if (seen.has(real)) return;
    seen.add(real);
    out.push({ path: real, name: basename(real), exec: false });
  };
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^\s*(?:\S+\s+=>\s+)?(\/\S+)\s+\(0x[0-9a-f]+\)\s*$/.exec(line);
    if (m) add(m[1]);
  }
  add(interp);
  return out;
}

/** Function sites of a -c command that has not exec'd yet. */
function plannedSites(exe: string, module: string, func: string): UserFunctionSite[] {
  const out: UserFunctionSite[] = [];
  for (const ref of selectObjects(plannedObjects(exe), module)) {
    try {
      out.push(...resolveUserFunction(ref.path, '', func).map((s) => ({ ...s, object: ref.name })));
    } catch {
      // an object we cannot read offers no probes
    }
  }
  return out;
}

/**
 * The inode of the executable a registered -c target will run (its probes wait for it: the shell at the
 * gate maps the same libc), or undefined for other processes.
 */
export function pendingExecInode(pid: number): bigint | undefined {
  const exe = execTargets.get(pid);
  if (!exe) return undefined;
  try {
    return statSync(plannedObjects(exe)[0].path, { bigint: true }).ino;
  } catch {
    return undefined;
  }
}

/** The sites of `module`:`func` in process `pid` (live, or about to exec a registered -c command). */
export function pidFunctionSites(pid: number, module: string, func: string): UserFunctionSite[] {
  const planned = execTargets.get(pid);
  let sites: UserFunctionSite[];
  if (planned) sites = plannedSites(planned, module, func);
  else {
    try {
      sites = resolveUserFunction(pid, module, func);
    } catch {
      sites = [];
    }
  }
  return dropUnprobeable(sites);
}

/** x86 legacy prefixes that may precede an opcode. */
const X86_PREFIXES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);

/** True when the instruction bytes start with a LOCK prefix (among the legacy prefixes). */
export function startsLocked(bytes: Buffer): boolean {
  for (const b of bytes) {
    if (b === 0xf0) return true;
    if (!X86_PREFIXES.has(b)) return false;
  }
  return false;
}

/**
 * The sites whose first instruction the kernel can put a uprobe on. x86-64 refuses LOCK-prefixed
 * instructions (ENOTSUPP), which start some libc functions (pthread_spin_lock): like DTrace with what it
 * cannot instrument, those functions offer no probes.
 */
export function dropUnprobeable(sites: UserFunctionSite[], arch = process.arch): UserFunctionSite[] {
  if (arch !== 'x64' || !sites.length) return sites;
  const fds = new Map<string, number | null>();
  const buf = Buffer.alloc(8);
  try {
    return sites.filter((s) => {
      let fd = fds.get(s.path);
      if (fd === undefined) {
        try {
          fd = openSync(s.path, 'r');
        } catch {
          fd = null;
        }
        fds.set(s.path, fd);
      }
      if (fd === null) return true;
      const n = readSync(fd, buf, 0, buf.length, s.offset);
      return !startsLocked(buf.subarray(0, n));
    });
  } finally {
    for (const fd of fds.values()) if (fd !== null) closeSync(fd);
  }
}

const NAMES = ['entry', 'return'] as const;

/**
 * Creates pidNNN probes for a description whose provider is literally `pidNNN` (after $target expansion).
 * As DTrace's dt_pid_fix_mod() does, an exact module is renamed to the object it found (`a.out` → the
 * executable's basename) and an exact function to the alias the probe is named by, so they match.
 */
export const pidCreator: ProbeCreator = {
  name: 'pid',
  provide(desc: ProbeDescription): Provision {
    const none = { probes: [] };
    if (hasGlob(desc.provider)) return none;
    const pid = pidOfProvider(desc.provider);
    if (pid === undefined) return none;
    const nameMatch = fieldMatcher(desc.name);
    const names = NAMES.filter((n) => !nameMatch || nameMatch(n));
    if (!names.length) return none;
    const sites = pidFunctionSites(pid, desc.module, desc.func);
    const ino = pendingExecInode(pid);
    const probes: ProbeSpec[] = [];
    for (const site of sites) {
      for (const name of names) {
        probes.push({
          provider: desc.provider, module: site.object, func: site.name, name,
          attach: {
            kind: 'uprobe', pid, path: site.path, offset: site.offset, ret: name === 'return', ...(ino !== undefined ? { execIno: ino } : {}),
          },
        });
      }
    }
    const exactModule = desc.module !== '' && !hasGlob(desc.module);
    const exactFunc = desc.func !== '' && !hasGlob(desc.func);
    if (!sites.length || (!exactModule && !exactFunc)) return { probes };
    return {
      probes,
      description: {
        ...desc,
        module: exactModule ? sites[0].object : desc.module,
        func: exactFunc && sites.every((x) => x.name === sites[0].name) ? sites[0].name : desc.func,
      },
    };
  },
};
