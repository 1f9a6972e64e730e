// The BTF reader's error type: malformed blobs, unknown type ids, and questions a type cannot answer.

/** A BTF problem; `source` names the blob (e.g. `vmlinux`, a module name) when known. */
export class BtfError extends Error {
  constructor(message: string, public readonly source?: string) {
    super(source ? `${source}: ${message}` : message);
    this.name = 'BtfError';
  }
}
