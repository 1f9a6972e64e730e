// The plain line mode (pipes, tests, pasted sessions): reads lines, runs dot-commands, prints results.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { commands } from '../commands/index.js';
import type { ShellContext } from '../commands/command.js';
import { describeFailure } from '../cli/failure.js';

export interface LineModeIO {
  input: Readable;
  out(s: string): void;
  err(s: string): void;
}

/** Runs the shell over `input` until `.quit` or end of input; resolves with the exit status. */
export async function runLineMode(io: LineModeIO): Promise<number> {
  let done = false;
  const ctx: ShellContext = { out: io.out, err: io.err, quit: () => (done = true), commands };
  const rl = createInterface({ input: io.input, terminal: false });
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line || line.startsWith('//')) continue;
    await runLine(ctx, line);
    if (done) break;
  }
  rl.close();
  return 0;
}

export async function runLine(ctx: ShellContext, line: string): Promise<void> {
  if (!line.startsWith('.')) {
    ctx.err('dtsh: D clauses at the prompt are not supported yet; use .help\n');
    return;
  }
  const m = /^\.(\S+)\s*([\s\S]*)$/.exec(line)!;
  const cmd = ctx.commands.find((c) => c.name === m[1]);
  if (!cmd) {
    ctx.err(`dtsh: unknown command .${m[1]} (try .help)\n`);
    return;
  }
  try {
    await cmd.action(ctx, m[2]);
  } catch (e) {
    ctx.err(`dtsh: ${describeFailure(e)}\n`);
  }
}
