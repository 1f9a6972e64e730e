// Tracefs event formats: finding tracefs and parsing events/GROUP/EVENT/format into typed fields.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One field of a trace event record. */
export interface EventField {
  name: string;
  /** C type as in the format file, array suffix moved onto it: `const char *`, `char[16]`, `__data_loc char[]`. */
  type: string;
  /** Byte offset in the raw record (the common fields come first). */
  offset: number;
  /** Size in bytes (for `__data_loc`/`__rel_loc`: the 4-byte locator, not the data). */
  size: number;
  signed: boolean;
  /** One of the `common_*` fields every event starts with. */
  common: boolean;
  /** Element count of a fixed array field (`char[16]` → 16); absent otherwise. */
  arrayLen?: number;
  /**
   * Dynamic data: the field holds a u32 locator, `(len << 16) | offset`; the offset is from the record's
   * start for `__data_loc`, from the end of the field for `__rel_loc` (then `relLoc` is set).
   */
  dataLoc: boolean;
  relLoc?: boolean;
}

export interface EventFormat {
  name: string;
  id: number;
  fields: EventField[];
  /** The `print fmt:` text, verbatim ('' when absent). */
  printFmt: string;
}

/** A format file that cannot be read or parsed. */
export class TracefsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TracefsError';
  }
}

const ROOTS = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

/** The mounted tracefs directory (one that has `events/`), or undefined. */
export function tracefsRoot(): string | undefined {
  return ROOTS.find((r) => existsSync(join(r, 'events')));
}

const FIELD_RE = /^field:(.*);\s*offset:(\d+);\s*size:(\d+);(?:\s*signed:(\d+);)?/;
const DECL_RE = /^(.*?)\s*([A-Za-z_]\w*)\s*(\[[^\]]*\])?$/;

/** Parses one `field:` declaration such as `char prev_comm[16]` or `__data_loc char[] filename`. */
function parseDecl(decl: string): { name: string; type: string; arrayLen?: number } | undefined {
  const m = DECL_RE.exec(decl.trim());
  if (!m || !m[1]) return undefined;
  let type = m[1].trim();
  let arrayLen: number | undefined;
  if (m[3]) {
    type += m[3].replace(/\s+/g, '');
    const n = m[3].slice(1, -1).trim();
    if (/^(0x[0-9a-f]+|\d+)$/i.test(n)) arrayLen = Number(n);
  }
  return { name: m[2], type, arrayLen };
}

/** Parses the text of a tracefs `format` file. */
export function parseEventFormat(text: string): EventFormat {
  let name = '';
  let id: number | undefined;
  let printFmt = '';
  const fields: EventField[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('name:')) name = line.slice(5).trim();
    else if (line.startsWith('ID:')) id = Number(line.slice(3).trim());
    else if (line.startsWith('print fmt:')) printFmt = line.slice(10).trim();
    else if (line.startsWith('field:')) {
      const m = FIELD_RE.exec(line);
      if (!m) throw new TracefsError(`bad field line in format of '${name}': ${line}`);
      const d = parseDecl(m[1]);
      if (!d) throw new TracefsError(`bad field declaration in format of '${name}': ${m[1]}`);
      const relLoc = /^__rel_loc\b/.test(d.type);
      const dataLoc = relLoc || /^__data_loc\b/.test(d.type);
      const f: EventField = {
        name: d.name, type: d.type, offset: Number(m[2]), size: Number(m[3]), signed: m[4] === '1',
        common: d.name.startsWith('common_'), dataLoc,
      };
      if (d.arrayLen !== undefined && !dataLoc) f.arrayLen = d.arrayLen;
      if (relLoc) f.relLoc = true;
      fields.push(f);
    }
  }
  if (id === undefined || !Number.isInteger(id)) throw new TracefsError(`format of '${name || '?'}' has no ID`);
  return { name, id, fields, printFmt };
}

/** The event-specific fields (not `common_*`, and not a syscall event's `__syscall_nr`). */
export function eventArgs(fmt: EventFormat): EventField[] {
  return fmt.fields.filter((f) => !f.common && f.name !== '__syscall_nr');
}

/** Reads and parses `events/GROUP/EVENT/format` under tracefs. */
export function readEventFormat(group: string, event: string, root = tracefsRoot()): EventFormat {
  if (!root) throw new TracefsError('tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)');
  if (!/^[\w.-]+$/.test(group) || !/^[\w.-]+$/.test(event)) throw new TracefsError(`invalid event name ${group}:${event}`);
  const path = join(root, 'events', group, event, 'format');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TracefsError(code === 'ENOENT' ? `no tracepoint ${group}:${event}` : `cannot read ${path}: ${(e as Error).message}`);
  }
  return parseEventFormat(text);
}
