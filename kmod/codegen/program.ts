// One BPF program per probe: prologue (context, activity state, scratch), each clause as a block, faults.
import type { Clause } from '../../d/ast.js';
import type { Sema } from '../../d/checker.js';
import { isString } from '../../d/types.js';
import {
  R0, R1, R2, R3, R4, R10, alu64, atomicAdd, call, callLocal, exit, ja, jmp, ldMap, ldMapValue, ldx, mov64, st, stx, add64, type Item,
} from '../asm/insn.js';
import { Helper, BPF_RB_NO_WAKEUP } from '../asm/helpers.js';
import type { Probe } from '../probes/probe.js';
import { Gen, Slot } from './gen.js';
import { Emitter } from './emitter.js';
import { probeContext } from './context.js';
import { fbtGroupOf, saveCookie, storeEpid, useCookieSlot } from './probe-ids.js';
import type { KernelTypes } from '../../d/kernel-types.js';
import { Layout, MapName } from './layout.js';
import { planRecord, compileStmt } from './actions.js';
import { evalCond } from './expr.js';
import { bumpCounter } from './vars.js';
import { STRTOK_MAP } from './string-tokens.js';
import {
  Counter, ERROR_EPID, FAULT_RECORD_SIZE, RECORD_HEADER, State, type AggPlan, type EnabledProbe, type ProgramPlan, type VarPlan,
} from './plan.js';

export interface ClauseOnProbe {
  clause: Clause;
  index: number;
  epid: number;
}

/** dtrace:::ERROR's clauses, generated into every program as a subprogram its faults call. */
export interface ErrorClauses {
  probe: Probe;
  clauses: ClauseOnProbe[];
}

const ERROR_SUB = 'E_';

/** Generates the program for one probe running `clauses` in order; returns it and its EPIDs' layouts. */
export function generateProgram(
  probe: Probe, clauses: ClauseOnProbe[], sema: Sema, layout: Layout, aggs: Map<string, AggPlan>, vars: Map<string, VarPlan>,
  types?: KernelTypes,
  countFirings = false,
  errors?: ErrorClauses,
): { program: ProgramPlan; epids: EnabledProbe[] } {
  const main = generateFunction(probe, clauses, sema, layout, aggs, vars, types, countFirings, '', errors && errors.probe.id !== probe.id);
  const items = main.items;
  if (main.faults && errors && errors.probe.id !== probe.id) {
    // ERROR fires in probe context, as in DTrace: its clauses run from the fault path, in this firing
    const sub = generateFunction(errors.probe, errors.clauses, sema, layout, aggs, vars, types, false, ERROR_SUB, false);
    items.push({ kind: 'label', name: `${ERROR_SUB}entry` }, ...sub.items);
  }
  const ctx = main.ctx;
  const name = `dtsh_${probe.func || probe.name}`.slice(0, 15);
  const load = ctx.expectedAttachType !== undefined ? { expectedAttachType: ctx.expectedAttachType, attachBtfId: ctx.attachBtfId } : {};
  const epids = main.epids.map((e) => ({ ...e, errorInKernel: !!(errors && errors.probe.id !== probe.id) }));
  return { program: { probe, items, progType: ctx.progType, name, epids: clauses.map((c) => c.epid), ...load }, epids };
}

/** The first bytes of per-CPU scratch: the busy word (a firing on this CPU is using scratch). */
const SCRATCH_BUSY_BYTES = 8;

/** One BPF function: the program itself (prefix '') or the ERROR subprogram (its labels prefixed). */
function generateFunction(
  probe: Probe, clauses: ClauseOnProbe[], sema: Sema, layout: Layout, aggs: Map<string, AggPlan>, vars: Map<string, VarPlan>,
  types: KernelTypes | undefined, countFirings: boolean, prefix: string, callsError: boolean | undefined,
): { items: Item[]; epids: EnabledProbe[]; faults: boolean; ctx: ReturnType<typeof probeContext> } {
  const out = `${prefix}out`;
  let faults = false;
  const ctx = probeContext(probe, types);
  const g = new Gen(sema, probe, layout, ctx, aggs, vars, prefix);
  const body = g.e;
  const epids: EnabledProbe[] = [];

  // this-> variables: ints on the stack (zeroed in the prologue), strings in scratch before the temporaries
  // (after the busy word: see the prologue).
  let thisScratch = SCRATCH_BUSY_BYTES;
  const thisInts: number[] = [];
  for (const v of sema.vars.values()) {
    if (v.scope !== 'this') continue;
    if (isString(v.type)) {
      g.thisStrings.set(v.name, thisScratch);
      thisScratch += (v.type.maxLen + 7) & ~7;
    } else {
      const slot = body.stackAlloc(8);
      g.thisSlots.set(v.name, slot);
      thisInts.push(slot);
    }
  }
  // A group of fbt probes shares this program: the attachment's cookie says which probe fired.
  if (fbtGroupOf(probe)) useCookieSlot(g, body.stackAlloc(8));
  const frameMark = body.stackMark();

  for (const c of clauses) {
    body.stackRelease(frameMark);
    const next = body.newLabel('next');
    const faultLabel = body.newLabel('fault');
    g.clause = {
      clause: c.clause, epid: c.epid, action: 0, faultLabel, faultUsed: false, scratchTop: 0, recordFields: new Map(), recordSize: 0,
    };
    const rec = planRecord(g, c.clause.body);
    g.recordBase = thisScratch;
    g.clause.scratchTop = thisScratch + rec.size;
    layout.needScratch(g.clause.scratchTop);
    epids.push({ epid: c.epid, probe, clause: c.index, actions: rec.list.map((a) => a.plan), recordSize: rec.size, records: rec.records,
      maskOffset: rec.maskOffset });
    body.pos = c.clause.pos;
    if (c.clause.predicate) evalCond(g, c.clause.predicate, next);
    if (countFirings) {
      // firings[epid]++ on this CPU (the shell shows them next to each enabled clause)
      const skip = body.newLabel('nofire');
      body.emit(...storeEpid(g, R10, Slot.loadTmp, c.epid), ldMap(R1, MapName.firings), mov64(R2, R10), add64(R2, Slot.loadTmp),
        call(Helper.map_lookup_elem), jmp('jeq', R0, 0, skip), mov64(R1, 1), atomicAdd(8, R0, 0, R1));
      body.place(skip);
    }
    if (rec.maskOffset !== undefined) {
      g.scratchPtr(R1, g.recordBase + rec.maskOffset);
      body.emit(st(8, R1, 0, 0));
    }
    const speculates = usesSpeculate(c.clause);
    if (speculates) body.emit(st(8, R10, Slot.spec, 0));
    let action = 0;
    for (const s of c.clause.body) {
      compileStmt(g, s, rec, (n) => {
        const first = action + 1;
        action += n;
        return first;
      });
    }
    if (rec.records) submitRecord(g, c.epid, rec.size, rec.maskOffset, speculates);
    if (g.clause.faultUsed) {
      faults = true;
      body.emit(ja(next));
      body.place(faultLabel);
      faultRecord(g, c.epid);
      if (callsError) callError(g);
    }
    body.place(next);
    body.resetValues();
  }

  // Early exits of the prologue go to `bail`; the clauses end at `out`, which first marks scratch free.
  const bail = `${prefix}bail`;
  const usesScratch = g.usesScratch || g.thisStrings.size > 0;
  // Per-CPU scratch is one buffer: a program that fires inside another on the same CPU (a kprobe inside
  // an fentry program, which the kernel's bpf_prog_active does not cover; a raw tracepoint inside either)
  // would overwrite the keys and records being built there. As DTrace does with probes in probe context,
  // such a firing is skipped: the busy word at scratch[0] says a firing on this CPU is using it. (The
  // ERROR subprogram runs inside its program's firing and leaves the word alone.)
  const guarded = usesScratch && prefix === '';
  const prologue = new Emitter(0);
  prologue.emit(stx(8, R10, Slot.ctx, R1), st(8, R10, Slot.zeroKey, 0));
  // BEGIN, END and ERROR run outside the active state (before it, after it, or while draining).
  if (probe.attach.kind !== 'dtrace') {
    prologue.emit(ldMapValue(R1, MapName.state, 0), ldx(4, R1, R1, 0), jmp('jne', R1, State.ACTIVE, bail));
  }
  // Firings of the attach point that are not this probe's (proc:::exit of a thread that is not the last).
  ctx.guard?.(prologue, bail);
  saveCookie(g, prologue);
  if (usesScratch) {
    prologue.emit(ldMap(R1, MapName.scratch), mov64(R2, R10), add64(R2, Slot.zeroKey), call(Helper.map_lookup_elem));
    prologue.emit(jmp('jeq', R0, 0, bail), stx(8, R10, Slot.scratch, R0));
    if (guarded) prologue.emit(ldx(8, R1, R0, 0), jmp('jne', R1, 0, bail), st(8, R0, 0, 1));
  }
  if (g.usesStrtok) {
    // strtok's saved position lasts one firing (DTrace keeps it in the firing's machine state)
    const none = prologue.newLabel('tk');
    prologue.emit(ldMap(R1, STRTOK_MAP), mov64(R2, R10), add64(R2, Slot.zeroKey), call(Helper.map_lookup_elem));
    prologue.emit(jmp('jeq', R0, 0, none), st(8, R0, 0, 0));
    prologue.place(none);
  }
  for (const slot of thisInts) prologue.emit(st(8, R10, slot, 0));
  const items: Item[] = [...prologue.items, ...body.items];
  items.push({ kind: 'label', name: out });
  if (guarded) items.push(ldx(8, R1, R10, Slot.scratch), st(8, R1, 0, 0));
  items.push({ kind: 'label', name: bail }, mov64(R0, 0), exit());
  return { items, epids, faults, ctx };
}

/**
 * Calls the ERROR subprogram with DTrace's arguments, built on the stack from the fault record:
 * arg1 = EPID, arg2 = action, arg3 = DIF offset (none: -1), arg4 = fault, arg5 = address.
 */
function callError(g: Gen): void {
  const e = g.e;
  const f = Slot.faultRec;
  const a = Slot.errorArgs;
  e.emit(st(8, R10, a, 0), ldx(4, R1, R10, f + 8), stx(8, R10, a + 8, R1), ldx(4, R1, R10, f + 24), stx(8, R10, a + 16, R1));
  e.emit(st(8, R10, a + 24, -1), ldx(4, R1, R10, f + 12), stx(8, R10, a + 32, R1), ldx(8, R1, R10, f + 16), stx(8, R10, a + 40, R1));
  e.emit(mov64(R1, R10), add64(R1, a), callLocal(`${ERROR_SUB}entry`));
}

/** Fills the record header and hands the record to the ring buffer (a failure counts as a drop). */
function usesSpeculate(c: Clause): boolean {
  const walk = (n: unknown): boolean => {
    if (!n || typeof n !== 'object') return false;
    if ((n as { kind?: string; callee?: string }).kind === 'call' && (n as { callee: string }).callee === 'speculate') return true;
    return Object.entries(n).some(([k, v]) => k !== 'pos' && walk(v));
  };
  return walk(c.body);
}

function submitRecord(g: Gen, epid: number, size: number, maskOffset: number | undefined, speculates: boolean): void {
  const e = g.e;
  const skip = e.newLabel('nosub');
  const rec = g.alloc();
  g.scratchPtr(rec.reg, g.recordBase);
  if (maskOffset !== undefined) e.emit(ldx(8, R1, rec.reg, maskOffset), jmp('jeq', R1, 0, skip));
  e.emit(...storeEpid(g, rec.reg, 0, epid), call(Helper.get_smp_processor_id));
  if (speculates) e.emit(ldx(8, R1, R10, Slot.spec), alu64('lsh', R1, 16), alu64('or', R0, R1));
  e.emit(stx(4, rec.reg, 4, R0));
  e.emit(ldMap(R1, MapName.ring), mov64(R2, rec.reg), mov64(R3, size), mov64(R4, BPF_RB_NO_WAKEUP), call(Helper.ringbuf_output));
  const ok = e.newLabel('subok');
  e.emit(jmp('jeq', R0, 0, ok));
  bumpCounter(g, Counter.DROPS);
  e.place(ok);
  e.place(skip);
  g.free(rec);
  void RECORD_HEADER;
}

/** The fault path of a clause: the fault record on the stack goes to the ring buffer; errors are counted. */
function faultRecord(g: Gen, epid: number): void {
  const e = g.e;
  const f = Slot.faultRec;
  e.emit(st(4, R10, f, ERROR_EPID), call(Helper.get_smp_processor_id), stx(4, R10, f + 4, R0), ...storeEpid(g, R10, f + 8, epid));
  e.emit(st(4, R10, f + 28, 0));
  e.emit(ldMap(R1, MapName.ring), mov64(R2, R10), add64(R2, f), mov64(R3, FAULT_RECORD_SIZE - 0), mov64(R4, BPF_RB_NO_WAKEUP),
    call(Helper.ringbuf_output));
  bumpCounter(g, Counter.ERRORS);
}
