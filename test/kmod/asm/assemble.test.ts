// Table-driven checks of instruction encodings and label/map resolution against known bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  R0, R1, R2, R6, R10, mov64, mov32, add64, alu64, alu32, ldx, ldxs, stx, st, atomicAdd, ldImm64, ldMap, ldMapValue,
  jmp, jmp32, ja, call, exit, label, sdiv64, movsx64, bswapToBe, callLocal, type Item,
} from '../../../kmod/asm/insn.js';
import { assemble, AsmError } from '../../../kmod/asm/assemble.js';

const hex = (items: Item[], maps?: (n: string) => number) => assemble(items, maps).bytes.toString('hex');

const cases: [string, Item[], string][] = [
  ['mov64 r0, 0', [mov64(R0, 0)], 'b700000000000000'],
  ['mov64 r6, r1', [mov64(R6, R1)], 'bf16000000000000'],
  ['mov32 r1, -1', [mov32(R1, -1)], 'b4010000ffffffff'],
  ['add64 r1, r2', [add64(R1, R2)], '0f21000000000000'],
  ['add64 r10, -8', [add64(R10, -8)], '070a0000f8ffffff'],
  ['xor32 r0, r0', [alu32('xor', R0, R0)], 'ac00000000000000'],
  ['rsh64 r0, 32', [alu64('rsh', R0, 32)], '7700000020000000'],
  ['arsh64 r1, r2', [alu64('arsh', R1, R2)], 'cf21000000000000'],
  ['neg64 r1', [alu64('neg', R1)], '8701000000000000'],
  ['sdiv64 r1, r2', [sdiv64(R1, R2)], '3f21010000000000'],
  ['movsx64 r1, r2 (s32)', [movsx64(R1, R2, 32)], 'bf21200000000000'],
  ['be16 r1', [bswapToBe(R1, 16)], 'dc01000010000000'],
  ['ldxdw r0, [r1+8]', [ldx(8, R0, R1, 8)], '7910080000000000'],
  ['ldxb r2, [r1+0]', [ldx(1, R2, R1, 0)], '7112000000000000'],
  ['ldxsw r2, [r1+4] (sign-extending)', [ldxs(4, R2, R1, 4)], '8112040000000000'],
  ['stxw [r10-4], r1', [stx(4, R10, -4, R1)], '631afcff00000000'],
  ['stdw [r10-8], 7', [st(8, R10, -8, 7)], '7a0af8ff07000000'],
  ['lock add64 [r0+0], r1', [atomicAdd(8, R0, 0, R1)], 'db10000000000000'],
  ['lock add32 [r0+4], r1', [atomicAdd(4, R0, 4, R1)], 'c310040000000000'],
  ['ld_imm64 r1, 0x1122334455667788', [ldImm64(R1, 0x1122334455667788n)], '1801000088776655000000004433221' + '1'],
  ['ld_imm64 r1, -1', [ldImm64(R1, -1n)], '18010000ffffffff00000000ffffffff'],
  ['call 14', [call(14)], '850000000e000000'],
  ['exit', [exit()], '9500000000000000'],
];

for (const [name, items, want] of cases) {
  test(`encodes ${name}`, () => assert.equal(hex(items), want));
}

test('map references resolve to the map fd (pseudo map fd and map value)', () => {
  const fds = (n: string) => ({ counts: 5, scratch: 9 })[n]!;
  assert.equal(hex([ldMap(R1, 'counts')], fds), '1811000005000000' + '0000000000000000');
  assert.equal(hex([ldMapValue(R2, 'scratch', 16)], fds), '1822000009000000' + '0000000010000000');
});

test('jump offsets count slots from the next instruction, LD_IMM64 counting two', () => {
  const items: Item[] = [
    jmp('jeq', R1, 0, 'out'), // slot 0 → target 4: off 3
    ldImm64(R0, 1n), // slots 1-2
    ja('out'), // slot 3 → off 0
    label('out'),
    exit(), // slot 4
    jmp32('jne', R0, R1, 'top'), // slot 5 → 0: off -6
  ];
  items.unshift(label('top'));
  const b = assemble(items).bytes;
  assert.equal(b.readInt16LE(2), 3);
  assert.equal(b[0], 0x15);
  assert.equal(b.readInt16LE(3 * 8 + 2), 0);
  assert.equal(b[5 * 8], 0x5e);
  assert.equal(b[5 * 8 + 1], 0x10);
  assert.equal(b.readInt16LE(5 * 8 + 2), -6);
});

test('a BPF-to-BPF call puts the relative slot offset in imm', () => {
  const b = assemble([callLocal('f'), exit(), label('f'), mov64(R0, 0), exit()]).bytes;
  assert.equal(b.toString('hex', 0, 8), '8510000001000000');
});

test('undefined and duplicate labels are errors', () => {
  assert.throws(() => assemble([ja('nowhere')]), AsmError);
  assert.throws(() => assemble([label('a'), label('a')]), AsmError);
});

test('slots map every 8-byte slot back to its instruction', () => {
  const a = assemble([mov64(R0, 0), ldImm64(R1, 2n), exit()]);
  assert.equal(a.slots.length, 4);
  assert.equal(a.slots[1], a.slots[2]);
});
