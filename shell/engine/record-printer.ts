// Turns ring-buffer records into DTrace's output: probe lines, printf/trace data, faults, exit.
import { isString, type DType } from '../../d/types.js';
import type { CompiledProgram, EnabledProbe, Field, ActionPlan } from '../../kmod/codegen/plan.js';
import { ERROR_EPID } from '../../kmod/codegen/plan.js';
import { compilePrintf, type CompiledPrintf, type PrintfValue } from '../format/printf.js';
import { probeHeader, probeLine, recordEnd, traceInt, traceString, traceStack, traceSym, formatFault } from '../format/trace.js';
import { decodeStack, decodeSym } from '../../kmod/consumer/special.js';
import { formatKernelAddr } from '../../kmod/symbols/kallsyms.js';
import { formatUserAddr } from '../../kmod/symbols/process.js';

/** What the printer needs from the run: output streams and aggregation actions. */
export interface PrinterHost {
  out(s: string): void;
  err(s: string): void;
  printa(format: string | undefined, aggs: string[]): string;
  aggop(op: 'clear' | 'trunc' | 'normalize' | 'denormalize', agg: string, arg?: bigint): void;
  /** exit(status) was recorded. */
  exit(status: number): void;
  /** A clause faulted (after its message is printed): fires dtrace:::ERROR. */
  faulted?(epid: number, action: number, fault: number, addr: bigint): void;
}

export interface PrinterOptions {
  quiet: boolean;
  strsize: number;
  stackindent?: number;
  /** $target, whose symbols %A uses. */
  target?: number;
}

/** Reads a record field as the value printf()/trace() take. */
export function readField(buf: Buffer, base: number, f: Field): PrintfValue {
  const t: DType = f.type;
  const at = base + f.offset;
  if (t.kind === 'stack' || t.kind === 'ustack') return decodeStack(buf, at, t).frames;
  if (t.kind === 'sym' || t.kind === 'usym') return decodeSym(buf, at, t).text;
  if (isString(t)) {
    let end = buf.indexOf(0, at);
    if (end < 0 || end > at + t.maxLen) end = at + t.maxLen;
    return buf.toString('utf8', at, end);
  }
  const raw = buf.readBigUInt64LE(at);
  if (t.kind === 'int' && t.size < 8) return t.signed ? BigInt.asIntN(t.size * 8, raw) : BigInt.asUintN(t.size * 8, raw);
  if (t.kind === 'int' && t.signed) return BigInt.asIntN(64, raw);
  return raw;
}

type ActionFn = (buf: Buffer, base: number) => string;

export class RecordPrinter {
  private byEpid: (EnabledProbe | undefined)[] = [];
  private actionFns: (ActionFn[] | undefined)[] = [];
  private prefixes: string[][] = [];
  private headerDone = false;

  constructor(compiled: CompiledProgram | undefined, private host: PrinterHost, private opts: PrinterOptions) {
    if (compiled) this.add(compiled);
  }

  /** Learns the records of more enabled probes (the shell enables clauses one at a time). */
  add(compiled: CompiledProgram): void {
    for (const ep of compiled.epids) {
      this.byEpid[ep.epid] = ep;
      this.actionFns[ep.epid] = ep.actions.map((a) => this.actionFn(a));
      this.controlOnly[ep.epid] = ep.actions.length > 0 && ep.actions.every((a) => a.kind === 'commit' || a.kind === 'discard');
    }
  }

  private actionFn(a: ActionPlan): ActionFn {
    const quiet = this.opts.quiet;
    switch (a.kind) {
      case 'printf': {
        const fmt: CompiledPrintf = compilePrintf(a.format, {
          strsize: this.opts.strsize,
          symbolize: (addr) => formatKernelAddr(addr),
          usymbolize: (addr) => (this.opts.target ? formatUserAddr(this.opts.target, addr) : undefined) ?? `0x${addr.toString(16)}`,
        });
        const fields = a.args;
        return (buf, base) => fmt(fields.map((f) => readField(buf, base, f)));
      }
      case 'stack':
      case 'ustack': {
        const f = a.field;
        return (buf, base) => traceStack(readField(buf, base, f) as string[], { stackindent: this.opts.stackindent });
      }
      case 'trace': {
        const f = a.field;
        if (f.type.kind === 'stack' || f.type.kind === 'ustack') {
          return (buf, base) => traceStack(readField(buf, base, f) as string[], { stackindent: this.opts.stackindent });
        }
        if (f.type.kind === 'sym' || f.type.kind === 'usym') return (buf, base) => traceSym(readField(buf, base, f) as string);
        if (isString(f.type)) return (buf, base) => traceString(readField(buf, base, f) as string, { quiet, strsize: this.opts.strsize });
        const size = f.type.kind === 'int' ? f.type.size : 8;
        return (buf, base) => traceInt(readField(buf, base, f) as bigint, size, { quiet });
      }
      case 'exit': {
        const f = a.field;
        return (buf, base) => {
          this.host.exit(Number(BigInt.asIntN(32, buf.readBigUInt64LE(base + f.offset))));
          return '';
        };
      }
      case 'commit':
      case 'discard': {
        const f = a.field;
        const kind = a.kind;
        return (buf, base) => {
          const text = this.settle(kind, Number(buf.readBigUInt64LE(base + f.offset)));
          if (text) this.host.out(text);
          return '';
        };
      }
      case 'printa':
        return () => this.host.printa(a.format, a.aggs);
      case 'aggop': {
        const f = a.field;
        return (buf, base) => {
          this.host.aggop(a.op, a.agg, f ? BigInt.asIntN(64, buf.readBigUInt64LE(base + f.offset)) : undefined);
          return '';
        };
      }
      default:
        return () => '';
    }
  }

  private prefix(ep: EnabledProbe, cpu: number): string {
    let row = this.prefixes[ep.epid];
    if (!row) row = this.prefixes[ep.epid] = [];
    if (this.opts.quiet) return '';
    let p = row[cpu];
    if (p === undefined) p = row[cpu] = probeLine(cpu, ep.probe.id, ep.probe.func, ep.probe.name);
    return p;
  }

  /** Formats one record (data at buf[off..off+len)); returns the text for standard output. */
  record(buf: Buffer, off: number, len: number): string {
    const epid = buf.readUInt32LE(off);
    if (epid === ERROR_EPID) {
      this.fault(buf, off);
      return '';
    }
    const ep = this.byEpid[epid];
    if (!ep || len < ep.recordSize) return '';
    const cpu = buf.readUInt16LE(off + 4);
    const spec = buf.readUInt16LE(off + 6);
    if (this.controlOnly[epid]) {
      for (const fn of this.actionFns[epid]!) fn(buf, off);
      return '';
    }
    let s = '';
    if (!this.opts.quiet && !this.headerDone) {
      this.headerDone = true;
      s += probeHeader({ quiet: false });
    }
    s += this.prefix(ep, cpu);
    const fns = this.actionFns[epid]!;
    const mask = ep.maskOffset !== undefined ? buf.readBigUInt64LE(off + ep.maskOffset) : -1n;
    for (let i = 0; i < fns.length; i++) {
      if (mask !== -1n && !((mask >> BigInt(i)) & 1n)) continue;
      s += fns[i](buf, off);
    }
    s += recordEnd({ quiet: this.opts.quiet });
    if (spec) {
      this.speculations.set(spec, (this.speculations.get(spec) ?? '') + s);
      return '';
    }
    return s;
  }

  /** Text recorded under each speculation, waiting for commit() or discard(). */
  private speculations = new Map<number, string>();
  /** EPIDs whose records only commit or discard (no probe line of their own). */
  private controlOnly: boolean[] = [];

  private settle(kind: 'commit' | 'discard', id: number): string {
    const text = this.speculations.get(id) ?? '';
    this.speculations.delete(id);
    return kind === 'commit' ? text : '';
  }

  private fault(buf: Buffer, off: number): void {
    const epid = buf.readUInt32LE(off + 8);
    const ep = this.byEpid[epid];
    if (!ep) return;
    const p = ep.probe;
    const fault = buf.readUInt32LE(off + 12);
    const addr = buf.readBigUInt64LE(off + 16);
    const action = buf.readUInt32LE(off + 24);
    this.host.err(formatFault({ epid, probeId: p.id, provider: p.provider, module: p.module, func: p.func, name: p.name, fault, addr, action }));
    // (programs with ERROR clauses compiled in ran them already, in the faulting firing)
    if (!ep.errorInKernel) this.host.faulted?.(epid, action, fault, addr);
  }
}
