// The completers a line can need, each answering for the text up to the cursor as a span of that text.
import { commonOf } from './common.js';
import { descriptionStart, placeAtEnd } from './d-place.js';
import { completeDWord } from './d-words.js';
import { completePath } from './file-paths.js';
import type { LineCandidate, LineContext } from './line-context.js';
import type { ProbeField } from './probe-index.js';

/** A completion relative to some text: the replaced part starts at `from` and ends at the text's end. */
export interface Span {
  from: number;
  candidates: LineCandidate[];
  common: string;
  total: number;
}

/** Nothing to offer: an empty replacement at `at` (the end of the text). */
export const none = (at: number): Span => ({ from: at, candidates: [], common: '', total: 0 });

/** Texts as candidates (with a kind each, for display); `typed` is the text they replace. */
export function plain(from: number, typed: string, texts: readonly string[], kind?: (t: string) => string | undefined): Span {
  const candidates = texts.map((text) => {
    const k = kind?.(text);
    return k === undefined ? { text } : { text, kind: k };
  });
  return { from, candidates, common: commonOf(texts, typed), total: texts.length };
}

/** Probe descriptions completing `word` (which starts at `from`). */
export function probe(word: string, from: number, ctx: LineContext, last: ProbeField = 'name'): Span {
  if (!ctx.probes) return none(from + word.length);
  const r = ctx.probes.complete(word, { last, limit: ctx.limit });
  return { from, candidates: r.candidates.map((c) => ({ text: c.text, count: c.count })), common: r.common, total: r.total };
}

/** Completion at the end of D program text: a probe description, or a D word in a predicate or body. */
export function program(text: string, ctx: LineContext, pending = ''): Span {
  const place = placeAtEnd(pending ? pending + '\n' + text : text);
  if (place === 'description') {
    const start = descriptionStart(text);
    return probe(text.slice(start), start, ctx);
  }
  if (place === 'predicate' || place === 'body') {
    const r = completeDWord(text, ctx.names);
    return { from: r.from, candidates: r.candidates, common: r.common, total: r.candidates.length };
  }
  return none(text.length);
}

/** `@name`s; the `@` may be left out when typing. */
export function aggregations(word: string, from: number, ctx: LineContext): Span {
  const typed = word.startsWith('@') ? word : '@' + word;
  const names = [...new Set((ctx.names?.aggregations ?? []).map((a) => '@' + a.replace(/^@/, '')))].sort();
  const texts = names.filter((n) => n.startsWith(typed));
  const p = plain(from, typed, texts, () => 'aggregation');
  return p.common === typed ? { ...p, common: word } : p;
}

/** Paths completing `word`, relative to the context's working directory. */
export function paths(word: string, from: number, ctx: LineContext, suffixes?: string[]): Span {
  const r = completePath(word, ctx.cwd ?? process.cwd(), { suffixes });
  return plain(from, word, r.candidates, (t) => (t.endsWith('/') ? 'directory' : undefined));
}

/** The dot-command names, each with its dot, sorted. */
export function commandNames(ctx: LineContext): string[] {
  return [...new Set(ctx.commands.map((c) => (typeof c === 'string' ? c : c.name)).map((n) => '.' + n.replace(/^\./, '')))]
    .sort();
}

/** A span of text that starts at `by` in the line. */
export function shift(p: Span, by: number): Span {
  return { ...p, from: p.from + by };
}
