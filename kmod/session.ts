// A tracing session in the kernel: its maps and programs, attaching, BEGIN/END, draining and counters.
import { readFileSync } from 'node:fs';
import { assemble } from './asm/assemble.js';
import {
  mapCreate, mapUpdate, mapLookup, mapFreeze, progLoad, progTestRun, closeFd, VerifierError, MapType,
} from './sys/bpf.js';
import { attach, type Attachment } from './probes/attach.js';
import { RingReader, type RecordSink } from './consumer/ringbuf.js';
import { COUNTERS, State, type CompiledProgram, type ProgramPlan } from './codegen/plan.js';
import { MapName } from './codegen/layout.js';
import type { Pos } from '../d/ast.js';
import { DError } from '../d/errors.js';

/** CPUs the kernel may bring up (per-CPU map values hold one slot per possible CPU). */
export function possibleCpus(): number {
  const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
  let max = 0;
  for (const part of text.split(',')) {
    const [, hi] = part.split('-');
    max = Math.max(max, Number(hi ?? part));
  }
  return max + 1;
}

/** The verifier refused a generated program: a compiler bug, reported at the D source position. */
export class LoadError extends DError {
  constructor(message: string, pos: Pos | undefined, public readonly log: string) {
    super(message, pos);
  }
}

interface LoadedProgram {
  plan: ProgramPlan;
  fd: number;
  attachment?: Attachment;
}

export class Session {
  readonly mapFds = new Map<string, number>();
  readonly ncpus = possibleCpus();
  private programs: LoadedProgram[] = [];
  private ring?: RingReader;
  private closed = false;

  constructor(readonly compiled: CompiledProgram) {}

  /** Creates the maps and loads every program (nothing is attached yet). */
  load(opts: { verbose?: boolean } = {}): void {
    try {
      for (const m of this.compiled.maps) this.mapFds.set(m.name, mapCreate(m.spec));
      const key0 = Buffer.alloc(4);
      const rodata = this.compiled.maps.find((m) => m.name === MapName.rodata)!;
      const value = Buffer.alloc(rodata.spec.valueSize);
      this.compiled.rodata.copy(value);
      mapUpdate(this.fd(MapName.rodata), key0, value);
      mapFreeze(this.fd(MapName.rodata));
      this.setState(State.WARMUP);
      for (const plan of this.compiled.programs) this.programs.push({ plan, fd: this.loadProgram(plan, opts.verbose) });
      const ring = this.compiled.maps.find((m) => m.spec.type === MapType.RINGBUF)!;
      this.ring = new RingReader(this.fd(MapName.ring), ring.spec.maxEntries);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  fd(map: string): number {
    const fd = this.mapFds.get(map);
    if (fd === undefined) throw new Error(`no map ${map}`);
    return fd;
  }

  private loadProgram(plan: ProgramPlan, verbose?: boolean): number {
    const { bytes, slots } = assemble(plan.items, (name) => this.fd(name));
    try {
      return progLoad({ type: plan.progType, insns: bytes, name: plan.name });
    } catch (e) {
      if (!(e instanceof VerifierError)) throw e;
      let log = '';
      try {
        progLoad({ type: plan.progType, insns: bytes, name: plan.name, logSize: 1 << 24, logLevel: verbose ? 2 : 1 });
      } catch (e2) {
        if (e2 instanceof VerifierError) log = e2.log;
      }
      const lines = log.trim().split('\n');
      let slot = -1;
      for (let i = lines.length - 1; i >= 0 && slot < 0; i--) {
        const m = /^(\d+): \(/.exec(lines[i]);
        if (m) slot = Number(m[1]);
      }
      const reason = lines.filter((l) => l && !/^\d+: /.test(l) && !/^(processed|verification time|stack depth|from \d+|;)/.test(l)).pop() ?? e.message;
      const p = plan.probe;
      throw new LoadError(
        `the kernel refused the program for ${p.provider}:${p.module}:${p.func}:${p.name} (a dtsh code generation bug): ${reason.trim()}`,
        slots[slot]?.pos, log);
    }
  }

  /** Attaches every program except BEGIN/END/ERROR. */
  attachAll(): void {
    for (const p of this.programs) {
      if (p.plan.probe.attach.kind === 'dtrace') continue;
      p.attachment = attach(p.plan.probe, p.fd);
    }
  }

  /**
   * Runs the programs of dtrace:::BEGIN, END or ERROR once, in the kernel, through BPF_PROG_TEST_RUN;
   * `args` become arg0.. (ERROR's arg1..arg5 describe the fault).
   */
  runSpecial(which: 'BEGIN' | 'END' | 'ERROR', args: bigint[] = []): void {
    const ctx = Buffer.alloc(64);
    args.slice(0, 8).forEach((v, i) => ctx.writeBigUInt64LE(BigInt.asUintN(64, v), 8 * i));
    for (const p of this.programs) {
      const a = p.plan.probe.attach;
      if (a.kind === 'dtrace' && a.which === which) progTestRun(p.fd, ctx);
    }
  }

  /** True when some clause is enabled on dtrace:::ERROR. */
  hasSpecial(which: 'BEGIN' | 'END' | 'ERROR'): boolean {
    return this.programs.some((p) => p.plan.probe.attach.kind === 'dtrace' && p.plan.probe.attach.which === which);
  }

  /** Programs attached and running. */
  get attachedCount(): number {
    return this.programs.filter((p) => p.attachment).length;
  }

  state(): number {
    const v = Buffer.alloc(8);
    mapLookup(this.fd(MapName.state), Buffer.alloc(4), v);
    return v.readUInt32LE(0);
  }

  setState(s: number): void {
    const v = Buffer.alloc(8);
    v.writeUInt32LE(s, 0);
    mapUpdate(this.fd(MapName.state), Buffer.alloc(4), v);
  }

  /** Detaches every probe: no program runs after this returns. */
  detachAll(): void {
    for (const p of this.programs) {
      p.attachment?.detach();
      p.attachment = undefined;
    }
  }

  drain(sink: RecordSink, limit?: number): number {
    return this.ring ? this.ring.drain(sink, limit) : 0;
  }

  pending(): number {
    return this.ring?.pending() ?? 0;
  }

  /** Per-CPU counters (drops, aggregation drops, dynamic drops, speculative drops, errors). */
  counters(): bigint[][] {
    const v = Buffer.alloc(8 * COUNTERS * this.ncpus);
    mapLookup(this.fd(MapName.counters), Buffer.alloc(4), v);
    const out: bigint[][] = [];
    for (let c = 0; c < this.ncpus; c++) {
      out.push(Array.from({ length: COUNTERS }, (_, i) => v.readBigUInt64LE(8 * (c * COUNTERS + i))));
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detachAll();
    this.ring?.close();
    for (const p of this.programs) closeFd(p.fd);
    for (const fd of this.mapFds.values()) closeFd(fd);
    this.programs = [];
    this.mapFds.clear();
  }
}
