// Decoding of synthetic BTF blobs: every kind, C spellings, sizes, members (bitfields, anonymous), enums, functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Btf } from '../../../kmod/btf/reader.js';
import { BtfError } from '../../../kmod/btf/errors.js';
import { BtfEncoder } from './encoder.js';

/** A small kernel-like BTF; returns the blob and the ids of interesting types. */
function sample() {
  const e = new BtfEncoder();
  const int = e.int('int', 4, { signed: true });
  const ulong = e.int('long unsigned int', 8);
  const char = e.int('char', 1, { signed: true, char: true });
  const llong = e.int('long long int', 8, { signed: true });
  const bool = e.int('_Bool', 1, { bool: true, bits: 8 });
  const u8 = e.int('unsigned char', 1);
  const loff = e.typedef('loff_t', llong);
  const size = e.typedef('size_t', ulong);
  const cchar = e.const(char);
  const cstr = e.ptr(cchar);
  const str = e.ptr(char);
  const comm = e.array(char, int, 16);
  const grid = e.array(e.array(int, int, 3), int, 2);
  const dentryFwd = e.fwd('dentry');
  const unionFwd = e.fwd('anon_vma', true);
  const path = e.struct('path', 16, [
    { name: 'mnt', type: e.ptr(0), bitOffset: 0 },
    { name: 'dentry', type: e.ptr(dentryFwd), bitOffset: 64 },
  ]);
  // struct file { union { struct llist_node f_llist; unsigned int f_iocb_flags; }; struct { int a; int b; }; struct path f_path; loff_t f_pos; u8 flags:3, mode:5; }
  const llist = e.struct('llist_node', 8, [{ name: 'next', type: e.ptr(0), bitOffset: 0 }]);
  const anonU = e.union('', 8, [
    { name: 'f_llist', type: llist, bitOffset: 0 },
    { name: 'f_iocb_flags', type: int, bitOffset: 0 },
  ]);
  const anonS = e.struct('', 8, [
    { name: 'a', type: int, bitOffset: 0 },
    { name: 'b', type: int, bitOffset: 32 },
  ]);
  const file = e.struct('file', 48, [
    { name: '', type: anonU, bitOffset: 0 },
    { name: '', type: e.const(anonS), bitOffset: 64 },
    { name: 'f_path', type: path, bitOffset: 128 },
    { name: 'f_pos', type: loff, bitOffset: 256 },
    { name: 'flags', type: u8, bitOffset: 320, bitfieldSize: 3 },
    { name: 'mode', type: u8, bitOffset: 323, bitfieldSize: 5 },
  ]);
  const fileT = e.typedef('file_t', e.volatile(file));
  const filep = e.ptr(file);
  const loffp = e.ptr(loff);
  const userStr = e.ptr(e.typeTag('user', char));
  const readProto = e.funcProto(e.typedef('ssize_t', llong), [['file', filep], ['buf', userStr], ['count', size], ['pos', loffp]]);
  const vfsRead = e.func('vfs_read', readProto, 'global');
  const printkProto = e.funcProto(int, [['fmt', cstr]], true);
  const printk = e.func('_printk', printkProto, 'global');
  const voidProto = e.funcProto(0, []);
  const cb = e.ptr(voidProto);
  const staticDup = e.func('vfs_read', readProto, 'static');
  const helper = e.func('helper', voidProto, 'static');
  const state = e.enum('pid_type', 4, [['PIDTYPE_PID', 0], ['PIDTYPE_MAX', 4]]);
  const senum = e.enum('signed_e', 4, [['NEG_ONE', -1], ['BIG', 7]], true);
  const uenum = e.enum('', 4, [['HIGH_BIT', 0x80000000]]);
  const e64 = e.enum64('big_e', 8, [['HUGE', 0xffff_ffff_ffffn], ['ALL', 0xffff_ffff_ffff_ffffn]]);
  const e64s = e.enum64('big_s', 8, [['MINUS', -5n]], true);
  const dbl = e.float('double', 8);
  const constPtr = e.const(str);
  const ptrToConstPtr = e.ptr(constPtr);
  const commp = e.ptr(comm);
  const restrictInt = e.restrict(e.ptr(int));
  const cvInt = e.const(e.volatile(int));
  const jiffies = e.var('jiffies', ulong, 'global');
  const sec = e.datasec('.data', 64, [[jiffies, 8, 8]]);
  const tag = e.declTag('kfunc', vfsRead, -1);
  const argTag = e.declTag('nonnull', vfsRead, 1, true);
  const attrTag = e.typeTag('rcu', int, true);
  const ids = {
    int, ulong, char, llong, bool, u8, loff, size, cchar, cstr, str, comm, grid, dentryFwd, unionFwd, path, llist,
    anonU, anonS, file, fileT, filep, loffp, userStr, readProto, vfsRead, printkProto, printk, voidProto, cb,
    staticDup, helper, state, senum, uenum, e64, e64s, dbl, constPtr, ptrToConstPtr, commp, restrictInt, cvInt,
    jiffies, sec, tag, argTag, attrTag,
  };
  return { enc: e, ids };
}

const { enc, ids } = sample();
const blob = enc.build();
const btf = Btf.parse(blob);

test('header and ids', () => {
  assert.equal(btf.startId, 1);
  assert.equal(btf.localCount, ids.attrTag);
  assert.equal(btf.endId, ids.attrTag + 1);
  assert.ok(btf.has(0) && btf.has(ids.attrTag) && !btf.has(ids.attrTag + 1) && !btf.has(-1));
  assert.equal(btf.kindName(0), 'void');
  assert.equal(btf.kindName(ids.file), 'struct');
  assert.throws(() => btf.type(ids.attrTag + 1), BtfError);
});

test('decodes every kind exactly', () => {
  assert.deepEqual(btf.type(0), { kind: 'void', id: 0, name: '' });
  assert.deepEqual(btf.type(ids.int), {
    kind: 'int', id: ids.int, name: 'int', size: 4, signed: true, char: false, bool: false, bitOffset: 0, bits: 32,
  });
  assert.deepEqual(btf.type(ids.char), {
    kind: 'int', id: ids.char, name: 'char', size: 1, signed: true, char: true, bool: false, bitOffset: 0, bits: 8,
  });
  assert.equal((btf.type(ids.bool) as { bool: boolean }).bool, true);
  assert.deepEqual(btf.type(ids.cstr), { kind: 'ptr', id: ids.cstr, name: '', typeId: ids.cchar });
  assert.deepEqual(btf.type(ids.comm), { kind: 'array', id: ids.comm, name: '', typeId: ids.char, indexTypeId: ids.int, nelems: 16 });
  assert.deepEqual(btf.type(ids.path), {
    kind: 'struct', id: ids.path, name: 'path', size: 16, members: [
      { name: 'mnt', typeId: ids.path - 2, bitOffset: 0, bitfieldSize: 0 },
      { name: 'dentry', typeId: ids.path - 1, bitOffset: 64, bitfieldSize: 0 },
    ],
  });
  assert.deepEqual(btf.type(ids.anonU), {
    kind: 'union', id: ids.anonU, name: '', size: 8, members: [
      { name: 'f_llist', typeId: ids.llist, bitOffset: 0, bitfieldSize: 0 },
      { name: 'f_iocb_flags', typeId: ids.int, bitOffset: 0, bitfieldSize: 0 },
    ],
  });
  assert.deepEqual(btf.type(ids.state), {
    kind: 'enum', id: ids.state, name: 'pid_type', size: 4, signed: false,
    values: [{ name: 'PIDTYPE_PID', value: 0 }, { name: 'PIDTYPE_MAX', value: 4 }],
  });
  assert.deepEqual(btf.type(ids.senum), {
    kind: 'enum', id: ids.senum, name: 'signed_e', size: 4, signed: true,
    values: [{ name: 'NEG_ONE', value: -1 }, { name: 'BIG', value: 7 }],
  });
  assert.deepEqual(btf.type(ids.uenum), {
    kind: 'enum', id: ids.uenum, name: '', size: 4, signed: false, values: [{ name: 'HIGH_BIT', value: 0x80000000 }],
  });
  assert.deepEqual(btf.type(ids.e64), {
    kind: 'enum64', id: ids.e64, name: 'big_e', size: 8, signed: false,
    values: [{ name: 'HUGE', value: 0xffff_ffff_ffffn }, { name: 'ALL', value: 0xffff_ffff_ffff_ffffn }],
  });
  assert.deepEqual(btf.type(ids.e64s), {
    kind: 'enum64', id: ids.e64s, name: 'big_s', size: 8, signed: true, values: [{ name: 'MINUS', value: -5n }],
  });
  assert.deepEqual(btf.type(ids.dentryFwd), { kind: 'fwd', id: ids.dentryFwd, name: 'dentry', union: false });
  assert.deepEqual(btf.type(ids.unionFwd), { kind: 'fwd', id: ids.unionFwd, name: 'anon_vma', union: true });
  assert.deepEqual(btf.type(ids.loff), { kind: 'typedef', id: ids.loff, name: 'loff_t', typeId: ids.llong });
  assert.deepEqual(btf.type(ids.cchar), { kind: 'const', id: ids.cchar, name: '', typeId: ids.char });
  assert.deepEqual(btf.type(ids.fileT - 1), { kind: 'volatile', id: ids.fileT - 1, name: '', typeId: ids.file });
  assert.equal(btf.type(ids.restrictInt).kind, 'restrict');
  assert.deepEqual(btf.type(ids.vfsRead), { kind: 'func', id: ids.vfsRead, name: 'vfs_read', typeId: ids.readProto, linkage: 'global' });
  assert.deepEqual(btf.type(ids.helper), { kind: 'func', id: ids.helper, name: 'helper', typeId: ids.voidProto, linkage: 'static' });
  assert.deepEqual(btf.type(ids.printkProto), {
    kind: 'func_proto', id: ids.printkProto, name: '', returnTypeId: ids.int,
    params: [{ name: 'fmt', typeId: ids.cstr }], variadic: true,
  });
  assert.deepEqual(btf.type(ids.voidProto), {
    kind: 'func_proto', id: ids.voidProto, name: '', returnTypeId: 0, params: [], variadic: false,
  });
  assert.deepEqual(btf.type(ids.jiffies), { kind: 'var', id: ids.jiffies, name: 'jiffies', typeId: ids.ulong, linkage: 'global' });
  assert.deepEqual(btf.type(ids.sec), {
    kind: 'datasec', id: ids.sec, name: '.data', size: 64, vars: [{ typeId: ids.jiffies, offset: 8, size: 8 }],
  });
  assert.deepEqual(btf.type(ids.dbl), { kind: 'float', id: ids.dbl, name: 'double', size: 8 });
  assert.deepEqual(btf.type(ids.tag), {
    kind: 'decl_tag', id: ids.tag, name: 'kfunc', typeId: ids.vfsRead, componentIdx: -1, attribute: false,
  });
  assert.deepEqual(btf.type(ids.argTag), {
    kind: 'decl_tag', id: ids.argTag, name: 'nonnull', typeId: ids.vfsRead, componentIdx: 1, attribute: true,
  });
  assert.deepEqual(btf.type(ids.attrTag), { kind: 'type_tag', id: ids.attrTag, name: 'rcu', typeId: ids.int, attribute: true });
  assert.equal(btf.type(ids.file), btf.type(ids.file), 'decoded types are cached');
});

test('C spelling of types', () => {
  const cases: [number, string][] = [
    [0, 'void'],
    [ids.int, 'int'],
    [ids.ulong, 'unsigned long'],
    [ids.llong, 'long long'],
    [ids.loff, 'loff_t'],
    [ids.cstr, 'const char *'],
    [ids.str, 'char *'],
    [ids.comm, 'char [16]'],
    [ids.grid, 'int [2][3]'],
    [ids.commp, 'char (*)[16]'],
    [ids.filep, 'struct file *'],
    [ids.loffp, 'loff_t *'],
    [ids.userStr, 'char *'],
    [ids.dentryFwd, 'struct dentry'],
    [ids.unionFwd, 'union anon_vma'],
    [ids.anonU, 'union {...}'],
    [ids.anonS, 'struct {...}'],
    [ids.fileT, 'file_t'],
    [ids.fileT - 1, 'volatile struct file'],
    [ids.state, 'enum pid_type'],
    [ids.e64, 'enum big_e'],
    [ids.uenum, 'enum {...}'],
    [ids.cb, 'void (*)(void)'],
    [ids.printkProto, 'int (const char *, ...)'],
    [ids.e64s, 'enum big_s'],
    [ids.constPtr, 'char *const'],
    [ids.ptrToConstPtr, 'char *const *'],
    [ids.restrictInt, 'int *restrict'],
    [ids.cvInt, 'const volatile int'],
    [ids.dbl, 'double'],
    [ids.vfsRead, 'ssize_t vfs_read(struct file *, char *, size_t, loff_t *)'],
    [ids.jiffies, 'unsigned long jiffies'],
    [ids.attrTag, 'int'],
  ];
  for (const [id, want] of cases) assert.equal(btf.typeName(id), want, `type ${id} (${btf.kindName(id)})`);
  assert.equal(btf.declaration(ids.comm, 'comm'), 'char comm[16]');
  assert.equal(btf.declaration(ids.cb, 'fn'), 'void (*fn)(void)');
  assert.equal(btf.declaration(ids.commp, 'p'), 'char (*p)[16]');
});

test('sizes', () => {
  assert.equal(btf.sizeOf(ids.int), 4);
  assert.equal(btf.sizeOf(ids.loff), 8);
  assert.equal(btf.sizeOf(ids.cstr), 8);
  assert.equal(btf.pointerSize, 8);
  assert.equal(btf.sizeOf(ids.comm), 16);
  assert.equal(btf.sizeOf(ids.grid), 24);
  assert.equal(btf.sizeOf(ids.file), 48);
  assert.equal(btf.sizeOf(ids.fileT), 48);
  assert.equal(btf.sizeOf(ids.state), 4);
  assert.equal(btf.sizeOf(ids.e64), 8);
  assert.equal(btf.sizeOf(ids.jiffies), 8);
  assert.equal(btf.sizeOf(ids.cvInt), 4);
  assert.throws(() => btf.sizeOf(0), /void has no size/);
  assert.throws(() => btf.sizeOf(ids.dentryFwd), /struct dentry has no size/);
  assert.throws(() => btf.sizeOf(ids.readProto), BtfError);
  assert.equal(btf.trySizeOf(ids.readProto), undefined);
  assert.equal(btf.trySizeOf(ids.dentryFwd), undefined);
  assert.equal(btf.trySizeOf(ids.comm), 16);
});

test('members: direct, anonymous, bitfields, paths', () => {
  assert.deepEqual(btf.member(ids.file, 'f_path'), { name: 'f_path', typeId: ids.path, bitOffset: 128, bitfieldSize: 0, via: [] });
  assert.deepEqual(btf.member(ids.file, 'f_iocb_flags'), {
    name: 'f_iocb_flags', typeId: ids.int, bitOffset: 0, bitfieldSize: 0, via: [ids.anonU],
  });
  const b = btf.member(ids.file, 'b');
  assert.equal(b?.bitOffset, 64 + 32);
  assert.equal(b?.typeId, ids.int);
  assert.deepEqual(b?.via, [ids.file - 1]);
  assert.equal(btf.typeName(ids.file - 1), 'const struct {...}');
  assert.deepEqual(btf.member(ids.file, 'flags'), { name: 'flags', typeId: ids.u8, bitOffset: 320, bitfieldSize: 3, via: [] });
  assert.deepEqual(btf.member(ids.file, 'mode'), { name: 'mode', typeId: ids.u8, bitOffset: 323, bitfieldSize: 5, via: [] });
  assert.equal(btf.member(ids.file, 'nope'), undefined);
  assert.equal(btf.member(ids.fileT, 'f_pos')?.bitOffset, 256, 'through typedef and volatile');
  assert.equal(btf.members(ids.path).length, 2);
  const dentry = btf.memberPath(ids.file, 'f_path.dentry');
  assert.equal(dentry?.bitOffset, 128 + 64);
  assert.equal(btf.typeName(dentry!.typeId), 'struct dentry *');
  assert.equal(btf.memberPath(ids.file, ['f_llist', 'next'])?.bitOffset, 0);
  assert.equal(btf.memberPath(ids.file, 'f_path.nope'), undefined);
  assert.throws(() => btf.member(ids.int, 'x'), /int is not a struct or union/);
});

test('resolution and predicates', () => {
  assert.equal(btf.resolve(ids.fileT), ids.file);
  assert.equal(btf.resolve(ids.loff), ids.llong);
  assert.equal(btf.resolve(ids.cvInt), ids.int);
  assert.equal(btf.resolve(ids.attrTag), ids.int);
  assert.equal(btf.unqualified(ids.fileT), ids.fileT);
  assert.equal(btf.unqualified(ids.cchar), ids.char);
  assert.equal(btf.isSigned(ids.loff), true);
  assert.equal(btf.isSigned(ids.size), false);
  assert.equal(btf.isSigned(ids.senum), true);
  assert.equal(btf.isSigned(ids.state), false);
  assert.equal(btf.isSigned(ids.e64s), true);
  assert.equal(btf.isSigned(ids.dbl), true);
  assert.equal(btf.isSigned(ids.cstr), false);
  assert.equal(btf.isPointer(ids.cstr), true);
  assert.equal(btf.isPointer(ids.constPtr), true);
  assert.equal(btf.isPointer(ids.comm), false);
  assert.equal(btf.isArray(ids.comm), true);
  assert.equal(btf.isInteger(ids.state), true);
  assert.equal(btf.isInteger(ids.loff), true);
  assert.equal(btf.isInteger(ids.dbl), false);
  assert.equal(btf.isComposite(ids.fileT), true);
  assert.equal(btf.isComposite(ids.anonU), true);
  assert.equal(btf.isString(ids.cstr), true);
  assert.equal(btf.isString(ids.str), true);
  assert.equal(btf.isString(ids.comm), true);
  assert.equal(btf.isString(ids.userStr), true, 'through a type tag');
  assert.equal(btf.isString(ids.loffp), false);
  assert.equal(btf.isString(ids.grid), false);
  assert.equal(btf.pointee(ids.cstr), ids.cchar);
  assert.equal(btf.pointee(ids.int), undefined);
});

test('names, functions and enum constants', () => {
  assert.equal(btf.findByName('struct', 'file'), ids.file);
  assert.equal(btf.findByName('struct', 'nope'), undefined);
  assert.equal(btf.findByName('union', 'file'), undefined);
  assert.equal(btf.findByName('typedef', 'loff_t'), ids.loff);
  assert.equal(btf.findByName('int', 'long unsigned int'), ids.ulong);
  assert.equal(btf.findByName('int', 'unsigned long'), ids.ulong);
  assert.equal(btf.findByName('enum', 'pid_type'), ids.state);
  assert.equal(btf.findByName('enum', 'big_e'), ids.e64);
  assert.equal(btf.findByName('fwd', 'dentry'), ids.dentryFwd);
  assert.deepEqual(btf.findAllByName('func', 'vfs_read'), [ids.vfsRead, ids.staticDup]);
  assert.throws(() => btf.findByName('bogus' as 'int', 'x'), BtfError);

  assert.deepEqual(btf.funcNames(), ['vfs_read', '_printk', 'helper']);
  const seen: [string, number][] = [];
  btf.forEachFunc((name, id) => seen.push([name, id]));
  assert.deepEqual(seen, [['vfs_read', ids.vfsRead], ['_printk', ids.printk], ['vfs_read', ids.staticDup], ['helper', ids.helper]]);
  assert.deepEqual(btf.findFunc('vfs_read'), { id: ids.vfsRead, name: 'vfs_read', protoId: ids.readProto, linkage: 'global' });
  assert.deepEqual(btf.findFunc('helper'), { id: ids.helper, name: 'helper', protoId: ids.voidProto, linkage: 'static' });
  assert.equal(btf.findFunc('nope'), undefined);
  const sig = btf.funcParams('vfs_read')!;
  assert.deepEqual(sig.params.map((p) => [p.name, btf.typeName(p.typeId)]), [
    ['file', 'struct file *'], ['buf', 'char *'], ['count', 'size_t'], ['pos', 'loff_t *'],
  ]);
  assert.equal(btf.typeName(sig.returnTypeId), 'ssize_t');
  assert.equal(sig.variadic, false);
  assert.equal(btf.funcParams('_printk')!.variadic, true);
  assert.deepEqual(btf.funcParams(ids.helper)!.params, []);
  assert.equal(btf.funcParams('nope'), undefined);
  assert.throws(() => btf.funcParams(ids.int), /not a function/);

  assert.deepEqual(btf.enumValue('PIDTYPE_MAX'), { name: 'PIDTYPE_MAX', value: 4n, typeId: ids.state, signed: false });
  assert.equal(btf.enumValue('NEG_ONE')?.value, -1n);
  assert.equal(btf.enumValue('HIGH_BIT')?.value, 0x80000000n);
  assert.equal(btf.enumValue('ALL')?.value, 0xffff_ffff_ffff_ffffn);
  assert.equal(btf.enumValue('MINUS')?.value, -5n);
  assert.equal(btf.enumValue('NOPE'), undefined);
  assert.deepEqual(btf.typeIds('enum'), [ids.state, ids.senum, ids.uenum, ids.e64, ids.e64s]);
  assert.equal(btf.typeIds().length, btf.localCount);
});

test('big-endian blobs, longer headers and unaligned buffers decode the same', () => {
  const be = Btf.parse(enc.build({ bigEndian: true }));
  const long = Btf.parse(enc.build({ hdrLen: 32 }));
  const unaligned = Buffer.alloc(blob.length + 1);
  blob.copy(unaligned, 1);
  const odd = Btf.parse(unaligned.subarray(1));
  for (const other of [be, long, odd]) {
    assert.equal(other.endId, btf.endId);
    for (let id = 0; id < btf.endId; id++) assert.deepEqual(other.type(id), btf.type(id));
    assert.deepEqual(other.funcNames(), btf.funcNames());
  }
});

test('malformed blobs are rejected with BtfError', () => {
  assert.throws(() => Btf.parse(Buffer.alloc(10)), /too short/);
  const bad = Buffer.from(blob);
  bad.writeUInt16LE(0x1234, 0);
  assert.throws(() => Btf.parse(bad), /bad magic 0x1234/);
  const v2 = Buffer.from(blob);
  v2[2] = 2;
  assert.throws(() => Btf.parse(v2), /unsupported version 2/);
  const short = Buffer.from(blob);
  short.writeUInt32LE(blob.readUInt32LE(12) - 4, 12); // type_len one word short: last type overruns
  assert.throws(() => Btf.parse(short), BtfError);
  const kind = Buffer.from(blob);
  kind.writeUInt32LE(31 << 24, 24 + 4); // first type's kind := 31
  assert.throws(() => Btf.parse(kind, undefined, 'test'), /test: type 0: unknown kind 31/);
  const e = new BtfEncoder();
  e.raw([999999, 1 << 24, 4, 32]);
  const badStr = Btf.parse(e.build());
  assert.throws(() => badStr.name(1), /string offset 999999 out of range/);
});

test('split BTF continues type ids and string offsets from its base', () => {
  const m = new BtfEncoder({ startId: btf.endId, strStart: btf.strEnd });
  const modStruct = m.struct('nf_conn', 24, [
    { name: 'ct_general', type: ids.llist, bitOffset: 0 },
    { name: 'timeout', type: ids.ulong, bitOffset: 64 },
    { name: 'status', type: ids.int, bitOffset: 128 },
  ]);
  const modPtr = m.ptr(modStruct);
  const proto = m.funcProto(ids.int, [['ct', modPtr], ['file', ids.filep]]);
  const fn = m.func('nf_ct_delete', proto);
  m.func('helper', proto, 'static'); // same name as a base function: still listed for the module
  const modEnum = m.enum('ct_state', 4, [['IP_CT_NEW', 2], ['PIDTYPE_MAX', 99]]);
  const sub = Btf.parse(m.build(), btf, 'nf_conntrack');

  assert.equal(modStruct, btf.endId);
  assert.equal(sub.startId, btf.endId);
  assert.equal(sub.endId, btf.endId + sub.localCount);
  assert.equal(sub.strStart, btf.strEnd);
  assert.equal(sub.base, btf);
  assert.equal(sub.typeName(modPtr), 'struct nf_conn *');
  assert.equal(sub.typeName(ids.cstr), 'const char *', 'base ids resolve through the split blob');
  assert.deepEqual(sub.type(modStruct), {
    kind: 'struct', id: modStruct, name: 'nf_conn', size: 24, members: [
      { name: 'ct_general', typeId: ids.llist, bitOffset: 0, bitfieldSize: 0 },
      { name: 'timeout', typeId: ids.ulong, bitOffset: 64, bitfieldSize: 0 },
      { name: 'status', typeId: ids.int, bitOffset: 128, bitfieldSize: 0 },
    ],
  });
  assert.equal(sub.name(ids.file), 'file');
  assert.deepEqual(sub.funcNames(), ['nf_ct_delete', 'helper']);
  assert.deepEqual(sub.findFunc('nf_ct_delete'), { id: fn, name: 'nf_ct_delete', protoId: proto, linkage: 'global' });
  assert.equal(sub.findFunc('vfs_read')?.id, ids.vfsRead, 'falls back to the base');
  assert.equal(sub.findByName('struct', 'nf_conn'), modStruct);
  assert.equal(sub.findByName('struct', 'file'), ids.file);
  assert.equal(btf.findByName('struct', 'nf_conn'), undefined);
  assert.deepEqual(sub.funcParams('nf_ct_delete')!.params.map((p) => sub.typeName(p.typeId)), ['struct nf_conn *', 'struct file *']);
  assert.equal(sub.sizeOf(modStruct), 24);
  assert.equal(sub.member(modStruct, 'status')?.bitOffset, 128);
  assert.equal(sub.memberPath(ids.file, 'f_path.dentry')?.bitOffset, 192);
  assert.equal(sub.enumValue('IP_CT_NEW')?.typeId, modEnum);
  assert.equal(sub.enumValue('PIDTYPE_MAX')?.value, 99n, 'the module shadows the base');
  assert.equal(sub.enumValue('NEG_ONE')?.value, -1n);
  assert.throws(() => btf.type(modStruct), BtfError, 'the base does not know split ids');
  assert.throws(() => sub.type(sub.endId), BtfError);
});

test('lookups answer the same before and after the name index is built', () => {
  const fresh = Btf.parse(blob);
  const queries: [Parameters<Btf['findByName']>[0], string][] = [
    ['struct', 'file'], ['struct', 'path'], ['struct', 'nope'], ['typedef', 'loff_t'], ['int', 'unsigned long'],
    ['int', 'long'], ['int', 'char'], ['func', 'vfs_read'], ['func', 'helper'], ['func', 'nope'], ['enum', 'big_e'],
    ['enum', 'pid_type'], ['union', ''], ['fwd', 'anon_vma'], ['float', 'double'], ['var', 'jiffies'],
  ];
  const enums = ['PIDTYPE_MAX', 'NEG_ONE', 'HIGH_BIT', 'ALL', 'MINUS', 'NOPE', 'BIG', 'PIDTYPE_PID'];
  const first = queries.map(([k, n]) => [fresh.findByName(k, n), fresh.findAllByName(k, n)]);
  const firstEnums = enums.map((n) => fresh.enumValue(n));
  for (let i = 0; i < 40; i++) {
    for (const [k, n] of queries) fresh.findByName(k, n);
    for (const n of enums) fresh.enumValue(n);
  }
  assert.deepEqual(queries.map(([k, n]) => [fresh.findByName(k, n), fresh.findAllByName(k, n)]), first);
  assert.deepEqual(enums.map((n) => fresh.enumValue(n)), firstEnums);
  assert.equal(first[0][0], ids.file);
  assert.equal(first[5][0], undefined, 'no plain `long` in the sample');
  assert.equal(first[12][0], undefined, 'anonymous types are not found by name');
  assert.equal(first[15][0], ids.jiffies);
  assert.equal(firstEnums[5], undefined);
});
