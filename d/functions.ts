// D's actions, subroutines and aggregating functions: names, argument counts and result types.

export type AggFnName = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'stddev' | 'quantize' | 'lquantize' | 'llquantize';

/** Aggregating functions with their argument counts [min, max]. */
export const aggFunctions: Record<AggFnName, [number, number]> = {
  count: [0, 0],
  sum: [1, 1],
  avg: [1, 1],
  min: [1, 1],
  max: [1, 1],
  stddev: [1, 1],
  quantize: [1, 2],
  lquantize: [3, 5],
  llquantize: [5, 6],
};

export const isAggFunction = (name: string): name is AggFnName => Object.hasOwn(aggFunctions, name);

/** Actions: statements that record data or change tracing state; they have no value. [min, max] args. */
export const actions: Record<string, [number, number]> = {
  trace: [1, 1],
  printf: [1, Infinity],
  printa: [1, Infinity],
  exit: [1, 1],
  clear: [1, 1],
  trunc: [1, 2],
  normalize: [2, 2],
  denormalize: [1, 1],
  setopt: [1, 2],
  tracemem: [2, 3],
  speculate: [1, 1],
  commit: [1, 1],
  discard: [1, 1],
  raise: [1, 1],
  stop: [0, 0],
  ftruncate: [0, 0],
};

export const isAction = (name: string): boolean => Object.hasOwn(actions, name);

/** Subroutines return a value; their argument counts. */
export const subroutines: Record<string, [number, number]> = {
  copyin: [2, 2],
  copyinstr: [1, 2],
  copyinto: [3, 3],
  strlen: [1, 1],
  strjoin: [2, 2],
  substr: [2, 3],
  strchr: [2, 2],
  strrchr: [2, 2],
  strstr: [2, 2],
  strtok: [2, 2],
  index: [2, 3],
  rindex: [2, 3],
  lltostr: [1, 2],
  basename: [1, 1],
  dirname: [1, 1],
  cleanpath: [1, 1],
  htons: [1, 1],
  htonl: [1, 1],
  htonll: [1, 1],
  ntohs: [1, 1],
  ntohl: [1, 1],
  ntohll: [1, 1],
  rand: [0, 0],
  speculation: [0, 0],
  stack: [0, 1],
  ustack: [0, 2],
  func: [1, 1],
  sym: [1, 1],
  mod: [1, 1],
  ufunc: [1, 1],
  usym: [1, 1],
  umod: [1, 1],
  progenyof: [1, 1],
  toupper: [1, 1],
  tolower: [1, 1],
  strtoll: [1, 2],
  inet_ntoa: [1, 1],
  getmajor: [1, 1],
  getminor: [1, 1],
};

export const isSubroutine = (name: string): boolean => Object.hasOwn(subroutines, name);
