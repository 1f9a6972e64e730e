// The D tokenizer: expression tokens with positions, probe-description runs, comments and control lines (#pragma).
import type { Pos, Pragma, ProbeDesc } from './ast.js';
import { applyDirective, controlWordKind, type ControlWord } from './control-line.js';
import { DError } from './errors.js';
import { INT64_MAX, isDigit, readEscape, readInteger } from './literals.js';

interface TokenBase {
  /** The token exactly as written in the source. */
  text: string;
  pos: Pos;
  /** Offset just past the token. */
  end: number;
}

/** Identifiers and keywords alike; the parser tells them apart. */
export interface NameToken extends TokenBase { type: 'name' }
/** Integer and character literals. */
export interface IntToken extends TokenBase { type: 'int'; value: bigint; unsigned: boolean; longs: number }
export interface StringToken extends TokenBase { type: 'string'; value: string }
/** `$target`, `$1` (name without the `$`), `$$1` (quoted). */
export interface MacroToken extends TokenBase { type: 'macro'; name: string; quoted: boolean }
/** `@name`, or `@` alone (name ''). */
export interface AggToken extends TokenBase { type: 'agg'; name: string }
/** Operators and punctuation; `text` is the operator. */
export interface PunctToken extends TokenBase { type: 'punct' }
/** A `/` that closes a predicate: followed by `{`, `;`, `/` or the end of input. */
export interface EndPredToken extends TokenBase { type: 'endpred' }
export interface EofToken extends TokenBase { type: 'eof' }

export type Token =
  | NameToken | IntToken | StringToken | MacroToken | AggToken | PunctToken | EndPredToken | EofToken;

/** Two-character operators; `<<=`, `>>=` and `...` are the only longer ones. */
const PUNCT2 = new Set([
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '^^',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
]);
const PUNCT1 = new Set('+-*/%<>=!~&|^?:,;.()[]{}');

// Character codes used below.
const NL = 10, CR = 13, SPACE = 32, TAB = 9, VT = 11, FF = 12;
const QUOTE = 34, APOS = 39, HASH = 35, DOLLAR = 36, AT = 64, SLASH = 47, STAR = 42, BACKSLASH = 92;

// Character classes by code (ASCII), so the hot loops test a table instead of calling helpers.
const BLANK = 1, NEWLINE = 2, IDENT_START = 4, DIGIT = 8, AGG_START = 16;
const CLASS = new Uint8Array(128);
for (const c of [SPACE, TAB, CR, VT, FF]) CLASS[c] = BLANK;
CLASS[NL] = NEWLINE;
for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  if (letter) CLASS[c] = IDENT_START | AGG_START;
  if (c >= 48 && c <= 57) CLASS[c] = DIGIT;
}
CLASS[96] = IDENT_START; // D identifiers may contain a backquote (kernel`symbol scoping)

function isBlank(c: number): boolean {
  return c < 128 && (CLASS[c] & BLANK) !== 0;
}
function isSpace(c: number): boolean {
  return c < 128 && (CLASS[c] & (BLANK | NEWLINE)) !== 0;
}
function isIdentStart(c: number): boolean {
  return c < 128 && (CLASS[c] & IDENT_START) !== 0;
}
function isIdentChar(c: number): boolean {
  return c < 128 && (CLASS[c] & (IDENT_START | DIGIT)) !== 0;
}
/** Characters that end a probe description (besides whitespace and a `/` outside brackets). */
const PROBE_STOP = new Set(Array.from('{}();,="\'', (ch) => ch.charCodeAt(0)));

export class Lexer {
  /** Offset of the next unread character. */
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private parens = 0;
  private brackets = 0;
  /** `#pragma D option` lines met so far, in source order. */
  readonly pragmas: Pragma[] = [];

  constructor(private readonly src: string) {}

  /** The position of `offset`, which must lie on the current line. */
  posAt(offset: number = this.i): Pos {
    return { line: this.line, col: offset - this.lineStart + 1, offset };
  }

  atEnd(): boolean {
    return this.i >= this.src.length;
  }

  /** The code of the next unread character (NaN at the end). */
  peekChar(): number {
    return this.src.charCodeAt(this.i);
  }

  /** Skips one character known not to be a newline. */
  advance(): void {
    this.i++;
  }

  /** Skips whitespace, comments, `\`-newline, `#!` lines and control lines (collecting pragmas). */
  skipSpace(): void {
    const src = this.src;
    for (;;) {
      const c = src.charCodeAt(this.i);
      if (c === NL) {
        this.newline(this.i + 1);
      } else if (isBlank(c)) {
        this.i++;
      } else if (c === BACKSLASH && src.charCodeAt(this.i + 1) === NL) {
        this.newline(this.i + 2);
      } else if (c === SLASH && src.charCodeAt(this.i + 1) === STAR) {
        this.skipBlockComment();
      } else if (c === SLASH && src.charCodeAt(this.i + 1) === SLASH) {
        this.skipToEndOfLine();
      } else if (c === HASH && this.atLineStart()) {
        this.controlLine();
      } else {
        return;
      }
    }
  }

  private newline(next: number): void {
    this.i = next;
    this.line++;
    this.lineStart = next;
  }

  private skipToEndOfLine(): void {
    const nl = this.src.indexOf('\n', this.i);
    this.i = nl < 0 ? this.src.length : nl;
  }

  /** True when only blanks precede the current character on its line. */
  private atLineStart(): boolean {
    for (let k = this.lineStart; k < this.i; k++) if (!isBlank(this.src.charCodeAt(k))) return false;
    return true;
  }

  private skipBlockComment(): void {
    const start = this.posAt();
    const src = this.src;
    this.i += 2;
    for (;;) {
      if (this.i >= src.length) throw new DError('end-of-file encountered before matching */', start);
      const c = src.charCodeAt(this.i);
      if (c === STAR && src.charCodeAt(this.i + 1) === SLASH) {
        this.i += 2;
        return;
      }
      if (c === SLASH && src.charCodeAt(this.i + 1) === STAR) {
        throw new DError('/* encountered inside a comment', this.posAt());
      }
      if (c === NL) this.newline(this.i + 1);
      else this.i++;
    }
  }

  // ---- control lines --------------------------------------------------------------------------

  /** Reads a `#...` line (the `#` is the first non-blank character of its line) and acts on it. */
  private controlLine(): void {
    const hash = this.posAt();
    const src = this.src;
    this.i++;
    if (src.charCodeAt(this.i) === 33 /* ! */) {
      this.skipToEndOfLine();
      return;
    }
    const words: ControlWord[] = [];
    for (;;) {
      const c = src.charCodeAt(this.i);
      if (this.i >= src.length || c === NL) break;
      if (isBlank(c)) {
        this.i++;
      } else if (c === SLASH && src.charCodeAt(this.i + 1) === STAR) {
        this.skipBlockComment();
      } else if (c === SLASH && src.charCodeAt(this.i + 1) === SLASH) {
        this.skipToEndOfLine();
      } else if (c === QUOTE) {
        const tok = this.readString();
        words.push({ kind: 'string', text: tok.value, pos: tok.pos });
      } else {
        const start = this.i;
        while (this.i < src.length) {
          const d = src.charCodeAt(this.i);
          if (isSpace(d) || d === QUOTE) break;
          this.i++;
        }
        const text = src.slice(start, this.i);
        words.push({ kind: controlWordKind(text), text, pos: this.posAt(start) });
      }
    }
    const pragma = applyDirective(words, hash);
    if (pragma) this.pragmas.push(pragma);
  }

  // ---- probe descriptions ---------------------------------------------------------------------

  /** End offset of the probe-description run starting at the current character. */
  private probeRunEnd(): number {
    const src = this.src;
    let depth = 0;
    let j = this.i;
    for (; j < src.length; j++) {
      const c = src.charCodeAt(j);
      if (isSpace(c) || PROBE_STOP.has(c)) break;
      if (c === SLASH && depth === 0) break;
      if (c === 91 /* [ */) depth++;
      else if (c === 93 /* ] */ && depth > 0) depth--;
    }
    return j;
  }

  /** The probe-description-like run at the current position, without consuming it. */
  peekProbeRun(): string {
    return this.src.slice(this.i, this.probeRunEnd());
  }

  /** Reads one probe description (`syscall::open*:entry`, `BEGIN`, `profile-997`). */
  readProbeDesc(): ProbeDesc {
    this.skipSpace();
    const end = this.probeRunEnd();
    if (end === this.i) throw this.unexpectedHere();
    const desc: ProbeDesc = { kind: 'probedesc', text: this.src.slice(this.i, end), pos: this.posAt() };
    this.i = end;
    return desc;
  }

  /** A syntax error for what stands at the current position, read as in probe-description mode. */
  unexpectedHere(): DError {
    const pos = this.posAt();
    if (this.atEnd()) return new DError('syntax error near end of input', pos);
    const run = this.peekProbeRun();
    const text = run || String.fromCodePoint(this.src.codePointAt(this.i)!);
    return new DError(`syntax error near "${text}"`, pos);
  }

  // ---- expression tokens ----------------------------------------------------------------------

  /** Reads the next token in expression mode. */
  next(): Token {
    this.skipSpace();
    const src = this.src;
    const start = this.i;
    const pos = this.posAt();
    if (start >= src.length) return { type: 'eof', text: '', pos, end: start };
    const c = src.charCodeAt(start);

    if (isIdentStart(c)) {
      let j = start + 1;
      while (isIdentChar(src.charCodeAt(j))) j++;
      this.i = j;
      return { type: 'name', text: src.slice(start, j), pos, end: j };
    }
    if (isDigit(c) || (c === 46 /* . */ && isDigit(src.charCodeAt(start + 1)))) return this.readNumber();
    if (c === QUOTE) return this.readString();
    if (c === APOS) return this.readChar();
    if (c === DOLLAR) return this.readMacro();
    if (c === AT) {
      let j = start + 1;
      const first = src.charCodeAt(j);
      if (first < 128 && (CLASS[first] & AGG_START) !== 0) while (isIdentChar(src.charCodeAt(j))) j++;
      this.i = j;
      return { type: 'agg', text: src.slice(start, j), name: src.slice(start + 1, j), pos, end: j };
    }
    return this.readPunct(pos);
  }

  private readPunct(pos: Pos): Token {
    const src = this.src;
    const start = this.i;
    let text = src.slice(start, start + 2);
    if (PUNCT2.has(text)) {
      if ((text === '<<' || text === '>>') && src[start + 2] === '=') text += '=';
    } else if (text === '..' && src[start + 2] === '.') {
      text = '...';
    } else {
      text = src[start];
      if (!PUNCT1.has(text)) {
        throw new DError(`syntax error near "${String.fromCodePoint(src.codePointAt(start)!)}"`, pos);
      }
    }
    this.i = start + text.length;
    const tok: Token = { type: 'punct', text, pos, end: this.i };
    switch (text) {
      case '(':
        this.parens++;
        break;
      case ')':
        if (--this.parens < 0) throw new DError('extra ) in input stream', pos);
        break;
      case '[':
        this.brackets++;
        break;
      case ']':
        if (--this.brackets < 0) throw new DError('extra ] in input stream', pos);
        break;
      case '/':
        if (this.closesPredicate()) {
          if (this.parens !== 0) throw new DError('closing ) expected in predicate before /', pos);
          if (this.brackets !== 0) throw new DError('closing ] expected in predicate before /', pos);
          return { type: 'endpred', text, pos, end: this.i };
        }
        break;
    }
    return tok;
  }

  /** DTrace's rule: a `/` followed (after whitespace) by the end, `;`, `{` or `/` closes a predicate. */
  private closesPredicate(): boolean {
    const src = this.src;
    let j = this.i;
    while (j < src.length && isSpace(src.charCodeAt(j))) j++;
    if (j >= src.length) return true;
    const c = src[j];
    return c === ';' || c === '{' || c === '/';
  }

  private readNumber(): IntToken {
    const pos = this.posAt();
    const { text, value, unsigned, longs, end } = readInteger(this.src, this.i, pos);
    this.i = end;
    return { type: 'int', text, value, unsigned, longs, pos, end };
  }

  private readString(): StringToken {
    const src = this.src;
    const start = this.i;
    const pos = this.posAt();
    let out = '';
    let j = start + 1;
    for (;;) {
      if (j >= src.length) throw new DError('syntax error near """', pos);
      const c = src.charCodeAt(j);
      if (c === NL || (c === BACKSLASH && src.charCodeAt(j + 1) === NL)) {
        throw new DError('newline encountered in string literal', pos);
      }
      if (c === QUOTE) break;
      if (c === BACKSLASH && j + 1 < src.length) {
        const esc = readEscape(src, j);
        out += String.fromCharCode(esc.byte);
        j = esc.next;
      } else {
        out += src[j++];
      }
    }
    this.i = j + 1;
    return { type: 'string', text: src.slice(start, this.i), value: out, pos, end: this.i };
  }

  /** A character constant: its bytes (UTF-8 for literal characters) read as a big-endian integer. */
  private readChar(): IntToken {
    const src = this.src;
    const start = this.i;
    const pos = this.posAt();
    const bytes: number[] = [];
    let j = start + 1;
    for (;;) {
      if (j >= src.length) throw new DError(`syntax error near "'"`, pos);
      const c = src.charCodeAt(j);
      if (c === NL || (c === BACKSLASH && src.charCodeAt(j + 1) === NL)) {
        throw new DError('newline encountered in character constant', pos);
      }
      if (c === APOS) break;
      if (c === BACKSLASH && j + 1 < src.length) {
        const esc = readEscape(src, j);
        bytes.push(esc.byte);
        j = esc.next;
      } else {
        const ch = String.fromCodePoint(src.codePointAt(j)!);
        bytes.push(...Buffer.from(ch, 'utf8'));
        j += ch.length;
      }
    }
    this.i = j + 1;
    if (bytes.length === 0) throw new DError('empty character constant', pos);
    if (bytes.length > 8) throw new DError('character constant is too long', pos);
    let value = 0n;
    for (const b of bytes) value = (value << 8n) | BigInt(b);
    const text = src.slice(start, this.i);
    return { type: 'int', text, value, unsigned: value > INT64_MAX, longs: 0, pos, end: this.i };
  }

  private readMacro(): MacroToken {
    const src = this.src;
    const start = this.i;
    const pos = this.posAt();
    let j = start + 1;
    const quoted = src.charCodeAt(j) === DOLLAR;
    if (quoted) j++;
    const nameStart = j;
    if (isDigit(src.charCodeAt(j))) {
      while (isDigit(src.charCodeAt(j))) j++;
    } else if (isIdentStart(src.charCodeAt(j))) {
      while (isIdentChar(src.charCodeAt(j))) j++;
    } else {
      throw new DError('syntax error near "$"', pos);
    }
    this.i = j;
    return { type: 'macro', text: src.slice(start, j), name: src.slice(nameStart, j), quoted, pos, end: j };
  }
}

/** All expression-mode tokens of `source`, ending with the `eof` token (for tests and tools). */
export function tokenize(source: string): Token[] {
  const lexer = new Lexer(source);
  const out: Token[] = [];
  for (;;) {
    const t = lexer.next();
    out.push(t);
    if (t.type === 'eof') return out;
  }
}
