#!/usr/bin/env node
// The dtsh interactive tracing shell: the terminal UI on a TTY, plain line mode otherwise.
import { runLineMode } from '../repl/line-mode.js';
import { exitAfterFlush } from './exit.js';

const tty = process.stdin.isTTY && process.stdout.isTTY && !process.argv.includes('--plain');

/** Loads the UI with CI and CONTINUOUS_INTEGRATION hidden: ink, when it sees them as it loads, draws
 * nothing until exit; a TTY here is someone's terminal, CI or not. Commands the shell runs still see them. */
async function loadUI(): Promise<typeof import('../ui/run-ui.js')> {
  const hidden = ['CI', 'CONTINUOUS_INTEGRATION'].filter((k) => k in process.env).map((k) => [k, process.env[k]] as const);
  for (const [k] of hidden) delete process.env[k];
  try {
    return await import('../ui/run-ui.js');
  } finally {
    for (const [k, v] of hidden) process.env[k] = v;
  }
}

(tty
  ? loadUI().then((m) => m.runUI())
  : runLineMode({ input: process.stdin, out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) })
).then((status) => exitAfterFlush(status));
