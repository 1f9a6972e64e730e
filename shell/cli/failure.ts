// One line for any failure that reaches the command line: never a stack trace.
import { SysError } from '../../kmod/sys/errno.js';
import { LoadError } from '../../kmod/session.js';

export function describeFailure(e: unknown): string {
  if (e instanceof LoadError) return e.message;
  if (e instanceof SysError) {
    if (e.errnoName === 'EPERM' || e.errnoName === 'EACCES') return `${e.message}: DTrace requires additional privileges`;
    return e.message;
  }
  if (e instanceof Error) return e.message.split('\n')[0];
  return String(e);
}
