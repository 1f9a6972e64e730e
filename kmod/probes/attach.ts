// Attaching a loaded program to its probe: tracepoints through perf events; a handle detaches it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeFd } from '../sys/bpf.js';
import { perfEventOpen, perfSetBpf, perfEnable, PERF_TYPE_TRACEPOINT } from '../sys/perf.js';
import { tracefsRoot } from './tracefs-format.js';
import type { Probe } from './probe.js';
import { attachProfile, attachTranslated, attachUprobe } from './attach-providers.js';
import { attachFbt } from './fbt-attach.js';

export interface Attachment {
  probe: Probe;
  detach(): void;
}

export class AttachError extends Error {}

function tracepointId(group: string, event: string): number {
  const root = tracefsRoot();
  if (!root) throw new AttachError('tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)');
  return Number(readFileSync(join(root, 'events', group, event, 'id'), 'utf8'));
}

/** Attaches `progFd` to `probe` (BEGIN/END/ERROR are run by the consumer instead). */
export function attach(probe: Probe, progFd: number): Attachment {
  const a = probe.attach;
  switch (a.kind) {
    case 'tracepoint': {
      const fd = perfEventOpen({ type: PERF_TYPE_TRACEPOINT, config: BigInt(tracepointId(a.group, a.event)), pid: -1, cpu: 0 });
      try {
        perfSetBpf(fd, progFd);
        perfEnable(fd);
      } catch (e) {
        closeFd(fd);
        throw e;
      }
      let open = true;
      return { probe, detach: () => { if (open) { open = false; closeFd(fd); } } };
    }
    case 'dtrace':
      throw new AttachError(`dtrace:::${a.which} is run by the consumer, not attached`);
    case 'fbt':
      return { probe, detach: attachFbt(probe, progFd) };
    case 'profile':
      return { probe, detach: attachProfile(a, progFd) };
    case 'uprobe':
      return { probe, detach: attachUprobe(a, progFd) };
    case 'translated':
      return { probe, detach: attachTranslated(a, progFd) };
  }
}
