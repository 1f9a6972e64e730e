// The fbt provider: entry and return of every kernel function that BTF describes (vmlinux, then modules)
// and the kernel lets us trace (kmod/probes/fbt-functions.ts).
import { loadKernelBtf, listBtfModules, loadModuleBtf } from '../../btf/kernel.js';
import { traceableNames } from '../fbt-functions.js';
import type { AttachPoint, Probe } from '../probe.js';
import type { Provider } from './provider.js';

/** One object per probe (there are over 100,000): the attach point is derived when asked for. */
class FbtProbe implements Probe {
  constructor(readonly id: number, readonly module: string, readonly func: string, readonly name: 'entry' | 'return') {}
  get provider(): string {
    return 'fbt';
  }
  get attach(): AttachPoint {
    return { kind: 'fbt', func: this.func, module: this.module, ret: this.name === 'return' };
  }
}

function add(out: Probe[], id: number, module: string, names: string[]): number {
  for (const func of names) {
    out.push(new FbtProbe(id++, module, func, 'entry'));
    out.push(new FbtProbe(id++, module, func, 'return'));
  }
  return id;
}

/** Calls `cb` with each module's traceable function names: vmlinux first, then modules with BTF. */
function forEachModule(cb: (module: string, names: string[]) => void): void {
  let vmlinux;
  try {
    vmlinux = loadKernelBtf();
  } catch {
    return;
  }
  cb('vmlinux', traceableNames('vmlinux', vmlinux.funcNames()));
  for (const mod of listBtfModules()) {
    try {
      cb(mod, traceableNames(mod, loadModuleBtf(mod).funcNames()));
    } catch {
      // A module whose BTF cannot be read simply offers no probes.
    }
  }
}

export const fbtProvider: Provider = {
  name: 'fbt',
  names: ['entry', 'return'],
  /** Two probes per traceable function, counted without building them (the probe table's IDs and .load). */
  count(): number {
    let n = 0;
    forEachModule((_, names) => (n += 2 * names.length));
    return n;
  },
  each(firstId: number, cb: (id: number, module: string, func: string, name: string) => void): void {
    let id = firstId;
    forEachModule((module, names) => {
      for (const func of names) {
        cb(id++, module, func, 'entry');
        cb(id++, module, func, 'return');
      }
    });
  },
  list(firstId: number): Probe[] {
    const out: Probe[] = [];
    let id = firstId;
    forEachModule((module, names) => (id = add(out, id, module, names)));
    return out;
  },
};
