// `.print [@agg]` and `.clear [@agg]`: printa now, or clear the values (keys stay).
import type { Command, ShellContext } from './command.js';

function aggName(ctx: ShellContext, args: string): string | undefined | null {
  const a = args.trim();
  if (!a) return undefined;
  if (!a.startsWith('@')) {
    ctx.err(`dtsh: expected an aggregation such as @counts, got ${a}\n`);
    return null;
  }
  return a.slice(1);
}

export const printCommand: Command = {
  name: 'print',
  usage: '[@agg]',
  help: 'print an aggregation now (all of them when none is named)',
  args: 'agg',
  action(ctx, args) {
    const name = aggName(ctx, args);
    if (name === null) return;
    if (!ctx.live) {
      ctx.out('no aggregations\n');
      return;
    }
    ctx.out(ctx.live.print(name));
  },
};

export const clearCommand: Command = {
  name: 'clear',
  usage: '[@agg]',
  help: 'clear an aggregation\'s values (all of them when none is named)',
  args: 'agg',
  action(ctx, args) {
    const name = aggName(ctx, args);
    if (name === null) return;
    ctx.live?.clear(name);
  },
};
