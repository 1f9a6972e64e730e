// The sdt provider: every tracefs event outside the syscalls group, as sdt:GROUP::EVENT.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tracefsRoot } from '../tracefs-format.js';
import type { Probe } from '../probe.js';
import type { Provider } from './provider.js';

function dirs(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
}

export const sdtProvider: Provider = {
  name: 'sdt',
  list(firstId: number): Probe[] {
    const root = tracefsRoot();
    if (!root) return [];
    const events = join(root, 'events');
    const out: Probe[] = [];
    let id = firstId;
    for (const group of dirs(events)) {
      if (group === 'syscalls') continue;
      for (const event of dirs(join(events, group))) {
        out.push({ id: id++, provider: 'sdt', module: group, func: '', name: event, attach: { kind: 'tracepoint', group, event } });
      }
    }
    return out;
  },
};
