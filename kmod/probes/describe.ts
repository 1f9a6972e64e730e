// Probe descriptions: `[[[provider:]module:]function:]name`, anchored at the right, and matching.
import { fieldMatcher, type FieldMatcher } from './glob.js';
import type { Probe } from './probe.js';

export interface ProbeDescription {
  provider: string;
  module: string;
  func: string;
  name: string;
}

/** Splits a description; fewer than four fields anchor at the right (`read:entry` is function:name). */
export function parseDescription(text: string): ProbeDescription {
  const parts = splitFields(text);
  if (parts.length > 4) throw new Error(`invalid probe description "${text}": too many fields`);
  while (parts.length < 4) parts.unshift('');
  const [provider, mod, func, name] = parts;
  return { provider, module: mod === 'kernel' ? 'vmlinux' : mod, func, name };
}

/** Splits at ':' outside `[...]`. */
function splitFields(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of text) {
    if (c === '[') depth++;
    else if (c === ']' && depth > 0) depth--;
    if (c === ':' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export interface DescriptionMatcher {
  desc: ProbeDescription;
  provider: FieldMatcher;
  module: FieldMatcher;
  func: FieldMatcher;
  name: FieldMatcher;
}

export function compileDescription(desc: ProbeDescription): DescriptionMatcher {
  return {
    desc,
    provider: fieldMatcher(desc.provider),
    module: fieldMatcher(desc.module),
    func: fieldMatcher(desc.func),
    name: fieldMatcher(desc.name),
  };
}

export function matchesProbe(m: DescriptionMatcher, p: Probe): boolean {
  return (!m.name || m.name(p.name)) && (!m.func || m.func(p.func)) && (!m.module || m.module(p.module)) &&
    (!m.provider || m.provider(p.provider));
}

/** The description as DTrace prints it in messages: fields joined with ':'. */
export function descriptionText(d: ProbeDescription): string {
  return `${d.provider}:${d.module}:${d.func}:${d.name}`;
}
