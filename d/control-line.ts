// D control lines (`#pragma D option ...`, `#ident`, `#error`): what each directive means, as DTrace's dt_pragma().
import type { Pos, Pragma } from './ast.js';
import { DError } from './errors.js';

/** One word of a control line: a run of non-blank characters, or a string literal. */
export interface ControlWord {
  kind: 'ident' | 'int' | 'string';
  text: string;
  pos: Pos;
}

const INT_WORD = /^(?:0[xX][0-9a-fA-F]+|[0-9]+)[uU]?[lL]?[lL]?$/;

/** Classifies a run of non-blank characters of a control line. */
export function controlWordKind(text: string): 'ident' | 'int' {
  return INT_WORD.test(text) ? 'int' : 'ident';
}

/**
 * Acts on the words after `#` (at `hash`): returns the Pragma of a `#pragma D option`, undefined for
 * what is accepted and ignored (`#pragma D depends_on|attributes|binding`, unknown `#pragma`, `#ident`,
 * `#line` and `# N "file"` markers, an empty `#`), and throws for the rest.
 */
export function applyDirective(words: ControlWord[], hash: Pos): Pragma | undefined {
  let level: 'dir' | 'sub' | 'dcp' = 'dir'; // after `#`, after `#pragma`, after `#pragma D`
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    if (w.kind === 'int') return undefined; // a line marker: accepted; line numbers are not remapped
    if (w.kind !== 'ident') throw new DError('invalid control directive', w.pos);
    if (level === 'dir' && w.text === 'pragma') {
      level = 'sub';
      continue;
    }
    if (level === 'sub' && w.text === 'D') {
      level = 'dcp';
      continue;
    }
    const args = words.slice(k + 1);
    switch (w.text) {
      case 'ident':
      case 'line':
        return undefined;
      case 'error':
        throw new DError(`#error: ${args.map((a) => a.text).join(' ')}`, w.pos);
      case 'option':
        if (level === 'dcp') return pragmaOption(w, args, hash);
        break;
      case 'attributes':
      case 'binding':
      case 'depends_on':
        if (level === 'dcp') return undefined;
        break;
    }
    if (level === 'dir') throw new DError(`unsupported preprocessor directive #${w.text}`, w.pos);
    if (level === 'sub') return undefined; // an unknown #pragma is ignored, as C does
    throw new DError(`invalid D pragma: ${w.text}`, w.pos);
  }
  return undefined;
}

/** `#pragma D option name` or `#pragma D option name=value`: exactly one word after `option`. */
function pragmaOption(w: ControlWord, args: ControlWord[], hash: Pos): Pragma {
  if (args.length === 0 || args[0].kind !== 'ident') {
    throw new DError('malformed #pragma option <option>=<val>', (args[0] ?? w).pos);
  }
  if (args.length > 1) throw new DError('superfluous arguments specified for #pragma option', args[1].pos);
  const text = args[0].text;
  const eq = text.indexOf('=');
  const pragma: Pragma = { kind: 'pragma', option: eq < 0 ? text : text.slice(0, eq), pos: hash };
  if (eq >= 0) pragma.value = text.slice(eq + 1);
  return pragma;
}
