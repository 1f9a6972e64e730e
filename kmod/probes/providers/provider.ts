// What every provider gives the probe table: its name and its probes in a deterministic order.
import type { Probe } from '../probe.js';

export interface Provider {
  name: string;
  /** Every probe this provider offers here, in a fixed order, numbered from `firstId`. */
  list(firstId: number): Probe[];
  /** The only probe names this provider has, when fixed (lets a literal name skip the provider). */
  names?: readonly string[];
  /** How many probes list() would give, when that is cheaper to know than the probes themselves. */
  count?(): number;
  /** list()'s probes as plain fields, without making objects (the 100,000-line `dtrace -l`). */
  each?(firstId: number, cb: (id: number, module: string, func: string, name: string) => void): void;
}

/** A probe a creator offers for a description, before the table gives it an ID. */
export type ProbeSpec = Omit<Probe, 'id'>;

/**
 * A provider whose probes are created on demand when a description names them (profile-N and tick-N,
 * pidNNN): the table numbers new ones after every static provider's probes, in creation order.
 */
export interface ProbeCreator {
  name: string;
  /** The probes `desc` asks for that this creator can make (the table skips those it already has). */
  provide(desc: import('../describe.js').ProbeDescription): Provision;
}

export interface Provision {
  probes: ProbeSpec[];
  /**
   * The description to match with instead of the one given: DTrace's pid provider names an exact
   * module by the object it found (`a.out` → the executable's basename, `libc` → `libc.so.6`).
   */
  description?: import('../describe.js').ProbeDescription;
}
