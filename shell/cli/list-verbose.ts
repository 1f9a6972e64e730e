// `dtrace -lv`: each probe followed by its stability attributes and argument types.
import type { Probe } from '../../kmod/probes/probe.js';
import { formatProbeInfo, probeInfo } from '../../kmod/probes/probe-info.js';
import { probeContext } from '../../kmod/codegen/context.js';
import { typeName } from '../../d/types.js';
import { writeVerboseListing } from '../engine/list.js';

export function listVerbose(probes: Iterable<Probe>, write: (b: Buffer) => void): void {
  const fallback = (p: Probe): string[] => {
    try {
      return probeContext(p).argTypes.map(typeName);
    } catch {
      return [];
    }
  };
  writeVerboseListing(probes, write, (p) => formatProbeInfo(probeInfo(p, fallback)));
}
