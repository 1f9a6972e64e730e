// Test-only helpers: build a tiny C program with gcc, and ask binutils (readelf/objdump) for the expected answers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A C program with known functions: an alias pair, a static function, and a mode that prints addresses and waits. */
export const TEST_C = `
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dlfcn.h>
int dtsh_counter;
__attribute__((noinline)) int dtsh_target_fn(int x) { return x * 3 + dtsh_counter; }
int __dtsh_target_alias(int x) __attribute__((alias("dtsh_target_fn")));
static __attribute__((noinline, used)) int dtsh_local_fn(int x) { dtsh_counter += x; return x + 7; }
int main(int argc, char **argv) {
  if (argc > 1) {
    void *heap = malloc(16);
    printf("%p %p %p %p\\n", (void *)&dtsh_target_fn, dlsym(RTLD_DEFAULT, "getpid"), (void *)&dtsh_local_fn, heap);
    fflush(stdout);
    pause();
  }
  return dtsh_target_fn(argc) + dtsh_local_fn(argc);
}
`;

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Why the gcc-based tests cannot run here (gcc pulls in binutils, whose readelf/objdump give the expectations). */
export function toolchainSkipReason(): string | undefined {
  for (const t of ['gcc', 'readelf', 'objdump']) if (!has(t)) return `${t} is not installed`;
  return undefined;
}

/** Compiles TEST_C with extra flags into a fresh temp dir; returns the binary's path. */
export function buildTestProgram(name: string, flags: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'dtsh-sym-'));
  const src = join(dir, 'prog.c');
  writeFileSync(src, TEST_C);
  const out = join(dir, name);
  const r = spawnSync('gcc', ['-O1', '-g0', ...flags, '-o', out, src], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc failed: ${r.stderr}`);
  return out;
}

function run(tool: string, args: string[]): string {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** readelf -Ws: value, size, type and bind of each symbol named `name` (version suffix dropped). */
export function readelfSymbols(path: string, name: string): { value: number; size: number; type: string; bind: string }[] {
  const out: { value: number; size: number; type: string; bind: string }[] = [];
  for (const line of run('readelf', ['-Ws', path]).split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[7]!.replace(/@.*$/, '') !== name) continue;
    out.push({ value: parseInt(f[1]!, 16), size: Number(f[2]), type: f[3]!, bind: f[4]! });
  }
  return out;
}

/** readelf -lW: the PT_LOAD segments. */
export function readelfLoads(path: string): { offset: number; vaddr: number; filesz: number; flags: string }[] {
  const out: { offset: number; vaddr: number; filesz: number; flags: string }[] = [];
  for (const line of run('readelf', ['-lW', path]).split('\n')) {
    const m = /^\s*LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+(.*?)\s+0x[0-9a-f]+\s*$/.exec(line);
    if (m) out.push({ offset: parseInt(m[1]!, 16), vaddr: parseInt(m[2]!, 16), filesz: parseInt(m[3]!, 16), flags: m[4]!.replace(/\s+/g, '') });
  }
  return out;
}

/** objdump -d -F: the file offset objdump reports for the function starting at `value`. */
export function objdumpFileOffset(path: string, value: number): number | undefined {
  const hex = value.toString(16).padStart(16, '0');
  for (const line of run('objdump', ['-d', '-F', path]).split('\n')) {
    const m = /^([0-9a-f]{16}) <[^>]+> \(File Offset: 0x([0-9a-f]+)\):$/.exec(line);
    if (m && m[1] === hex) return parseInt(m[2]!, 16);
  }
  return undefined;
}

/** readelf -n: the GNU build-id as hex. */
export function readelfBuildId(path: string): string | undefined {
  return /Build ID: ([0-9a-f]+)/.exec(run('readelf', ['-n', path]))?.[1];
}
