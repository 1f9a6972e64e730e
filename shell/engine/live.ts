// The shell's live session: clauses enabled one at a time into one running trace, sharing its maps,
// ring buffer, globals and aggregations; each enabling can be disabled and enabled again.
import type { Program, TopItem, Clause } from '../../d/ast.js';
import { parseProgram } from '../../d/parser.js';
import { DError } from '../../d/errors.js';
import type { ProbeTable } from '../../kmod/probes/table.js';
import { compile, NoProbesError } from '../../kmod/codegen/compile.js';
import type { Unit } from '../../kmod/session.js';
import type { Aggregation } from '../../kmod/consumer/aggregation.js';
import { formatAggregations, formatPrinta } from '../format/aggregation.js';
import { compileOptionsOf, defaultOptions, setOption, type DOptions } from './options.js';
import { TraceRun, type Output } from './trace-run.js';
import { aggregationLines, oformatOf } from './json-output.js';

/** One enabling: the text the user gave, its clauses, and the unit running them. */
export interface Enabling {
  id: number;
  text: string;
  /** The probe descriptions, as written. */
  descs: string[];
  clauses: Clause[];
  epids: number[];
  probes: number;
  unit: Unit;
  enabled: boolean;
}

/** Fixed sizes of the shared maps, so every enabling fits the same maps. */
const FIXED = { scratch: 16384, globals: 65536, zeros: 16384, aggs: 1024 };

export class LiveSession {
  readonly opts: DOptions;
  readonly enablings: Enabling[] = [];
  private items: TopItem[] = [];
  private clauseCount = 0;
  private nextEpid = 1;
  private nextId = 1;
  private run?: TraceRun;
  paused = false;

  constructor(private readonly table: ProbeTable, private readonly io: Output, opts?: DOptions) {
    this.opts = opts ?? defaultOptions();
  }

  get running(): TraceRun | undefined {
    return this.run;
  }

  /**
   * Compiles `text` (one or more clauses, pragmas, declarations) with everything enabled before it,
   * loads and attaches only the new clauses. Throws DError (positions in `text`) and load errors.
   */
  enable(text: string, macros: Record<string, string | number | undefined> = {}): Enabling {
    const program = parseProgram(text);
    for (const item of program.items) if (item.kind === 'pragma') setOption(this.opts, item.option, item.value ?? true);
    const newClauses = program.items.filter((i): i is Clause => i.kind === 'clause');
    if (!newClauses.length) throw new DError('nothing to enable: no probe clause');
    const first = this.clauseCount;
    const whole: Program = { kind: 'program', items: [...this.items, ...program.items] };
    const compiled = compile(whole, this.table, {
      ...compileOptionsOf(this.opts, { pid: process.pid, ...macros }), only: (i) => i >= first, firstEpid: this.nextEpid,
      fixed: FIXED, countFirings: true,
    });
    if (!this.run) this.run = new TraceRun(undefined, this.opts, this.io);
    const unit = this.run.add(compiled);
    // committed: the clauses now belong to the session
    this.items.push(...program.items);
    this.clauseCount += newClauses.length;
    const epids = compiled.epids.map((e) => e.epid);
    this.nextEpid = Math.max(this.nextEpid, ...epids.map((e) => e + 1));
    const e: Enabling = {
      id: this.nextId++, text: text.trim(), descs: newClauses.flatMap((c) => c.probes.map((p) => p.text)), clauses: newClauses,
      epids, probes: compiled.clauseProbes.slice(first).reduce((n, p) => n + p.length, 0), unit, enabled: true,
    };
    this.enablings.push(e);
    return e;
  }

  find(id: number): Enabling {
    const e = this.enablings.find((x) => x.id === id);
    if (!e) throw new Error(`no enabling ${id} (see .enabled)`);
    return e;
  }

  disable(id: number): Enabling {
    const e = this.find(id);
    e.unit.detach();
    e.enabled = false;
    return e;
  }

  reenable(id: number): Enabling {
    const e = this.find(id);
    e.unit.attach();
    e.enabled = true;
    return e;
  }

  firings(e: Enabling): bigint {
    return this.run?.firings(e.epids) ?? 0n;
  }

  /** .stop / .go: every probe pauses or resumes at once. */
  pause(paused: boolean): void {
    this.paused = paused;
    this.run?.pause(paused);
  }

  aggregationNames(): string[] {
    return this.run ? [...this.run.aggs.keys()] : [];
  }

  snapshot(name?: string): Aggregation[] {
    if (!this.run) return [];
    return name === undefined ? this.run.snapshotAll() : [this.run.snapshot(name)];
  }

  /** printa() of one aggregation, or every one (in DTrace's exit format). */
  print(name?: string): string {
    if (!this.run) return '';
    this.run.drain();
    if (name !== undefined && !this.run.aggs.has(name)) throw new Error(`@${name} is not an aggregation of this session`);
    const aggs = this.snapshot(name);
    // under .set oformat=json (or json-doc), as the aggregations print at exit: a JSON line each
    if (oformatOf(this.opts) !== 'text') return aggregationLines(aggs);
    if (name !== undefined) return formatPrinta(undefined, aggs, this.run.aggOptions());
    return aggs.length ? '\n' + formatAggregations(aggs, this.run.aggOptions()) : '';
  }

  clear(name?: string): void {
    for (const n of name === undefined ? this.aggregationNames() : [name]) this.run?.aggop('clear', n);
  }

  /** The enabled clauses as a runnable D script (options that differ from the defaults as pragmas). */
  script(): string {
    const lines = ['#!/usr/sbin/dtrace -s', ''];
    const d = defaultOptions();
    if (this.opts.quiet !== d.quiet) lines.push('#pragma D option quiet');
    if (this.opts.strsize !== d.strsize) lines.push(`#pragma D option strsize=${this.opts.strsize}`);
    if (lines.length > 2) lines.push('');
    for (const e of this.enablings) if (e.enabled) lines.push(e.text, '');
    return lines.join('\n');
  }

  /** Disables everything, runs END, prints what is left: the end of a session. */
  async close(): Promise<void> {
    if (!this.run) return;
    this.run.stop();
    await this.run.done;
    this.run = undefined;
  }

  static isNoMatch(e: unknown): e is NoProbesError {
    return e instanceof NoProbesError;
  }
}
