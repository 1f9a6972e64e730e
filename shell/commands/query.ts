// `.query EXPR`: a jsonata expression over a fresh snapshot of the session (see shell/query/model.ts).
import type { Command } from './command.js';

export const queryCommand: Command = {
  name: 'query',
  usage: 'EXPR',
  help: 'evaluate a jsonata expression over a snapshot of the session (@name: an aggregation\'s entries, $prev: the last snapshot)',
  args: 'agg',
  async action(ctx, args) {
    const sq = await import('../query/shell-query.js');
    const expr = args.trim();
    if (!expr) {
      ctx.out(sq.summary(ctx));
      return;
    }
    const q = sq.compileForShell(expr);
    if (typeof q === 'string') {
      ctx.err(`dtsh: .query: ${q}\n`);
      return;
    }
    const r = await sq.evaluateForShell(ctx, q);
    if (r.ok) ctx.out(r.text);
    else ctx.err(`dtsh: .query: ${r.error}\n`);
  },
};
