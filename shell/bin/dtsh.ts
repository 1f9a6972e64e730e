#!/usr/bin/env node
// The dtsh interactive tracing shell: the terminal UI on a TTY, plain line mode otherwise.
import { runLineMode } from '../repl/line-mode.js';
import { exitAfterFlush } from './exit.js';

const tty = process.stdin.isTTY && process.stdout.isTTY && !process.argv.includes('--plain');

(tty
  ? import('../ui/run-ui.js').then((m) => m.runUI())
  : runLineMode({ input: process.stdin, out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) })
).then((status) => exitAfterFlush(status));
