// The D compiler's one error type: a message and the source position it refers to.
import type { Pos } from './ast.js';

/** A compile-time error in D source; `message` never includes the position (formatters add it). */
export class DError extends Error {
  constructor(message: string, public readonly pos?: Pos) {
    super(message);
    this.name = 'DError';
  }
}
