// `.enabled`: what is enabled: ID, description, clause, probes, firings, state.
import Table from 'cli-table3';
import type { Command } from './command.js';

export const enabledCommand: Command = {
  name: 'enabled',
  usage: '',
  help: 'show the enabled clauses with their firing counts',
  args: 'none',
  action(ctx) {
    const live = ctx.live;
    if (!live || !live.enablings.length) {
      ctx.out('nothing enabled\n');
      return;
    }
    const t = new Table({ head: ['ID', 'DESCRIPTION', 'CLAUSE', 'PROBES', 'FIRINGS', 'STATE'], style: { head: [], border: [] } });
    for (const e of live.enablings) {
      const clause = e.text.length > 60 ? e.text.slice(0, 57) + '...' : e.text;
      t.push([String(e.id), e.descs.join(', '), clause.replace(/\s+/g, ' '), String(e.probes), String(live.firings(e)), e.enabled ? (live.paused ? 'paused' : 'enabled') : 'disabled']);
    }
    ctx.out(t.toString() + '\n');
  },
};
