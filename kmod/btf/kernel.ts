// The running kernel's BTF: vmlinux (cached) and loadable modules' split BTF from /sys/kernel/btf.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Btf } from './reader.js';
import { BtfError } from './errors.js';

/** Where the kernel exposes BTF; overridable for tests. */
export const KERNEL_BTF_DIR = '/sys/kernel/btf';

let vmlinux: { dir: string; btf: Btf } | undefined;
const modules = new Map<string, Btf>();

/** Why kernel BTF is unavailable here, or undefined when /sys/kernel/btf/vmlinux exists. */
export function kernelBtfMissingReason(dir = KERNEL_BTF_DIR): string | undefined {
  if (existsSync(join(dir, 'vmlinux'))) return undefined;
  return `${join(dir, 'vmlinux')} is missing (kernel built without CONFIG_DEBUG_INFO_BTF)`;
}

/** The kernel's BTF, read once and cached. */
export function loadKernelBtf(dir = KERNEL_BTF_DIR): Btf {
  if (vmlinux && vmlinux.dir === dir) return vmlinux.btf;
  const path = join(dir, 'vmlinux');
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new BtfError(`cannot read kernel BTF ${path}: ${(e as Error).message}`);
  }
  const btf = Btf.parse(buf, undefined, 'vmlinux');
  vmlinux = { dir, btf };
  modules.clear();
  return btf;
}

/** Names of the loaded modules that carry BTF, sorted. */
export function listBtfModules(dir = KERNEL_BTF_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n !== 'vmlinux').sort();
}

/** A module's BTF, split on top of vmlinux (cached per module). */
export function loadModuleBtf(name: string, dir = KERNEL_BTF_DIR): Btf {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === 'vmlinux' || name.startsWith('.')) {
    throw new BtfError(`invalid module name '${name}'`);
  }
  const base = loadKernelBtf(dir);
  const cached = modules.get(name);
  if (cached) return cached;
  const path = join(dir, name);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'module not loaded or has no BTF' : (e as Error).message;
    throw new BtfError(`cannot read ${path}: ${why}`);
  }
  const btf = Btf.parse(buf, base, name);
  modules.set(name, btf);
  return btf;
}

/** Forgets cached BTF (after module load/unload). */
export function clearBtfCache(): void {
  vmlinux = undefined;
  modules.clear();
}
