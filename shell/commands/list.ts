// `.list [desc]`: probes matching a description as a table (or, with no description, the providers).
import Table from 'cli-table3';
import type { Command } from './command.js';

const MAX_ROWS = 1000;

export const listCommand: Command = {
  name: 'list',
  usage: '[desc]',
  help: 'list the probes a description matches (the providers when none is given)',
  args: 'probe',
  async action(ctx, args) {
    await ctx.ensureLive();
    const table = ctx.driver!.table;
    const desc = args.trim();
    if (!desc) {
      const t = new Table({ head: ['PROVIDER', 'PROBES'], style: { head: [], border: [] } });
      for (const name of table.providerNames()) t.push([name, String(table.ofProvider(name).length)]);
      ctx.out(t.toString() + '\n');
      return;
    }
    const probes = table.match(desc);
    if (!probes.length) {
      ctx.err(`dtsh: probe description ${desc} does not match any probes\n`);
      return;
    }
    const t = new Table({ head: ['ID', 'PROVIDER', 'MODULE', 'FUNCTION', 'NAME'], style: { head: [], border: [] } });
    for (const p of probes.slice(0, MAX_ROWS)) t.push([String(p.id), p.provider, p.module, p.func, p.name]);
    ctx.out(t.toString() + '\n');
    ctx.out(probes.length > MAX_ROWS ? `${probes.length} probes (first ${MAX_ROWS} shown)\n` : `${probes.length} probe${probes.length === 1 ? '' : 's'}\n`);
  },
};
