// Completion after a dot-command: its name, or its argument (a D program, probe, path, aggregation or command).
import type { ArgKind, LineContext } from './line-context.js';
import { aggregations, commandNames, none, paths, plain, probe, program, shift, type Span } from './line-parts.js';
import { lineIndex, shellWords } from './shell-words.js';
import { queryExpr, watchExprStart } from './query-expr.js';

/** The argument kinds of the dot-commands that take one; the caller may add or override. */
export const DEFAULT_ARG_KINDS: Readonly<Record<string, ArgKind>> = {
  probe: 'program',
  list: 'probe',
  save: 'file',
  source: 'file',
  print: 'aggregation',
  clear: 'aggregation',
  query: 'query',
  watch: 'watch',
  help: 'command',
};

/** `.name args...`, `lead` being where the dot is. */
export function dotCommand(line: string, cursor: number, lead: number, ctx: LineContext): Span {
  const head = line.slice(0, cursor);
  const sp = head.slice(lead).search(/\s/);
  if (sp < 0) {
    const typed = head.slice(lead);
    return plain(lead, typed, commandNames(ctx).filter((n) => n.startsWith(typed)));
  }
  const name = head.slice(lead + 1, lead + sp);
  const kind = ctx.argKinds?.[name] ?? DEFAULT_ARG_KINDS[name] ?? 'none';
  let argStart = lead + sp;
  while (argStart < cursor && /\s/.test(line[argStart])) argStart++;
  if (kind === 'program') return shift(program(line.slice(argStart, cursor), ctx), argStart);
  if (kind === 'query') return shift(queryExpr(line.slice(argStart, cursor), ctx), argStart);
  if (kind === 'watch') {
    const at = watchExprStart(line.slice(argStart, cursor));
    return at < 0 ? none(cursor) : shift(queryExpr(line.slice(argStart + at, cursor), ctx), argStart + at);
  }
  const words = shellWords(line, cursor);
  const w = words[words.length - 1];
  const from = lineIndex(w, 0);
  switch (kind) {
    case 'probe':
      return probe(w.text, from, ctx);
    case 'file':
      return paths(w.text, from, ctx);
    case 'script':
      return paths(w.text, from, ctx, ['.d']);
    case 'aggregation':
      return aggregations(w.text, from, ctx);
    case 'command': {
      const withDot = w.text.startsWith('.');
      const names = commandNames(ctx).map((n) => (withDot ? n : n.slice(1)));
      return plain(from, w.text, names.filter((n) => n.startsWith(w.text)));
    }
    default:
      return none(cursor);
  }
}
