// `dtrace -l`: the probe listing in DTrace's columns ("%5d %10s %17s %33s %s"), written straight into bytes.
import type { Probe } from '../../kmod/probes/probe.js';

export const LIST_HEADER = `${'ID'.padStart(5)} ${'PROVIDER'.padStart(10)} ${'MODULE'.padStart(17)} ${'FUNCTION'.padStart(33)} NAME\n`;

export function listLine(p: Probe): string {
  return `${String(p.id).padStart(5)} ${p.provider.padStart(10)} ${p.module.padStart(17)} ${p.func.padStart(33)} ${p.name}\n`;
}

const CHUNK = 1 << 20;

/** Streams listing lines into 1 MB buffers handed to `write` (the whole table is ~10 MB). */
export class ListingWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private at = 0;
  private lastProv = '';
  private lastMod: string | undefined;
  private provMod = '';
  count = 0;

  constructor(private write: (b: Buffer) => void, header = true) {
    if (header) this.text(LIST_HEADER);
  }

  private text(s: string): void {
    if (this.at + s.length * 3 > CHUNK) this.flush();
    this.at += this.buf.write(s, this.at, 'utf8');
  }

  add(p: Probe): void {
    this.row(p.id, p.provider, p.module, p.func, p.name);
  }

  row(probeId: number, provider: string, module: string, func: string, name: string): void {
    if (module !== this.lastMod || provider !== this.lastProv) {
      this.lastProv = provider;
      this.lastMod = module;
      this.provMod = ` ${provider.padStart(10)} ${module.padStart(17)} `;
    }
    if (this.at + 3 * (func.length + name.length) + 128 > CHUNK) this.flush();
    // the ID, right-aligned in five columns (wider IDs push the line right, as %5d does)
    let id = probeId;
    let digits = 1;
    for (let x = id; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let i = digits; i < 5; i++) this.buf[this.at++] = 0x20;
    for (let i = digits - 1; i >= 0; i--) {
      this.buf[this.at + i] = 0x30 + (id % 10);
      id = Math.floor(id / 10);
    }
    this.at += digits;
    this.text(this.provMod);
    for (let i = func.length; i < 33; i++) this.buf[this.at++] = 0x20;
    this.at += this.buf.write(func, this.at, 'utf8');
    this.buf[this.at++] = 0x20;
    this.at += this.buf.write(name, this.at, 'utf8');
    this.buf[this.at++] = 0x0a;
    this.count++;
  }

  flush(): void {
    if (this.at === 0) return;
    this.write(Buffer.from(this.buf.subarray(0, this.at)));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.at = 0;
  }
}

/** Writes the listing of `probes`; returns how many lines. */
export function writeListing(probes: Iterable<Probe>, write: (b: Buffer) => void, header = true): number {
  const w = new ListingWriter(write, header);
  for (const p of probes) w.add(p);
  w.flush();
  return w.count;
}

/**
 * `dtrace -lv`: each probe's line followed by its attributes and argument types (DTrace's
 * print_probe_info()); returns how many probes.
 */
export function writeVerboseListing(probes: Iterable<Probe>, write: (b: Buffer) => void, info: (p: Probe) => string): number {
  let parts: string[] = [LIST_HEADER];
  let size = LIST_HEADER.length;
  let n = 0;
  for (const p of probes) {
    const s = listLine(p) + info(p);
    parts.push(s);
    size += s.length;
    n++;
    if (size > CHUNK) {
      write(Buffer.from(parts.join('')));
      parts = [];
      size = 0;
    }
  }
  if (parts.length) write(Buffer.from(parts.join('')));
  return n;
}
