#!/usr/bin/env node
// The dtsh interactive tracing shell (line mode; the terminal UI arrives with its own issue).
import { runLineMode } from '../repl/line-mode.js';
import { exitAfterFlush } from './exit.js';

runLineMode({
  input: process.stdin,
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
}).then((status) => exitAfterFlush(status));
