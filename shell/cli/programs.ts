// Program specifications (-n, -P, -m, -f, -i, -s) as D sources, with the names DTrace reports them by.
import { readFileSync } from 'node:fs';
import type { ProbeTable } from '../../kmod/probes/table.js';
import { cropDescription } from '../format/trace.js';
import type { ProgramSpec } from './args.js';

export interface Source {
  /** 'description' for -n/-P/-m/-f/-i, 'script' for -s (the words of DTrace's notices). */
  kind: 'description' | 'script';
  /** What messages call it: the cropped description, or the script's path. */
  name: string;
  /** The argument as given (for "invalid probe specifier" messages). */
  arg: string;
  text: string;
}

export class SpecError extends Error {}

/** Splits `desc rest` where the description ends at white space, `/` or `{`. */
function splitDesc(text: string): [string, string] {
  const m = /^([^\s/{]*)([\s\S]*)$/.exec(text)!;
  return [m[1], m[2]];
}

/** Pads a partial description of `kind` to the four fields DTrace means by it. */
function fullDescription(kind: 'P' | 'm' | 'f', desc: string): string {
  const parts = desc.split(':');
  const want = kind === 'P' ? 1 : kind === 'm' ? 2 : 3;
  if (parts.length > want) throw new SpecError(`invalid probe specifier ${desc}: too many fields`);
  while (parts.length < want) parts.unshift('');
  while (parts.length < 4) parts.push('');
  return parts.join(':');
}

export function specToSource(spec: ProgramSpec, table: ProbeTable): Source {
  if (spec.kind === 's') {
    let text: string;
    try {
      text = readFileSync(spec.file, 'utf8');
    } catch (e) {
      throw new SpecError(`failed to open ${spec.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}`);
    }
    return { kind: 'script', name: spec.file, arg: spec.file, text };
  }
  const [desc, rest] = splitDesc(spec.text);
  let text = spec.text;
  if (spec.kind === 'P' || spec.kind === 'm' || spec.kind === 'f') text = fullDescription(spec.kind, desc) + rest;
  else if (spec.kind === 'i') {
    const p = /^\d+$/.test(desc) ? table.byId(Number(desc)) : undefined;
    if (!p) throw new SpecError(`invalid probe specifier ${spec.text}: probe description ${desc} does not match any probes`);
    text = `${p.provider}:${p.module}:${p.func}:${p.name}` + rest;
  }
  return { kind: 'description', name: cropDescription(spec.text), arg: spec.text, text };
}

/** The description part of a spec for `dtrace -l` (the four fields, padded as the flag means them). */
export function listDescription(spec: Exclude<ProgramSpec, { kind: 's' }>): string {
  const [desc] = splitDesc(spec.text);
  if (spec.kind === 'P' || spec.kind === 'm' || spec.kind === 'f') return fullDescription(spec.kind, desc);
  return desc;
}

/** Moves every position's offset of a parsed source by `base`, so sources combined in one program stay apart. */
export function shiftOffsets(node: unknown, base: number, seen = new Set<object>()): void {
  if (!base || typeof node !== 'object' || node === null || seen.has(node)) return;
  seen.add(node);
  for (const [k, v] of Object.entries(node)) {
    if (k === 'pos' && v && typeof v === 'object' && 'offset' in v) {
      if (!seen.has(v)) {
        seen.add(v);
        (v as { offset: number }).offset += base;
      }
    } else if (typeof v === 'object') shiftOffsets(v, base, seen);
  }
}
