// The plain line mode (pipes, tests, pasted sessions): reads lines, runs them, prints results.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Shell } from './shell.js';

export interface LineModeIO {
  input: Readable;
  out(s: string): void;
  err(s: string): void;
}

/** Runs the shell over `input` until `.quit` or end of input; resolves with the exit status. */
export async function runLineMode(io: LineModeIO): Promise<number> {
  const shell = new Shell({ out: io.out, err: io.err });
  const rl = createInterface({ input: io.input, terminal: false });
  for await (const raw of rl) {
    await shell.feed(raw);
    if (shell.done) break;
  }
  rl.close();
  await shell.flush();
  await shell.close();
  return 0;
}
