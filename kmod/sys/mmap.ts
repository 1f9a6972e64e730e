// mmap(2)/munmap(2) of BPF map fds as zero-copy ArrayBuffers.
import { mmap as cMmap, munmap as cMunmap, viewOf, pointerValue, errno } from './ffi.js';
import { SysError } from './errno.js';

export const PROT_READ = 1;
export const PROT_WRITE = 2;
const MAP_SHARED = 1;

export interface Mapping {
  ptr: unknown;
  length: number;
  buffer: ArrayBuffer;
}

/** Maps `length` bytes of `fd` at `offset` (shared); the ArrayBuffer views the kernel's memory. */
export function mapShared(fd: number, length: number, prot: number, offset: number): Mapping {
  const ptr = cMmap(null, length, prot, MAP_SHARED, fd, offset);
  if (pointerValue(ptr) === 0xffffffffffffffffn) throw new SysError('mapping BPF ring buffer', errno());
  return { ptr, length, buffer: viewOf(ptr, length) };
}

export function unmap(m: Mapping): void {
  cMunmap(m.ptr, m.length);
}
