// Reading D literals from source text: integer constants (value, suffixes) and C escape sequences.
import type { Pos } from './ast.js';
import { DError } from './errors.js';

const UINT64_MAX = (1n << 64n) - 1n;
export const INT64_MAX = (1n << 63n) - 1n;

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** An integer constant as read: `unsigned` for a `u` suffix or a value above INT64_MAX. */
export interface IntLiteral {
  text: string;
  value: bigint;
  unsigned: boolean;
  longs: number;
  end: number;
}

/**
 * Reads the integer constant at `start` (a digit, or a `.` before a digit): decimal, `0x` hex or
 * `0` octal, then `[uU]` and up to two `[lL]` in either order. Floating-point forms are refused.
 */
export function readInteger(src: string, start: number, pos: Pos): IntLiteral {
  const floatError = (): never => {
    throw new DError('floating-point constants are not permitted', pos);
  };
  let j = start;
  let hex = false;
  if (src[j] === '.') floatError();
  if (src[j] === '0' && (src[j + 1] === 'x' || src[j + 1] === 'X') && isHexDigit(src.charCodeAt(j + 2))) {
    hex = true;
    j += 2;
    while (isHexDigit(src.charCodeAt(j))) j++;
  } else {
    while (isDigit(src.charCodeAt(j))) j++;
    const n = src[j];
    const exponent = (n === 'e' || n === 'E') && (isDigit(src.charCodeAt(j + 1)) ||
      ((src[j + 1] === '+' || src[j + 1] === '-') && isDigit(src.charCodeAt(j + 2))));
    if (n === '.' || n === 'f' || n === 'F' || exponent) floatError();
  }
  const digits = src.slice(start, j);
  const isU = (k: number): boolean => src[k] === 'u' || src[k] === 'U';
  const isL = (k: number): boolean => src[k] === 'l' || src[k] === 'L';
  let unsignedSuffix = false;
  let longs = 0;
  if (isU(j)) { unsignedSuffix = true; j++; }
  if (isL(j)) { longs++; j++; }
  if (longs && isL(j)) { longs++; j++; }
  if (!unsignedSuffix && longs && isU(j)) { unsignedSuffix = true; j++; }
  const text = src.slice(start, j);

  let value: bigint;
  if (hex) {
    value = BigInt(digits);
  } else if (digits.length > 1 && digits[0] === '0') {
    const bad = /[89]/.exec(digits);
    if (bad) throw new DError(`constant ${text} contains invalid digit ${bad[0]}`, pos);
    value = BigInt('0o' + digits.slice(1));
  } else {
    value = BigInt(digits);
  }
  if (value > UINT64_MAX) throw new DError(`constant ${text} results in integer overflow`, pos);
  return { text, value, unsigned: unsignedSuffix || value > INT64_MAX, longs, end: j };
}

/** The single-letter escapes (`\n`, `\t`, ...) and the quoted characters, by the character after `\`. */
const SIMPLE_ESCAPES: ReadonlyMap<string, number> = new Map([
  ['a', 7], ['b', 8], ['f', 12], ['n', 10], ['r', 13], ['t', 9], ['v', 11], ['"', 34], ["'", 39], ['\\', 92],
]);

/**
 * Decodes the escape whose backslash is at `j`, as DTrace's stresc2chr(): up to three octal digits,
 * `\x` and all the hex digits after it, the C letters, and `\\ \" \'`. Any other `\c` keeps its
 * backslash (`c` is then read as written). Returns the byte (0..255) and the offset after the escape.
 */
export function readEscape(src: string, j: number): { byte: number; next: number } {
  const e = src[j + 1];
  if (e >= '0' && e <= '7') {
    let v = 0;
    let k = j + 1;
    for (let n = 0; n < 3 && src[k] >= '0' && src[k] <= '7'; n++, k++) v = v * 8 + (src.charCodeAt(k) - 48);
    return { byte: v & 0xff, next: k };
  }
  if (e === 'x') {
    let v = 0;
    let k = j + 2;
    while (isHexDigit(src.charCodeAt(k))) v = (v * 16 + parseInt(src[k++], 16)) & 0xff;
    return { byte: v, next: k };
  }
  const simple = SIMPLE_ESCAPES.get(e);
  if (simple !== undefined) return { byte: simple, next: j + 2 };
  return { byte: 92, next: j + 1 };
}
