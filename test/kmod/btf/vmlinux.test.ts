// The running kernel's BTF (/sys/kernel/btf/vmlinux): well-known functions and structs decode as expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelBtfMissingReason, listBtfModules, loadKernelBtf, loadModuleBtf } from '../../../kmod/btf/kernel.js';
import { BtfError } from '../../../kmod/btf/errors.js';

function btfTest(): { skip?: string } {
  const reason = kernelBtfMissingReason();
  if (!reason) return {};
  if (process.env.DTSH_REQUIRE_KERNEL === '1') throw new Error(`kernel tests required but cannot run: ${reason}`);
  return { skip: reason };
}

test('vmlinux: loads once and lists more than 10,000 functions', btfTest(), () => {
  const btf = loadKernelBtf();
  assert.equal(loadKernelBtf(), btf, 'cached');
  assert.equal(btf.source, 'vmlinux');
  const names = btf.funcNames();
  assert.ok(names.length > 10_000, `${names.length} functions`);
  assert.equal(new Set(names).size, names.length, 'no duplicates');
  assert.ok(names.includes('vfs_read'));
  assert.ok(btf.funcCount >= names.length);
});

test('vmlinux: vfs_read(struct file *, char *, size_t, loff_t *)', btfTest(), () => {
  const btf = loadKernelBtf();
  const f = btf.findFunc('vfs_read');
  assert.ok(f);
  assert.equal(btf.kindName(f.protoId), 'func_proto');
  const sig = btf.funcParams('vfs_read')!;
  assert.equal(sig.params.length, 4);
  assert.deepEqual(sig.params.map((p) => btf.typeName(p.typeId)), ['struct file *', 'char *', 'size_t', 'loff_t *']);
  assert.deepEqual(sig.params.map((p) => p.name), ['file', 'buf', 'count', 'pos']);
  assert.equal(btf.typeName(sig.returnTypeId), 'ssize_t');
  assert.equal(btf.isSigned(sig.returnTypeId), true);
  assert.equal(btf.isSigned(sig.params[2].typeId), false);
  assert.equal(btf.isString(sig.params[1].typeId), true);
  assert.equal(btf.sizeOf(sig.params[3].typeId), 8);
});

test('vmlinux: struct file has f_path (struct path) with dentry; task_struct.comm is char [16]', btfTest(), () => {
  const btf = loadKernelBtf();
  const file = btf.findByName('struct', 'file');
  assert.ok(file !== undefined);
  const fPath = btf.member(file, 'f_path');
  assert.ok(fPath, 'f_path (possibly inside an anonymous union)');
  assert.equal(btf.typeName(btf.resolve(fPath.typeId)), 'struct path');
  const dentry = btf.member(fPath.typeId, 'dentry');
  assert.ok(dentry);
  assert.equal(btf.typeName(dentry.typeId), 'struct dentry *');
  assert.equal(btf.memberPath(file, 'f_path.dentry')?.bitOffset, fPath.bitOffset + dentry.bitOffset);

  const task = btf.findByName('struct', 'task_struct')!;
  const comm = btf.member(task, 'comm')!;
  assert.equal(btf.typeName(comm.typeId), 'char [16]');
  assert.equal(btf.isString(comm.typeId), true);
  assert.equal(btf.sizeOf(comm.typeId), 16);
  assert.equal(btf.typeName(btf.member(task, 'pid')!.typeId), 'pid_t');
  assert.equal(btf.typeName(btf.member(task, 'real_parent')!.typeId), 'struct task_struct *');
  assert.ok(btf.sizeOf(task) > 1000);
});

test('vmlinux: integers, enums and anonymous members of sk_buff', btfTest(), () => {
  const btf = loadKernelBtf();
  const ulong = btf.findByName('int', 'unsigned long')!;
  assert.equal(btf.typeName(ulong), 'unsigned long');
  assert.equal(btf.sizeOf(ulong), 8);
  assert.equal(btf.pointerSize, 8);
  assert.equal(btf.enumValue('TASK_COMM_LEN')?.value, 16n);
  assert.equal(btf.enumValue('BPF_PROG_TYPE_KPROBE')?.value, 2n);
  const skb = btf.findByName('struct', 'sk_buff')!;
  for (const name of ['len', 'data', 'dev', 'protocol', 'next']) assert.ok(btf.member(skb, name), `sk_buff.${name}`);
  assert.ok(btf.member(skb, 'next')!.via.length > 0, 'sk_buff.next lives in an anonymous union');
});

test('modules: listed from /sys/kernel/btf, unknown names rejected', btfTest(), () => {
  const mods = listBtfModules();
  assert.ok(!mods.includes('vmlinux'));
  assert.throws(() => loadModuleBtf('../vmlinux'), BtfError);
  assert.throws(() => loadModuleBtf('no_such_module_xyz'), /module not loaded or has no BTF/);
  const mod = mods[0];
  if (mod === undefined) return;
  const btf = loadModuleBtf(mod);
  assert.equal(btf.base, loadKernelBtf());
  assert.equal(btf.startId, loadKernelBtf().endId);
  assert.equal(loadModuleBtf(mod), btf, 'cached');
  btf.funcNames();
});
