// Loading kernel and module BTF from a /sys/kernel/btf-like directory (synthetic blobs in a temp dir).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clearBtfCache, kernelBtfMissingReason, listBtfModules, loadKernelBtf, loadModuleBtf,
} from '../../../kmod/btf/kernel.js';
import { BtfError } from '../../../kmod/btf/errors.js';
import { KIND_FUNC, makeInfo } from '../../../kmod/btf/format.js';
import { BtfEncoder } from './encoder.js';

test('vmlinux and split module BTF from a directory', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtsh-btf-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    clearBtfCache();
  });
  assert.match(kernelBtfMissingReason(dir)!, /vmlinux is missing/);
  assert.throws(() => loadKernelBtf(dir), BtfError);
  assert.deepEqual(listBtfModules(join(dir, 'nope')), []);

  const v = new BtfEncoder();
  const int = v.int('int', 4, { signed: true });
  const sk = v.struct('sock', 8, [{ name: 'sk_hash', type: int, bitOffset: 0 }]);
  const skp = v.ptr(sk);
  v.func('tcp_close', v.funcProto(0, [['sk', skp], ['timeout', int]]));
  const vmlinux = v.build();
  writeFileSync(join(dir, 'vmlinux'), vmlinux);
  const base = loadKernelBtf(dir);
  assert.equal(kernelBtfMissingReason(dir), undefined);
  assert.equal(loadKernelBtf(dir), base);
  assert.deepEqual(base.funcNames(), ['tcp_close']);

  const m = new BtfEncoder({ startId: base.endId, strStart: base.strEnd });
  const conn = m.struct('nf_conn', 16, [{ name: 'sk', type: skp, bitOffset: 0 }, { name: 'mark', type: int, bitOffset: 64 }]);
  m.func('nf_conntrack_in', m.funcProto(int, [['ct', m.ptr(conn)], ['sk', skp]]));
  // Module functions whose name is stored in the base's string section, twice: listed once.
  const voidProto = m.funcProto(0, []);
  const modClose = m.raw([v.str('tcp_close'), makeInfo(KIND_FUNC, 0), voidProto]);
  m.raw([v.str('tcp_close'), makeInfo(KIND_FUNC, 0), voidProto]);
  writeFileSync(join(dir, 'nf_conntrack'), m.build());
  writeFileSync(join(dir, 'broken'), Buffer.from('not btf at all, definitely'));

  assert.deepEqual(listBtfModules(dir), ['broken', 'nf_conntrack']);
  const mod = loadModuleBtf('nf_conntrack', dir);
  assert.equal(mod.source, 'nf_conntrack');
  assert.equal(mod.base, base);
  assert.equal(loadModuleBtf('nf_conntrack', dir), mod);
  assert.deepEqual(mod.funcNames(), ['nf_conntrack_in', 'tcp_close']);
  const sig = mod.funcParams('nf_conntrack_in')!;
  assert.deepEqual(sig.params.map((p) => `${mod.typeName(p.typeId)} ${p.name}`), ['struct nf_conn * ct', 'struct sock * sk']);
  assert.equal(mod.memberPath(conn, 'sk')!.typeId, skp);
  assert.equal(mod.member(mod.pointee(skp)!, 'sk_hash')!.typeId, int);
  assert.equal(mod.findFunc('tcp_close')!.id, modClose, "the module's own function first");
  assert.equal(mod.findAllByName('func', 'tcp_close').length, 3);
  assert.throws(() => loadModuleBtf('broken', dir), /broken: bad magic/);
  assert.throws(() => loadModuleBtf('absent', dir), /module not loaded or has no BTF/);
  assert.throws(() => loadModuleBtf('a/b', dir), /invalid module name/);
});
