// The JSON output of a trace (`dtrace -O json`, `-x oformat=json`, `.set oformat=json` in the shell):
// the JSON counterpart of record-printer.ts (keep the two in step). One JSON object per line (NDJSON):
//
//   {"type":"record","cpu":0,"epid":1,"id":194,"probe":"syscall:vmlinux:getppid:entry","data":[...]}
//        data: {"action":"printf","text":"4012 bash\n","args":[4012,"bash"]}   {"action":"trace","value":12}
//              {"action":"stack","frames":["vmlinux`do_syscall_64+0x5c", ...]}  {"action":"exit","status":0}
//              {"action":"printa","text":"...","aggregations":[AGGREGATION, ...]}
//   {"type":"error","epid":1,"id":398,"probe":"...","fault":"invalid address","addr":"0x3","action":1,"message":"dtrace: error on ..."}
//   {"type":"drop","kind":"buffer"|"aggregation"|"dynamic","cpu":1,"count":12,"message":"dtrace: 12 drops on CPU 1"}
//   {"type":"aggregation","name":"counts","fn":"count","entries":[...]}          (at exit, as the text prints them)
//
// AGGREGATION is the query model's (shell/query/model.ts). With `json-doc` nothing is printed until
// the end, then one document: {"records":[...],"events":[errors and drops],"aggregations":{...},
// "probes":[...],"drops":{...},"errors":N,"status":N}. Integers beyond 2^53 are decimal strings.
import type { CompiledProgram, EnabledProbe, Field, ActionPlan } from '../../kmod/codegen/plan.js';
import { ERROR_EPID } from '../../kmod/codegen/plan.js';
import { MapName } from '../../kmod/codegen/layout.js';
import { jsonInt, type Aggregation } from '../../kmod/consumer/aggregation.js';
import { probeName } from '../../kmod/probes/probe.js';
import { compilePrintf } from '../format/printf.js';
import { faultName, formatFault } from '../format/trace.js';
import { formatKernelAddr } from '../../kmod/symbols/kallsyms.js';
import { formatUserAddr } from '../../kmod/symbols/process.js';
import { aggregationModel, countersModel, type QueryAggregation, type QueryProbe } from '../query/model.js';
import { readField, type PrinterHost, type PrinterOptions } from './record-printer.js';
import type { DOptions } from './options.js';

export type OFormat = 'text' | 'json' | 'json-doc';

/** The values -x oformat (and dtrace -O) take; `none` and `text` are DTrace's text. */
export const OFORMATS = ['text', 'none', 'json', 'json-doc'] as const;

export function oformatOf(o: DOptions): OFormat {
  const v = o.raw.get('oformat');
  return v === 'json' || v === 'json-doc' ? v : 'text';
}

/** Aggregations as JSON lines, `{"type":"aggregation",...}` each (at exit, and the shell's .print). */
export function aggregationLines(aggs: Aggregation[]): string {
  return aggs.map((a) => JSON.stringify({ type: 'aggregation', ...aggregationModel(a) }) + '\n').join('');
}

/** What the JSON printer needs from the run (TraceRun has all of it). */
export interface JsonHost extends PrinterHost {
  snapshot(name: string): Aggregation;
  firings(epids: number[]): bigint;
  readonly session: { readonly mapFds: ReadonlyMap<string, number> };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };
type Item = Record<string, Json | undefined>;
type ActionFn = (buf: Buffer, base: number) => Item | undefined;

function jsonValue(v: unknown): Json {
  if (typeof v === 'bigint') return jsonInt(v);
  if (Array.isArray(v)) return v.map(jsonValue);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  return String(v);
}

export class JsonOutput {
  private byEpid: (EnabledProbe | undefined)[] = [];
  private actionFns: (ActionFn[] | undefined)[] = [];
  private controlOnly: boolean[] = [];
  private speculations = new Map<number, Item[]>();
  /** Each clause (by index in the whole program): its descriptions, probe count and EPIDs. */
  private clauses = new Map<number, { description: string; probes: number; epids: Set<number> }>();
  private doc = { records: [] as Item[], events: [] as Item[] };

  constructor(private host: JsonHost, private opts: PrinterOptions, private format: () => OFormat) {}

  /** Learns the records of more enabled probes (as RecordPrinter.add). */
  add(compiled: CompiledProgram): void {
    for (const ep of compiled.epids) {
      this.byEpid[ep.epid] = ep;
      this.actionFns[ep.epid] = ep.actions.map((a) => this.actionFn(a));
      this.controlOnly[ep.epid] = ep.actions.length > 0 && ep.actions.every((a) => a.kind === 'commit' || a.kind === 'discard');
      const c = compiled.clauses[ep.clause];
      const known = this.clauses.get(ep.clause);
      if (known) {
        known.epids.add(ep.epid);
      } else if (c) {
        this.clauses.set(ep.clause, {
          description: c.probes.map((p) => p.text).join(', '), probes: compiled.clauseProbes[ep.clause]?.length ?? 0, epids: new Set([ep.epid]),
        });
      }
    }
  }

  /** A record or event: one line in NDJSON, kept for the end in json-doc. */
  private emit(obj: Item, kind: 'records' | 'events'): string {
    if (this.format() === 'json-doc') {
      this.doc[kind].push(obj);
      return '';
    }
    return JSON.stringify(obj) + '\n';
  }

  private actionFn(a: ActionPlan): ActionFn {
    switch (a.kind) {
      case 'printf': {
        const fmt = compilePrintf(a.format, {
          strsize: this.opts.strsize,
          symbolize: (addr) => formatKernelAddr(addr),
          usymbolize: (addr) => (this.opts.target ? formatUserAddr(this.opts.target, addr) : undefined) ?? `0x${addr.toString(16)}`,
        });
        const fields = a.args;
        return (buf, base) => {
          const args = fields.map((f) => readField(buf, base, f));
          return { action: 'printf', text: fmt(args), args: args.map(jsonValue) };
        };
      }
      case 'stack':
      case 'ustack': {
        const f = a.field;
        const kind = a.kind;
        return (buf, base) => ({ action: kind, frames: jsonValue(readField(buf, base, f)) });
      }
      case 'trace': {
        const f: Field = a.field;
        if (f.type.kind === 'stack' || f.type.kind === 'ustack') return (buf, base) => ({ action: 'trace', frames: jsonValue(readField(buf, base, f)) });
        return (buf, base) => ({ action: 'trace', value: jsonValue(readField(buf, base, f)) });
      }
      case 'exit': {
        const f = a.field;
        return (buf, base) => {
          const status = Number(BigInt.asIntN(32, buf.readBigUInt64LE(base + f.offset)));
          this.host.exit(status);
          return { action: 'exit', status };
        };
      }
      case 'commit':
      case 'discard': {
        const f = a.field;
        const kind = a.kind;
        return (buf, base) => {
          const id = Number(buf.readBigUInt64LE(base + f.offset));
          const items = this.speculations.get(id) ?? [];
          this.speculations.delete(id);
          if (kind === 'commit') {
            const text = items.map((r) => this.emit(r, 'records')).join('');
            if (text) this.host.out(text);
          }
          return undefined;
        };
      }
      case 'printa':
        return () => {
          const text = this.host.printa(a.format, a.aggs);
          const aggregations = a.aggs.map((n) => aggregationModel(this.host.snapshot(n)) as unknown as Json);
          return { action: 'printa', text, aggregations };
        };
      case 'aggop': {
        const f = a.field;
        return (buf, base) => {
          this.host.aggop(a.op, a.agg, f ? BigInt.asIntN(64, buf.readBigUInt64LE(base + f.offset)) : undefined);
          return undefined;
        };
      }
      default:
        return () => undefined;
    }
  }

  /** One ring-buffer record as JSON (as RecordPrinter.record returns text). */
  record(buf: Buffer, off: number, len: number): string {
    const epid = buf.readUInt32LE(off);
    if (epid === ERROR_EPID) return this.fault(buf, off);
    const ep = this.byEpid[epid];
    if (!ep || len < ep.recordSize) return '';
    const cpu = buf.readUInt16LE(off + 4);
    const spec = buf.readUInt16LE(off + 6);
    const fns = this.actionFns[epid]!;
    if (this.controlOnly[epid]) {
      for (const fn of fns) fn(buf, off);
      return '';
    }
    const mask = ep.maskOffset !== undefined ? buf.readBigUInt64LE(off + ep.maskOffset) : -1n;
    const data: Item[] = [];
    for (let i = 0; i < fns.length; i++) {
      if (mask !== -1n && !((mask >> BigInt(i)) & 1n)) continue;
      const item = fns[i](buf, off);
      if (item) data.push(item);
    }
    const p = ep.probe;
    const obj: Item = { type: 'record', cpu, epid, id: p.id, probe: probeName(p), data: data as Json[] };
    if (spec) {
      const list = this.speculations.get(spec) ?? [];
      list.push(obj);
      this.speculations.set(spec, list);
      return '';
    }
    return this.emit(obj, 'records');
  }

  private fault(buf: Buffer, off: number): string {
    const epid = buf.readUInt32LE(off + 8);
    const ep = this.byEpid[epid];
    if (!ep) return '';
    const p = ep.probe;
    const fault = buf.readUInt32LE(off + 12);
    const addr = buf.readBigUInt64LE(off + 16);
    const action = buf.readUInt32LE(off + 24);
    const message = formatFault({ epid, probeId: p.id, provider: p.provider, module: p.module, func: p.func, name: p.name, fault, addr, action });
    this.host.err(message);
    // (programs with ERROR clauses compiled in ran them already, in the faulting firing)
    if (!ep.errorInKernel) this.host.faulted?.(epid, action, fault, addr);
    return this.emit({
      type: 'error', epid, id: p.id, probe: probeName(p), fault: faultName(fault), addr: `0x${addr.toString(16)}`, action,
      message: message.trimEnd(),
    }, 'events');
  }

  /** A drop report as an event (the text message goes to standard error as before). */
  drop(kind: 'buffer' | 'aggregation' | 'dynamic', count: bigint, message: string, cpu?: number): string {
    const obj: Item = { type: 'drop', kind };
    if (cpu !== undefined) obj.cpu = cpu;
    obj.count = jsonInt(count);
    obj.message = message.trimEnd();
    return this.emit(obj, 'events');
  }

  /** The clauses as the model's probes (firings when the programs count them). */
  probes(): QueryProbe[] {
    const counted = this.host.session.mapFds.has(MapName.firings);
    return [...this.clauses].sort((a, b) => a[0] - b[0]).map(([i, c]) => {
      const p: QueryProbe = { id: i + 1, description: c.description, probes: c.probes };
      if (counted) p.firings = jsonInt(this.host.firings([...c.epids]));
      return p;
    });
  }

  /** What the end of the trace prints: the aggregations left (NDJSON), or the whole document. */
  end(aggs: Aggregation[], counters: readonly (readonly bigint[])[], status: number): string {
    if (this.format() !== 'json-doc') return aggregationLines(aggs);
    const models: QueryAggregation[] = aggs.map(aggregationModel);
    const doc = {
      records: this.doc.records,
      events: this.doc.events,
      aggregations: Object.fromEntries(models.map((m) => [m.name, m])),
      probes: this.probes(),
      ...countersModel(counters),
      status,
    };
    this.doc = { records: [], events: [] };
    return JSON.stringify(doc) + '\n';
  }
}
