// Tab completion of a dtsh input line: decides what is being completed there and asks the completer for it.
import { dotCommand } from './dot-command.js';
import { dtraceLine } from './dtrace-line.js';
import type { LineCompletion, LineContext } from './line-context.js';
import { program, type Span } from './line-parts.js';
import { shellWords } from './shell-words.js';

export { DEFAULT_ARG_KINDS } from './dot-command.js';
export type { ArgKind, LineCandidate, LineCompletion, LineContext } from './line-context.js';

/** What Tab does at `cursor` in `line`. */
export function completeLine(line: string, cursor: number, ctx: LineContext): LineCompletion {
  const head = line.slice(0, cursor);
  let p: Span;
  if (ctx.pending) p = program(head, ctx, ctx.pending);
  else {
    const lead = head.length - head.trimStart().length;
    const words = shellWords(line, cursor);
    if (head[lead] === '.') p = dotCommand(line, cursor, lead, ctx);
    else if (words.length > 1 && words[0].text === 'dtrace') p = dtraceLine(words, ctx);
    else p = program(head, ctx);
  }
  return { replaceFrom: p.from, replaceTo: cursor, candidates: p.candidates, common: p.common, total: p.total };
}
