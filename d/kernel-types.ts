// What the checker asks of the kernel's type information (BTF, implemented in kmod/btf): named types and members.
import type { DType, IntType } from './types.js';

export interface MemberInfo {
  name: string;
  type: DType;
  /** Byte offset from the start of the containing struct/union. */
  offset: number;
  /** Bitfields: bit offset within the byte at `offset`, and width; bitSize 0 when not a bitfield. */
  bitOffset: number;
  bitSize: number;
}

export interface KernelTypes {
  /** A type by the name D source spells: `struct file`, `union u`, `enum e`, or a typedef such as `loff_t`. */
  named(name: string): DType | undefined;
  /** A member of a struct or union type (searching anonymous members too). */
  member(t: DType, name: string): MemberInfo | undefined;
  /** `struct task_struct`, the type curthread points to. */
  task(): DType | undefined;
  /** A kernel enumeration constant by name. */
  enumConst(name: string): { value: bigint; type: IntType } | undefined;
}
