// How a program reads its probe's arguments: per attach kind, the program type and the loads of arg0..argN.
import { R0, R10, alu64, ldx, mov64, type Reg } from '../asm/insn.js';
import { ProgType } from '../sys/bpf.js';
import type { Probe } from '../probes/probe.js';
import { readEventFormat } from '../probes/tracefs-format.js';
import { int64, isString, type DType } from '../../d/types.js';
import type { KernelTypes } from '../../d/kernel-types.js';
import { fieldType } from './field-types.js';
import type { Emitter } from './emitter.js';
import { profileContext, translatedContext, uprobeContext } from './context-providers.js';
import { fbtContext } from './fbt-context.js';

/** Stack slot where the prologue saves the context pointer. */
export { CTX_SLOT } from './frame.js';
import { CTX_SLOT } from './frame.js';

interface ArgField {
  offset: number;
  size: number;
  signed: boolean;
  type: DType;
  /** The value lives in the record: a char array, or a __data_loc string (u32: offset | length << 16). */
  inline?: 'array' | 'dataloc';
}

export interface ProbeContext {
  progType: number;
  /** Argument types for args[] (and the count of meaningful argN). */
  argTypes: DType[];
  /** Emits a load of argN (as a 64-bit value) into dst. */
  loadArg(e: Emitter, n: number, dst: Reg): void;
  /** For string-typed args[n] stored in the record itself: emits dst = the string's address. */
  argAddr?(e: Emitter, n: number, dst: Reg): void;
  /** Emitted first in the program (r1-r5 free): jumps to `skip` when this firing is not the probe's (proc:::exit of a thread). */
  guard?(e: Emitter, skip: string): void;
  /** BPF_PROG_LOAD's expected_attach_type and attach_btf_id (fentry/fexit, kprobe_multi). */
  expectedAttachType?: number;
  attachBtfId?: number;
  /** Kernel stack frames bpf_get_stack should skip (fentry/fexit: the program's and the trampoline's). */
  stackSkip?: number;
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
function tracepointContext(group: string, event: string, types?: KernelTypes): ProbeContext {
  const fmt = readEventFormat(group, event);
  let fields: ArgField[] = fmt.fields
    .filter((f) => !f.common && f.name !== '__syscall_nr')
    .map((f) => {
      const type = fieldType(f, types);
      const inline = f.dataLoc ? 'dataloc' : isString(type) ? 'array' : undefined;
      return { offset: f.offset, size: f.size, signed: f.signed, type, inline };
    });
  if (group === 'syscalls' && event.startsWith('sys_exit_')) {
    // DTrace: on return, arg0 and arg1 both hold the return value.
    fields = [fields[0], fields[0]];
  }
  return {
    progType: ProgType.TRACEPOINT,
    argTypes: fields.map((f) => f.type),
    loadArg: (e, n, dst) => {
      const f = fields[n];
      if (f?.inline) {
        // argN of an inline string is its address, as DTrace gives for arrays
        tracepointAddr(e, f, dst);
        return;
      }
      loadField(e, f, dst);
    },
    argAddr: (e, n, dst) => tracepointAddr(e, fields[n], dst),
  };
}

function tracepointAddr(e: Emitter, f: ArgField, dst: Reg): void {
  e.emit(ldx(8, dst, R10, CTX_SLOT));
  if (f.inline === 'dataloc') {
    e.emit(ldx(4, R0, dst, f.offset), alu64('and', R0, 0xffff), alu64('add', dst, R0));
  } else e.emit(alu64('add', dst, f.offset));
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

export function probeContext(probe: Probe, types?: KernelTypes): ProbeContext {
  const a = probe.attach;
  switch (a.kind) {
    case 'tracepoint':
      return tracepointContext(a.group, a.event, types);
    case 'dtrace':
      return dtraceContext(a.which);
    case 'fbt':
      return fbtContext(probe, types);
    case 'profile':
      return profileContext();
    case 'uprobe':
      return uprobeContext(a, types);
    case 'translated':
      return translatedContext(a, types);
  }
}
