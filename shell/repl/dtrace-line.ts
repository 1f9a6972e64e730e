// `dtrace ARGS` typed (or pasted) at the shell prompt: the same arguments, run in this session.
import { parseArgs, UsageError } from '../cli/args.js';
import { specToSource, listDescription } from '../cli/programs.js';
import { setOption } from '../engine/options.js';
import { writeListing } from '../engine/list.js';
import { parseDescription } from '../../kmod/probes/describe.js';
import type { ShellContext } from '../commands/command.js';
import { enableText } from '../commands/enable-text.js';
import { closestProbes } from '../engine/closest.js';

/** Splits a command line the way a POSIX shell would for quotes and backslashes. */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let have = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
      have = true;
    } else if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) cur += line[i] === '\\' && i + 1 < line.length ? line[++i] : line[i];
      have = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      have = true;
    } else if (/\s/.test(c)) {
      if (have) out.push(cur);
      cur = '';
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) out.push(cur);
  return out;
}

export async function runDtraceLine(ctx: ShellContext, argsText: string): Promise<void> {
  let args;
  try {
    args = parseArgs(shellWords(argsText));
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.err(`dtrace: ${e.message}\n`);
      return;
    }
    throw e;
  }
  const live = await ctx.ensureLive();
  const table = ctx.driver!.table;
  if (args.list) {
    const specs = args.programs.filter((p): p is Exclude<typeof p, { kind: 's' }> => p.kind !== 's');
    const probes = specs.length ? specs.flatMap((s) => table.match(parseDescription(listDescription(s)))) : table.all();
    writeListing(probes, (b) => ctx.out(b.toString()));
    return;
  }
  if (args.commands.length || args.pids.length) ctx.err('dtsh: -c and -p are for the dtrace command; here the probes trace everything\n');
  if (args.quiet) live.opts.quiet = true;
  for (const [k, v] of args.xopts) setOption(live.opts, k, v);
  for (const spec of args.programs) {
    const src = specToSource(spec, table);
    await enableText(ctx, src.text, (d) => closestProbes(table, d));
  }
}
