// DTrace's text for a code address: `module`name+0xoff`, `module`name`, `module`0xaddr` or `0xaddr`.

/**
 * What a symbol lookup found for an address: the object (kernel module or mapped file's basename)
 * and, when a function covers the address, its name and start. `name` absent means "inside this
 * object, but no symbol covers the address".
 */
export interface AddressInfo {
  module: string;
  name?: string;
  /** The symbol's start address (absolute), when `name` is set. */
  value?: bigint;
}

/** `0x` + lowercase hex, no padding: C's `0x%llx`. */
export function hexAddr(addr: bigint): string {
  return '0x' + addr.toString(16);
}

/**
 * Formats like dt_print_stack()/dtrace_addr2str() (`withOffset`, for stack(), ustack(), %a, %A,
 * uaddr()) or like dt_print_sym() (`!withOffset`, for func()/sym()/ufunc()/usym()):
 * `module`name+0x1c` past the start, `module`name` at the start, `module`0xaddr` when only the
 * object is known, else `0xaddr`.
 */
export function formatAddress(addr: bigint, info: AddressInfo | undefined, withOffset: boolean): string {
  if (!info) return hexAddr(addr);
  if (info.name === undefined || info.value === undefined) return `${info.module}\`${hexAddr(addr)}`;
  if (withOffset && addr > info.value) return `${info.module}\`${info.name}+0x${(addr - info.value).toString(16)}`;
  return `${info.module}\`${info.name}`;
}

/** mod()/umod(): the object's name alone, or `0xaddr` when the address is in no known object. */
export function formatModule(addr: bigint, info: AddressInfo | undefined): string {
  return info ? info.module : hexAddr(addr);
}
