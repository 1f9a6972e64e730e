// The output of code generation: maps to create, programs to load, and how to read their records.
import type { Item } from '../asm/insn.js';
import type { MapSpec } from '../sys/bpf.js';
import type { Probe } from '../probes/probe.js';
import type { DType } from '../../d/types.js';
import type { AggFnName } from '../../d/functions.js';
import type { Clause, Pos } from '../../d/ast.js';
import type { PrintfFormat } from '../../d/printf-format.js';

/** A value stored in a record or key at `offset`. */
export interface Field {
  offset: number;
  type: DType;
}

/** What the consumer does with one action's data in a record. */
export type ActionPlan =
  | { kind: 'printf'; format: PrintfFormat; args: Field[] }
  | { kind: 'trace'; field: Field }
  | { kind: 'exit'; field: Field }
  | { kind: 'printa'; format?: string; aggs: string[] }
  | { kind: 'aggop'; op: 'clear' | 'trunc' | 'normalize' | 'denormalize'; agg: string; field?: Field }
  | { kind: 'stack' | 'ustack'; field: Field; frames: number }
  | { kind: 'commit' | 'discard'; field: Field };

/** An enabled probe (EPID): one clause on one probe, and the layout of its records. */
export interface EnabledProbe {
  epid: number;
  probe: Probe;
  clause: number;
  actions: ActionPlan[];
  /** Bytes of a record (header included); 0 when the clause records nothing. */
  recordSize: number;
  /** True when the clause makes a record (DTrace prints the probe line for it). */
  records: boolean;
  /** Offset of the u64 mask of actions taken, when some action is conditional (inside if/else). */
  maskOffset?: number;
  /** dtrace:::ERROR runs inside this probe's program when it faults (the consumer need not run it). */
  errorInKernel?: boolean;
}

export interface AggPlan {
  id: number;
  name: string;
  fn: AggFnName;
  params: bigint[];
  keys: Field[];
  keySize: number;
  /** Bytes per CPU of the value. */
  valueSize: number;
  map: string;
}

export interface VarPlan {
  name: string;
  scope: 'global' | 'self';
  type: DType;
  /** Offset in the globals map value (scalar globals). */
  offset?: number;
  /** The hash map of an associative array or thread-local. */
  map?: string;
  keys?: Field[];
  keySize?: number;
}

export interface ProgramPlan {
  probe: Probe;
  items: Item[];
  progType: number;
  name: string;
  epids: number[];
  /** BPF_PROG_LOAD's expected_attach_type and attach_btf_id, when the attachment needs them (fbt). */
  expectedAttachType?: number;
  attachBtfId?: number;
}

export interface MapPlan {
  name: string;
  spec: MapSpec;
}

/** Record header: u32 epid, u16 cpu, u16 speculation (0 = principal buffer). */
export const RECORD_HEADER = 8;
/** EPID used by fault records. */
export const ERROR_EPID = 0;

/** Fault record layout after the header: u32 faulting epid, u32 fault, u64 address, u32 action (0 = predicate). */
export const FAULT_RECORD_SIZE = RECORD_HEADER + 24;

/** DTrace's fault kinds (dtrace.h DTRACEFLT_*). */
export const Fault = { BADADDR: 1, BADALIGN: 2, ILLOP: 3, DIVZERO: 4, NOSCRATCH: 5, KPRIV: 6, UPRIV: 7, TUPOFLOW: 8, BADSTACK: 9 } as const;

/** Slots of the per-CPU counters map. */
export const Counter = { DROPS: 0, AGGDROPS: 1, DYNDROPS: 2, SPECDROPS: 3, ERRORS: 4 } as const;
export const COUNTERS = 8;
/** Speculation buffers (the nspec option's default). */
export const NSPEC = 8;

/** Activity states stored in the state map. */
export const State = { ACTIVE: 0, DRAINING: 1, STOPPED: 2, WARMUP: 3 } as const;

export interface CompiledProgram {
  maps: MapPlan[];
  /** Contents of the read-only string constants map. */
  rodata: Buffer;
  programs: ProgramPlan[];
  epids: EnabledProbe[];
  aggs: Map<string, AggPlan>;
  vars: VarPlan[];
  clauses: Clause[];
  /** D options from pragmas and -x (strings as given). */
  options: Map<string, string | true>;
  /** Probes each clause matched. */
  clauseProbes: Probe[][];
  /** Where each clause's probe descriptions were written (for messages). */
  clausePos: Pos[];
}
