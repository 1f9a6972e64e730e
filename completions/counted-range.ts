// Sorted unique strings with a count each, viewed as ranges: prefix search, filtering and merging.

/** `values[lo..hi)`, sorted by code unit and unique, with `counts[i]` probes behind `values[i]`. */
export interface CountedRange {
  values: readonly string[];
  counts: ArrayLike<number>;
  lo: number;
  hi: number;
}

export const rangeSize = (r: CountedRange): number => r.hi - r.lo;

/** A range over whole arrays. */
export const whole = (values: readonly string[], counts: ArrayLike<number>): CountedRange =>
  ({ values, counts, lo: 0, hi: values.length });

/** The first index in [lo, hi) whose value is not below `key`. */
export function lowerBound(values: readonly string[], key: string, lo = 0, hi = values.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of `key`, or -1. */
export function indexOf(values: readonly string[], key: string): number {
  const i = lowerBound(values, key);
  return i < values.length && values[i] === key ? i : -1;
}

/** The sub-range of values starting with `prefix` (contiguous, since the values are sorted). */
export function prefixRange(r: CountedRange, prefix: string): CountedRange {
  if (!prefix) return r;
  const { values } = r;
  const lo = lowerBound(values, prefix, r.lo, r.hi);
  let a = lo;
  let b = r.hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (values[mid].startsWith(prefix)) a = mid + 1;
    else b = mid;
  }
  return { values, counts: r.counts, lo, hi: a };
}

/** The values of a range that pass `keep`, as a new range. */
export function filterRange(r: CountedRange, keep: (s: string) => boolean): CountedRange {
  const values: string[] = [];
  const counts: number[] = [];
  for (let i = r.lo; i < r.hi; i++) {
    if (!keep(r.values[i])) continue;
    values.push(r.values[i]);
    counts.push(r.counts[i]);
  }
  return whole(values, counts);
}

/** Two ranges as one, the counts of a value present in both summed. */
function mergeTwo(a: CountedRange, b: CountedRange): CountedRange {
  const values: string[] = [];
  const counts: number[] = [];
  let i = a.lo;
  let j = b.lo;
  while (i < a.hi && j < b.hi) {
    const x = a.values[i];
    const y = b.values[j];
    if (x === y) {
      values.push(x);
      counts.push(a.counts[i++] + b.counts[j++]);
    } else if (x < y) {
      values.push(x);
      counts.push(a.counts[i++]);
    } else {
      values.push(y);
      counts.push(b.counts[j++]);
    }
  }
  for (; i < a.hi; i++) values.push(a.values[i]), counts.push(a.counts[i]);
  for (; j < b.hi; j++) values.push(b.values[j]), counts.push(b.counts[j]);
  return whole(values, counts);
}

/** Many ranges as one (empty ones dropped; a single range comes back as it is, without copying). */
export function mergeRanges(list: CountedRange[]): CountedRange {
  let rs = list.filter((r) => r.hi > r.lo);
  if (rs.length === 0) return whole([], []);
  while (rs.length > 1) {
    const next: CountedRange[] = [];
    for (let k = 0; k < rs.length; k += 2) next.push(k + 1 < rs.length ? mergeTwo(rs[k], rs[k + 1]) : rs[k]);
    rs = next;
  }
  return rs[0];
}
