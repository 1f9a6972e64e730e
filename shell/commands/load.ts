// `.load`: load the driver and show the probe table's size and what each provider can do here.
import type { Command } from './command.js';

export const loadCommand: Command = {
  name: 'load',
  usage: '',
  help: 'load the driver: check privileges and the kernel, build the probe table',
  args: 'none',
  async action(ctx) {
    const { loadDriver, formatDriverStatus } = await import('../engine/driver.js');
    ctx.driver = loadDriver(ctx.driver?.table);
    ctx.out(formatDriverStatus(ctx.driver));
  },
};
