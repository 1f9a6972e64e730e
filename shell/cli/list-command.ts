// `dtrace -l`: the whole probe table, or the probes that -n/-P/-m/-f/-i select, in DTrace's columns.
import type { ProbeTable } from '../../kmod/probes/table.js';
import { parseDescription } from '../../kmod/probes/describe.js';
import { writeListing, ListingWriter } from '../engine/list.js';
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
