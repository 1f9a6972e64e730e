// Enabling D text typed at the prompt (a clause, .probe, dtrace -n): messages as dtrace prints them.
import { DError } from '../../d/errors.js';
import { NoProbesError } from '../../kmod/codegen/compile.js';
import { matchedMessage } from '../format/trace.js';
import { describeFailure } from '../cli/failure.js';
import type { ShellContext } from './command.js';

/** Enables `text`; on failure prints one line (and, for an unknown probe, the closest probe names). */
export async function enableText(ctx: ShellContext, text: string, hint?: (desc: string) => string[]): Promise<boolean> {
  const live = await ctx.ensureLive();
  try {
    const e = live.enable(text);
    if (!live.opts.quiet) ctx.err(matchedMessage('description', e.descs.join(','), e.probes));
    return true;
  } catch (err) {
    if (err instanceof NoProbesError) {
      const parts = err.description.split(':');
      while (parts.length < 4) parts.unshift('');
      ctx.err(`dtsh: invalid probe specifier ${text}: probe description ${parts.join(':')} does not match any probes\n`);
      const near = hint?.(err.description) ?? [];
      if (near.length) ctx.err(`dtsh: did you mean ${near.join(', ')}?\n`);
    } else if (err instanceof DError) {
      const where = err.pos ? (text.includes('\n') ? ` (line ${err.pos.line}, column ${err.pos.col})` : ` (column ${err.pos.col})`) : '';
      ctx.err(`dtsh: invalid probe specifier ${text.replace(/\s+/g, ' ')}: ${err.message}${where}\n`);
    } else ctx.err(`dtsh: ${describeFailure(err)}\n`);
    return false;
  }
}
