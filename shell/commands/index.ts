// Every shell command, in the order .help lists them.
import type { Command } from './command.js';
import { loadCommand } from './load.js';
import { helpCommand } from './help.js';
import { quitCommand } from './quit.js';

export const commands: readonly Command[] = [loadCommand, helpCommand, quitCommand];
