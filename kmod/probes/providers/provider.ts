// What every provider gives the probe table: its name and its probes in a deterministic order.
import type { Probe } from '../probe.js';

export interface Provider {
  name: string;
  /** Every probe this provider offers here, in a fixed order, numbered from `firstId`. */
  list(firstId: number): Probe[];
  /** The only probe names this provider has, when fixed (lets a literal name skip the provider). */
  names?: readonly string[];
}
