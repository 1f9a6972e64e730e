// The union of sorted counted ranges, read lazily: its size, its ends and its first entries, without merging it all.
import { lowerBound, mergeRanges, rangeSize, type CountedRange } from './counted-range.js';

/** Beyond this many sources, walking them side by side costs more than merging them once. */
const MAX_WALK = 8;

export class RangeUnion {
  private readonly sources: CountedRange[];
  private distinct: number | undefined;

  constructor(sources: CountedRange[]) {
    const nonEmpty = sources.filter((r) => r.hi > r.lo);
    this.sources = nonEmpty.length > MAX_WALK ? [mergeRanges(nonEmpty)] : nonEmpty;
  }

  /** How many distinct values. */
  get size(): number {
    if (this.distinct === undefined) {
      if (this.sources.length <= 1) this.distinct = this.sources.length ? rangeSize(this.sources[0]) : 0;
      else this.distinct = this.countDistinct();
    }
    return this.distinct;
  }

  /** The smallest value ('' when empty). */
  first(): string {
    let best: string | undefined;
    for (const r of this.sources) if (best === undefined || r.values[r.lo] < best) best = r.values[r.lo];
    return best ?? '';
  }

  /** The largest value ('' when empty). */
  last(): string {
    let best: string | undefined;
    for (const r of this.sources) if (best === undefined || r.values[r.hi - 1] > best) best = r.values[r.hi - 1];
    return best ?? '';
  }

  /** The first `limit` distinct values in order, each with the sum of its counts. */
  take(limit: number, each: (value: string, count: number) => void): void {
    if (this.sources.length === 1) {
      const r = this.sources[0];
      const end = Math.min(r.hi, r.lo + limit);
      for (let i = r.lo; i < end; i++) each(r.values[i], r.counts[i]);
    } else this.walk(limit, each);
  }

  /** The largest source's size plus the other sources' values it lacks (binary search, no walk through it). */
  private countDistinct(): number {
    const bySize = [...this.sources].sort((a, b) => rangeSize(b) - rangeSize(a));
    const big = bySize[0];
    const others = new Set<string>();
    for (const r of bySize.slice(1)) for (let i = r.lo; i < r.hi; i++) others.add(r.values[i]);
    let n = rangeSize(big);
    for (const v of others) {
      const i = lowerBound(big.values, v, big.lo, big.hi);
      if (i >= big.hi || big.values[i] !== v) n++;
    }
    return n;
  }

  /** Steps through the sources side by side, smallest value first. */
  private walk(limit: number, each: (value: string, count: number) => void): void {
    const srcs = this.sources;
    const at = srcs.map((r) => r.lo);
    for (let n = 0; n < limit; n++) {
      let min: string | undefined;
      for (let k = 0; k < srcs.length; k++) {
        if (at[k] < srcs[k].hi && (min === undefined || srcs[k].values[at[k]] < min)) min = srcs[k].values[at[k]];
      }
      if (min === undefined) return;
      let count = 0;
      for (let k = 0; k < srcs.length; k++) {
        if (at[k] < srcs[k].hi && srcs[k].values[at[k]] === min) count += srcs[k].counts[at[k]++];
      }
      each(min, count);
    }
  }
}
