// Where the end of some D program text lies: in a probe description, a predicate, a clause body, a string or a comment.

export type DPlace = 'description' | 'predicate' | 'body' | 'string' | 'comment' | 'control';

/** DTrace's rule: a `/` in a predicate closes it when followed (after blanks) by the end, `;`, `{` or `/`. */
function closesPredicate(text: string, i: number): boolean {
  let j = i + 1;
  while (j < text.length && /\s/.test(text[j])) j++;
  return j >= text.length || ';{/'.includes(text[j]);
}

/** True when only blanks precede index `i` on its line. */
function atLineStart(text: string, i: number): boolean {
  for (let k = i - 1; k >= 0 && text[k] !== '\n'; k--) if (text[k] !== ' ' && text[k] !== '\t') return false;
  return true;
}

/** The place at the end of `text`, scanning it from the start. */
export function placeAtEnd(text: string): DPlace {
  let depth = 0;
  let pred = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return 'comment';
      i = close + 1;
    } else if (c === '/' && next === '/') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return 'comment';
      i = nl;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return 'string';
      i = j;
    } else if (c === '#' && depth === 0 && !pred && atLineStart(text, i)) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return 'control';
      i = nl;
    } else if (pred) {
      if (c === '/' && closesPredicate(text, i)) pred = false;
    } else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (c === '/' && depth === 0) pred = true;
  }
  return depth > 0 ? 'body' : pred ? 'predicate' : 'description';
}

/** Where the probe description that ends `text` starts (descriptions are separated by blanks, `,`, `}`, `;`). */
export function descriptionStart(text: string): number {
  let i = text.length;
  while (i > 0 && !/[\s,{}/;]/.test(text[i - 1])) i--;
  return i;
}
