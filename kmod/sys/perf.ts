// perf_event_open(2) and the perf ioctls: tracepoint, kprobe/uprobe PMU and cpu-clock events.
import { SYS_perf_event_open, sysPerfEventOpen, ioctl, errno, addressOf } from './ffi.js';
import { SysError } from './errno.js';

export const PERF_TYPE_SOFTWARE = 1;
export const PERF_TYPE_TRACEPOINT = 2;
export const PERF_COUNT_SW_CPU_CLOCK = 0;
export const PERF_FLAG_FD_CLOEXEC = 8;
const PERF_EVENT_IOC_ENABLE = 0x2400;
const PERF_EVENT_IOC_DISABLE = 0x2401;
const PERF_EVENT_IOC_SET_BPF = 0x40042408;

export interface PerfEventSpec {
  type: number;
  config: bigint;
  /** sample_period, or frequency when `freq` is set. */
  sample?: bigint;
  freq?: boolean;
  config1?: bigint;
  config2?: bigint;
  disabled?: boolean;
  pid?: number;
  cpu?: number;
  /** Keeps strings referenced by config1 alive during the call. */
  keep?: Buffer[];
}

/** perf_event_open(2); returns the event fd (close-on-exec). */
export function perfEventOpen(spec: PerfEventSpec): number {
  const a = Buffer.alloc(136);
  a.writeUInt32LE(spec.type, 0);
  a.writeUInt32LE(136, 4);
  a.writeBigUInt64LE(spec.config, 8);
  a.writeBigUInt64LE(spec.sample ?? 1n, 16);
  let flags = 0n;
  if (spec.disabled) flags |= 1n;
  if (spec.freq) flags |= 1n << 10n;
  a.writeBigUInt64LE(flags, 40);
  a.writeBigUInt64LE(spec.config1 ?? 0n, 56);
  a.writeBigUInt64LE(spec.config2 ?? 0n, 64);
  const fd = sysPerfEventOpen(SYS_perf_event_open, a, spec.pid ?? -1, spec.cpu ?? 0, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0) throw new SysError('opening perf event', errno());
  void spec.keep;
  return fd;
}

/** A C string's address for config1 (kprobe/uprobe names); keep the returned Buffer alive. */
export function cString(s: string): { buf: Buffer; addr: bigint } {
  const buf = Buffer.from(s + '\0', 'latin1');
  return { buf, addr: addressOf(buf) };
}

function perfIoctl(fd: number, req: number, arg: number, what: string): void {
  if (ioctl(fd, req, arg) < 0) throw new SysError(what, errno());
}

export function perfSetBpf(fd: number, progFd: number): void {
  perfIoctl(fd, PERF_EVENT_IOC_SET_BPF, progFd, 'attaching BPF program to perf event');
}
export function perfEnable(fd: number): void {
  perfIoctl(fd, PERF_EVENT_IOC_ENABLE, 0, 'enabling perf event');
}
export function perfDisable(fd: number): void {
  perfIoctl(fd, PERF_EVENT_IOC_DISABLE, 0, 'disabling perf event');
}
