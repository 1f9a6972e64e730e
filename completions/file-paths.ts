// File path completion for dot-command arguments and `dtrace -s`/`-o`, relative to a working directory.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { commonOf } from './common.js';

export interface PathOptions {
  /** Offer only files ending with one of these (directories are always offered). */
  suffixes?: readonly string[];
}

export interface PathCompletion {
  /** Sorted; directories end with `/`. */
  candidates: string[];
  common: string;
}

function isDir(dir: string, e: Dirent): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return statSync(resolve(dir, e.name)).isDirectory();
  } catch {
    return false;
  }
}

/** Paths that `word` (a path typed so far, `~/` allowed) can become. */
export function completePath(word: string, cwd: string, opts: PathOptions = {}): PathCompletion {
  const slash = word.lastIndexOf('/');
  const dirPart = word.slice(0, slash + 1);
  const base = word.slice(slash + 1);
  const expanded = dirPart.startsWith('~/') ? homedir() + dirPart.slice(1) : dirPart === '~' ? homedir() : dirPart;
  const dir = resolve(cwd, expanded || '.');
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return { candidates: [], common: word };
  }
  const out: string[] = [];
  for (const e of entries) {
    if (!e.name.startsWith(base) || (e.name.startsWith('.') && !base.startsWith('.'))) continue;
    if (isDir(dir, e)) out.push(dirPart + e.name + '/');
    else if (!opts.suffixes || opts.suffixes.some((s) => e.name.endsWith(s))) out.push(dirPart + e.name);
  }
  out.sort();
  return { candidates: out, common: commonOf(out, word) };
}
