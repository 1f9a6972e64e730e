// Decodes one BTF type record (struct btf_type and what follows it) into its tagged-union object.
import {
  KIND_ARRAY, KIND_CONST, KIND_DATASEC, KIND_DECL_TAG, KIND_ENUM, KIND_ENUM64, KIND_FLOAT, KIND_FUNC, KIND_FUNC_PROTO,
  KIND_FWD, KIND_INT, KIND_PTR, KIND_RESTRICT, KIND_STRUCT, KIND_TYPEDEF, KIND_TYPE_TAG, KIND_UNION, KIND_VAR,
  KIND_VOLATILE, LINKAGE_NAMES, INT_BOOL, INT_CHAR, INT_SIGNED, infoKflag, infoKind, infoVlen, intBits, intEncoding,
  intOffset, memberBitOffset, memberBitfieldSize,
} from './format.js';
import type { BtfLinkage } from './format.js';
import type {
  BtfEnumerator, BtfEnumerator64, BtfMember, BtfParam, BtfType, BtfVarSecinfo,
} from './types.js';

export function linkageName(n: number): BtfLinkage {
  return LINKAGE_NAMES[n] ?? 'static';
}

/** The value of enumerator `j` of the ENUM/ENUM64 at word `w`, honouring the signedness flag. */
export function enumeratorValue(words: Uint32Array, w: number, j: number): bigint {
  const info = words[w + 1];
  const signed = infoKflag(info);
  if (infoKind(info) === KIND_ENUM) {
    const v = words[w + 3 + j * 2 + 1];
    return BigInt(signed ? v | 0 : v);
  }
  const p = w + 3 + j * 3;
  const u = (BigInt(words[p + 2]) << 32n) | BigInt(words[p + 1]);
  return signed ? BigInt.asIntN(64, u) : u;
}

/**
 * Decodes the type `id` whose record starts at word `w` of `words`; `str` maps a name offset to its string.
 * Returns undefined for an unknown kind.
 */
export function decodeType(words: Uint32Array, w: number, id: number, str: (off: number) => string): BtfType | undefined {
  const W = words;
  const info = W[w + 1];
  const kind = infoKind(info);
  const vlen = infoVlen(info);
  const kflag = infoKflag(info);
  const st = W[w + 2];
  const name = str(W[w]);
  const p0 = w + 3;
  switch (kind) {
    case KIND_INT: {
      const e = W[p0];
      const enc = intEncoding(e);
      return {
        kind: 'int', id, name, size: st, signed: (enc & INT_SIGNED) !== 0, char: (enc & INT_CHAR) !== 0,
        bool: (enc & INT_BOOL) !== 0, bitOffset: intOffset(e), bits: intBits(e),
      };
    }
    case KIND_PTR:
      return { kind: 'ptr', id, name, typeId: st };
    case KIND_ARRAY:
      return { kind: 'array', id, name, typeId: W[p0], indexTypeId: W[p0 + 1], nelems: W[p0 + 2] };
    case KIND_STRUCT:
    case KIND_UNION: {
      const members: BtfMember[] = new Array(vlen);
      for (let i = 0, p = p0; i < vlen; i++, p += 3) {
        const off = W[p + 2];
        members[i] = {
          name: str(W[p]), typeId: W[p + 1],
          bitOffset: memberBitOffset(off, kflag), bitfieldSize: memberBitfieldSize(off, kflag),
        };
      }
      return { kind: kind === KIND_STRUCT ? 'struct' : 'union', id, name, size: st, members };
    }
    case KIND_ENUM: {
      const values: BtfEnumerator[] = new Array(vlen);
      for (let i = 0, p = p0; i < vlen; i++, p += 2) {
        values[i] = { name: str(W[p]), value: kflag ? W[p + 1] | 0 : W[p + 1] };
      }
      return { kind: 'enum', id, name, size: st, signed: kflag, values };
    }
    case KIND_ENUM64: {
      const values: BtfEnumerator64[] = new Array(vlen);
      for (let i = 0, p = p0; i < vlen; i++, p += 3) values[i] = { name: str(W[p]), value: enumeratorValue(W, w, i) };
      return { kind: 'enum64', id, name, size: st, signed: kflag, values };
    }
    case KIND_FWD:
      return { kind: 'fwd', id, name, union: kflag };
    case KIND_TYPEDEF:
      return { kind: 'typedef', id, name, typeId: st };
    case KIND_VOLATILE:
      return { kind: 'volatile', id, name, typeId: st };
    case KIND_CONST:
      return { kind: 'const', id, name, typeId: st };
    case KIND_RESTRICT:
      return { kind: 'restrict', id, name, typeId: st };
    case KIND_FUNC:
      return { kind: 'func', id, name, typeId: st, linkage: linkageName(vlen) };
    case KIND_FUNC_PROTO: {
      const params: BtfParam[] = [];
      let variadic = false;
      for (let i = 0, p = p0; i < vlen; i++, p += 2) {
        if (i === vlen - 1 && W[p] === 0 && W[p + 1] === 0) variadic = true;
        else params.push({ name: str(W[p]), typeId: W[p + 1] });
      }
      return { kind: 'func_proto', id, name, returnTypeId: st, params, variadic };
    }
    case KIND_VAR:
      return { kind: 'var', id, name, typeId: st, linkage: linkageName(W[p0]) };
    case KIND_DATASEC: {
      const vars: BtfVarSecinfo[] = new Array(vlen);
      for (let i = 0, p = p0; i < vlen; i++, p += 3) vars[i] = { typeId: W[p], offset: W[p + 1], size: W[p + 2] };
      return { kind: 'datasec', id, name, size: st, vars };
    }
    case KIND_FLOAT:
      return { kind: 'float', id, name, size: st };
    case KIND_DECL_TAG:
      return { kind: 'decl_tag', id, name, typeId: st, componentIdx: W[p0] | 0, attribute: kflag };
    case KIND_TYPE_TAG:
      return { kind: 'type_tag', id, name, typeId: st, attribute: kflag };
    default:
      return undefined;
  }
}
