// A running trace: loads and attaches a compiled program, runs BEGIN, drains records on a timer,
// reports drops, and on stop runs END and prints the aggregations, as dtrace(1M) does.
import { Session, type Unit } from '../../kmod/session.js';
import { State, Counter, type CompiledProgram, type AggPlan } from '../../kmod/codegen/plan.js';
import { snapshotAggregation, decodeKeyField as decodeKey } from '../../kmod/consumer/snapshot.js';
import { mapDelete, mapLookup, mapNextKey, mapUpdate } from '../../kmod/sys/bpf.js';
import { MapName } from '../../kmod/codegen/layout.js';
import { aggGenOffset } from '../../kmod/codegen/aggregate.js';
import type { Aggregation } from '../../kmod/consumer/aggregation.js';
import { truncAggregation } from '../../kmod/consumer/aggregation-sort.js';
import { formatAggregations, formatPrinta, type AggFormatOptions } from '../format/aggregation.js';
import { cpuDropMessage, statusDropMessage } from '../format/trace.js';
import { RecordPrinter, type PrinterHost } from './record-printer.js';
import { JsonOutput, oformatOf } from './json-output.js';
import type { DOptions } from './options.js';

export interface Output {
  out(s: string): void;
  err(s: string): void;
}

export class TraceRun implements PrinterHost {
  readonly session: Session;
  /** Every aggregation known so far, by name (the latest compile's plans are a superset of earlier ones). */
  readonly aggs = new Map<string, AggPlan>();
  private aggenBytes = 8;
  private printer: RecordPrinter;
  /** The printer under -O json / oformat=json (chosen at each drain: the shell may .set it while tracing). */
  private json: JsonOutput;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer?: NodeJS.Timeout;
  private lastStatus = 0;
  private seenCounters: bigint[][] = [];
  private normals = new Map<string, bigint>();
  private printed = new Set<string>();
  private exitStatus?: number;
  private stopped = false;
  private resolveDone!: (status: number) => void;
  /** Resolves with the exit status once the run has stopped and printed everything. */
  readonly done: Promise<number>;
  /** Called once when exit() was recorded, so the owner can stop the run. */
  onExit?: () => void;

  /** `compiled` is what start() loads; the shell passes none and adds units with add(). */
  constructor(readonly compiled: CompiledProgram | undefined, private opts: DOptions, private io: Output, target?: number) {
    this.session = new Session(compiled);
    // the printer reads the options live: the shell may change them (.set quiet) while tracing
    const popts = {
      get quiet() { return opts.quiet; },
      get strsize() { return opts.strsize; },
      get stackindent() { return opts.stackindent; },
      target,
    };
    this.printer = new RecordPrinter(undefined, this, popts);
    this.json = new JsonOutput(this, popts, () => oformatOf(opts));
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  private learn(compiled: CompiledProgram): void {
    this.printer.add(compiled);
    this.json.add(compiled);
    for (const [name, plan] of compiled.aggs) this.aggs.set(name, plan);
    const aggen = compiled.maps.find((m) => m.name === MapName.aggen);
    if (aggen) this.aggenBytes = aggen.spec.valueSize;
    this.errorEnabled = undefined;
  }

  /**
   * Loads and enables one more compiled unit while the others keep running (the shell's incremental
   * enabling): attaches it, runs its BEGIN clauses, and starts draining if nothing ran yet.
   */
  add(compiled: CompiledProgram): Unit {
    const unit = this.session.addUnit(compiled, { verbose: this.opts.verbose });
    this.learn(compiled);
    try {
      unit.attach();
    } catch (e) {
      this.session.removeUnit(unit);
      throw e;
    }
    this.session.runSpecial('BEGIN', [], [unit]);
    this.drain();
    if (this.session.state() === State.WARMUP) this.session.setState(State.ACTIVE);
    this.startTimer();
    return unit;
  }

  /** Times each EPID fired (summed over CPUs), when the programs count firings. */
  firings(epids: number[]): bigint {
    if (!this.session.mapFds.has(MapName.firings)) return 0n;
    const v = Buffer.alloc(8 * this.session.ncpus);
    const k = Buffer.alloc(4);
    let n = 0n;
    for (const epid of epids) {
      k.writeUInt32LE(epid);
      if (!mapLookup(this.session.fd(MapName.firings), k, v)) continue;
      for (let c = 0; c < this.session.ncpus; c++) n += v.readBigUInt64LE(8 * c);
    }
    return n;
  }

  /** Pauses (.stop) or resumes (.go) every probe at once: programs return early while paused. */
  pause(paused: boolean): void {
    this.session.setState(paused ? State.WARMUP : State.ACTIVE);
  }

  private startTimer(): void {
    if (this.timer) return;
    this.lastStatus = Date.now();
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.min(this.opts.switchrate, 1000)));
  }

  out(s: string): void {
    if (!s) return;
    this.pending.push(s);
    this.pendingBytes += s.length;
    if (this.pendingBytes > 1 << 16) this.flush();
  }

  err(s: string): void {
    this.flush();
    this.io.err(s);
  }

  flush(): void {
    if (!this.pending.length) return;
    const s = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    this.io.out(s);
  }

  faulted(epid: number, action: number, fault: number, addr: bigint): void {
    // dtrace:::ERROR: arg1 = EPID, arg2 = action, arg3 = DIF offset (none in BPF), arg4 = fault, arg5 = address.
    if (this.hasError) this.session.runSpecial('ERROR', [0n, BigInt(epid), BigInt(action), -1n, BigInt(fault), addr]);
  }

  private get hasError(): boolean {
    return (this.errorEnabled ??= this.session.hasSpecial('ERROR'));
  }

  private errorEnabled?: boolean;

  /** Ctrl-C: stop as exit(0) would, after dtrace's cosmetic newline (g_newline). */
  interrupt(): void {
    if (this.stopped) return;
    if (oformatOf(this.opts) === 'text') this.out('\n');
    this.exit(0);
  }

  exit(status: number): void {
    if (this.exitStatus === undefined) {
      this.exitStatus = status;
      this.onExit?.();
    }
  }

  get exited(): boolean {
    return this.exitStatus !== undefined;
  }

  /** Loads, attaches, runs BEGIN and starts draining. Throws LoadError/SysError/AttachError. */
  start(): void {
    if (!this.compiled) throw new Error('nothing to start');
    this.session.load({ verbose: this.opts.verbose });
    this.learn(this.compiled);
    this.session.attachAll();
    this.session.runSpecial('BEGIN');
    this.drain();
    if (this.exitStatus === undefined && this.session.state() === State.WARMUP) this.session.setState(State.ACTIVE);
    this.startTimer();
  }

  private tick(): void {
    if (this.stopped) return;
    this.drain();
    if (Date.now() - this.lastStatus >= this.opts.statusrate) {
      this.lastStatus = Date.now();
      this.reportDrops();
    }
  }

  /** Drains the ring buffer until it is empty. */
  drain(): void {
    const printer = oformatOf(this.opts) === 'text' ? this.printer : this.json;
    const sink = (buf: Buffer, off: number, len: number) => this.out(printer.record(buf, off, len));
    while (this.session.drain(sink, 65536) > 0) {
      /* keep going while records arrive */
    }
    this.flush();
  }

  private reportDrops(): void {
    const now = this.session.counters();
    let dyn = 0n;
    now.forEach((cpu, c) => {
      const seen = this.seenCounters[c] ?? [];
      const d = cpu[Counter.DROPS] - (seen[Counter.DROPS] ?? 0n);
      if (d > 0n) this.dropped('buffer', d, cpuDropMessage(c, d), c);
      const a = cpu[Counter.AGGDROPS] - (seen[Counter.AGGDROPS] ?? 0n);
      if (a > 0n) this.dropped('aggregation', a, cpuDropMessage(c, a, true), c);
      dyn += cpu[Counter.DYNDROPS] - (seen[Counter.DYNDROPS] ?? 0n);
    });
    if (dyn > 0n) this.dropped('dynamic', dyn, statusDropMessage('dynamic', dyn));
    this.seenCounters = now;
  }

  /** A drop report: DTrace's message on standard error, and an event in JSON output. */
  private dropped(kind: 'buffer' | 'aggregation' | 'dynamic', n: bigint, message: string, cpu?: number): void {
    this.err(message);
    if (oformatOf(this.opts) !== 'text') this.out(this.json.drop(kind, n, message, cpu));
  }

  /** Stops tracing: detaches, drains, runs END, prints the aggregations; resolves `done`. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    try {
      // Probes stop counting before they detach: taking thousands of them off patches kernel text, and
      // the functions doing it would otherwise fire the probes still attached (DTrace's DRAINING state).
      this.session.setState(State.DRAINING);
      this.session.detachAll();
      this.drain();
      this.session.runSpecial('END');
      this.drain();
      this.reportDrops();
      const left = this.snapshotAll().filter((a) => !this.printed.has(a.name));
      if (oformatOf(this.opts) === 'text') this.out('\n' + formatAggregations(left, this.aggOptions()));
      else this.out(this.json.end(left, this.session.counters(), this.exitStatus ?? 0));
      this.flush();
    } finally {
      this.session.close();
      this.resolveDone(this.exitStatus ?? 0);
    }
  }

  /** How aggregations print under the -x options (aggsortkey and the rest). */
  aggOptions(): AggFormatOptions {
    const o = this.opts;
    return {
      aggsortkey: o.aggsortkey, aggsortrev: o.aggsortrev, aggsortpos: o.aggsortpos, aggsortkeypos: o.aggsortkeypos,
      aggpercpu: o.aggpercpu, stackindent: o.stackindent, strsize: o.strsize, rawbytes: o.rawbytes,
    };
  }

  /** A fresh snapshot of one aggregation (with its normalization). */
  snapshot(name: string): Aggregation {
    const plan = this.aggs.get(name);
    if (!plan) throw new Error(`no aggregation @${name}`);
    const agg = snapshotAggregation(plan, this.session.fd(plan.map), this.session.ncpus, this.generation(plan.id), this.opts.aggpercpu);
    const normal = this.normals.get(name);
    if (normal !== undefined) agg.normal = normal;
    return agg;
  }

  snapshotAll(): Aggregation[] {
    return [...this.aggs.keys()].map((n) => this.snapshot(n));
  }

  /** Where an aggregation lives and its current generation and normalization: for readers that decode its map themselves (.query). */
  aggSource(name: string): { plan: AggPlan; fd: number; ncpus: number; gen: bigint; normal?: bigint } | undefined {
    const plan = this.aggs.get(name);
    if (!plan) return undefined;
    return { plan, fd: this.session.fd(plan.map), ncpus: this.session.ncpus, gen: this.generation(plan.id), normal: this.normals.get(name) };
  }

  printa(format: string | undefined, aggs: string[]): string {
    for (const a of aggs) this.printed.add(a);
    return formatPrinta(format, aggs.map((a) => this.snapshot(a)), this.aggOptions());
  }

  aggop(op: 'clear' | 'trunc' | 'normalize' | 'denormalize', name: string, arg?: bigint): void {
    const plan = this.aggs.get(name);
    if (!plan) return;
    const fd = this.session.fd(plan.map);
    switch (op) {
      case 'normalize':
        this.normals.set(name, arg ?? 1n);
        return;
      case 'denormalize':
        this.normals.delete(name);
        return;
      case 'clear':
        // a new generation: every slot of the old one reads as zero, and is reset by its next update
        this.setGeneration(plan.id, this.generation(plan.id) + 1n);
        return;
      case 'trunc': {
        if (plan.keys.length === 0) {
          if (arg === undefined || arg === 0n) this.setGeneration(plan.id, this.generation(plan.id) + 1n);
          return;
        }
        const keep = new Set<string>();
        if (arg !== undefined && arg !== 0n) {
          const agg = this.snapshot(name);
          for (const e of truncAggregation(agg, arg).entries) keep.add(JSON.stringify(e.keys, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
        }
        for (const k of this.keys(fd, plan.keySize)) {
          const id = JSON.stringify(plan.keys.map((f) => decodeKey(k, 0, f)), (_, v) => (typeof v === 'bigint' ? v.toString() : v));
          if (!keep.has(id)) mapDelete(fd, k);
        }
        return;
      }
    }
  }

  private generation(id: number): bigint {
    const v = Buffer.alloc(this.aggenSize());
    mapLookup(this.session.fd(MapName.aggen), Buffer.alloc(4), v);
    return v.readBigUInt64LE(aggGenOffset(id));
  }

  private setGeneration(id: number, gen: bigint): void {
    const fd = this.session.fd(MapName.aggen);
    const v = Buffer.alloc(this.aggenSize());
    mapLookup(fd, Buffer.alloc(4), v);
    v.writeBigUInt64LE(gen, aggGenOffset(id));
    mapUpdate(fd, Buffer.alloc(4), v);
  }

  private aggenSize(): number {
    return this.aggenBytes;
  }

  private keys(fd: number, size: number): Buffer[] {
    const out: Buffer[] = [];
    let prev: Buffer | null = null;
    for (;;) {
      const next = Buffer.alloc(size);
      if (!mapNextKey(fd, prev, next)) return out;
      out.push(next);
      prev = next;
    }
  }
}
