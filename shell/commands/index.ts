// Every shell command, in the order .help lists them.
import type { Command } from './command.js';
import { loadCommand } from './load.js';
import { listCommand } from './list.js';
import { probeCommand } from './probe.js';
import { enabledCommand } from './enabled.js';
import { disableCommand, enableCommand, stopCommand, goCommand } from './toggle.js';
import { printCommand, clearCommand } from './aggs.js';
import { queryCommand } from './query.js';
import { watchCommand } from './watch.js';
import { setCommand } from './set.js';
import { saveCommand, sourceCommand, historyCommand } from './files.js';
import { helpCommand } from './help.js';
import { quitCommand } from './quit.js';

export const commands: readonly Command[] = [
  loadCommand, listCommand, probeCommand, enabledCommand, disableCommand, enableCommand, stopCommand, goCommand,
  printCommand, clearCommand, queryCommand, watchCommand, setCommand, saveCommand, sourceCommand, historyCommand, helpCommand, quitCommand,
];
