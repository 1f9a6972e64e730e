// `.set opt=val`: the -x options, for this session (and the next enablings).
import { setOption, OptionError } from '../engine/options.js';
import type { Command } from './command.js';

export const setCommand: Command = {
  name: 'set',
  usage: 'opt[=val]',
  help: 'set a dtrace option (bufsize, strsize, quiet, aggsortkey, ...)',
  args: 'option',
  async action(ctx, args) {
    const a = args.trim();
    if (!a) {
      const o = (await ctx.ensureLive()).opts;
      ctx.out([...o.raw].map(([k, v]) => `${k}=${v === true ? '' : v}`).join('\n') + (o.raw.size ? '\n' : 'no options set\n'));
      return;
    }
    const eq = a.indexOf('=');
    const [name, value] = eq < 0 ? [a, true as const] : [a.slice(0, eq), a.slice(eq + 1)];
    try {
      setOption((await ctx.ensureLive()).opts, name, value);
    } catch (e) {
      if (e instanceof OptionError) ctx.err(`dtsh: failed to set -x ${name}: ${e.message}\n`);
      else throw e;
    }
  },
};
