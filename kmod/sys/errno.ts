// System-call failures as a typed error carrying the errno number and name.
import { errnoNames } from './ffi.js';

let byNumber: Map<number, string> | undefined;

/** `EPERM`, `ENOENT`, ... for an errno number. */
export function errnoName(n: number): string {
  if (!byNumber) {
    byNumber = new Map();
    for (const [name, num] of Object.entries(errnoNames)) if (!byNumber.has(num)) byNumber.set(num, name);
  }
  return byNumber.get(n) ?? `errno ${n}`;
}

const messages: Record<string, string> = {
  EPERM: 'Operation not permitted', ENOENT: 'No such file or directory', ESRCH: 'No such process',
  EINTR: 'Interrupted system call', EIO: 'Input/output error', E2BIG: 'Argument list too long',
  EBADF: 'Bad file descriptor', EAGAIN: 'Resource temporarily unavailable', ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied', EFAULT: 'Bad address', EBUSY: 'Device or resource busy', EEXIST: 'File exists',
  ENODEV: 'No such device', EINVAL: 'Invalid argument', ENOSPC: 'No space left on device',
  ENOSYS: 'Function not implemented', EOPNOTSUPP: 'Operation not supported', ENOTSUPP: 'Operation not supported',
};

/** A failed system call: `op` names what was attempted. */
export class SysError extends Error {
  readonly errnoName: string;
  constructor(public readonly op: string, public readonly errno: number) {
    const name = errnoName(errno);
    super(`${op}: ${messages[name] ?? name} (${name})`);
    this.name = 'SysError';
    this.errnoName = name;
  }
}
