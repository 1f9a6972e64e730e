// The probe table: every provider's probes with deterministic IDs, enumerated lazily, matched by description.
import { compileDescription, matchesProbe, parseDescription, type ProbeDescription } from './describe.js';
import { hasGlob } from './glob.js';
import type { Probe } from './probe.js';
import type { Provider } from './providers/provider.js';
import { dtraceProvider } from './providers/dtrace.js';
import { syscallProvider } from './providers/syscall.js';
import { sdtProvider } from './providers/sdt.js';
import { fbtProvider } from './providers/fbt.js';

/** Providers in ID order: each one's IDs follow the previous one's, so the order never changes. */
export const staticProviders: Provider[] = [dtraceProvider, syscallProvider, sdtProvider, fbtProvider];

export class ProbeTable {
  private lists: (Probe[] | undefined)[];
  private byIdCache: Probe[] | undefined;

  constructor(private readonly providers: Provider[] = staticProviders) {
    this.lists = providers.map(() => undefined);
  }

  /** The probes of provider `i` (enumerating earlier providers too, since IDs follow them). */
  private probesAt(i: number): Probe[] {
    const have = this.lists[i];
    if (have) return have;
    const base = i === 0 ? 1 : this.nextIdAfter(i - 1);
    const probes = this.providers[i].list(base);
    this.lists[i] = probes;
    return probes;
  }

  /** The first ID free after provider `i`. */
  private nextIdAfter(i: number): number {
    const list = this.probesAt(i);
    if (list.length) return list[list.length - 1].id + 1;
    return i === 0 ? 1 : this.nextIdAfter(i - 1);
  }

  providerNames(): string[] {
    return this.providers.map((p) => p.name);
  }

  /** Every probe, in ID order. */
  all(): Probe[] {
    const out: Probe[] = [];
    for (let i = 0; i < this.providers.length; i++) for (const p of this.probesAt(i)) out.push(p);
    return out;
  }

  /** Calls `cb` for every probe in ID order, without building one big array. */
  forEach(cb: (p: Probe) => void): void {
    for (let i = 0; i < this.providers.length; i++) for (const p of this.probesAt(i)) cb(p);
  }

  /** Probes of one provider by name (empty if unknown). */
  ofProvider(name: string): Probe[] {
    const i = this.providers.findIndex((p) => p.name === name);
    return i < 0 ? [] : this.probesAt(i);
  }

  count(): number {
    let n = 0;
    for (let i = 0; i < this.providers.length; i++) n += this.probesAt(i).length;
    return n;
  }

  /** Probes matching a description (text or parsed), in ID order. */
  match(desc: string | ProbeDescription): Probe[] {
    const d = typeof desc === 'string' ? parseDescription(desc) : desc;
    const m = compileDescription(d);
    const out: Probe[] = [];
    for (let i = 0; i < this.providers.length; i++) {
      const prov = this.providers[i];
      if (d.provider && !hasGlob(d.provider) && prov.name !== d.provider) continue;
      if (m.provider && !m.provider(prov.name)) continue;
      if (prov.names && d.name && !hasGlob(d.name) && !prov.names.includes(d.name)) continue;
      for (const p of this.probesAt(i)) if (matchesProbe(m, p)) out.push(p);
    }
    return out;
  }

  byId(id: number): Probe | undefined {
    if (!this.byIdCache) this.byIdCache = this.all();
    const first = this.byIdCache[0];
    return first ? this.byIdCache[id - first.id] : undefined;
  }
}
