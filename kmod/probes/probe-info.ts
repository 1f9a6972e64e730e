// What `dtrace -lv` tells about a probe: its provider's stability attributes and its argument types.
import { readEventFormat, type EventField } from './tracefs-format.js';
import { fbtSignature } from './fbt-functions.js';
import type { Probe } from './probe.js';

/** DTrace's stability levels and dependency classes, in order (dtrace_stability_name, dtrace_class_name). */
export const STABILITY = ['Internal', 'Private', 'Obsolete', 'External', 'Unstable', 'Evolving', 'Stable', 'Standard'] as const;
export const CLASS = ['Unknown', 'CPU', 'Platform', 'Group', 'ISA', 'Common'] as const;

/** [name stability, data stability, dependency class] as indexes into STABILITY and CLASS. */
export type Attr = readonly [number, number, number];

const P = 1; // Private
const U = 4; // Unstable
const E = 5; // Evolving
const S = 6; // Stable
const UNKNOWN = 0;
const ISA = 4;
const COMMON = 5;

/** A provider's attributes: provider, module, function, name, args (as DTrace's providers declare them). */
type PAttr = readonly [Attr, Attr, Attr, Attr, Attr];

const PROVIDER_ATTRS: Record<string, PAttr> = {
  dtrace: [[S, S, COMMON], [P, P, UNKNOWN], [P, P, UNKNOWN], [S, S, COMMON], [S, S, COMMON]],
  syscall: [[E, E, COMMON], [P, P, UNKNOWN], [P, P, ISA], [E, E, COMMON], [P, P, ISA]],
  fbt: [[E, E, COMMON], [P, P, UNKNOWN], [P, P, ISA], [E, E, COMMON], [P, P, ISA]],
  sdt: [[E, E, ISA], [P, P, UNKNOWN], [P, P, UNKNOWN], [P, P, ISA], [P, P, ISA]],
  profile: [[E, E, COMMON], [U, U, UNKNOWN], [P, P, UNKNOWN], [E, E, COMMON], [E, E, COMMON]],
  proc: [[E, E, ISA], [P, P, UNKNOWN], [P, P, UNKNOWN], [E, E, ISA], [E, E, ISA]],
  sched: [[E, E, ISA], [P, P, UNKNOWN], [P, P, UNKNOWN], [E, E, ISA], [E, E, ISA]],
  pid: [[E, E, ISA], [P, P, UNKNOWN], [P, P, UNKNOWN], [E, E, ISA], [P, P, UNKNOWN]],
};
const DEFAULT_ATTRS: PAttr = [[P, P, UNKNOWN], [P, P, UNKNOWN], [P, P, UNKNOWN], [P, P, UNKNOWN], [P, P, UNKNOWN]];

export interface ProbeInfo {
  /** The probe description's attributes: the least stable of its provider, module, function and name. */
  attr: Attr;
  /** The arguments' attributes. */
  arga: Attr;
  /** C spelling of each args[] type. */
  args: string[];
}

const min = (a: Attr, b: Attr): Attr => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.min(a[2], b[2])];

export function providerAttrs(provider: string): PAttr {
  return PROVIDER_ATTRS[provider] ?? PROVIDER_ATTRS[provider.replace(/\d+$/, '')] ?? DEFAULT_ATTRS;
}

/** A tracefs field's type as -lv prints it: the format's C text (`char[16]` as `char [16]`; __data_loc strings as string). */
export function fieldTypeText(f: EventField): string {
  if (f.dataLoc) return /char\s*\[/.test(f.type) ? 'string' : f.type.replace(/^__(data|rel)_loc\s+/, '');
  return f.type.replace(/\s*\[/, ' [').replace(/\s+/g, ' ').trim();
}

/** The C spelling of each args[] type of a probe (empty when it has none, or they cannot be known here). */
export function argTypeNames(p: Probe, fallback?: (p: Probe) => string[]): string[] {
  const a = p.attach;
  switch (a.kind) {
    case 'dtrace':
      return [];
    case 'tracepoint': {
      let fields: EventField[];
      try {
        fields = readEventFormat(a.group, a.event).fields.filter((f) => !f.common && f.name !== '__syscall_nr');
      } catch {
        return [];
      }
      const names = fields.map(fieldTypeText);
      // syscall return probes: arg0 and arg1 both hold the return value (kmod/codegen/context.ts)
      if (a.group === 'syscalls' && a.event.startsWith('sys_exit_')) return names.length ? [names[0], names[0]] : [];
      return names;
    }
    case 'fbt': {
      const sig = fbtSignature(a.module, a.func);
      if (!sig) return [];
      if (!a.ret) return sig.params.map((x) => sig.btf.typeName(x.typeId));
      // return: args[0] is the offset of the returning instruction, args[1] the return value
      return sig.returnTypeId === 0 ? ['int'] : ['int', sig.btf.typeName(sig.returnTypeId)];
    }
    default:
      return fallback ? fallback(p) : [];
  }
}

export function probeInfo(p: Probe, fallback?: (p: Probe) => string[]): ProbeInfo {
  const pa = providerAttrs(p.provider);
  return { attr: min(min(pa[0], pa[1]), min(pa[2], pa[3])), arga: pa[4], args: argTypeNames(p, fallback) };
}

function attrLines(a: Attr): string {
  return `\t\tIdentifier Names: ${STABILITY[a[0]]}\n\t\tData Semantics:   ${STABILITY[a[1]]}\n\t\tDependency Class: ${CLASS[a[2]]}\n`;
}

/** DTrace's print_probe_info(): the text `dtrace -lv` prints after each probe's line. */
export function formatProbeInfo(info: ProbeInfo): string {
  let s = '\n\tProbe Description Attributes\n' + attrLines(info.attr);
  s += '\n\tArgument Attributes\n' + attrLines(info.arga);
  s += '\n\tArgument Types\n';
  info.args.forEach((t, i) => (s += `\t\targs[${i}]: ${t}\n`));
  if (!info.args.length) s += '\t\tNone\n';
  return s + '\n';
}
