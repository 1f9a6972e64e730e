// Common prefixes: what Tab can insert when several candidates remain.

/** The longest common prefix of two strings. */
export function commonPrefix(a: string, b: string): string {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return a.slice(0, i);
}

/** The longest prefix of every text, or `typed` when that prefix would not extend what was typed. */
export function commonOf(texts: readonly string[], typed: string): string {
  if (texts.length === 0) return typed;
  let c = texts[0];
  for (let i = 1; i < texts.length && c.length > 0; i++) c = commonPrefix(c, texts[i]);
  return c.startsWith(typed) ? c : typed;
}
