// What the dtrace command's parts share: the fatal-error type, the I/O it writes to, description padding.
import type { Output } from '../engine/trace-run.js';

/** A failure that ends the command: printed as `dtrace: MESSAGE`. */
export class Fatal extends Error {
  constructor(message: string, public readonly status = 1) {
    super(message);
  }
}

export interface RunIO extends Output {
  /** Raw bytes to standard output (the probe listing), when the caller can take them. */
  outBytes?(b: Buffer): void;
  /** Where SIGINT handling is installed (the real process, or a test's stand-in). */
  onInterrupt?(handler: () => void): () => void;
}

/** A description padded on the left to four fields, as DTrace prints it in messages. */
export function fullDesc(text: string): string {
  const parts = text.split(':');
  while (parts.length < 4) parts.unshift('');
  return parts.join(':');
}
