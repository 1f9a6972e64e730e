// What a line completion is given (the session's commands, probes and names) and what it gives back.
import type { DNames } from './d-words.js';
import type { ProbeIndex } from './probe-index.js';

/** What a dot-command's argument is: a probe description, a D program (descriptions and clauses), ... */
export type ArgKind = 'program' | 'probe' | 'file' | 'script' | 'aggregation' | 'command' | 'query' | 'watch' | 'none';

export interface LineContext {
  /** The dot-commands (names with or without the dot, or the shell's command objects). */
  commands: readonly (string | { name: string })[];
  /** The probe index; without it, probe descriptions are not completed (the driver is not loaded yet). */
  probes?: ProbeIndex;
  /** Aggregations and variables the session's clauses have named. */
  names?: DNames;
  /** Each aggregation's function (count, quantize, ...): which fields its entries have in a query. */
  aggregationFns?: Readonly<Record<string, string>>;
  /** Earlier lines of an unfinished multi-line D program that this line continues. */
  pending?: string;
  /** Where relative paths start (default: process.cwd()). */
  cwd?: string;
  /** At most this many probe candidates (default: the index's DEFAULT_LIMIT); `total` counts them all. */
  limit?: number;
  argKinds?: Readonly<Record<string, ArgKind>>;
}

export interface LineCandidate {
  text: string;
  /** Probes the candidate matches (probe descriptions only). */
  count?: number;
  /** What the candidate is (a D word's kind, `directory`, `flag: help`, ...), for display. */
  kind?: string;
}

export interface LineCompletion {
  /** Tab replaces line[replaceFrom, replaceTo) ... */
  replaceFrom: number;
  replaceTo: number;
  /** ... by one of these (sorted), */
  candidates: LineCandidate[];
  /** ... or, when several remain, by this: their common prefix, never shorter than the text replaced. */
  common: string;
  /** How many candidates there are in all (more than `candidates.length` when the probe list was cut). */
  total: number;
}
