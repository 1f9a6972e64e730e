// The parser's one state: the lexer, a small lookahead buffer of tokens, and the helpers every grammar file uses.
import type { Expr } from './ast.js';
import { DError } from './errors.js';
import { BUILTIN_TYPEDEFS } from './keywords.js';
import { Lexer, type Token } from './lexer.js';

export interface ParseOptions {
  /** Extra type names (typedefs from BTF, for instance) so `(name)x` parses as a cast. */
  isTypeName?: (name: string) => boolean;
}

/** The error for a token that cannot continue the program (DTrace's wording). */
export function syntaxError(tok: Token): DError {
  if (tok.type === 'eof') return new DError('syntax error near end of input', tok.pos);
  return new DError(`syntax error near "${tok.text}"`, tok.pos);
}

export class Parser {
  readonly lexer: Lexer;
  /** Tokens read ahead and not yet consumed; the lexer only runs when the grammar looks further. */
  private readonly ahead: Token[] = [];
  private readonly typeNameHook?: (name: string) => boolean;
  /** The expression most recently closed by `)` (a parenthesized expression is a unary expression). */
  private lastParenthesized: Expr | undefined;

  constructor(source: string, opts: ParseOptions = {}) {
    this.lexer = new Lexer(source);
    this.typeNameHook = opts.isTypeName;
  }

  /** The token `n` places ahead (0: the current one). */
  peek(n = 0): Token {
    const ahead = this.ahead;
    if (n < ahead.length) return ahead[n];
    while (ahead.length <= n) ahead.push(this.lexer.next());
    return ahead[n];
  }

  /** Consumes and returns the current token. */
  next(): Token {
    return this.ahead.shift() ?? this.lexer.next();
  }

  isPunct(text: string, n = 0): boolean {
    const t = this.peek(n);
    return t.type === 'punct' && t.text === text;
  }

  isWord(text: string, n = 0): boolean {
    const t = this.peek(n);
    return t.type === 'name' && t.text === text;
  }

  /** Consumes the punctuator `text` if it is next. */
  eat(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.next();
    return true;
  }

  /** Consumes the punctuator `text`, or fails on whatever stands there. */
  expect(text: string): Token {
    if (!this.isPunct(text)) this.unexpected();
    return this.next();
  }

  unexpected(tok: Token = this.peek()): never {
    throw syntaxError(tok);
  }

  /** D's standard typedefs plus whatever the caller's `isTypeName` accepts. */
  isTypeName(name: string): boolean {
    return BUILTIN_TYPEDEFS.has(name) || (this.typeNameHook?.(name) ?? false);
  }

  markParenthesized(e: Expr): void {
    this.lastParenthesized = e;
  }

  /**
   * Whether `e` was written in parentheses. Only asked of a just-parsed expression: if it came from
   * parentheses, no `)` has closed since, so the last parenthesized expression is `e` itself.
   */
  isParenthesized(e: Expr): boolean {
    return this.lastParenthesized === e;
  }
}
