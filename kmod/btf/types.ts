// Decoded BTF types: one tagged-union member per kind, as returned by `Btf.type(id)`.
import type { BtfLinkage } from './format.js';

export type { BtfKindName, BtfLinkage } from './format.js';

/** Type id 0: `void`. */
export interface BtfVoid { readonly kind: 'void'; readonly id: 0; readonly name: '' }

export interface BtfInt {
  readonly kind: 'int'; readonly id: number; readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  readonly signed: boolean; readonly char: boolean; readonly bool: boolean;
  /** Bit offset and width from the INT's trailing word (bits may be less than size * 8). */
  readonly bitOffset: number; readonly bits: number;
}

export interface BtfPtr { readonly kind: 'ptr'; readonly id: number; readonly name: string; readonly typeId: number }

export interface BtfArray {
  readonly kind: 'array'; readonly id: number; readonly name: string;
  /** Element type. */
  readonly typeId: number;
  readonly indexTypeId: number; readonly nelems: number;
}

export interface BtfMember {
  /** '' for an anonymous struct/union member. */
  readonly name: string;
  readonly typeId: number;
  /** Offset from the start of the enclosing struct/union, in bits. */
  readonly bitOffset: number;
  /** Bitfield width in bits, 0 when not a bitfield. */
  readonly bitfieldSize: number;
}

export interface BtfComposite {
  readonly kind: 'struct' | 'union'; readonly id: number; readonly name: string;
  readonly size: number; readonly members: readonly BtfMember[];
}

export interface BtfEnumerator { readonly name: string; readonly value: number }
export interface BtfEnum {
  readonly kind: 'enum'; readonly id: number; readonly name: string;
  readonly size: number; readonly signed: boolean; readonly values: readonly BtfEnumerator[];
}

export interface BtfEnumerator64 { readonly name: string; readonly value: bigint }
export interface BtfEnum64 {
  readonly kind: 'enum64'; readonly id: number; readonly name: string;
  readonly size: number; readonly signed: boolean; readonly values: readonly BtfEnumerator64[];
}

export interface BtfFwd { readonly kind: 'fwd'; readonly id: number; readonly name: string; readonly union: boolean }

export interface BtfTypedef { readonly kind: 'typedef'; readonly id: number; readonly name: string; readonly typeId: number }

export interface BtfQualifier {
  readonly kind: 'volatile' | 'const' | 'restrict'; readonly id: number; readonly name: string; readonly typeId: number;
}

export interface BtfFunc {
  readonly kind: 'func'; readonly id: number; readonly name: string;
  /** The FUNC_PROTO. */
  readonly typeId: number;
  readonly linkage: BtfLinkage;
}

export interface BtfParam { readonly name: string; readonly typeId: number }
export interface BtfFuncProto {
  readonly kind: 'func_proto'; readonly id: number; readonly name: string;
  readonly returnTypeId: number;
  /** Named parameters; a trailing `...` is not listed here but sets `variadic`. */
  readonly params: readonly BtfParam[];
  readonly variadic: boolean;
}

export interface BtfVar {
  readonly kind: 'var'; readonly id: number; readonly name: string; readonly typeId: number; readonly linkage: BtfLinkage;
}

export interface BtfVarSecinfo { readonly typeId: number; readonly offset: number; readonly size: number }
export interface BtfDatasec {
  readonly kind: 'datasec'; readonly id: number; readonly name: string;
  readonly size: number; readonly vars: readonly BtfVarSecinfo[];
}

export interface BtfFloat { readonly kind: 'float'; readonly id: number; readonly name: string; readonly size: number }

export interface BtfDeclTag {
  readonly kind: 'decl_tag'; readonly id: number; readonly name: string; readonly typeId: number;
  /** -1 for the type itself, else the member or parameter index. */
  readonly componentIdx: number;
  /** kind_flag: the tag spells an `__attribute__` rather than a btf_decl_tag. */
  readonly attribute: boolean;
}

export interface BtfTypeTag {
  readonly kind: 'type_tag'; readonly id: number; readonly name: string; readonly typeId: number;
  readonly attribute: boolean;
}

export type BtfType =
  | BtfVoid | BtfInt | BtfPtr | BtfArray | BtfComposite | BtfEnum | BtfEnum64 | BtfFwd | BtfTypedef
  | BtfQualifier | BtfFunc | BtfFuncProto | BtfVar | BtfDatasec | BtfFloat | BtfDeclTag | BtfTypeTag;

/** A member found by name, possibly inside anonymous struct/union members (offset is then cumulative). */
export interface BtfMemberRef extends BtfMember {
  /** Ids of the anonymous members' types passed through, outermost first (empty for a direct member). */
  readonly via: readonly number[];
}

/** A BTF_KIND_FUNC found by name. */
export interface BtfFuncRef { readonly id: number; readonly name: string; readonly protoId: number; readonly linkage: BtfLinkage }

/** A function's signature. */
export interface BtfSignature {
  readonly id: number; readonly protoId: number;
  readonly params: readonly BtfParam[]; readonly returnTypeId: number; readonly variadic: boolean;
}

/** An enumerator found by name across all enums. */
export interface BtfEnumConst { readonly name: string; readonly value: bigint; readonly typeId: number; readonly signed: boolean }
