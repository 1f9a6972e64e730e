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

/** One compiled program set loaded into a session: its programs, its constants, its attachments. */
export class Unit {
  enabled = false;

  constructor(readonly compiled: CompiledProgram, readonly programs: LoadedProgram[], private readonly rodataFd: number) {}

  /** Attaches every program except BEGIN/END/ERROR (which are run, not attached). */
  attach(): void {
    try {
      for (const p of this.programs) {
        if (p.plan.probe.attach.kind === 'dtrace' || p.attachment) continue;
        p.attachment = attach(p.plan.probe, p.fd);
      }
      this.enabled = true;
    } catch (e) {
      this.detach();
      throw e;
    }
  }

  /** Detaches this unit's probes: none of its programs runs after this returns. */
  detach(): void {
    for (const p of this.programs) {
      p.attachment?.detach();
      p.attachment = undefined;
    }
    this.enabled = false;
  }

  runSpecial(which: 'BEGIN' | 'END' | 'ERROR', ctx: Buffer): void {
    for (const p of this.programs) {
      const a = p.plan.probe.attach;
      if (a.kind === 'dtrace' && a.which === which) progTestRun(p.fd, ctx);
    }
  }

  hasSpecial(which: 'BEGIN' | 'END' | 'ERROR'): boolean {
    return this.programs.some((p) => p.plan.probe.attach.kind === 'dtrace' && p.plan.probe.attach.which === which);
  }

  get attachedCount(): number {
    return this.programs.filter((p) => p.attachment).length;
  }

  close(): void {
    this.detach();
    for (const p of this.programs) closeFd(p.fd);
    this.programs.length = 0;
    closeFd(this.rodataFd);
  }
}

/**
 * A tracing session: the maps every program shares (ring buffer, state, globals, aggregations...),
 * and the units loaded into it. The dtrace command loads one unit; the shell adds and removes them.
 */
export class Session {
  readonly mapFds = new Map<string, number>();
  private readonly specs = new Map<string, string>();
  readonly ncpus = possibleCpus();
  readonly units: Unit[] = [];
  private ring?: RingReader;
  private closed = false;

  constructor(readonly compiled?: CompiledProgram) {}

  /** Creates the maps and loads every program of the session's compiled program (nothing attached yet). */
  load(opts: { verbose?: boolean } = {}): Unit {
    if (!this.compiled) throw new Error('session has no program');
    return this.addUnit(this.compiled, opts);
  }

  /**
   * Creates the maps `compiled` needs that the session does not have yet (a map it has must have the
   * same shape), loads its constants and programs. Nothing is attached.
   */
  addUnit(compiled: CompiledProgram, opts: { verbose?: boolean } = {}): Unit {
    let rodataFd = -1;
    const programs: LoadedProgram[] = [];
    try {
      for (const m of compiled.maps) {
        if (m.name === MapName.rodata) continue;
        const shape = JSON.stringify(m.spec);
        const have = this.specs.get(m.name);
        if (have !== undefined) {
          if (have !== shape) throw new Error(`map ${m.name} changed shape between enablings`);
          continue;
        }
        this.mapFds.set(m.name, mapCreate(m.spec));
        this.specs.set(m.name, shape);
        if (m.name === MapName.state) this.setState(State.WARMUP);
        if (m.spec.type === MapType.RINGBUF) this.ring = new RingReader(this.fd(m.name), m.spec.maxEntries);
      }
      const rodata = compiled.maps.find((m) => m.name === MapName.rodata)!;
      rodataFd = mapCreate(rodata.spec);
      const value = Buffer.alloc(rodata.spec.valueSize);
      compiled.rodata.copy(value);
      mapUpdate(rodataFd, Buffer.alloc(4), value);
      mapFreeze(rodataFd);
      const fdOf = (name: string) => (name === MapName.rodata ? rodataFd : this.fd(name));
      for (const plan of compiled.programs) programs.push({ plan, fd: this.loadProgram(plan, fdOf, opts.verbose) });
    } catch (e) {
      for (const p of programs) closeFd(p.fd);
      if (rodataFd >= 0) closeFd(rodataFd);
      if (!this.units.length) this.close();
      throw e;
    }
    const unit = new Unit(compiled, programs, rodataFd);
    this.units.push(unit);
    return unit;
  }

  /** Removes a unit: its probes detach and its programs unload. */
  removeUnit(unit: Unit): void {
    unit.close();
    const i = this.units.indexOf(unit);
    if (i >= 0) this.units.splice(i, 1);
  }

  fd(map: string): number {
    const fd = this.mapFds.get(map);
    if (fd === undefined) throw new Error(`no map ${map}`);
    return fd;
  }

  private loadProgram(plan: ProgramPlan, fdOf: (name: string) => number, verbose?: boolean): number {
    const { bytes, slots } = assemble(plan.items, fdOf);
    try {
      return progLoad({ type: plan.progType, insns: bytes, name: plan.name, expectedAttachType: plan.expectedAttachType, attachBtfId: plan.attachBtfId });
    } catch (e) {
      if (!(e instanceof VerifierError)) throw e;
      let log = '';
      try {
        progLoad({
          type: plan.progType, insns: bytes, name: plan.name, expectedAttachType: plan.expectedAttachType, attachBtfId: plan.attachBtfId,
          logSize: 1 << 24, logLevel: verbose ? 2 : 1,
        });
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

  /** Attaches every unit's programs except BEGIN/END/ERROR. */
  attachAll(): void {
    for (const u of this.units) u.attach();
  }

  /**
   * Runs the programs of dtrace:::BEGIN, END or ERROR once, in the kernel, through BPF_PROG_TEST_RUN;
   * `args` become arg0.. (ERROR's arg1..arg5 describe the fault).
   */
  runSpecial(which: 'BEGIN' | 'END' | 'ERROR', args: bigint[] = [], units: Unit[] = this.units): void {
    const ctx = Buffer.alloc(64);
    args.slice(0, 8).forEach((v, i) => ctx.writeBigUInt64LE(BigInt.asUintN(64, v), 8 * i));
    for (const u of units) u.runSpecial(which, ctx);
  }

  /** True when some clause is enabled on dtrace:::BEGIN, END or ERROR. */
  hasSpecial(which: 'BEGIN' | 'END' | 'ERROR'): boolean {
    return this.units.some((u) => u.hasSpecial(which));
  }

  /** Programs attached and running. */
  get attachedCount(): number {
    return this.units.reduce((n, u) => n + u.attachedCount, 0);
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
    for (const u of this.units) u.detach();
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
    for (const u of this.units) u.close();
    this.units.length = 0;
    this.ring?.close();
    for (const fd of this.mapFds.values()) closeFd(fd);
    this.mapFds.clear();
  }
}
