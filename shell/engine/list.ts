// `dtrace -l`: the probe listing in DTrace's columns ("%5d %10s %17s %33s %s").
import type { Probe } from '../../kmod/probes/probe.js';

export const LIST_HEADER = `${'ID'.padStart(5)} ${'PROVIDER'.padStart(10)} ${'MODULE'.padStart(17)} ${'FUNCTION'.padStart(33)} NAME\n`;

export function listLine(p: Probe): string {
  return `${String(p.id).padStart(5)} ${p.provider.padStart(10)} ${p.module.padStart(17)} ${p.func.padStart(33)} ${p.name}\n`;
}

/** Writes the listing in chunks (the whole table is ~10 MB of text). */
export function writeListing(probes: Iterable<Probe>, write: (s: string) => void, header = true): number {
  let buf = header ? LIST_HEADER : '';
  let n = 0;
  for (const p of probes) {
    buf += listLine(p);
    n++;
    if (buf.length > 1 << 20) {
      write(buf);
      buf = '';
    }
  }
  if (buf) write(buf);
  return n;
}
