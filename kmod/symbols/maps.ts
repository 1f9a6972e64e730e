// /proc/PID/maps: a process's mappings (address range, permissions, file offset, backing path).
import { readFileSync } from 'node:fs';

export interface Mapping {
  start: bigint;
  /** Exclusive. */
  end: bigint;
  /** `r-xp` and the like. */
  perms: string;
  /** Offset in the backing file of `start`. */
  offset: number;
  dev: string;
  inode: number;
  /** Backing file, a pseudo name (`[vdso]`, `[heap]`, `[stack]`) or '' for anonymous memory. */
  path: string;
  /** The backing file has been unlinked (the kernel appends ` (deleted)`; stripped from `path`). */
  deleted: boolean;
}

/** Parses maps text. Lines that do not fit are skipped. */
export function parseMaps(text: string): Mapping[] {
  const out: Mapping[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+([0-9a-f]+)\s+(\S+)\s+(\d+)\s*(.*)$/.exec(line);
    if (!m) continue;
    let path = m[7]!;
    const deleted = path.endsWith(' (deleted)');
    if (deleted) path = path.slice(0, -' (deleted)'.length);
    out.push({
      start: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]), perms: m[3]!, offset: parseInt(m[4]!, 16),
      dev: m[5]!, inode: Number(m[6]), path, deleted,
    });
  }
  return out;
}

/** A live process's mappings; throws the fs error (ENOENT once it has exited). */
export function readMaps(pid: number | 'self', procRoot = '/proc'): Mapping[] {
  return parseMaps(readFileSync(`${procRoot}/${pid}/maps`, 'utf8'));
}

/** True for mappings backed by a regular file (not anonymous memory nor a `[pseudo]` region). */
export function isFileMapping(m: Mapping): boolean {
  return m.inode !== 0 && m.path.startsWith('/');
}
