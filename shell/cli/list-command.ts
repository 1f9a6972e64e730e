// `dtrace -l`: the whole probe table, or the probes that -n/-P/-m/-f/-i select, in DTrace's columns.
import type { ProbeTable } from '../../kmod/probes/table.js';
import { parseDescription } from '../../kmod/probes/describe.js';
import { writeListing, ListingWriter } from '../engine/list.js';
import type { Probe } from '../../kmod/probes/probe.js';
import type { CliArgs } from './args.js';
import { listDescription } from './programs.js';
import { Fatal, fullDesc, type RunIO } from './common.js';
import { expandListMacros, listTarget } from './list-target.js';

export async function list(args: CliArgs, table: ProbeTable, io: RunIO): Promise<number> {
  const target = listTarget(args);
  try {
    return await listProbes(args, table, io, target.macros);
  } finally {
    target.done();
  }
}

async function listProbes(args: CliArgs, table: ProbeTable, io: RunIO, macros: Record<string, string | number | undefined>): Promise<number> {
  const specs = args.programs.filter((p): p is Exclude<typeof p, { kind: 's' }> => p.kind !== 's');
  const write = io.outBytes ?? ((b: Buffer) => io.out(b.toString()));
  const probes = specs.length ? select(specs, table, macros) : undefined;
  if (args.verbose) {
    // -lv needs the code generator's argument types: loaded only then
    (await import('./list-verbose.js')).listVerbose(probes ?? table.all(), write);
    return 0;
  }
  if (!probes) {
    const w = new ListingWriter(write);
    table.forEachRow((id, provider, module, func, name) => w.row(id, provider, module, func, name));
    w.flush();
    return 0;
  }
  writeListing(probes, write);
  return 0;
}

/** The probes the -n/-P/-m/-f/-i specifications select, each once, in ID order. */
function select(specs: Exclude<CliArgs['programs'][number], { kind: 's' }>[], table: ProbeTable,
  macros: Record<string, string | number | undefined>): Probe[] {
  const seen = new Map<number, Probe>();
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
      for (const p of found) seen.set(p.id, p);
    }
  }
  return [...seen.values()].sort((a, b) => a.id - b.id);
}
