// `.help [command]`: the command list, or one command's help.
import type { Command } from './command.js';

export const helpCommand: Command = {
  name: 'help',
  usage: '[command]',
  help: 'show the commands, or help for one',
  action(ctx, args) {
    const want = args.trim().replace(/^\./, '');
    const list = want ? ctx.commands.filter((c) => c.name === want) : ctx.commands;
    if (want && !list.length) {
      ctx.err(`dtsh: no such command: .${want}\n`);
      return;
    }
    const w = Math.max(...list.map((c) => `.${c.name} ${c.usage}`.trim().length));
    ctx.out(list.map((c) => `${`.${c.name} ${c.usage}`.trim().padEnd(w)}  ${c.help}\n`).join(''));
  },
};
