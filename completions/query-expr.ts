// Completion inside a `.query` / `.watch` expression (jsonata over the session model): `@name`, the
// model's fields after a `.` (aggregations.NAME.entries.buckets.lo, @name.value, $prev.drops, ...),
// an entry's fields inside `@name[...]` or `@name^(...)`, and `$prev` and common functions after `$`.
// The field names are those of shell/query/model.ts (a test keeps them equal).
import type { LineContext } from './line-context.js';
import { aggregations, none, plain, type Span } from './line-parts.js';

export const QUERY_FIELDS = {
  top: ['aggregations', 'probes', 'drops', 'errors'],
  aggregation: ['name', 'fn', 'params', 'entries'],
  probe: ['id', 'description', 'clause', 'probes', 'firings', 'enabled'],
  drops: ['buffer', 'aggregation', 'dynamic', 'speculative'],
  bucket: ['lo', 'hi', 'count'],
} as const;

export function queryEntryFields(fn: string | undefined): string[] {
  if (fn === 'quantize' || fn === 'lquantize' || fn === 'llquantize') return ['keys', 'key', 'buckets'];
  if (fn === 'avg' || fn === 'stddev') return ['keys', 'key', 'value', 'count', 'total'];
  return ['keys', 'key', 'value'];
}

/** `$` completions: the previous snapshot and the jsonata functions most queries use. */
const DOLLAR = ['$prev', '$count', '$sum', '$max', '$min', '$average', '$sort', '$lookup', '$keys', '$map', '$filter', '$reduce',
  '$string', '$number', '$join', '$distinct', '$round', '$exists', '$each', '$merge', '$spread', '$append', '$reverse', '$now'];

type QType =
  | { t: 'root' } | { t: 'aggs' } | { t: 'agg'; name: string } | { t: 'entry'; name: string } | { t: 'bucket' }
  | { t: 'probe' } | { t: 'drops' };

function fnOf(ctx: LineContext, name: string): string | undefined {
  return ctx.aggregationFns?.[name];
}

function fieldsOf(q: QType, ctx: LineContext): string[] {
  switch (q.t) {
    case 'root': return [...QUERY_FIELDS.top];
    case 'aggs': return [...new Set([...(ctx.names?.aggregations ?? []), ...Object.keys(ctx.aggregationFns ?? {})])].map((a) => a.replace(/^@/, '')).filter(Boolean);
    case 'agg': return [...QUERY_FIELDS.aggregation];
    case 'entry': return queryEntryFields(fnOf(ctx, q.name));
    case 'bucket': return [...QUERY_FIELDS.bucket];
    case 'probe': return [...QUERY_FIELDS.probe];
    case 'drops': return [...QUERY_FIELDS.drops];
  }
}

function step(q: QType | undefined, field: string): QType | undefined {
  if (!q) return undefined;
  switch (q.t) {
    case 'root':
      return field === 'aggregations' ? { t: 'aggs' } : field === 'probes' ? { t: 'probe' } : field === 'drops' ? { t: 'drops' } : undefined;
    case 'aggs':
      return { t: 'agg', name: field.replace(/^`|`$/g, '') };
    case 'agg':
      return field === 'entries' ? { t: 'entry', name: q.name } : undefined;
    case 'entry':
      return field === 'buckets' ? { t: 'bucket' } : undefined;
    default:
      return undefined;
  }
}

const IDENT = /[A-Za-z0-9_]/;

/** Skips back over a balanced (...) or [...] ending at `end` (the closing bracket); returns the opening index. */
function openingOf(text: string, end: number): number {
  const close = text[end];
  const open = close === ')' ? '(' : '[';
  let depth = 0;
  for (let i = end; i >= 0; i--) {
    if (text[i] === close) depth++;
    else if (text[i] === open && --depth === 0) return i;
  }
  return -1;
}

/** The type of the path that ends just before `end` (exclusive), e.g. `$prev.@counts[0]` → entry. */
function pathType(text: string, end: number): QType | undefined {
  let i = end;
  // filters and order-by after a step keep its type: @counts[value > 3].  @counts^(>value).
  while (i > 0 && (text[i - 1] === ']' || text[i - 1] === ')')) {
    const o = openingOf(text, i - 1);
    if (o < 0) return undefined;
    if (text[i - 1] === ')' && text[o - 1] !== '^') return undefined;
    i = text[i - 1] === ')' ? o - 1 : o;
  }
  let j = i;
  while (j > 0 && IDENT.test(text[j - 1])) j--;
  const word = text.slice(j, i);
  const before = text[j - 1];
  if (before === '@') return { t: 'entry', name: word };
  if (before === '$') return word === 'prev' || word === '' ? { t: 'root' } : undefined;
  if (!word) return undefined;
  if (before === '.') return step(pathType(text, j - 1), word);
  return step({ t: 'root' }, word);
}

/** The innermost bracket still open before `end`: its kind and index. */
function openBracket(text: string, end: number): { ch: string; at: number } | undefined {
  const stack: { ch: string; at: number }[] = [];
  let quote = '';
  for (let i = 0; i < end; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') stack.push({ ch: c, at: i });
    else if (c === ')' || c === ']' || c === '}') stack.pop();
  }
  return stack.at(-1);
}

/** Completion at the end of `text`, a query expression. */
export function queryExpr(text: string, ctx: LineContext): Span {
  let j = text.length;
  while (j > 0 && IDENT.test(text[j - 1])) j--;
  const word = text.slice(j);
  const before = text[j - 1];
  if (before === '@') return aggregations('@' + word, j - 1, ctx);
  if (before === '$') {
    const typed = '$' + word;
    return plain(j - 1, typed, DOLLAR.filter((d) => d.startsWith(typed)));
  }
  let type: QType | undefined;
  if (before === '.') type = pathType(text, j - 1);
  else {
    // inside @name[...] or @name^(...) the fields are the entries'; elsewhere the model's
    const b = openBracket(text, j);
    if (b && (b.ch === '[' || (b.ch === '(' && text[b.at - 1] === '^'))) type = pathType(text, b.ch === '(' ? b.at - 1 : b.at);
    else type = { t: 'root' };
  }
  if (!type) return none(text.length);
  const names = fieldsOf(type, ctx).filter((n) => n.startsWith(word)).sort();
  return plain(j, word, names);
}

/** `.watch [-n COUNT] SECONDS EXPR`: where EXPR starts, or -1 while the numbers are still being typed. */
export function watchExprStart(text: string): number {
  const m = /^(?:-n\s*\d+\s+)?\d*(?:\.\d*)?s?\s+/.exec(text);
  return m && /\d/.test(m[0]) ? m[0].length : -1;
}
