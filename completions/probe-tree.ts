// The probe index's tree: providers → modules → functions → names, every level sorted, with probe counts.
import { whole, type CountedRange } from './counted-range.js';
import { NameSets, sumNameSets, type NameSet } from './name-set.js';

export type { NameSet };

/** The four fields of a probe (kmod/probes/probe.ts's Probe has them). */
export interface ProbeTuple {
  provider: string;
  module: string;
  func: string;
  name: string;
}

/** The functions of one module (or of all a provider's modules) and the names under each. */
export class FuncLevel {
  private every: NameSet | undefined;
  /** Probes under each function. */
  readonly counts: Uint32Array;
  readonly total: number;

  constructor(
    /** Sorted, unique. */
    readonly funcs: string[],
    /** The number (in `sets`) of the names under each function. */
    readonly nameIds: Uint32Array,
    readonly sets: NameSets,
    /** Probes under each function, when known (else summed from the name sets). */
    counts?: Uint32Array,
  ) {
    if (!counts) {
      counts = new Uint32Array(funcs.length);
      for (let i = 0; i < funcs.length; i++) counts[i] = sets.list[nameIds[i]].total;
    }
    this.counts = counts;
    let total = 0;
    for (let i = 0; i < counts.length; i++) total += counts[i];
    this.total = total;
  }

  range(): CountedRange {
    return whole(this.funcs, this.counts);
  }

  /** The names under function `i`. */
  names(i: number): NameSet {
    return this.sets.list[this.nameIds[i]];
  }

  /** The names under every function of the level (computed on first use). */
  everyName(): NameSet {
    if (!this.every) {
      const times = new Uint32Array(this.sets.list.length);
      const ids = this.nameIds;
      for (let i = 0; i < ids.length; i++) times[ids[i]]++;
      const used = new Map<NameSet, number>();
      times.forEach((n, id) => n > 0 && used.set(this.sets.list[id], n));
      this.every = sumNameSets(used);
    }
    return this.every;
  }
}

/** Functions given in any order, possibly repeated, as a level (repeats' names summed). */
function levelOf(funcs: readonly string[], nameIds: ArrayLike<number>, sets: NameSets): FuncLevel {
  const by = new Map<string, Map<NameSet, number>>();
  for (let i = 0; i < funcs.length; i++) {
    let m = by.get(funcs[i]);
    if (!m) by.set(funcs[i], (m = new Map()));
    const s = sets.list[nameIds[i]];
    m.set(s, (m.get(s) ?? 0) + 1);
  }
  const sorted = [...by.keys()].sort();
  const ids = Uint32Array.from(sorted, (f) => {
    const m = by.get(f) as Map<NameSet, number>;
    return sets.add(sumNameSets(m));
  });
  return new FuncLevel(sorted, ids, sets);
}

export class ProviderNode {
  private every: FuncLevel | undefined;
  readonly moduleCounts: Uint32Array;
  readonly total: number;

  constructor(
    readonly name: string,
    /** Module names, sorted, with `levels[i]` the functions of `modules[i]`. */
    readonly modules: string[],
    readonly levels: FuncLevel[],
  ) {
    this.moduleCounts = Uint32Array.from(levels, (l) => l.total);
    this.total = levels.reduce((n, l) => n + l.total, 0);
  }

  /** Functions of all modules together (computed on first use when there are several modules). */
  get all(): FuncLevel {
    if (this.levels.length === 1) return this.levels[0];
    if (!this.every) {
      const funcs = this.levels.flatMap((l) => l.funcs);
      const ids = this.levels.flatMap((l) => [...l.nameIds]);
      this.every = levelOf(funcs, ids, this.levels[0].sets);
    }
    return this.every;
  }
}

// The build reads each probe once, in a small loop (optimized after a few thousand probes, where a big
// one would still wait for the compiler when the last probe goes by), then works on flat arrays.

/** The probes in runs: one run per function (within one provider and module), in order. */
interface Runs {
  /** Where each run starts, then the number of probes. */
  starts: Int32Array;
  /** Each run's function. */
  funcs: string[];
  /** Each probe's name. */
  names: string[];
  /** The runs where the provider or the module changes, then the number of runs. */
  segments: number[];
}

function scan(probes: readonly ProbeTuple[]): Runs {
  const count = probes.length;
  const starts = new Int32Array(count + 1);
  const funcs = new Array<string>(count);
  const names = new Array<string>(count);
  const segments: number[] = [];
  let n = 0;
  let prov: string | undefined;
  let mod: string | undefined;
  let func: string | undefined;
  for (let i = 0; i < count; i++) {
    const p = probes[i];
    const f = p.func;
    names[i] = p.name;
    const m = p.module;
    const pr = p.provider;
    if (m !== mod || pr !== prov) {
      segments.push(n);
      mod = m;
      prov = pr;
      func = undefined;
    }
    if (f !== func) {
      funcs[n] = f;
      starts[n++] = i;
      func = f;
    }
  }
  funcs.length = n;
  starts[n] = count;
  segments.push(n);
  return { starts: starts.subarray(0, n + 1), funcs, names, segments };
}

/** A module's functions as its probes list them (grouped by function, usually sorted, maybe repeated). */
interface ModuleRuns {
  funcs: string[];
  ids: Uint32Array;
  /** Probes of each run. */
  counts: Uint32Array;
}

function isSortedUnique(a: readonly string[]): boolean {
  for (let i = 1; i < a.length; i++) if (!(a[i] > a[i - 1])) return false;
  return true;
}

function concat(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Runs [r0, r1): their functions, name sets and sizes, added to what the module had. */
function addRuns(runs: Runs, r0: number, r1: number, sets: NameSets, into: ModuleRuns | undefined): ModuleRuns {
  const { starts, names } = runs;
  const funcs = runs.funcs.slice(r0, r1);
  const ids = new Uint32Array(r1 - r0);
  const counts = new Uint32Array(r1 - r0);
  // Most runs repeat the names of the run before (entry, return): compared here, without a call.
  let prev = -1;
  let prevLen = 0;
  let id = 0;
  for (let r = r0; r < r1; r++) {
    const a = starts[r];
    const len = starts[r + 1] - a;
    let same = prev >= 0 && len === prevLen;
    for (let k = 0; same && k < len; k++) same = names[a + k] === names[prev + k];
    if (!same) id = sets.idOf(names, a, a + len);
    ids[r - r0] = id;
    counts[r - r0] = len;
    prev = a;
    prevLen = len;
  }
  if (!into) return { funcs, ids, counts };
  return { funcs: into.funcs.concat(funcs), ids: concat(into.ids, ids), counts: concat(into.counts, counts) };
}

/** Groups probes into the tree; providers come back sorted by name. */
export function buildProviders(input: Iterable<ProbeTuple>): ProviderNode[] {
  const probes: readonly ProbeTuple[] = Array.isArray(input) ? input : [...input];
  const sets = new NameSets();
  const provs = new Map<string, Map<string, ModuleRuns>>();
  const runs = scan(probes);
  const segs = runs.segments;
  for (let s = 0; s + 1 < segs.length; s++) {
    const first = probes[runs.starts[segs[s]]];
    let mods = provs.get(first.provider);
    if (!mods) provs.set(first.provider, (mods = new Map()));
    mods.set(first.module, addRuns(runs, segs[s], segs[s + 1], sets, mods.get(first.module)));
  }
  const out: ProviderNode[] = [];
  for (const name of [...provs.keys()].sort()) {
    const mods = provs.get(name) as Map<string, ModuleRuns>;
    const modules = [...mods.keys()].sort();
    const levels = modules.map((m) => {
      const { funcs, ids, counts } = mods.get(m) as ModuleRuns;
      return isSortedUnique(funcs) ? new FuncLevel(funcs, ids, sets, counts) : levelOf(funcs, ids, sets);
    });
    out.push(new ProviderNode(name, modules, levels));
  }
  return out;
}
