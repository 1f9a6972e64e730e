// The compiler driver: probes for each clause, type checking, storage plans, and one program per probe.
import type { Program, Clause } from '../../d/ast.js';
import { DError } from '../../d/errors.js';
import { check, type Sema } from '../../d/checker.js';
import type { DType } from '../../d/types.js';
import type { Probe } from '../probes/probe.js';
import type { ProbeTable } from '../probes/table.js';
import { probeContext } from './context.js';
import { assemble } from '../asm/assemble.js';
import type { KernelTypes } from '../../d/kernel-types.js';
import { BtfTypes } from '../btf/dtypes.js';
import { loadKernelBtf } from '../btf/kernel.js';
import { Layout } from './layout.js';
import { planVars } from './vars.js';
import { planAggs } from './aggregate.js';
import { generateProgram, type ClauseOnProbe } from './program.js';
import type { CompiledProgram, EnabledProbe, ProgramPlan } from './plan.js';
import { arrangeProbes, expandGroup } from './fbt-arrange.js';
import type { FbtSupport } from '../probes/fbt-support.js';

export interface CompileOptions {
  strsize: number;
  /** Ring buffer bytes (a power of two, multiple of the page size). */
  bufsize: number;
  /** Entries of each thread-local / associative array map. */
  dynvarMax: number;
  /** Entries of each keyed aggregation map. */
  aggMax: number;
  macros: Record<string, string | number | bigint | undefined>;
  /** First EPID to hand out (the shell enables programs incrementally). */
  firstEpid?: number;
  /** Kernel types for members, casts and curthread (defaults to the running kernel's BTF, read on demand). */
  types?: KernelTypes;
  /**
   * Incremental enabling (the shell): generate code only for these clause indexes (the others are checked,
   * so variables and aggregations keep their types and places), with every shared map at a fixed size.
   */
  only?: (clause: number) => boolean;
  fixed?: { scratch: number; globals: number; zeros: number; aggs: number };
  /** Count each enabled probe's firings in a per-CPU map (the shell's live counters). */
  countFirings?: boolean;
  /** -x maxprobes: enablings of more probes are refused (unset: kmod/codegen/fbt-arrange.ts limits probes attached one at a time). */
  maxprobes?: number;
  /** How fbt probes can attach (default: what this kernel allows). */
  fbtSupport?: FbtSupport;
}

/** A description that matched nothing: DTrace's message, naming the description as written. */
export class NoProbesError extends DError {
  constructor(public readonly description: string, pos?: import('../../d/ast.js').Pos) {
    super(`probe description ${description} does not match any probes`, pos);
  }
}

/** The probes each clause's descriptions match (in ID order, without duplicates). */
export function matchClauses(program: Program, table: ProbeTable, macros: CompileOptions['macros']): { clauses: Clause[]; probes: Probe[][] } {
  const clauses = program.items.filter((i): i is Clause => i.kind === 'clause');
  const probes = clauses.map((c) => {
    const seen = new Map<number, Probe>();
    for (const d of c.probes) {
      const text = expandMacros(d.text, macros);
      let found;
      try {
        found = table.match(text);
      } catch {
        throw new DError(`invalid probe description "${d.text}": Overspecified probe description`, d.pos);
      }
      if (!found.length) throw new NoProbesError(d.text, d.pos);
      for (const p of found) seen.set(p.id, p);
    }
    return [...seen.values()].sort((a, b) => a.id - b.id);
  });
  return { clauses, probes };
}

/** `pid$target` and friends inside probe descriptions. */
function expandMacros(text: string, macros: CompileOptions['macros']): string {
  return text.replace(/\$(\w+)/g, (m, name: string) => (macros[name] !== undefined ? String(macros[name]) : m));
}

export function compile(program: Program, table: ProbeTable, opts: CompileOptions): CompiledProgram {
  try {
    return compileProgram(program, table, opts);
  } catch (e) {
    if (e instanceof RangeError) throw new DError('program is nested too deeply');
    throw e;
  }
}

function compileProgram(program: Program, table: ProbeTable, opts: CompileOptions): CompiledProgram {
  const { clauses, probes } = matchClauses(program, table, opts.macros);
  const types = opts.types ?? new BtfTypes(() => loadKernelBtf());
  const argTypes = (i: number): DType[] | undefined => {
    const p = probes[i]?.[0];
    if (!p) return undefined;
    try {
      return probeContext(p, types).argTypes;
    } catch {
      return undefined;
    }
  };
  // D's strsize counts characters; a string's buffer holds one more, for the NUL
  const strBytes = opts.strsize + 1;
  const sema: Sema = check(program, { strsize: strBytes, macros: opts.macros, argTypes, types, wideStringKeys: !!opts.fixed });
  const layout = new Layout(opts.bufsize, opts.dynvarMax, opts.aggMax, opts.fixed);
  layout.countFirings = !!opts.countFirings;
  const vars = planVars(sema.vars.values(), { layout, strsize: strBytes });
  const aggs = planAggs(sema.aggs.values(), layout);

  // EPIDs in enabling order: clause by clause, probe by probe.
  const byProbe = new Map<number, { probe: Probe; clauses: ClauseOnProbe[] }>();
  let epid = opts.firstEpid ?? 1;
  clauses.forEach((clause, index) => {
    if (opts.only && !opts.only(index)) return;
    for (const probe of probes[index]) {
      let entry = byProbe.get(probe.id);
      if (!entry) byProbe.set(probe.id, (entry = { probe, clauses: [] }));
      entry.clauses.push({ clause, index, epid: epid++ });
    }
  });

  const programs: ProgramPlan[] = [];
  const epids: EnabledProbe[] = [];
  // maxprobes, and how fbt probes attach (a group of them may share one program).
  const work = arrangeProbes([...byProbe.values()], { maxprobes: opts.maxprobes, support: opts.fbtSupport });
  const errorEntry = [...byProbe.values()].find((b) => b.probe.attach.kind === 'dtrace' && b.probe.attach.which === 'ERROR');
  for (const w of work) {
    const { program: prog, epids: e } = generateProgram(w.probe, w.clauses, sema, layout, aggs, vars, types, opts.countFirings, errorEntry);
    programs.push(prog);
    for (const x of expandGroup(w, prog, e)) epids.push(x);
  }
  epids.sort((a, b) => a.epid - b.epid);
  // Jumps must fit BPF's 16-bit offsets: a clause too long for one program is a compile error.
  for (const p of programs) assemble(p.items, () => 0);
  return {
    maps: layout.maps(),
    rodata: layout.rodataBytes(),
    programs,
    epids,
    aggs,
    vars: [...vars.values()],
    clauses,
    options: sema.options,
    clauseProbes: probes,
    clausePos: clauses.map((c) => c.pos),
  };
}
