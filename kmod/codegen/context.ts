// How a program reads its probe's arguments: per attach kind, the program type and the loads of arg0..argN.
import { R10, alu64, ldx, mov64, type Reg } from '../asm/insn.js';
import { ProgType } from '../sys/bpf.js';
import type { Probe } from '../probes/probe.js';
import { readEventFormat } from '../probes/tracefs-format.js';
import { int64, int32, uint64, int16, uint16, int8, uint8, uint32, type DType, type IntType } from '../../d/types.js';
import type { Emitter } from './emitter.js';

/** Stack slot where the prologue saves the context pointer. */
export const CTX_SLOT = -8;

interface ArgField {
  offset: number;
  size: number;
  signed: boolean;
  type: DType;
}

export interface ProbeContext {
  progType: number;
  /** Argument types for args[] (and the count of meaningful argN). */
  argTypes: DType[];
  /** Emits a load of argN (as a 64-bit value) into dst. */
  loadArg(e: Emitter, n: number, dst: Reg): void;
}

function intType(size: number, signed: boolean): IntType {
  if (size === 8) return signed ? int64 : uint64;
  if (size === 4) return signed ? int32 : uint32;
  if (size === 2) return signed ? int16 : uint16;
  return signed ? int8 : uint8;
}

function loadField(e: Emitter, f: ArgField | undefined, dst: Reg): void {
  if (!f) {
    e.emit(mov64(dst, 0));
    return;
  }
  e.emit(ldx(8, dst, R10, CTX_SLOT));
  const size = f.size === 1 || f.size === 2 || f.size === 4 ? f.size : 8;
  e.emit(ldx(size, dst, dst, f.offset));
  if (f.signed && size < 8) {
    const shift = 64 - size * 8;
    e.emit(alu64('lsh', dst, shift), alu64('arsh', dst, shift));
  }
}

/** Tracepoint programs: fields after the common ones, in the order the format file lists them. */
function tracepointContext(group: string, event: string): ProbeContext {
  const fmt = readEventFormat(group, event);
  let fields: ArgField[] = fmt.fields
    .filter((f) => !f.common && f.name !== '__syscall_nr')
    .map((f) => ({
      offset: f.offset,
      size: f.size,
      signed: f.signed,
      type: f.dataLoc || f.arrayLen !== undefined ? int64 : f.type.includes('*') ? uint64 : intType(f.size, f.signed),
    }));
  if (group === 'syscalls' && event.startsWith('sys_exit_')) {
    // DTrace: on return, arg0 and arg1 both hold the return value.
    fields = [fields[0], fields[0]];
  }
  return {
    progType: ProgType.TRACEPOINT,
    argTypes: fields.map((f) => f.type),
    loadArg: (e, n, dst) => loadField(e, fields[n], dst),
  };
}

/** BEGIN/END/ERROR run as raw tracepoint programs through BPF_PROG_TEST_RUN; ERROR's args come in the context. */
function dtraceContext(which: string): ProbeContext {
  const nargs = which === 'ERROR' ? 6 : 0;
  return {
    progType: ProgType.RAW_TRACEPOINT,
    argTypes: Array.from({ length: nargs }, () => int64),
    loadArg: (e, n, dst) => loadField(e, n < nargs ? { offset: 8 * n, size: 8, signed: true, type: int64 } : undefined, dst),
  };
}

export function probeContext(probe: Probe): ProbeContext {
  const a = probe.attach;
  switch (a.kind) {
    case 'tracepoint':
      return tracepointContext(a.group, a.event);
    case 'dtrace':
      return dtraceContext(a.which);
    case 'fbt':
      throw new Error(`fbt:${a.module}:${a.func}: kernel function tracing is not available yet`);
  }
}
