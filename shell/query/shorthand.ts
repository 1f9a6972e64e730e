// `@name` in a query: shorthand for the entries of aggregation @name (`@` alone: the anonymous one).
//
//   @counts           $$.aggregations.`counts`.entries      (from the root, wherever it is written)
//   $prev.@counts     $prev.aggregations.`counts`.entries    (after a `.`: relative to what precedes)
//   @                 $lookup($$.aggregations, "").entries
//
// jsonata itself uses `@` only as `@$var` (context binding), which is left alone, as are strings,
// backquoted names, comments and regular expressions. `map[i]` is the index in the original text of
// character i of the expansion, so error positions can be reported where the user typed.

export interface Expanded {
  text: string;
  map: number[];
  /** The aggregation names the text refers to with `@`. */
  names: string[];
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
/** After these, `/` starts a regular expression rather than dividing. */
const REGEX_AFTER = new Set(['', '(', ',', '[', '{', ':', ';', '=', '!', '<', '>', '&', '|', '?', '~', '+', '-', '*', '%', '/']);

export function expandShorthand(src: string): Expanded {
  let text = '';
  const map: number[] = [];
  const names: string[] = [];
  const emit = (s: string, at: number) => {
    text += s;
    for (let k = 0; k < s.length; k++) map.push(at);
  };
  const copy = (from: number, to: number) => {
    text += src.slice(from, to);
    for (let k = from; k < to; k++) map.push(k);
  };
  /** The last character that is not blank, outside strings and comments (for the `.` and regex rules). */
  let prev = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' && c !== '`' ? 2 : 1;
      copy(i, Math.min(j + 1, src.length));
      i = j + 1;
      prev = c;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const j = end < 0 ? src.length : end + 2;
      copy(i, j);
      i = j;
      continue;
    }
    if (c === '/' && REGEX_AFTER.has(prev)) {
      let j = i + 1;
      while (j < src.length && src[j] !== '/') j += src[j] === '\\' ? 2 : 1;
      copy(i, Math.min(j + 1, src.length));
      i = j + 1;
      prev = '/x';
      continue;
    }
    if (c === '@') {
      let j = i + 1;
      while (j < src.length && /\s/.test(src[j])) j++;
      if (src[j] === '$') {
        copy(i, i + 1);
        i++;
        prev = c;
        continue;
      }
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      const name = m ? m[0] : '';
      const base = prev === '.' ? 'aggregations' : '$$.aggregations';
      emit(name ? `${base}.\`${name}\`.entries` : `$lookup(${base}, "").entries`, i);
      names.push(name);
      i += 1 + name.length;
      prev = 's';
      continue;
    }
    copy(i, i + 1);
    if (!/\s/.test(c)) prev = /[A-Za-z0-9_$)\]}]/.test(c) ? 'w' : c;
    i++;
  }
  return { text, map, names: [...new Set(names)] };
}

/** The column (1-based) in the original text of jsonata's `position` in the expansion. */
export function originalColumn(e: Expanded, position: number): number {
  if (!e.map.length) return 1;
  const i = Math.max(0, Math.min(position - 1, e.map.length - 1));
  return e.map[i] + 1;
}
