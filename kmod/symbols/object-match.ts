// Which of a process's objects a pid-provider module field names: glob, `a.out`, full path, basename, `libc`.
import { fieldMatcher, hasGlob } from '../probes/glob.js';

/** A loaded ELF object of a process (or a lone file given by path). */
export interface ObjectRef {
  /** The path as the process sees it (from /proc/PID/maps). */
  path: string;
  /** Basename of `path`: what DTrace prints (`libc.so.6`). */
  name: string;
  /** The process's executable (what `a.out` names). */
  exec: boolean;
}

/**
 * Selects objects like DTrace's pid provider: an empty field or a glob matches basenames (every
 * match); otherwise one object, as libproc's Pname_to_map() finds it: `a.out` is the executable;
 * then an exact full path or basename; then a basename that starts with the name and a dot
 * (`libc` and `libc.so` both name `libc.so.6`).
 */
export function selectObjects(objects: ObjectRef[], module: string): ObjectRef[] {
  if (module === '' || hasGlob(module)) {
    const m = fieldMatcher(module);
    return m ? objects.filter((o) => m(o.name)) : objects.slice();
  }
  if (module === 'a.out') return objects.filter((o) => o.exec).slice(0, 1);
  const exact = objects.find((o) => o.path === module || o.name === module);
  if (exact) return [exact];
  const partial = objects.find((o) => o.name.startsWith(module) && o.name[module.length] === '.');
  return partial ? [partial] : [];
}
