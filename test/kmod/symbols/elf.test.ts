// The ELF reader against gcc-built programs (PIE and not) and libc, with readelf/objdump as the oracle.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ElfError, ET_DYN, ET_EXEC, PF_W, PF_X, clearElfCache, elfFromBuffer, elfFunctions, elfSymbolize, readElf } from '../../../kmod/symbols/elf.js';
import {
  buildTestProgram, objdumpFileOffset, readelfBuildId, readelfLoads, readelfSymbols, toolchainSkipReason,
} from './tools.js';

const skip = toolchainSkipReason();
const built: { pie?: string; nopie?: string } = {};

before(() => {
  if (skip) return;
  built.pie = buildTestProgram('dtsh-symtest', ['-pie', '-fPIE']);
  built.nopie = buildTestProgram('dtsh-symtest-nopie', ['-no-pie', '-fno-PIE']);
});
after(() => {
  for (const p of Object.values(built)) rmSync(dirname(p), { recursive: true, force: true });
  clearElfCache();
});

/** The offset uprobes want, from readelf's numbers: value - p_vaddr + p_offset of the PT_LOAD holding it. */
function expectedOffset(path: string, value: number): number {
  const seg = readelfLoads(path).find((s) => value >= s.vaddr && value < s.vaddr + s.filesz)!;
  return value - seg.vaddr + seg.offset;
}

for (const kind of ['pie', 'nopie'] as const) {
  test(`${kind}: functions match readelf and objdump`, { skip }, () => {
    const path = built[kind]!;
    const elf = readElf(path);
    assert.equal(elf.type, kind === 'pie' ? ET_DYN : ET_EXEC);
    assert.equal(elf.buildId, readelfBuildId(path));
    assert.deepEqual(
      elf.loads.map((s) => [s.offset, s.vaddr, s.filesz]),
      readelfLoads(path).map((s) => [s.offset, s.vaddr, s.filesz]),
    );
    const fns = elfFunctions(path);
    for (let i = 1; i < fns.length; i++) assert.ok(fns[i - 1]!.value <= fns[i]!.value, 'sorted by address');
    for (const name of ['dtsh_target_fn', '__dtsh_target_alias', 'dtsh_local_fn', 'main']) {
      const [want] = readelfSymbols(path, name);
      assert.ok(want, `readelf lists ${name}`);
      const got = fns.find((f) => f.name === name);
      assert.ok(got, `found ${name}`);
      assert.equal(got.value, want.value, `${name} value`);
      assert.equal(got.size, want.size, `${name} size`);
      assert.equal(got.bind, want.bind.toLowerCase(), `${name} bind`);
      assert.equal(got.offset, expectedOffset(path, want.value), `${name} offset`);
      assert.equal(got.offset, objdumpFileOffset(path, want.value), `${name} offset per objdump -F`);
      assert.equal(got.text, true);
      assert.equal(got.ifunc, false);
    }
    // Aliases: the preferred name comes first at a shared address (fewer leading underscores).
    const target = fns.findIndex((f) => f.name === 'dtsh_target_fn');
    const alias = fns.findIndex((f) => f.name === '__dtsh_target_alias');
    assert.ok(target < alias);
    assert.equal(new Set(fns.map((f) => `${f.value}:${f.name}`)).size, fns.length, 'no duplicates');
  });

  test(`${kind}: symbolize addresses of the object`, { skip }, () => {
    const path = built[kind]!;
    const [fn] = readelfSymbols(path, 'dtsh_target_fn');
    const [local] = readelfSymbols(path, 'dtsh_local_fn');
    assert.deepEqual(elfSymbolize(path, fn!.value), { name: 'dtsh_target_fn', value: fn!.value, size: fn!.size, offset: 0 });
    assert.equal(elfSymbolize(path, fn!.value + 3)?.offset, 3);
    assert.equal(elfSymbolize(path, fn!.value + fn!.size - 1)?.name, 'dtsh_target_fn');
    assert.equal(elfSymbolize(path, local!.value + 1)?.name, 'dtsh_local_fn');
    assert.equal(elfSymbolize(path, 0x10), undefined);
    const elf = readElf(path);
    assert.equal(elf.vaddrToFileOffset(fn!.value), expectedOffset(path, fn!.value));
    assert.equal(elf.fileOffsetToVaddr(expectedOffset(path, fn!.value)), fn!.value);
    assert.deepEqual(elf.functionsNamed('dtsh_local_fn').map((f) => f.bind), ['local']);
  });
}

test('packed segments: a mapping picks the PT_LOAD its permissions match', { skip }, (t) => {
  const path = buildTestProgram('dtsh-packed', ['-Wl,-z,noseparate-code', '-Wl,-z,norelro']);
  t.after(() => rmSync(dirname(path), { recursive: true, force: true }));
  const elf = readElf(path);
  const rw = elf.loads.find((s) => s.flags & PF_W)!;
  const rx = elf.loads.find((s) => s.flags & PF_X)!;
  const page = rw.offset - (rw.offset % 4096);
  if (page >= rx.offset + rx.filesz) {
    t.skip('the linker did not pack the segments into one page');
    return;
  }
  assert.equal(elf.loadForFileOffset(page, 'rw-p'), rw);
  assert.equal(elf.loadForFileOffset(page, 'r--p'), rw, 'RELRO part of the data segment');
  assert.equal(elf.loadForFileOffset(page, 'r-xp'), rx);
});

test('readElf caches by path and identity, and re-reads a changed file', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtsh-elf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, 'copy');
  writeFileSync(copy, readFileSync(built.pie!));
  const a = readElf(copy);
  assert.equal(readElf(copy), a);
  writeFileSync(copy, readFileSync(built.nopie!));
  const b = readElf(copy);
  assert.notEqual(b, a);
  assert.equal(b.type, ET_EXEC);
});

test('libc: stripped (.dynsym only), aliases and IFUNCs', { skip }, () => {
  const libc = readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.split(/\s+/)[5] ?? '').find((p) => /\/libc\.so\.6$/.test(p));
  if (!libc) return; // not glibc
  const elf = readElf(libc);
  const getpid = readelfSymbols(libc, 'getpid')[0]!;
  assert.equal(elf.symbolize(getpid.value)?.name, 'getpid', 'getpid over __getpid');
  const malloc = readelfSymbols(libc, 'malloc')[0]!;
  assert.equal(elf.symbolize(malloc.value + 4)?.name, 'malloc', 'malloc over __libc_malloc');
  const f = elf.functionsNamed('malloc')[0]!;
  assert.equal(f.offset, expectedOffset(libc, malloc.value));
  const strlen = readelfSymbols(libc, 'strlen')[0];
  if (strlen?.type === 'IFUNC') assert.equal(elf.functionsNamed('strlen')[0]?.ifunc, true);
});

test('non-ELF and truncated files raise ElfError', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtsh-elf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const text = join(dir, 'text');
  writeFileSync(text, 'hello, this is not an ELF file at all, just some text to fill 64 bytes.....');
  assert.throws(() => readElf(text), ElfError);
  const cut = join(dir, 'cut');
  writeFileSync(cut, readFileSync(built.pie!).subarray(0, 200));
  assert.throws(() => readElf(cut).functions(), ElfError);
  assert.throws(() => elfFromBuffer(Buffer.from('\x7fELF\x01\x01', 'latin1'), 'x'), ElfError);
});
