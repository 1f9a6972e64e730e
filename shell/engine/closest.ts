// "Did you mean": the probes whose names are closest to a description that matched nothing.
import type { ProbeTable } from '../../kmod/probes/table.js';
import { parseDescription } from '../../kmod/probes/describe.js';

/** Levenshtein distance, giving up (returning `limit`) once every path exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best >= limit) return limit;
    prev = cur;
  }
  return prev[b.length];
}

/** Up to `n` full probe names nearest to `desc` (same provider when it names one), nearest first. */
export function closestProbes(table: ProbeTable, desc: string, n = 3): string[] {
  let d;
  try {
    d = parseDescription(desc);
  } catch {
    return [];
  }
  const candidates = d.provider && table.providerNames().includes(d.provider) ? table.ofProvider(d.provider) : table.all();
  const want = d.func || d.name;
  if (!want) return [];
  const best: { name: string; dist: number }[] = [];
  const seen = new Set<string>();
  for (const p of candidates) {
    const field = d.func ? p.func : p.name;
    if (seen.has(`${p.provider}:${p.module}:${field}`)) continue;
    seen.add(`${p.provider}:${p.module}:${field}`);
    const limit = best.length < n ? Math.max(3, Math.ceil(want.length / 2)) : best[best.length - 1].dist;
    const dist = editDistance(want, field, limit + 1);
    if (dist > limit) continue;
    const name = d.func ? `${p.provider}:${p.module}:${p.func}:${d.name}` : `${p.provider}:${p.module}:${p.func}:${p.name}`;
    best.push({ name, dist });
    best.sort((x, y) => x.dist - y.dist || x.name.localeCompare(y.name));
    if (best.length > n) best.pop();
  }
  return best.map((b) => b.name);
}
