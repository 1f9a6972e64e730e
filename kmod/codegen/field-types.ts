// Tracepoint field types (the C text of a tracefs format file) as D types.
import { builtinIntTypes, int16, int32, int64, int8, stringOf, uint16, uint32, uint64, uint8, voidType, type DType, type IntType } from '../../d/types.js';
import type { KernelTypes } from '../../d/kernel-types.js';
import type { EventField } from '../probes/tracefs-format.js';

function sizedInt(size: number, signed: boolean): IntType {
  if (size === 1) return signed ? int8 : uint8;
  if (size === 2) return signed ? int16 : uint16;
  if (size === 4) return signed ? int32 : uint32;
  return signed ? int64 : uint64;
}

function baseType(name: string, types: KernelTypes | undefined): DType | undefined {
  if (name === 'void') return voidType;
  const b = builtinIntTypes[name];
  if (b) return b;
  try {
    return types?.named(name);
  } catch {
    return undefined;
  }
}

/** The D type of a field; char arrays and __data_loc strings are strings, `T *` a pointer to T. */
export function fieldType(f: EventField, types: KernelTypes | undefined): DType {
  let text = f.type.replace(/\b(const|volatile|__user|__rcu)\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (f.dataLoc) return /char\s*\[/.test(text) ? stringOf(4096) : uint64;
  const arr = /^(.*?)\s*\[(\d*)\]$/.exec(text);
  if (arr) {
    const elem = arr[1].trim();
    if (/^(unsigned |signed )?char$/.test(elem)) return stringOf(Math.max(1, Number(arr[2] || f.size)));
    return uint64;
  }
  let pointers = 0;
  while (text.endsWith('*')) {
    pointers++;
    text = text.slice(0, -1).trim();
  }
  if (pointers) {
    let t: DType = baseType(text, types) ?? voidType;
    for (let i = 0; i < pointers; i++) t = { kind: 'ptr', to: t, name: `${text} ${'*'.repeat(i + 1)}` };
    return t;
  }
  const b = baseType(text, types);
  if (b && b.kind === 'int' && b.size === f.size) return { ...b, signed: f.signed };
  if (b && b.kind === 'ptr') return b;
  return sizedInt(f.size, f.signed);
}
