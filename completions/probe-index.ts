// The probe index: built once from the probe list, it completes the field being typed in a probe description.
import { filterRange, indexOf, lowerBound, prefixRange, whole, type CountedRange } from './counted-range.js';
import { globMatcher, openMatcher } from './glob-match.js';
import { RangeUnion } from './range-union.js';
import { commonPrefix } from './common.js';
import { isGlob, literalPrefix, PROBE_FIELDS, splitPartial, type ProbeField } from './probe-fields.js';
import { sumNameSets, type NameSet } from './name-set.js';
import { buildProviders, type FuncLevel, type ProbeTuple, type ProviderNode } from './probe-tree.js';

export type { ProbeField } from './probe-fields.js';
export type { ProbeTuple } from './probe-tree.js';

/** One completion: the description up to and including the completed field, and how many probes it matches. */
export interface ProbeCandidate {
  text: string;
  count: number;
}

export interface ProbeCompletion {
  /** The field the candidates complete. */
  field: ProbeField;
  /** Sorted; at most `limit` of them. */
  candidates: ProbeCandidate[];
  /** How many candidates there are in all (more than `candidates.length` when limited). */
  total: number;
  /** What Tab puts in place of the text: the longest prefix common to all candidates, never less than the text. */
  common: string;
}

/** Candidates returned when no limit is given: more than anyone reads, few enough to stay fast. */
export const DEFAULT_LIMIT = 1000;

export interface ProbeCompleteOptions {
  /** Return at most this many candidates (`total` still counts them all); DEFAULT_LIMIT when absent. */
  limit?: number;
  /** The last field of the description (`dtrace -P` stops at provider, `-m` at module, `-f` at func). */
  last?: ProbeField;
}

/** Module names DTrace accepts for others. */
const MODULE_ALIASES: Record<string, string> = { kernel: 'vmlinux' };

/** The values of `r` the partly typed field can become: a prefix, or a glob with an implied trailing `*`. */
function startingWith(r: CountedRange, partial: string): CountedRange {
  if (!isGlob(partial)) return prefixRange(r, partial);
  const m = openMatcher(partial);
  const narrowed = prefixRange(r, literalPrefix(partial));
  return m ? filterRange(narrowed, m) : narrowed;
}

export class ProbeIndex {
  private readonly providers: ProviderNode[];
  private readonly providerRange: CountedRange;
  /** Probes indexed. */
  readonly size: number;

  private constructor(providers: ProviderNode[]) {
    this.providers = providers;
    this.providerRange = whole(providers.map((p) => p.name), providers.map((p) => p.total));
    this.size = providers.reduce((n, p) => n + p.total, 0);
  }

  /** Indexes a probe list (ProbeTable's `all()`, or any tuples). */
  static build(probes: Iterable<ProbeTuple>): ProbeIndex {
    return new ProbeIndex(buildProviders(probes));
  }

  providerNames(): string[] {
    return this.providers.map((p) => p.name);
  }

  /** Candidates for the field being typed at the end of `text`, a partly typed `provider:module:function:name`. */
  complete(text: string, opts: ProbeCompleteOptions = {}): ProbeCompletion {
    const last = PROBE_FIELDS.indexOf(opts.last ?? 'name');
    const limit = opts.limit ?? DEFAULT_LIMIT;
    const { done, partial, head } = splitPartial(text);
    if (done.length > last) return { field: PROBE_FIELDS[last], candidates: [], total: 0, common: text };
    let field = done.length;
    let h = head;
    let values = this.values(done, partial);
    // A field whose only value is empty (dtrace's module, sdt's function) is stepped over.
    while (field < last && partial === '' && values.size === 1 && values.first() === '') {
      done.push('');
      h += ':';
      field++;
      values = this.values(done, '');
    }
    // A single word that names no provider is read as DTrace reads it: the last field alone (`BEGIN`).
    if (done.length === 0 && values.size === 0 && last > 0) {
      field = last;
      values = this.values(new Array<string>(last).fill(''), partial);
    }
    return this.result(text, PROBE_FIELDS[field], h, field < last ? ':' : '', values, limit);
  }

  private result(text: string, field: ProbeField, head: string, tail: string, u: RangeUnion, limit: number): ProbeCompletion {
    const total = u.size;
    const candidates: ProbeCandidate[] = [];
    u.take(limit, (v, count) => candidates.push({ text: head + v + tail, count }));
    let common = text;
    if (total === 1) common = head + u.first() + tail;
    else if (total > 1) {
      const c = head + commonPrefix(u.first(), u.last());
      if (c.startsWith(text)) common = c;
    }
    return { field, candidates, total, common };
  }

  /** The values (with counts) of field `done.length` under the typed fields, starting as `partial` does. */
  private values(done: string[], partial: string): RangeUnion {
    if (done.length === 0) return new RangeUnion([startingWith(this.providerRange, partial)]);
    const provs = this.providersMatching(done[0]);
    if (done.length === 1) return new RangeUnion(provs.map((p) => startingWith(whole(p.modules, p.moduleCounts), partial)));
    const levels = provs.flatMap((p) => this.levelsMatching(p, done[1]));
    if (done.length === 2) return new RangeUnion(levels.map((l) => startingWith(l.range(), partial)));
    return new RangeUnion([startingWith(this.namesUnder(levels, done[2]).range, partial)]);
  }

  private providersMatching(pattern: string): ProviderNode[] {
    const m = globMatcher(pattern);
    if (!m) return this.providers;
    if (!isGlob(pattern)) {
      const i = indexOf(this.providerRange.values, pattern);
      return i < 0 ? [] : [this.providers[i]];
    }
    return this.providers.filter((p) => m(p.name));
  }

  private levelsMatching(p: ProviderNode, pattern: string): FuncLevel[] {
    const m = globMatcher(pattern);
    if (!m) return [p.all];
    if (!isGlob(pattern)) {
      const i = indexOf(p.modules, MODULE_ALIASES[pattern] ?? pattern);
      return i < 0 ? [] : [p.levels[i]];
    }
    return p.levels.filter((_, i) => m(p.modules[i]));
  }

  /** The names under the functions of `levels` that `pattern` matches. */
  private namesUnder(levels: FuncLevel[], pattern: string): NameSet {
    const m = globMatcher(pattern);
    const times = new Map<NameSet, number>();
    const add = (s: NameSet) => times.set(s, (times.get(s) ?? 0) + 1);
    for (const l of levels) {
      if (!m) add(l.everyName());
      else if (!isGlob(pattern)) {
        const i = indexOf(l.funcs, pattern);
        if (i >= 0) add(l.names(i));
      } else {
        const prefix = literalPrefix(pattern);
        const lo = lowerBound(l.funcs, prefix);
        for (let i = lo; i < l.funcs.length && l.funcs[i].startsWith(prefix); i++) if (m(l.funcs[i])) add(l.names(i));
      }
    }
    return sumNameSets(times);
  }
}
