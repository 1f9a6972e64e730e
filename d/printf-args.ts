// Maps D types to the argument types printf()'s checker knows (d/printf-format.ts).
import type { ArgType } from './printf-format.js';
import type { DType } from './types.js';

const cBase: Record<string, string> = {
  '1:true': 'char', '1:false': 'unsigned char', '2:true': 'short', '2:false': 'unsigned short',
  '4:true': 'int', '4:false': 'unsigned int', '8:true': 'long', '8:false': 'unsigned long',
};
const plainC = new Set(['char', 'signed char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned int', 'unsigned',
  'long', 'unsigned long', 'long long', 'unsigned long long']);

export function printfArgType(t: DType): ArgType {
  switch (t.kind) {
    case 'int': {
      const base = plainC.has(t.name) ? t.name : cBase[`${t.size}:${t.signed}`];
      return { kind: 'int', size: t.size, signed: t.signed, name: t.name, base, typedefs: plainC.has(t.name) ? [] : [t.name] };
    }
    case 'string':
      return { kind: 'string', size: t.maxLen, name: 'string' };
    case 'ptr':
      return { kind: 'pointer', size: 8, signed: false, name: t.name };
    case 'stack':
    case 'ustack':
    case 'sym':
    case 'usym':
      return { kind: t.kind, size: 8, name: t.kind };
    default:
      return { kind: 'other', name: t.kind === 'btf' ? t.name : 'void' };
  }
}
