// `.load`: load the driver and show the probe table's size and what each provider can do here.
import { loadDriver, formatDriverStatus } from '../engine/driver.js';
import type { Command } from './command.js';

export const loadCommand: Command = {
  name: 'load',
  usage: '',
  help: 'load the driver: check privileges and the kernel, build the probe table',
  action(ctx) {
    ctx.driver = loadDriver();
    ctx.out(formatDriverStatus(ctx.driver));
  },
};
