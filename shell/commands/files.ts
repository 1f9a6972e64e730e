// `.save FILE`, `.source FILE`, `.history`: the session as a script, running a script, past input.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from './command.js';

export const saveCommand: Command = {
  name: 'save',
  usage: 'FILE',
  help: 'save the enabled clauses as a runnable .d script',
  args: 'file',
  action(ctx, args) {
    const file = args.trim();
    if (!file) {
      ctx.err('dtsh: .save needs a file name\n');
      return;
    }
    if (!ctx.live?.enablings.length) {
      ctx.err('dtsh: nothing enabled to save\n');
      return;
    }
    writeFileSync(resolve(ctx.cwd, file), ctx.live.script(), { mode: 0o755 });
    ctx.out(`saved ${ctx.live.enablings.filter((e) => e.enabled).length} clause(s) to ${file}\n`);
  },
};

export const sourceCommand: Command = {
  name: 'source',
  usage: 'FILE',
  help: 'run a .d script: enable all its clauses',
  args: 'file',
  async action(ctx, args) {
    const file = args.trim();
    let text: string;
    try {
      text = readFileSync(resolve(ctx.cwd, file), 'utf8');
    } catch {
      ctx.err(`dtsh: failed to open ${file}: No such file or directory\n`);
      return;
    }
    await (await import('./enable-text.js')).enableText(ctx, text);
  },
};

export const historyCommand: Command = {
  name: 'history',
  usage: '',
  help: 'show the lines entered so far',
  args: 'none',
  action(ctx) {
    ctx.out(ctx.history.map((l, i) => `${String(i + 1).padStart(5)}  ${l}\n`).join(''));
  },
};
