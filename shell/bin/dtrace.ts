#!/usr/bin/env node
// The classic dtrace command line.
import { dtraceMain } from '../cli/dtrace.js';
import { describeFailure } from '../cli/failure.js';
import { exitAfterFlush } from './exit.js';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

dtraceMain(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  outBytes: (b) => process.stdout.write(b),
  err: (s) => process.stderr.write(s),
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
}).then(
  (status) => exitAfterFlush(status),
  (e) => {
    process.stderr.write(`dtrace: ${describeFailure(e)}\n`);
    exitAfterFlush(1);
  },
);
