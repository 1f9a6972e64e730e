// `.probe DESC [ACTION]`: enable a probe description with the default action or the given one.
import type { Command } from './command.js';

export const probeCommand: Command = {
  name: 'probe',
  usage: 'DESC [/pred/] [{ action }]',
  help: 'enable a probe description, with the default action or the one given',
  args: 'probe',
  async action(ctx, args) {
    const text = args.trim();
    if (!text) {
      ctx.err('dtsh: .probe needs a probe description, e.g. .probe syscall::openat:entry\n');
      return;
    }
    const { enableText } = await import('./enable-text.js');
    const { closestProbes } = await import('../engine/closest.js');
    await enableText(ctx, text, (desc) => closestProbes(ctx.driver!.table, desc));
  },
};
