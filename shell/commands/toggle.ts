// `.disable N`, `.enable N`, `.stop`, `.go`: detach or re-attach one enabling; pause or resume all.
import type { Command, ShellContext } from './command.js';

function id(ctx: ShellContext, args: string): number | undefined {
  const n = Number(args.trim());
  if (!Number.isInteger(n) || n < 1) {
    ctx.err('dtsh: expected an enabling ID (see .enabled)\n');
    return undefined;
  }
  return n;
}

export const disableCommand: Command = {
  name: 'disable',
  usage: 'N',
  help: 'detach enabling N at once (its data stays)',
  action(ctx, args) {
    const n = id(ctx, args);
    if (n === undefined || !ctx.live) return;
    const e = ctx.live.disable(n);
    ctx.out(`disabled ${e.id}: ${e.descs.join(', ')}\n`);
  },
};

export const enableCommand: Command = {
  name: 'enable',
  usage: 'N',
  help: 'attach enabling N again',
  action(ctx, args) {
    const n = id(ctx, args);
    if (n === undefined || !ctx.live) return;
    const e = ctx.live.reenable(n);
    ctx.out(`enabled ${e.id}: ${e.descs.join(', ')}\n`);
  },
};

export const stopCommand: Command = {
  name: 'stop',
  usage: '',
  help: 'pause every probe (nothing is detached)',
  args: 'none',
  action(ctx) {
    ctx.live?.pause(true);
    ctx.out('paused\n');
  },
};

export const goCommand: Command = {
  name: 'go',
  usage: '',
  help: 'resume every probe',
  args: 'none',
  action(ctx) {
    ctx.live?.pause(false);
    ctx.out('running\n');
  },
};
