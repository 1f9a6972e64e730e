// Field patterns for completion: DTrace's globs (kmod/probes/glob.ts), with `*`-only patterns matched without a RegExp.
import { fieldMatcher, type FieldMatcher } from '../kmod/probes/glob.js';

export type { FieldMatcher };

/** Matches `*`-separated literal pieces in order: the first at the start, the last at the end. */
function starMatcher(pattern: string): (s: string) => boolean {
  const pieces = pattern.split('*');
  const head = pieces[0];
  const tail = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  const min = head.length + tail.length;
  return (s) => {
    if (s.length < min || !s.startsWith(head) || !s.endsWith(tail)) return false;
    let at = head.length;
    const end = s.length - tail.length;
    for (const m of middle) {
      const i = s.indexOf(m, at);
      if (i < 0 || i + m.length > end) return false;
      at = i + m.length;
    }
    return true;
  };
}

/** A compiled field pattern; undefined when it matches everything (empty, or `*`). */
export function globMatcher(pattern: string): FieldMatcher {
  if (pattern === '' || /^\*+$/.test(pattern)) return undefined;
  if (/[?[\\]/.test(pattern)) return fieldMatcher(pattern);
  if (!pattern.includes('*')) return (s) => s === pattern;
  return starMatcher(pattern);
}

/** What a partly typed field can still become: the pattern with an implied `*` at its end. */
export function openMatcher(partial: string): FieldMatcher {
  return globMatcher(partial.endsWith('*') ? partial : partial + '*');
}
