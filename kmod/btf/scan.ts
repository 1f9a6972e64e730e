// Tight loops over a BTF type section and string section: indexing, function names, lookups by name offset.
// Each is a small function of its own so that V8 optimizes its loop early (cold start-up matters here).
import { KIND_ENUM, KIND_ENUM64, KIND_FUNC, KIND_MAX, TRAILING_FIXED, TRAILING_PER_VLEN } from './format.js';

if (KIND_MAX !== 19 || KIND_FUNC !== 12) throw new Error('scan.ts: kind literals are out of date');

/** Words following `struct btf_type`, per kind: fixed part and per-vlen part. */
const FIXED_WORDS = Uint8Array.from(TRAILING_FIXED, (b) => b / 4);
const VLEN_WORDS = Uint8Array.from(TRAILING_PER_VLEN, (b) => b / 4);

/** Where each type starts: word offsets, kinds, and the local indices of the FUNCs. */
export interface TypeIndex {
  offs: Uint32Array;
  kinds: Uint8Array;
  funcs: Uint32Array;
}

/** The one pass over the type section; returns an error message for a malformed section. */
export function indexTypes(words: Uint32Array): TypeIndex | string {
  // Locals and literals rather than module bindings: the loop starts out interpreted.
  const fixed = FIXED_WORDS;
  const perVlen = VLEN_WORDS;
  const nWords = words.length;
  const max = Math.floor(nWords / 3);
  const offs = new Uint32Array(max);
  const kinds = new Uint8Array(max);
  const funcs = new Uint32Array(max);
  let w = 0;
  let n = 0;
  let nf = 0;
  while (w < nWords) {
    if (w + 3 > nWords) return `type ${n}: truncated`;
    const info = words[w + 1];
    const kind = (info >>> 24) & 0x1f;
    if (kind === 0 || kind > 19 /* KIND_MAX */) return `type ${n}: unknown kind ${kind}`;
    offs[n] = w;
    kinds[n] = kind;
    if (kind === 12 /* KIND_FUNC */) funcs[nf++] = n;
    n++;
    w += 3 + fixed[kind] + (info & 0xffff) * perVlen[kind];
  }
  if (w !== nWords) return `type ${n - 1}: overruns the type section`;
  return { offs: offs.subarray(0, n), kinds: kinds.subarray(0, n), funcs: funcs.subarray(0, nf) };
}

/**
 * Names of the given types, in order, without duplicates (recognised by string offset). `text` is this
 * blob's string section decoded as latin1; with `ascii` false, or for names stored in a base's string
 * section (split BTF), `nameOf(offset)` decodes the name.
 */
export function collectNames(
  idx: Uint32Array, offs: Uint32Array, words: Uint32Array, strStart: number, text: string, ascii: boolean,
  nameOf: (off: number) => string,
): string[] {
  const seen = new Uint8Array((text.length >>> 3) + 1);
  let baseSeen: Set<number> | undefined;
  const out: string[] = new Array(idx.length);
  let n = 0;
  for (let i = 0; i < idx.length; i++) {
    const off = words[offs[idx[i]]];
    const local = off - strStart;
    if (local >= 0) {
      const byte = local >>> 3;
      const bit = 1 << (local & 7);
      if (seen[byte] & bit) continue;
      seen[byte] |= bit;
      out[n++] = ascii ? text.slice(local, text.indexOf('\0', local)) : nameOf(off);
    } else {
      baseSeen ??= new Set();
      if (baseSeen.has(off)) continue;
      baseSeen.add(off);
      out[n++] = nameOf(off);
    }
  }
  out.length = n;
  return out;
}

/**
 * Offsets (from `strStart`) of every string in `strBytes` equal to `name`. With `atZero`, a match at
 * local offset 0 counts too (split BTF string sections need not start with an empty string).
 */
export function findStringOffsets(strBytes: Buffer, strStart: number, name: string, atZero: boolean): number[] {
  const out: number[] = [];
  if (name === '' || name.includes('\0')) return out;
  const pat = Buffer.from(`\0${name}\0`, 'utf8');
  const n = pat.length - 1;
  if (atZero && strBytes.length >= n && strBytes.compare(pat, 1, pat.length, 0, n) === 0) out.push(strStart);
  for (let p = strBytes.indexOf(pat); p >= 0; p = strBytes.indexOf(pat, p + 1)) out.push(strStart + p + 1);
  return out;
}

/** Local indices of the types of kind `kind` (or of `kind2`) whose name offset is one of `targets`. */
export function scanByNameOff(
  kinds: Uint8Array, offs: Uint32Array, words: Uint32Array, kind: number, kind2: number, targets: readonly number[],
): number[] {
  const out: number[] = [];
  if (targets.length === 0) return out;
  const t0 = targets[0];
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i];
    if (k !== kind && k !== kind2) continue;
    const off = words[offs[i]];
    if (off === t0 || (targets.length > 1 && targets.includes(off))) out.push(i);
  }
  return out;
}

/** Like `scanByNameOff` over a precomputed list of local indices (e.g. the FUNCs). */
export function scanListByNameOff(
  list: Uint32Array, offs: Uint32Array, words: Uint32Array, targets: readonly number[],
): number[] {
  const out: number[] = [];
  if (targets.length === 0) return out;
  const t0 = targets[0];
  for (let i = 0; i < list.length; i++) {
    const off = words[offs[list[i]]];
    if (off === t0 || (targets.length > 1 && targets.includes(off))) out.push(list[i]);
  }
  return out;
}

/** The first enumerator whose name offset is one of `targets`: [local type index, enumerator index], or undefined. */
export function scanEnumerators(
  kinds: Uint8Array, offs: Uint32Array, words: Uint32Array, targets: readonly number[],
): [number, number] | undefined {
  if (targets.length === 0) return undefined;
  const t0 = targets[0];
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i];
    if (k !== KIND_ENUM && k !== KIND_ENUM64) continue;
    const w = offs[i];
    const vlen = words[w + 1] & 0xffff;
    const step = k === KIND_ENUM ? 2 : 3;
    for (let j = 0, p = w + 3; j < vlen; j++, p += step) {
      const off = words[p];
      if (off === t0 || (targets.length > 1 && targets.includes(off))) return [i, j];
    }
  }
  return undefined;
}

/** Name → local indices of the types of `kind` (or `kind2`), in BTF order; anonymous types are left out. */
export function buildNameIndex(
  kinds: Uint8Array, offs: Uint32Array, words: Uint32Array, kind: number, kind2: number, nameOf: (off: number) => string,
): Map<string, number | number[]> {
  const idx = new Map<string, number | number[]>();
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i];
    if (k !== kind && k !== kind2) continue;
    const off = words[offs[i]];
    if (off === 0) continue;
    const name = nameOf(off);
    const prev = idx.get(name);
    if (prev === undefined) idx.set(name, i);
    else if (typeof prev === 'number') idx.set(name, [prev, i]);
    else prev.push(i);
  }
  return idx;
}
