// DTrace's probe-field patterns (gmatch): `*`, `?`, `[...]` with ranges and `!` negation, `\` escapes.

/** A compiled field pattern: undefined matches everything (an empty field). */
export type FieldMatcher = ((s: string) => boolean) | undefined;

const isGlob = (p: string) => /[*?[\\]/.test(p);

function toRegExp(p: string): RegExp {
  let re = '^';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '\\' && i + 1 < p.length) re += escape(p[++i]);
    else if (c === '[') {
      const close = p.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = p.slice(i + 1, close);
      const neg = body.startsWith('!') || body.startsWith('^');
      if (neg) body = body.slice(1);
      re += '[' + (neg ? '^' : '') + body.replace(/[\\\]^]/g, '\\$&') + ']';
      i = close;
    } else re += escape(c);
  }
  return new RegExp(re + '$', 's');
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Compiles one field of a probe description. */
export function fieldMatcher(pattern: string): FieldMatcher {
  if (pattern === '' || pattern === '*') return undefined;
  if (!isGlob(pattern)) return (s) => s === pattern;
  const re = toRegExp(pattern);
  return (s) => re.test(s);
}

/** True when the pattern contains glob characters (so it may match more than one thing). */
export const hasGlob = isGlob;
