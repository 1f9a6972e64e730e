// bpf(2): map and program commands, each filling `union bpf_attr` by hand.
import { SYS_bpf, sysBpf, errno, errnoNames, addressOf, close } from './ffi.js';
import { SysError } from './errno.js';

export const BPF_MAP_CREATE = 0;
export const BPF_MAP_LOOKUP_ELEM = 1;
export const BPF_MAP_UPDATE_ELEM = 2;
export const BPF_MAP_DELETE_ELEM = 3;
export const BPF_MAP_GET_NEXT_KEY = 4;
export const BPF_PROG_LOAD = 5;
export const BPF_PROG_TEST_RUN = 10;
export const BPF_PROG_GET_NEXT_ID = 11;
export const BPF_PROG_GET_FD_BY_ID = 13;
export const BPF_OBJ_GET_INFO_BY_FD = 15;
export const BPF_RAW_TRACEPOINT_OPEN = 17;
export const BPF_MAP_FREEZE = 22;
export const BPF_MAP_LOOKUP_BATCH = 24;
export const BPF_LINK_CREATE = 28;
export const BPF_LINK_GET_NEXT_ID = 31;

export const MapType = {
  HASH: 1, ARRAY: 2, PROG_ARRAY: 3, PERCPU_HASH: 5, PERCPU_ARRAY: 6, STACK_TRACE: 7, LRU_PERCPU_HASH: 10, RINGBUF: 27,
} as const;
export const ProgType = { KPROBE: 2, TRACEPOINT: 5, PERF_EVENT: 7, RAW_TRACEPOINT: 17, TRACING: 26 } as const;
export const AttachType = { TRACE_FENTRY: 24, TRACE_FEXIT: 25, PERF_EVENT: 41, TRACE_KPROBE_MULTI: 42 } as const;

export const BPF_ANY = 0n;
export const BPF_NOEXIST = 1n;
export const BPF_EXIST = 2n;
export const BPF_F_NO_PREALLOC = 1;
export const BPF_F_RDONLY_PROG = 1 << 7;

function call(cmd: number, attr: Buffer, what: string): number {
  const r = sysBpf(SYS_bpf, cmd, attr, attr.length);
  if (r < 0) throw new SysError(what, errno());
  return r;
}

/** Like `call`, but returns -errno instead of throwing (for lookups where ENOENT is normal). */
function tryCall(cmd: number, attr: Buffer): number {
  const r = sysBpf(SYS_bpf, cmd, attr, attr.length);
  return r < 0 ? -errno() : r;
}

function putName(attr: Buffer, off: number, name: string): void {
  attr.write(name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 15), off, 'latin1');
}

export interface MapSpec {
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags?: number;
  name?: string;
}

/** BPF_MAP_CREATE; returns the map fd (close-on-exec). */
export function mapCreate(spec: MapSpec): number {
  const a = Buffer.alloc(72);
  a.writeUInt32LE(spec.type, 0);
  a.writeUInt32LE(spec.keySize, 4);
  a.writeUInt32LE(spec.valueSize, 8);
  a.writeUInt32LE(spec.maxEntries, 12);
  a.writeUInt32LE(spec.flags ?? 0, 16);
  if (spec.name) putName(a, 28, spec.name);
  return call(BPF_MAP_CREATE, a, `creating BPF map ${spec.name ?? ''}`.trim());
}

const elemAttr = Buffer.alloc(32);

/** BPF_MAP_FREEZE: the map becomes read-only for programs' writers and user space. */
export function mapFreeze(fd: number): void {
  const a = Buffer.alloc(8);
  a.writeUInt32LE(fd, 0);
  call(BPF_MAP_FREEZE, a, 'freezing BPF map');
}

/** BPF_MAP_LOOKUP_ELEM into `value`; false when the key is absent. */
export function mapLookup(fd: number, key: Buffer, value: Buffer): boolean {
  elemAttr.fill(0);
  elemAttr.writeUInt32LE(fd, 0);
  elemAttr.writeBigUInt64LE(addressOf(key), 8);
  elemAttr.writeBigUInt64LE(addressOf(value), 16);
  const r = tryCall(BPF_MAP_LOOKUP_ELEM, elemAttr);
  if (r === -2) return false;
  if (r < 0) throw new SysError('looking up a BPF map element', -r);
  return true;
}

/** BPF_MAP_UPDATE_ELEM. */
export function mapUpdate(fd: number, key: Buffer, value: Buffer, flags = BPF_ANY): void {
  elemAttr.fill(0);
  elemAttr.writeUInt32LE(fd, 0);
  elemAttr.writeBigUInt64LE(addressOf(key), 8);
  elemAttr.writeBigUInt64LE(addressOf(value), 16);
  elemAttr.writeBigUInt64LE(flags, 24);
  call(BPF_MAP_UPDATE_ELEM, elemAttr, 'updating a BPF map element');
}

/** BPF_MAP_DELETE_ELEM; false when the key was absent. */
export function mapDelete(fd: number, key: Buffer): boolean {
  elemAttr.fill(0);
  elemAttr.writeUInt32LE(fd, 0);
  elemAttr.writeBigUInt64LE(addressOf(key), 8);
  const r = tryCall(BPF_MAP_DELETE_ELEM, elemAttr);
  if (r === -2) return false;
  if (r < 0) throw new SysError('deleting a BPF map element', -r);
  return true;
}

/** BPF_MAP_GET_NEXT_KEY; `key` null starts the walk. False at the end. */
export function mapNextKey(fd: number, key: Buffer | null, next: Buffer): boolean {
  elemAttr.fill(0);
  elemAttr.writeUInt32LE(fd, 0);
  if (key) elemAttr.writeBigUInt64LE(addressOf(key), 8);
  elemAttr.writeBigUInt64LE(addressOf(next), 16);
  const r = tryCall(BPF_MAP_GET_NEXT_KEY, elemAttr);
  if (r === -2) return false;
  if (r < 0) throw new SysError('walking a BPF map', -r);
  return true;
}

/**
 * BPF_MAP_LOOKUP_BATCH: reads up to `count` entries into `keys`/`values` starting after `inBatch`
 * (null for the first call). Returns how many were read and whether the map is exhausted.
 */
export function mapLookupBatch(fd: number, inBatch: Buffer | null, outBatch: Buffer, keys: Buffer, values: Buffer,
  count: number): { count: number; done: boolean } {
  const a = Buffer.alloc(56);
  if (inBatch) a.writeBigUInt64LE(addressOf(inBatch), 0);
  a.writeBigUInt64LE(addressOf(outBatch), 8);
  a.writeBigUInt64LE(addressOf(keys), 16);
  a.writeBigUInt64LE(addressOf(values), 24);
  a.writeUInt32LE(count, 32);
  a.writeUInt32LE(fd, 36);
  const r = tryCall(BPF_MAP_LOOKUP_BATCH, a);
  const got = a.readUInt32LE(32);
  if (r === -2) return { count: got, done: true };
  if (r < 0) throw new SysError('reading a BPF map in batches', -r);
  return { count: got, done: false };
}

export interface ProgSpec {
  type: number;
  insns: Buffer;
  name: string;
  license?: string;
  expectedAttachType?: number;
  attachBtfId?: number;
  /** Bytes of verifier log to ask for; 0 loads without a log. */
  logSize?: number;
  logLevel?: number;
}

/** The verifier refused a program: the error plus its log when one was asked for. */
export class VerifierError extends SysError {
  constructor(errno: number, public readonly log: string) {
    super('loading BPF program', errno);
    this.name = 'VerifierError';
  }
}

const EAGAIN = errnoNames.EAGAIN;

/** BPF_PROG_LOAD; throws VerifierError on failure (with the log if `logSize` was given). */
export function progLoad(spec: ProgSpec): number {
  const a = Buffer.alloc(144);
  const license = Buffer.from((spec.license ?? 'GPL') + '\0', 'latin1');
  const log = spec.logSize ? Buffer.alloc(spec.logSize) : null;
  a.writeUInt32LE(spec.type, 0);
  a.writeUInt32LE(spec.insns.length / 8, 4);
  a.writeBigUInt64LE(addressOf(spec.insns), 8);
  a.writeBigUInt64LE(addressOf(license), 16);
  if (log) {
    a.writeUInt32LE(spec.logLevel ?? 1, 24);
    a.writeUInt32LE(log.length, 28);
    a.writeBigUInt64LE(addressOf(log), 32);
  }
  putName(a, 48, spec.name);
  a.writeUInt32LE(spec.expectedAttachType ?? 0, 68);
  a.writeUInt32LE(spec.attachBtfId ?? 0, 108);
  // The verifier gives up with EAGAIN when a signal is pending (a child exiting, a resize, a profiler's
  // tick): try again, as libbpf does.
  let r = sysBpf(SYS_bpf, BPF_PROG_LOAD, a, a.length);
  for (let tries = 1; r < 0 && errno() === EAGAIN && tries < 5; tries++) r = sysBpf(SYS_bpf, BPF_PROG_LOAD, a, a.length);
  if (r < 0) {
    const e = errno();
    const text = log ? log.toString('latin1', 0, Math.max(0, log.indexOf(0))) : '';
    throw new VerifierError(e, text);
  }
  return r;
}

/** BPF_PROG_TEST_RUN with a context buffer (raw tracepoint programs): returns the program's return value. */
export function progTestRun(fd: number, ctx: Buffer | null, cpu?: number): number {
  const a = Buffer.alloc(80);
  a.writeUInt32LE(fd, 0);
  if (ctx) {
    a.writeUInt32LE(ctx.length, 40);
    a.writeBigUInt64LE(addressOf(ctx), 48);
  }
  if (cpu !== undefined) {
    a.writeUInt32LE(cpu, 68);
    a.writeUInt32LE(1 << 1 /* BPF_F_TEST_RUN_ON_CPU */, 64);
  }
  call(BPF_PROG_TEST_RUN, a, 'running BPF program');
  return a.readUInt32LE(4);
}

/** BPF_RAW_TRACEPOINT_OPEN: attaches a raw tracepoint program; returns the link fd. */
export function rawTracepointOpen(name: string, progFd: number): number {
  const a = Buffer.alloc(16);
  const n = Buffer.from(name + '\0', 'latin1');
  a.writeBigUInt64LE(addressOf(n), 0);
  a.writeUInt32LE(progFd, 8);
  return call(BPF_RAW_TRACEPOINT_OPEN, a, `attaching raw tracepoint ${name}`);
}

/** BPF_LINK_CREATE for a program on a perf event fd (tracepoint, kprobe, uprobe, perf). */
export function linkCreatePerfEvent(progFd: number, perfFd: number, cookie = 0n): number {
  const a = Buffer.alloc(64);
  a.writeUInt32LE(progFd, 0);
  a.writeUInt32LE(perfFd, 4);
  a.writeUInt32LE(AttachType.PERF_EVENT, 8);
  a.writeBigUInt64LE(cookie, 16);
  return call(BPF_LINK_CREATE, a, 'attaching BPF program to perf event');
}

/** BPF_LINK_CREATE for fentry/fexit programs (the target is fixed at load time). */
export function linkCreateTracing(progFd: number, attachType: number): number {
  const a = Buffer.alloc(64);
  a.writeUInt32LE(progFd, 0);
  a.writeUInt32LE(attachType, 8);
  return call(BPF_LINK_CREATE, a, 'attaching tracing program');
}

/** BPF_LINK_CREATE with kprobe_multi: one program on many kernel functions by name. */
export function linkCreateKprobeMulti(progFd: number, symbols: string[], retprobe: boolean, cookies?: bigint[]): number {
  const a = Buffer.alloc(64);
  // every name in one buffer, NUL-terminated, and a pointer to each
  const strs = Buffer.from(symbols.join('\0') + '\0', 'latin1');
  const base = addressOf(strs);
  const ptrs = Buffer.alloc(8 * symbols.length);
  let off = 0;
  symbols.forEach((s, i) => {
    ptrs.writeBigUInt64LE(base + BigInt(off), 8 * i);
    off += s.length + 1;
  });
  const ck = cookies ? Buffer.alloc(8 * cookies.length) : null;
  cookies?.forEach((c, i) => ck!.writeBigUInt64LE(c, 8 * i));
  a.writeUInt32LE(progFd, 0);
  a.writeUInt32LE(AttachType.TRACE_KPROBE_MULTI, 8);
  a.writeUInt32LE(retprobe ? 1 : 0, 16);
  a.writeUInt32LE(symbols.length, 20);
  a.writeBigUInt64LE(addressOf(ptrs), 24);
  if (ck) a.writeBigUInt64LE(addressOf(ck), 40);
  const fd = call(BPF_LINK_CREATE, a, 'attaching kprobe_multi');
  // the names and pointers stay reachable until the kernel has read them
  void [strs, ptrs, ck];
  return fd;
}

/**
 * BPF_LINK_CREATE with kprobe_multi by function addresses (names that several functions share, module
 * functions); with no addresses it only probes whether the kernel has kprobe_multi (EINVAL if it does).
 */
export function linkCreateKprobeMultiAddrs(progFd: number, addrs: bigint[], retprobe: boolean, cookies?: bigint[]): number {
  const a = Buffer.alloc(64);
  const ad = Buffer.alloc(8 * Math.max(1, addrs.length));
  addrs.forEach((x, i) => ad.writeBigUInt64LE(x, 8 * i));
  const ck = Buffer.alloc(8 * Math.max(1, cookies?.length ?? 0));
  cookies?.forEach((c, i) => ck.writeBigUInt64LE(c, 8 * i));
  a.writeUInt32LE(progFd, 0);
  a.writeUInt32LE(AttachType.TRACE_KPROBE_MULTI, 8);
  a.writeUInt32LE(retprobe ? 1 : 0, 16);
  a.writeUInt32LE(addrs.length, 20);
  if (addrs.length) a.writeBigUInt64LE(addressOf(ad), 32);
  if (cookies?.length) a.writeBigUInt64LE(addressOf(ck), 40);
  return call(BPF_LINK_CREATE, a, 'attaching kprobe_multi');
}

/** The loaded program IDs, walking BPF_PROG_GET_NEXT_ID. */
export function progIds(): number[] {
  const ids: number[] = [];
  const a = Buffer.alloc(16);
  let id = 0;
  for (;;) {
    a.fill(0);
    a.writeUInt32LE(id, 0);
    if (tryCall(BPF_PROG_GET_NEXT_ID, a) < 0) return ids;
    id = a.readUInt32LE(4);
    ids.push(id);
  }
}

/** Name and run count of a loaded program by ID (undefined if it went away). */
export function progInfoById(id: number): { id: number; name: string; type: number; runTimeNs: bigint; runCount: bigint } | undefined {
  const a = Buffer.alloc(16);
  a.writeUInt32LE(id, 0);
  const fd = tryCall(BPF_PROG_GET_FD_BY_ID, a);
  if (fd < 0) return undefined;
  try {
    const info = Buffer.alloc(232);
    const b = Buffer.alloc(16);
    b.writeUInt32LE(fd, 0);
    b.writeUInt32LE(info.length, 4);
    b.writeBigUInt64LE(addressOf(info), 8);
    if (tryCall(BPF_OBJ_GET_INFO_BY_FD, b) < 0) return undefined;
    const raw = info.subarray(64, 80);
    const end = raw.indexOf(0);
    // run_time_ns and run_cnt (offsets 192 and 200 of struct bpf_prog_info) count while kernel.bpf_stats_enabled is 1
    return { id, type: info.readUInt32LE(0), name: raw.toString('latin1', 0, end < 0 ? 16 : end),
      runTimeNs: info.readBigUInt64LE(192), runCount: info.readBigUInt64LE(200) };
  } finally {
    close(fd);
  }
}

export function closeFd(fd: number): void {
  close(fd);
}
