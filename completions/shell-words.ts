// A command line split into words the way a POSIX shell would, up to the cursor, with quotes removed.

export interface ShellWord {
  /** The word with quotes and escapes removed. */
  text: string;
  /** For each character of `text`, its index in the line. */
  at: number[];
  /** Index in the line where the word starts, and just past its end. */
  start: number;
  end: number;
}

/** The words of `line` before `cursor`; the last is the word under the cursor (empty after a blank). */
export function shellWords(line: string, cursor: number): ShellWord[] {
  const words: ShellWord[] = [];
  let cur: ShellWord | undefined;
  let quote: string | undefined;
  const add = (c: string, i: number) => {
    if (!cur) words.push((cur = { text: '', at: [], start: i, end: i }));
    cur.text += c;
    cur.at.push(i);
  };
  for (let i = 0; i < cursor; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < cursor && '"\\$`'.includes(line[i + 1])) add(line[++i], i);
      else add(c, i);
    } else if (c === ' ' || c === '\t') {
      if (cur) cur.end = i;
      cur = undefined;
    } else if (c === "'" || c === '"') {
      if (!cur) words.push((cur = { text: '', at: [], start: i, end: i }));
      quote = c;
    } else if (c === '\\' && i + 1 < cursor) add(line[++i], i);
    else add(c, i);
  }
  if (cur) cur.end = cursor;
  else words.push({ text: '', at: [], start: cursor, end: cursor });
  return words;
}

/** The line index of character `k` of a word (its end when `k` is past the last character). */
export function lineIndex(w: ShellWord, k: number): number {
  return k < w.at.length ? w.at[k] : w.end;
}
