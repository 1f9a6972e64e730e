// Sets of probe names with counts, numbered and shared between the many functions that have the same names.
import { whole, type CountedRange } from './counted-range.js';

/** Probe names, sorted, with how many probes carry each. */
export interface NameSet {
  range: CountedRange;
  total: number;
}

function nameSet(values: string[], counts: number[]): NameSet {
  let total = 0;
  for (const c of counts) total += c;
  return { range: whole(values, counts), total };
}

function ofMap(m: Map<string, number>): NameSet {
  const values = [...m.keys()].sort();
  return nameSet(values, values.map((v) => m.get(v) as number));
}

/** The names of one function's probes (a name listed twice counts twice). */
function nameSetOf(raw: readonly string[]): NameSet {
  if (raw.length === 1) return nameSet([raw[0]], [1]);
  const m = new Map<string, number>();
  for (const n of raw) m.set(n, (m.get(n) ?? 0) + 1);
  return ofMap(m);
}

/** The sum of name sets, each taken the given number of times. */
export function sumNameSets(sets: Map<NameSet, number>): NameSet {
  if (sets.size === 1) {
    const [[s, n]] = sets;
    if (n === 1) return s;
  }
  const m = new Map<string, number>();
  for (const [set, times] of sets) {
    const r = set.range;
    for (let i = r.lo; i < r.hi; i++) m.set(r.values[i], (m.get(r.values[i]) ?? 0) + r.counts[i] * times);
  }
  return ofMap(m);
}

/** Numbers name sets: one number per distinct name list; consecutive functions mostly repeat the last one. */
export class NameSets {
  /** Sets by number. */
  readonly list: NameSet[] = [];
  private byKey = new Map<string, number>();
  private last: string[] = [];
  private lastId = -1;

  /** The number of the set of `names[from..to)`. */
  idOf(names: readonly string[], from: number, to: number): number {
    if (this.lastId >= 0 && sameList(names, from, to, this.last)) return this.lastId;
    const raw = names.slice(from, to);
    const key = raw.length === 1 ? raw[0] : raw.join('\n');
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.add(nameSetOf(raw));
      this.byKey.set(key, id);
    }
    this.last = raw;
    this.lastId = id;
    return id;
  }

  private bySet = new Map<NameSet, number>();

  /** The number of a set, numbering it if it was made elsewhere (a sum). */
  add(set: NameSet): number {
    let id = this.bySet.get(set);
    if (id === undefined) {
      this.list.push(set);
      this.bySet.set(set, (id = this.list.length - 1));
    }
    return id;
  }
}

function sameList(a: readonly string[], from: number, to: number, b: readonly string[]): boolean {
  if (to - from !== b.length) return false;
  for (let i = from; i < to; i++) if (a[i] !== b[i - from]) return false;
  return true;
}
