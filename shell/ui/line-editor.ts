// The prompt's line editing as pure state transitions: readline's keys, history, and Ctrl-R search.

export interface EditorState {
  text: string;
  cursor: number;
  /** Index into history while browsing with Up/Down (history.length = the line being typed). */
  histIndex: number;
  /** What was typed before browsing history started. */
  draft: string;
  /** Ctrl-R: the search text, and the match index; undefined when not searching. */
  search?: { query: string; match: number };
}

export const emptyEditor = (historyLength: number): EditorState => ({ text: '', cursor: 0, histIndex: historyLength, draft: '' });

export type EditKey =
  | { kind: 'insert'; text: string }
  | { kind: 'backspace' } | { kind: 'delete' }
  | { kind: 'left' } | { kind: 'right' } | { kind: 'home' } | { kind: 'end' }
  | { kind: 'wordLeft' } | { kind: 'wordRight' }
  | { kind: 'killWord' } | { kind: 'killLine' } | { kind: 'killToEnd' }
  | { kind: 'up' } | { kind: 'down' }
  | { kind: 'search' } | { kind: 'cancelSearch' };

const wordStart = (t: string, i: number): number => {
  let j = i;
  while (j > 0 && /\s/.test(t[j - 1])) j--;
  while (j > 0 && !/\s/.test(t[j - 1])) j--;
  return j;
};

const wordEnd = (t: string, i: number): number => {
  let j = i;
  while (j < t.length && /\s/.test(t[j])) j++;
  while (j < t.length && !/\s/.test(t[j])) j++;
  return j;
};

/** The most recent history entry at or before `from` containing `query`, or -1. */
function findBack(history: readonly string[], query: string, from: number): number {
  for (let i = Math.min(from, history.length - 1); i >= 0; i--) if (history[i].includes(query)) return i;
  return -1;
}

export function edit(s: EditorState, key: EditKey, history: readonly string[]): EditorState {
  if (s.search) {
    const q = s.search;
    switch (key.kind) {
      case 'insert': {
        const query = q.query + key.text;
        const match = findBack(history, query, q.match < 0 ? history.length - 1 : q.match);
        return { ...s, search: { query, match }, ...(match >= 0 ? { text: history[match], cursor: history[match].length } : {}) };
      }
      case 'backspace':
        return { ...s, search: { query: q.query.slice(0, -1), match: q.match } };
      case 'search': {
        const match = findBack(history, q.query, q.match - 1);
        return match >= 0 ? { ...s, search: { query: q.query, match }, text: history[match], cursor: history[match].length } : s;
      }
      case 'cancelSearch':
        return { ...s, search: undefined, text: s.draft, cursor: s.draft.length };
      default:
        // any other key accepts the match and then acts on it
        return edit({ ...s, search: undefined }, key, history);
    }
  }
  const { text, cursor } = s;
  switch (key.kind) {
    case 'insert':
      return { ...s, text: text.slice(0, cursor) + key.text + text.slice(cursor), cursor: cursor + key.text.length };
    case 'backspace':
      return cursor ? { ...s, text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1 } : s;
    case 'delete':
      return { ...s, text: text.slice(0, cursor) + text.slice(cursor + 1) };
    case 'left':
      return { ...s, cursor: Math.max(0, cursor - 1) };
    case 'right':
      return { ...s, cursor: Math.min(text.length, cursor + 1) };
    case 'home':
      return { ...s, cursor: 0 };
    case 'end':
      return { ...s, cursor: text.length };
    case 'wordLeft':
      return { ...s, cursor: wordStart(text, cursor) };
    case 'wordRight':
      return { ...s, cursor: wordEnd(text, cursor) };
    case 'killWord': {
      const from = wordStart(text, cursor);
      return { ...s, text: text.slice(0, from) + text.slice(cursor), cursor: from };
    }
    case 'killLine':
      return { ...s, text: text.slice(cursor), cursor: 0 };
    case 'killToEnd':
      return { ...s, text: text.slice(0, cursor) };
    case 'up': {
      if (s.histIndex <= 0) return s;
      const draft = s.histIndex === history.length ? text : s.draft;
      const t = history[s.histIndex - 1];
      return { ...s, histIndex: s.histIndex - 1, draft, text: t, cursor: t.length };
    }
    case 'down': {
      if (s.histIndex >= history.length) return s;
      const i = s.histIndex + 1;
      const t = i === history.length ? s.draft : history[i];
      return { ...s, histIndex: i, text: t, cursor: t.length };
    }
    case 'search':
      return { ...s, draft: text, search: { query: '', match: history.length } };
    case 'cancelSearch':
      return s;
  }
}
