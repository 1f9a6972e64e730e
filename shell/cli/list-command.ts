// `dtrace -l`: the whole probe table, or the probes that -n/-P/-m/-f/-i select, in DTrace's columns.
import type { ProbeTable } from '../../kmod/probes/table.js';
import { parseDescription } from '../../kmod/probes/describe.js';
import { writeListing, writeVerboseListing, ListingWriter } from '../engine/list.js';
import type { Probe } from '../../kmod/probes/probe.js';
import { formatProbeInfo, probeInfo } from '../../kmod/probes/probe-info.js';
import { probeContext } from '../../kmod/codegen/context.js';
import { typeName } from '../../d/types.js';
import type { CliArgs } from './args.js';
import { listDescription } from './programs.js';
import { Fatal, fullDesc, type RunIO } from './common.js';
import { expandListMacros, listTarget } from './list-target.js';

export function list(args: CliArgs, table: ProbeTable, io: RunIO): number {
  const target = listTarget(args);
  try {
    return listProbes(args, table, io, target.macros);
  } finally {
    target.done();
  }
}

function listProbes(args: CliArgs, table: ProbeTable, io: RunIO, macros: Record<string, string | number | undefined>): number {
  const specs = args.programs.filter((p): p is Exclude<typeof p, { kind: 's' }> => p.kind !== 's');
  const write = io.outBytes ?? ((b: Buffer) => io.out(b.toString()));
  if (args.verbose) return listVerbose(args, specs, table, write);
  if (!specs.length) {
    const w = new ListingWriter(io.outBytes ?? ((b) => io.out(b.toString())));
    table.forEach((p) => w.add(p));
    w.flush();
    return 0;
  }
  const seen = new Set<number>();
  const probes = [];
  for (const spec of specs) {
    for (const desc of listDescription(spec).split(',')) {
      let found;
      try {
        found = spec.kind === 'i' ? [table.byId(Number(desc))].filter((p) => p !== undefined) : table.match(parseDescription(expandListMacros(desc, macros)));
      } catch (e) {
        throw new Fatal(`invalid probe specifier ${spec.text}: ${(e as Error).message}`);
      }
      if (!found.length) {
        throw new Fatal(`invalid probe specifier ${spec.text}: probe description ${fullDesc(desc)} does not match any probes`);
      }
      for (const p of found) if (!seen.has(p.id)) (seen.add(p.id), probes.push(p));
    }
  }
  probes.sort((a, b) => a.id - b.id);
  writeListing(probes, io.outBytes ?? ((b) => io.out(b.toString())));
  return 0;
}

/** `dtrace -lv`: the same selection, each probe followed by its stability attributes and argument types. */
function listVerbose(args: CliArgs, specs: Exclude<CliArgs['programs'][number], { kind: 's' }>[], table: ProbeTable,
  write: (b: Buffer) => void): number {
  let probes: Iterable<Probe>;
  if (!specs.length) probes = table.all();
  else {
    const seen = new Map<number, Probe>();
    for (const spec of specs) {
      for (const desc of listDescription(spec).split(',')) {
        let found;
        try {
          found = spec.kind === 'i' ? [table.byId(Number(desc))].filter((p) => p !== undefined) : table.match(parseDescription(desc));
        } catch (e) {
          throw new Fatal(`invalid probe specifier ${spec.text}: ${(e as Error).message}`);
        }
        if (!found.length) throw new Fatal(`invalid probe specifier ${spec.text}: probe description ${fullDesc(desc)} does not match any probes`);
        for (const p of found) seen.set(p.id, p);
      }
    }
    probes = [...seen.values()].sort((a, b) => a.id - b.id);
  }
  const fallback = (p: Probe): string[] => {
    try {
      return probeContext(p).argTypes.map(typeName);
    } catch {
      return [];
    }
  };
  writeVerboseListing(probes, write, (p) => formatProbeInfo(probeInfo(p, fallback)));
  void args;
  return 0;
}
