// A partly typed probe description split into its fields: those already typed and the one being typed.

/** The four fields of `provider:module:function:name`, left to right. */
export const PROBE_FIELDS = ['provider', 'module', 'func', 'name'] as const;
export type ProbeField = (typeof PROBE_FIELDS)[number];

export interface PartialDescription {
  /** The fields typed before the one under completion, as typed. */
  done: string[];
  /** The text of the field under completion. */
  partial: string;
  /** Everything before `partial` (the done fields, each followed by ':'); every candidate starts with it. */
  head: string;
}

/** Splits at ':' outside `[...]`, the last piece being the field under completion. */
export function splitPartial(text: string): PartialDescription {
  const done: string[] = [];
  let start = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') depth++;
    else if (c === ']' && depth > 0) depth--;
    else if (c === ':' && depth === 0) {
      done.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return { done, partial: text.slice(start), head: text.slice(0, start) };
}

const GLOB_CHAR = /[*?[\\]/;

/** True when the text holds a glob character (`*`, `?`, `[`, `\`). */
export const isGlob = (s: string): boolean => GLOB_CHAR.test(s);

/** The part of a pattern before its first glob character: every match starts with it. */
export function literalPrefix(pattern: string): string {
  const m = GLOB_CHAR.exec(pattern);
  return m ? pattern.slice(0, m.index) : pattern;
}
