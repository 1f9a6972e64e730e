// The profile provider: profile-N (every CPU) and tick-N (one CPU) timer probes, DTrace's default set
// listed, any other rate created when a description names it.
import { fieldMatcher, hasGlob } from '../glob.js';
import type { ProbeDescription } from '../describe.js';
import type { Probe } from '../probe.js';
import type { ProbeCreator, ProbeSpec, Provider, Provision } from './provider.js';

const NANOSEC = 1_000_000_000n;

/** The suffixes DTrace accepts after N (case-insensitive), as nanoseconds per unit; hz (or none) is a rate. */
const SUFFIXES: Record<string, bigint> = {
  ns: 1n, nsec: 1n,
  us: 1000n, usec: 1000n,
  ms: 1_000_000n, msec: 1_000_000n,
  s: NANOSEC, sec: NANOSEC,
  m: 60n * NANOSEC, min: 60n * NANOSEC,
  h: 3600n * NANOSEC, hour: 3600n * NANOSEC,
  d: 86400n * NANOSEC, day: 86400n * NANOSEC,
};

/** DTrace refuses to create a probe firing more often than every 200 µs (profile_interval_min, 5000 Hz). */
export const PROFILE_MIN_INTERVAL_NS = 200_000n;

/** DTrace's default probes (illumos profile_rates[] and profile_ticks[]). */
export const PROFILE_RATES = [97, 199, 499, 997, 1999, 4001, 4999] as const;
export const TICK_RATES = [1, 10, 100, 500, 1000, 5000] as const;

export interface ProfileRate {
  tick: boolean;
  /** Interval between firings, in nanoseconds. */
  periodNs: bigint;
}

/**
 * Parses `profile-N[suffix]` or `tick-N[suffix]`: N in hertz without a suffix or with `hz`, else a time
 * in the suffix's unit. Undefined when the name is not one (bad suffix, N = 0), or the interval is below
 * 200 µs (DTrace silently creates no such probe).
 */
export function parseProfileName(name: string): ProfileRate | undefined {
  const m = /^(profile|tick)-(\d+)([A-Za-z]*)$/.exec(name);
  if (!m) return undefined;
  const n = BigInt(m[2]);
  if (n === 0n) return undefined;
  const suffix = m[3].toLowerCase();
  let periodNs: bigint;
  if (suffix === '' || suffix === 'hz') periodNs = NANOSEC / n;
  else {
    const mult = SUFFIXES[suffix];
    if (mult === undefined) return undefined;
    periodNs = n * mult;
  }
  if (periodNs < PROFILE_MIN_INTERVAL_NS) return undefined;
  return { tick: m[1] === 'tick', periodNs };
}

function spec(name: string): ProbeSpec | undefined {
  const rate = parseProfileName(name);
  if (!rate) return undefined;
  return { provider: 'profile', module: '', func: '', name, attach: { kind: 'profile', tick: rate.tick, periodNs: rate.periodNs } };
}

const DEFAULT_NAMES = [...PROFILE_RATES.map((n) => `profile-${n}`), ...TICK_RATES.map((n) => `tick-${n}`)];

/** The listed probes: DTrace's default set, in its order (profile rates, then tick rates). */
export const profileProvider: Provider = {
  name: 'profile',
  list: (firstId: number): Probe[] => DEFAULT_NAMES.map((name, i) => ({ id: firstId + i, ...spec(name)! })),
};

/** A field that can stand for the empty module or function of a profile probe. */
const matchesEmpty = (field: string) => {
  const m = fieldMatcher(field);
  return !m || m('');
};

/**
 * Creates `profile-N`/`tick-N` when a description names one literally (any provider field that can be
 * `profile`, empty module and function), as DTrace's profile_provide() does for the name alone.
 */
export const profileCreator: ProbeCreator = {
  name: 'profile',
  provide(desc: ProbeDescription): Provision {
    const none = { probes: [] };
    if (!desc.name || hasGlob(desc.name)) return none;
    const prov = fieldMatcher(desc.provider);
    if (prov && !prov('profile')) return none;
    if (!matchesEmpty(desc.module) || !matchesEmpty(desc.func)) return none;
    const s = spec(desc.name);
    return { probes: s ? [s] : [] };
  },
};
