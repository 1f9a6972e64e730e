// Completion of D words inside a clause: built-in variables, actions, subroutines, aggregating functions, session names.
import { builtinVars } from '../d/builtins.js';
import { actions, aggFunctions, subroutines } from '../d/functions.js';
import { RESERVED } from '../d/keywords.js';
import { commonOf } from './common.js';

export type DWordKind =
  | 'variable' | 'action' | 'subroutine' | 'aggregating' | 'keyword' | 'aggregation' | 'self' | 'this' | 'global';

export interface DWordCandidate {
  text: string;
  kind: DWordKind;
}

/** Names the session knows (from the clauses entered so far). */
export interface DNames {
  /** Aggregation names, with or without `@` (`''` or `@` is the anonymous one). */
  aggregations?: readonly string[];
  /** Thread-local variables (`self->NAME`), by NAME. */
  selfVars?: readonly string[];
  /** Clause-local variables (`this->NAME`), by NAME. */
  thisVars?: readonly string[];
  /** Global variables. */
  globals?: readonly string[];
}

export interface DWordCompletion {
  /** Where, in the text, the word being completed starts. */
  from: number;
  candidates: DWordCandidate[];
  /** What Tab puts in place of the word. */
  common: string;
}

/** Keywords that read like functions or start a variable, offered with the builtins. */
const KEYWORD_WORDS = ['self->', 'this->', 'stringof', 'sizeof', 'offsetof'].filter((w) => RESERVED.has(w.replace('->', '')));

/** Every word a clause can start with, sorted, each once (the first list that has it names its kind). */
const BUILTIN_WORDS: readonly DWordCandidate[] = (() => {
  const out = new Map<string, DWordKind>();
  const add = (names: Iterable<string>, kind: DWordKind) => {
    for (const n of names) if (!out.has(n)) out.set(n, kind);
  };
  add(builtinVars.keys(), 'variable');
  add(Object.keys(aggFunctions), 'aggregating');
  add(Object.keys(actions), 'action');
  add(Object.keys(subroutines), 'subroutine');
  add(KEYWORD_WORDS, 'keyword');
  return [...out].map(([text, kind]) => ({ text, kind })).sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
})();

const isWordChar = (c: string) => /[A-Za-z0-9_]/.test(c);

function sorted(cands: DWordCandidate[]): DWordCandidate[] {
  const seen = new Set<string>();
  return cands
    .filter((c) => (seen.has(c.text) ? false : (seen.add(c.text), true)))
    .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

function done(from: number, word: string, candidates: DWordCandidate[]): DWordCompletion {
  return { from, candidates, common: commonOf(candidates.map((c) => c.text), word) };
}

/** Candidates for the D word that ends `text` (the clause text up to the cursor). */
export function completeDWord(text: string, names: DNames = {}): DWordCompletion {
  let from = text.length;
  while (from > 0 && isWordChar(text[from - 1])) from--;
  const word = text.slice(from);
  const before = text.slice(0, from);
  if (/^[0-9]/.test(word) || before.endsWith('$')) return done(from, word, []);
  if (before.endsWith('@')) {
    const cands = (names.aggregations ?? []).map((a) => '@' + a.replace(/^@/, ''))
      .filter((a) => a.startsWith('@' + word)).map((text) => ({ text, kind: 'aggregation' as const }));
    return done(from - 1, '@' + word, sorted(cands));
  }
  const member = /(self|this)\s*->\s*$/.exec(before);
  if (member) {
    const kind = member[1] as 'self' | 'this';
    const vars = (kind === 'self' ? names.selfVars : names.thisVars) ?? [];
    return done(from, word, sorted(vars.filter((v) => v.startsWith(word)).map((text) => ({ text, kind }))));
  }
  // A member of something else (`curthread->pid`, `x.y`): its type is not known here.
  if (/(->|\.)\s*$/.test(before)) return done(from, word, []);
  const cands = BUILTIN_WORDS.filter((c) => c.text.startsWith(word));
  for (const g of names.globals ?? []) if (g.startsWith(word)) cands.push({ text: g, kind: 'global' });
  return done(from, word, sorted(cands));
}
