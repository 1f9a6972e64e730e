// The fbt provider: entry and return of every kernel function that BTF describes (vmlinux, then modules).
import { loadKernelBtf, listBtfModules, loadModuleBtf } from '../../btf/kernel.js';
import type { Probe } from '../probe.js';
import type { Provider } from './provider.js';

function add(out: Probe[], id: number, module: string, names: string[]): number {
  for (const func of names) {
    out.push({ id: id++, provider: 'fbt', module, func, name: 'entry', attach: { kind: 'fbt', func, module, ret: false } });
    out.push({ id: id++, provider: 'fbt', module, func, name: 'return', attach: { kind: 'fbt', func, module, ret: true } });
  }
  return id;
}

export const fbtProvider: Provider = {
  name: 'fbt',
  names: ['entry', 'return'],
  list(firstId: number): Probe[] {
    const out: Probe[] = [];
    let vmlinux;
    try {
      vmlinux = loadKernelBtf();
    } catch {
      return out;
    }
    let id = add(out, firstId, 'vmlinux', vmlinux.funcNames());
    for (const mod of listBtfModules()) {
      try {
        id = add(out, id, mod, loadModuleBtf(mod).funcNames());
      } catch {
        // A module whose BTF cannot be read simply offers no probes.
      }
    }
    return out;
  },
};
