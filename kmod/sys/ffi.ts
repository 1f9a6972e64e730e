// The raw libc entry points dtsh needs, bound through koffi; the only file that loads the FFI.
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');

/** x86_64 syscall numbers. */
export const SYS_bpf = 321;
export const SYS_perf_event_open = 298;

export const sysBpf = libc.func('syscall', 'long', ['long', 'long', 'void *', 'ulong']) as (
  nr: number, cmd: number, attr: Buffer, size: number) => number;
export const sysPerfEventOpen = libc.func('syscall', 'long', ['long', 'void *', 'int', 'int', 'int', 'ulong']) as (
  nr: number, attr: Buffer, pid: number, cpu: number, groupFd: number, flags: number) => number;
export const ioctl = libc.func('int ioctl(int fd, ulong req, ulong arg)') as (fd: number, req: number, arg: number) => number;
export const mmap = libc.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)') as (
  addr: null, len: number, prot: number, flags: number, fd: number, off: number) => unknown;
export const munmap = libc.func('int munmap(void *addr, size_t len)') as (addr: unknown, len: number) => number;
export const close = libc.func('int close(int fd)') as (fd: number) => number;

export const errno = (): number => koffi.errno();
export const addressOf = (buf: Buffer): bigint => koffi.address(buf);
export const pointerValue = (ptr: unknown): bigint => koffi.address(ptr);
export const viewOf = (ptr: unknown, len: number): ArrayBuffer => koffi.view(ptr, len);
export const errnoNames: Record<string, number> = koffi.os.errno;

export type PollHandle = { stop(): void; close(): void; unref(): void; ref(): void };
/** Calls `cb` from the event loop whenever `fd` becomes readable. */
export function pollReadable(fd: number, cb: () => void): PollHandle {
  return koffi.node.poll(fd, { readable: true }, () => cb());
}
