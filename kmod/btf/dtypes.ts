// BTF types as D types: the KernelTypes the checker uses, backed by the kernel's BTF.
import type { KernelTypes, MemberInfo } from '../../d/kernel-types.js';
import { char, stringOf, voidType, type DType, type IntType } from '../../d/types.js';
import type { Btf } from './reader.js';

export class BtfTypes implements KernelTypes {
  private cache = new Map<number, DType>();
  private loaded?: Btf;

  /** `load` runs on first use, so programs that never name a kernel type never read BTF. */
  constructor(private readonly load: () => Btf) {}

  private get btf(): Btf {
    return (this.loaded ??= this.load());
  }

  named(name: string): DType | undefined {
    const m = /^(struct|union|enum)\s+(\w+)$/.exec(name.trim());
    const id = m ? this.btf.findByName(m[1] as 'struct' | 'union' | 'enum', m[2]) : this.btf.findByName('typedef', name);
    return id === undefined ? undefined : this.of(id);
  }

  task(): DType | undefined {
    return this.named('struct task_struct');
  }

  enumConst(name: string): { value: bigint; type: IntType } | undefined {
    const c = this.btf.enumValue(name);
    if (!c) return undefined;
    return { value: BigInt(c.value), type: { kind: 'int', size: 4, signed: c.signed, name: this.btf.typeName(c.typeId) } };
  }

  member(t: DType, name: string): MemberInfo | undefined {
    if (t.kind !== 'btf') return undefined;
    const m = this.btf.member(t.id, name);
    if (!m) return undefined;
    const bitInByte = m.bitfieldSize ? m.bitOffset % 8 : 0;
    return { name, type: this.of(m.typeId), offset: Math.floor(m.bitOffset / 8), bitOffset: bitInByte, bitSize: m.bitfieldSize };
  }

  /** The D type of a BTF type id (typedef names kept on integers and pointers). */
  of(id: number): DType {
    const have = this.cache.get(id);
    if (have) return have;
    const t = this.convert(id);
    this.cache.set(id, t);
    return t;
  }

  private convert(id: number): DType {
    const b = this.btf;
    const u = b.unqualified(id);
    const t = b.type(u);
    switch (t.kind) {
      case 'void':
        return voidType;
      case 'typedef': {
        const inner = this.of(t.typeId);
        if (inner.kind === 'int') return { ...inner, name: t.name };
        if (inner.kind === 'ptr') return { ...inner, name: t.name };
        return inner;
      }
      case 'int': {
        if (t.size !== 1 && t.size !== 2 && t.size !== 4 && t.size !== 8) return { kind: 'btf', id: u, name: t.name, size: t.size, shape: 'other' };
        return { kind: 'int', size: t.size, signed: t.signed, name: t.name } as IntType;
      }
      case 'enum':
      case 'enum64': {
        const size = (t.size === 1 || t.size === 2 || t.size === 8 ? t.size : 4) as 1 | 2 | 4 | 8;
        return { kind: 'int', size, signed: t.signed, name: `enum ${t.name}`.trim() };
      }
      case 'ptr': {
        const to = this.of(t.typeId);
        return { kind: 'ptr', to, name: b.typeName(u) };
      }
      case 'array': {
        const elem = this.of(t.typeId);
        if (elem.kind === 'int' && elem.size === 1) return stringOf(Math.max(1, t.nelems));
        return { kind: 'btf', id: u, name: b.typeName(u), size: b.trySizeOf(u) ?? 0, shape: 'array', elem, count: t.nelems };
      }
      case 'struct':
      case 'union':
        return { kind: 'btf', id: u, name: `${t.kind} ${t.name}`.trim(), size: t.size, shape: t.kind };
      case 'fwd':
        return { kind: 'btf', id: u, name: `${t.union ? 'union' : 'struct'} ${t.name}`, size: 0, shape: t.union ? 'union' : 'struct' };
      default:
        return { kind: 'btf', id: u, name: b.typeName(u), size: b.trySizeOf(u) ?? 0, shape: 'other' };
    }
  }
}

export { char };
