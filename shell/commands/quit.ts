// `.quit`: disable everything and leave the shell.
import type { Command } from './command.js';

export const quitCommand: Command = {
  name: 'quit',
  usage: '',
  help: 'disable all probes and exit',
  action(ctx) {
    ctx.quit();
  },
};
