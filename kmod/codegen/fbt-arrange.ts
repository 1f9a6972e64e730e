// Before code generation: the maxprobes limit, and how each enabled fbt probe attaches.
//
// fbt probes are grouped by the clauses enabled on them and by entry/return. A small group gets a
// program per probe (fentry/fexit where it can, else a kprobe); a bigger one gets ONE kprobe program,
// attached to all its functions (kprobe_multi, else one kprobe per function), whose attachments' cookies
// tell the program which probe fired (kmod/codegen/probe-ids.ts). For that, the EPIDs of each clause are
// renumbered so that a group's members have consecutive EPIDs in the group's order.
import type { AttachPoint, FbtGroup, FbtVia, Probe } from '../probes/probe.js';
import {
  DEFAULT_MAXPROBES, FENTRY_MAX_GROUP, chooseFbtVia, detectFbtSupport, type FbtSupport,
} from '../probes/fbt-support.js';
import { fentryable } from './fbt-context.js';
import type { ClauseOnProbe } from './program.js';
import type { EnabledProbe, ProgramPlan } from './plan.js';

type FbtAttach = Extract<AttachPoint, { kind: 'fbt' }>;

export interface ProbeWork {
  probe: Probe;
  clauses: ClauseOnProbe[];
  /** A group program's probes, in cookie order. */
  members?: Probe[];
}

/** More probes than -x maxprobes allows. */
export class MaxProbesError extends Error {}

export interface ArrangeOptions {
  /** -x maxprobes, when given: the most probes one enabling may match, however they attach. */
  maxprobes?: number;
  /** Without -x maxprobes: the most probes one enabling may attach one at a time (default DEFAULT_MAXPROBES). */
  defaultMax?: number;
  /** What the kernel allows (default: detected). */
  support?: FbtSupport;
}

/** The message for an enabling above maxprobes (`oneAtATime`: the default limit, on probes attached singly). */
export function maxProbesMessage(n: number, max: number, oneAtATime?: { kprobeMulti: boolean }): string {
  const what = !oneAtATime ? `${n} probes exceed the maxprobes limit (${max})`
    : `${n} probes would attach one at a time${oneAtATime.kprobeMulti ? '' : ' (this kernel has no kprobe_multi)'}, more than the maxprobes limit (${max})`;
  return `${what}: narrow the probe description or raise it with -x maxprobes=N`;
}

/** A copy of an fbt probe that attaches `via` (the table's probes stay as they are). */
export function withVia(p: Probe, via: FbtVia, group?: FbtGroup): Probe {
  const a = p.attach as FbtAttach;
  return {
    id: p.id, provider: p.provider, module: p.module, func: p.func, name: p.name,
    attach: { kind: 'fbt', func: a.func, module: a.module, ret: a.ret, via, ...(group ? { group } : {}) },
  };
}

/** The stand-in probe of a group's program: named fbt:MODULE::entry (MODULE empty when several). */
export function groupProbe(members: Probe[], ret: boolean, multiLink: boolean): Probe {
  const mods = new Set(members.map((m) => m.module));
  const module = mods.size === 1 ? members[0].module : '';
  const group: FbtGroup = { probes: members, multiLink };
  return {
    id: members[0].id, provider: 'fbt', module, func: '', name: ret ? 'return' : 'entry',
    attach: { kind: 'fbt', func: '', module, ret, via: 'multi', group },
  };
}

/**
 * Decides each fbt probe's attachment, and applies maxprobes (throws MaxProbesError): -x maxprobes limits
 * every enabling; without it, the limit is on probes attached one at a time (a kprobe, trampoline or perf
 * event each, costly to set up and tear down), not on those one kprobe_multi link carries.
 */
export function arrangeProbes(work: { probe: Probe; clauses: ClauseOnProbe[] }[], opts: ArrangeOptions = {}): ProbeWork[] {
  if (opts.maxprobes !== undefined && work.length > opts.maxprobes) throw new MaxProbesError(maxProbesMessage(work.length, opts.maxprobes));
  const out = arrange(work, opts);
  const max = opts.defaultMax ?? DEFAULT_MAXPROBES;
  if (opts.maxprobes === undefined && work.length > max) {
    const bulk = out.reduce((n, w) => n + (w.members && isMulti(w.probe) ? w.members.length : 0), 0);
    if (work.length - bulk > max) {
      throw new MaxProbesError(maxProbesMessage(work.length - bulk, max, { kprobeMulti: !!(opts.support ?? detectFbtSupport()).kprobeMulti }));
    }
  }
  return out;
}

const isMulti = (p: Probe): boolean => p.attach.kind === 'fbt' && !!p.attach.group?.multiLink;

function arrange(work: { probe: Probe; clauses: ClauseOnProbe[] }[], opts: ArrangeOptions): ProbeWork[] {
  const fbt = work.filter((w) => w.probe.attach.kind === 'fbt');
  if (!fbt.length) return work;
  let support = opts.support ?? detectFbtSupport();
  // Where nothing attaches, compile as for kprobes (their programs load anywhere): -e works, and
  // enabling fails in attachFbt with the reason.
  if (!support.fentry && !support.kprobes) support = { ...support, kprobes: true };

  const groups = new Map<string, typeof fbt>();
  for (const w of fbt) {
    const key = `${(w.probe.attach as FbtAttach).ret ? 'return' : 'entry'}:${w.clauses.map((c) => c.index).join(',')}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(w);
  }

  const out: ProbeWork[] = work.filter((w) => w.probe.attach.kind !== 'fbt');
  const order = new Map<ClauseOnProbe, [number, number]>();
  let gi = 0;
  for (const members of groups.values()) {
    members.sort((a, b) => a.probe.id - b.probe.id);
    const small = members.length <= FENTRY_MAX_GROUP || !support.kprobes;
    const facts = { size: members.length, fentryable: small && members.every((m) => fentryable(m.probe.module, m.probe.func)) };
    const via = chooseFbtVia(facts, support);
    if (via !== 'multi') {
      for (const m of members) out.push({ probe: withVia(m.probe, via), clauses: m.clauses });
      continue;
    }
    gi++;
    members.forEach((m, k) => m.clauses.forEach((c) => order.set(c, [gi, k])));
    const probes = members.map((m) => m.probe);
    out.push({ probe: groupProbe(probes, (probes[0].attach as FbtAttach).ret, support.kprobeMulti), clauses: members[0].clauses, members: probes });
  }
  if (order.size) renumber(work, order);
  return out;
}

/**
 * Within each clause, gives group members consecutive EPIDs in cookie order (the clause's EPIDs stay
 * the same set; probes outside groups keep their relative order, first).
 */
function renumber(work: { clauses: ClauseOnProbe[] }[], order: Map<ClauseOnProbe, [number, number]>): void {
  const byClause = new Map<number, ClauseOnProbe[]>();
  for (const w of work) {
    for (const c of w.clauses) {
      let l = byClause.get(c.index);
      if (!l) byClause.set(c.index, (l = []));
      l.push(c);
    }
  }
  for (const list of byClause.values()) {
    if (!list.some((c) => order.has(c))) continue;
    const ids = list.map((c) => c.epid).sort((a, b) => a - b);
    const key = (c: ClauseOnProbe): [number, number] => order.get(c) ?? [0, c.epid];
    list.sort((a, b) => {
      const [ga, ka] = key(a);
      const [gb, kb] = key(b);
      return ga - gb || ka - kb;
    });
    list.forEach((c, i) => (c.epid = ids[i]));
  }
}

/** A group program's EPIDs, one per member per clause: the clause's first EPID + the member's index. */
export function expandGroup(w: ProbeWork, program: ProgramPlan, epids: EnabledProbe[]): EnabledProbe[] {
  if (!w.members) return epids;
  const out: EnabledProbe[] = [];
  for (const e of epids) w.members.forEach((probe, k) => out.push({ ...e, epid: e.epid + k, probe }));
  program.epids = out.map((e) => e.epid);
  return out;
}
