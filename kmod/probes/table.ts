// The probe table: every provider's probes with deterministic IDs, enumerated lazily, matched by description.
import { compileDescription, matchesProbe, parseDescription, type ProbeDescription } from './describe.js';
import { hasGlob } from './glob.js';
import type { Probe } from './probe.js';
import type { Provider, ProbeCreator } from './providers/provider.js';
import { dtraceProvider } from './providers/dtrace.js';
import { syscallProvider } from './providers/syscall.js';
import { sdtProvider } from './providers/sdt.js';
import { fbtProvider } from './providers/fbt.js';
import { profileProvider, profileCreator } from './providers/profile.js';
import { procProvider, schedProvider } from './providers/proc.js';
import { pidCreator } from './providers/pid.js';

/** Providers in ID order: each one's IDs follow the previous one's, so the order never changes. */
export const staticProviders: Provider[] = [dtraceProvider, syscallProvider, sdtProvider, fbtProvider, profileProvider, procProvider, schedProvider];

/** Providers whose probes a description creates (profile-N/tick-N, pidNNN); numbered after the static ones. */
export const probeCreators: ProbeCreator[] = [profileCreator, pidCreator];

export class ProbeTable {
  private lists: (Probe[] | undefined)[];
  private byIdCache: Probe[] | undefined;
  /** Probes created on demand, in creation (= ID) order, and by their full name. */
  private created: Probe[] = [];
  private createdByName = new Map<string, Probe>();

  constructor(private readonly providers: Provider[] = staticProviders, private readonly creators: ProbeCreator[] = probeCreators) {
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

  private counts: (number | undefined)[] = [];

  /** Probes of provider `i`, without building them when the provider can count them. */
  private countAt(i: number): number {
    const have = this.lists[i];
    if (have) return have.length;
    return (this.counts[i] ??= this.providers[i].count?.() ?? this.probesAt(i).length);
  }

  /** The first ID free after provider `i`: IDs follow counts, so later providers never build earlier ones. */
  private nextIdAfter(i: number): number {
    let id = 1;
    for (let k = 0; k <= i; k++) id += this.countAt(k);
    return id;
  }

  providerNames(): string[] {
    return this.providers.map((p) => p.name);
  }

  /** Every probe, in ID order. */
  all(): Probe[] {
    const out: Probe[] = [];
    for (let i = 0; i < this.providers.length; i++) for (const p of this.probesAt(i)) out.push(p);
    for (const p of this.created) out.push(p);
    return out;
  }

  /**
   * Calls `cb` with every probe's fields in ID order; providers that can (fbt) give them without making
   * probe objects, so the whole table lists quickly.
   */
  forEachRow(cb: (id: number, provider: string, module: string, func: string, name: string) => void): void {
    for (let i = 0; i < this.providers.length; i++) {
      const prov = this.providers[i];
      if (!this.lists[i] && prov.each) {
        prov.each(i === 0 ? 1 : this.nextIdAfter(i - 1), (id, m, f, n) => cb(id, prov.name, m, f, n));
      } else for (const p of this.probesAt(i)) cb(p.id, p.provider, p.module, p.func, p.name);
    }
    for (const p of this.created) cb(p.id, p.provider, p.module, p.func, p.name);
  }

  /** Calls `cb` for every probe in ID order, without building one big array. */
  forEach(cb: (p: Probe) => void): void {
    for (let i = 0; i < this.providers.length; i++) for (const p of this.probesAt(i)) cb(p);
    for (const p of this.created) cb(p);
  }

  /** Probes of one provider by name (empty if unknown). */
  ofProvider(name: string): Probe[] {
    const i = this.providers.findIndex((p) => p.name === name);
    const made = this.created.filter((p) => p.provider === name);
    return i < 0 ? made : made.length ? [...this.probesAt(i), ...made] : this.probesAt(i);
  }

  count(): number {
    let n = this.created.length;
    for (let i = 0; i < this.providers.length; i++) n += this.countAt(i);
    return n;
  }

  /** Probes of one provider, counted (the shell's .load shows them without building them all). */
  countOf(name: string): number {
    const i = this.providers.findIndex((p) => p.name === name);
    return (i < 0 ? 0 : this.countAt(i)) + this.created.filter((p) => p.provider === name).length;
  }

  /**
   * Creates the probes `d` names that creators can make and the table does not have yet; returns the
   * description to match with (a creator may name the objects it found: pid's `a.out`).
   */
  private provide(d: ProbeDescription): ProbeDescription {
    let out = d;
    for (const creator of this.creators) {
      const { probes: specs, description } = creator.provide(d);
      if (description) out = description;
      for (const spec of specs) {
        const key = `${spec.provider}:${spec.module}:${spec.func}:${spec.name}`;
        if (this.createdByName.has(key)) continue;
        const i = this.providers.findIndex((p) => p.name === spec.provider);
        if (i >= 0 && this.probesAt(i).some((p) => p.module === spec.module && p.func === spec.func && p.name === spec.name)) continue;
        const last = this.created[this.created.length - 1];
        const id = last ? last.id + 1 : this.providers.length ? this.nextIdAfter(this.providers.length - 1) : 1;
        const probe: Probe = { id, ...spec };
        this.created.push(probe);
        this.createdByName.set(key, probe);
        this.byIdCache = undefined;
      }
    }
    return out;
  }

  /** Probes matching a description (text or parsed), in ID order. */
  match(desc: string | ProbeDescription): Probe[] {
    const d = this.provide(typeof desc === 'string' ? parseDescription(desc) : desc);
    const m = compileDescription(d);
    const out: Probe[] = [];
    for (let i = 0; i < this.providers.length; i++) {
      const prov = this.providers[i];
      if (d.provider && !hasGlob(d.provider) && prov.name !== d.provider) continue;
      if (m.provider && !m.provider(prov.name)) continue;
      if (prov.names && d.name && !hasGlob(d.name) && !prov.names.includes(d.name)) continue;
      for (const p of this.probesAt(i)) if (matchesProbe(m, p)) out.push(p);
    }
    for (const p of this.created) if (matchesProbe(m, p)) out.push(p);
    return out;
  }

  byId(id: number): Probe | undefined {
    if (!this.byIdCache) this.byIdCache = this.all();
    const first = this.byIdCache[0];
    return first ? this.byIdCache[id - first.id] : undefined;
  }
}
