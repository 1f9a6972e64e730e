// Session-wide data layout: the maps every program shares, globals, string constants and scratch sizes.
import type { MapPlan } from './plan.js';
import { COUNTERS, NSPEC } from './plan.js';
import { MapType, BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG } from '../sys/bpf.js';

/** Names of the maps every session has. */
export const MapName = {
  ring: 'ring',
  state: 'state',
  counters: 'counters',
  scratch: 'scratch',
  globals: 'globals',
  rodata: 'rodata',
  zeros: 'zeros',
  spec: 'spec',
  aggen: 'aggen',
  firings: 'firings',
} as const;

/** EPIDs the firings map can count (the shell's enablings over a whole session). */
export const MAX_EPIDS = 65536;

/** Grows as code generation asks for room; turned into map specs at the end. */
export class Layout {
  /** Bytes of per-CPU scratch the largest clause needs. */
  scratchSize = 8;
  /** Bytes of the globals map value. */
  globalsSize = 8;
  /** Bytes of the all-zero map value (the largest initial value an insert needs). */
  zerosSize = 8;
  /** String constants, NUL-terminated and 8-aligned, in the read-only map. */
  private rodata: Buffer[] = [];
  private rodataSize = 0;
  private rodataIndex = new Map<string, number>();
  readonly extraMaps: MapPlan[] = [];
  /** Whether programs count each clause's firings (the shell does). */
  countFirings = false;
  /** Aggregations whose generation words the aggen map holds. */
  private aggCount = 1;

  constructor(public readonly ringBytes: number, public readonly dynvarMax: number, public readonly aggMax: number,
    private readonly fixed?: { scratch: number; globals: number; zeros: number; aggs: number }) {}

  /** Offset of a string constant in the rodata map (deduplicated). */
  constant(s: string, maxLen: number): number {
    const key = `${maxLen}:${s}`;
    const have = this.rodataIndex.get(key);
    if (have !== undefined) return have;
    const b = Buffer.alloc((maxLen + 7) & ~7);
    b.write(s, 0, maxLen - 1, 'utf8');
    const off = this.rodataSize;
    this.rodata.push(b);
    this.rodataSize += b.length;
    this.rodataIndex.set(key, off);
    return off;
  }

  /** Offset of raw bytes in the rodata map (8-aligned, not deduplicated): tables programs index (fbt groups). */
  blob(b: Buffer): number {
    const padded = Buffer.alloc((b.length + 7) & ~7);
    b.copy(padded);
    const off = this.rodataSize;
    this.rodata.push(padded);
    this.rodataSize += padded.length;
    return off;
  }

  rodataBytes(): Buffer {
    return Buffer.concat([...this.rodata, Buffer.alloc(8)]);
  }

  allocGlobal(size: number): number {
    const align = Math.min(8, size) || 1;
    this.globalsSize = (this.globalsSize + align - 1) & ~(align - 1);
    const off = this.globalsSize;
    this.globalsSize += size;
    return off;
  }

  needAggGens(n: number): void {
    this.aggCount = Math.max(this.aggCount, n);
  }

  needZeros(size: number): void {
    this.zerosSize = Math.max(this.zerosSize, size);
  }

  needScratch(size: number): void {
    this.scratchSize = Math.max(this.scratchSize, size);
  }

  addHashMap(name: string, keySize: number, valueSize: number, perCpu: boolean, maxEntries: number): void {
    this.extraMaps.push({
      name,
      spec: {
        type: perCpu ? MapType.PERCPU_HASH : MapType.HASH,
        keySize: Math.max(keySize, 1), valueSize, maxEntries, flags: BPF_F_NO_PREALLOC, name,
      },
    });
  }

  addPerCpuArray(name: string, valueSize: number): void {
    this.extraMaps.push({ name, spec: { type: MapType.PERCPU_ARRAY, keySize: 4, valueSize, maxEntries: 1, name } });
  }

  maps(): MapPlan[] {
    const f = this.fixed;
    if (f) {
      for (const [what, have, max] of [['scratch', this.scratchSize, f.scratch], ['globals', this.globalsSize, f.globals],
        ['zeros', this.zerosSize, f.zeros], ['aggregations', this.aggCount, f.aggs]] as const) {
        if (have > max) throw new Error(`the session's ${what} space is full (${have} > ${max})`);
      }
      this.scratchSize = f.scratch;
      this.globalsSize = f.globals;
      this.zerosSize = f.zeros;
      this.aggCount = f.aggs;
    }
    const arr = (name: string, valueSize: number, perCpu = false): MapPlan => ({
      name,
      spec: { type: perCpu ? MapType.PERCPU_ARRAY : MapType.ARRAY, keySize: 4, valueSize: (valueSize + 7) & ~7, maxEntries: 1, name },
    });
    return [
      { name: MapName.ring, spec: { type: MapType.RINGBUF, keySize: 0, valueSize: 0, maxEntries: this.ringBytes, name: 'ring' } },
      arr(MapName.state, 8),
      arr(MapName.counters, 8 * COUNTERS, true),
      arr(MapName.scratch, this.scratchSize, true),
      arr(MapName.globals, this.globalsSize),
      // read-only for programs and frozen after loading: what bpf_strncmp() needs of its constant
      { ...arr(MapName.rodata, this.rodataSize + 8), spec: { ...arr(MapName.rodata, this.rodataSize + 8).spec, flags: BPF_F_RDONLY_PROG } },
      arr(MapName.zeros, this.zerosSize),
      arr(MapName.spec, 8 * NSPEC),
      arr(MapName.aggen, 8 * this.aggCount),
      ...(this.countFirings ? [{ name: MapName.firings, spec: { type: MapType.PERCPU_ARRAY, keySize: 4, valueSize: 8, maxEntries: MAX_EPIDS, name: MapName.firings } }] : []),
      ...this.extraMaps,
    ];
  }
}
