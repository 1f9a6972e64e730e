// The DTrace options that shape aggregation output (sorting, aggpack/agghist/aggzoom, encodings).
import type { AggSortOptions } from '../../kmod/consumer/aggregation-sort.js';

export interface AggFormatOptions extends AggSortOptions {
  /** aggpack: quantize()/lquantize() as one packed line per key. */
  aggpack?: boolean;
  /** agghist: count()/sum() (and avg()/stddev()) as one histogram bar per key. */
  agghist?: boolean;
  /** aggzoom: scale bars so the largest is 95% of the full height. */
  aggzoom?: boolean;
  /**
   * aggpercpu: after each value, one "\n    [CPU n]" line per CPU with that CPU's value. This is
   * Oracle dtrace-utils' dt_print_aggs; illumos dtrace(1M) keeps per-CPU data but never prints it.
   */
  aggpercpu?: boolean;
  /** encoding: 'utf8' draws quantize bars with block elements; unset means ASCII '@' bars. */
  encoding?: 'ascii' | 'utf8';
  /** $TERM, consulted by aggpack when encoding is unset: sun, sun-color and dumb get ASCII. */
  term?: string;
  /** stackindent (default 14, _dtrace_stkindent). */
  stackindent?: number;
  /** strsize: the size of a string key's record (default 256); matters for the raw byte dump. */
  strsize?: number;
  /** rawbytes: print string keys as hex dumps. */
  rawbytes?: boolean;
}

export const DEFAULT_STACKINDENT = 14;
export const DEFAULT_STRSIZE = 256;
