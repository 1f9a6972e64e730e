// Completion of `dtrace ...` typed at the dtsh prompt: flags, probe arguments, -x options, scripts and files.
import { DTRACE_FLAGS, DTRACE_OPTIONS, FLAG_ARGS, OUTPUT_FORMATS, type DtraceFlag } from './dtrace-flags.js';
import type { LineContext } from './line-context.js';
import { none, paths, plain, probe, program, type Span } from './line-parts.js';
import { lineIndex, type ShellWord } from './shell-words.js';

/** The argument of a dtrace flag: characters `k..` of word `w`. */
function flagArg(kind: NonNullable<DtraceFlag['arg']>, w: ShellWord, k: number, ctx: LineContext): Span {
  const text = w.text.slice(k);
  const from = lineIndex(w, k);
  const mapped = (p: Span): Span => ({ ...p, from: lineIndex(w, k + p.from) });
  switch (kind) {
    case 'probe':
      return mapped(program(text, ctx));
    case 'provider':
      return probe(text, from, ctx, 'provider');
    case 'module':
      return probe(text, from, ctx, 'module');
    case 'function':
      return probe(text, from, ctx, 'func');
    case 'script':
      return paths(text, from, ctx, ['.d']);
    case 'file':
      return paths(text, from, ctx);
    case 'option':
      return text.includes('=') ? none(w.end) : plain(from, text, DTRACE_OPTIONS.filter((o) => o.startsWith(text)));
    case 'format':
      return plain(from, text, OUTPUT_FORMATS.filter((o) => o.startsWith(text)));
    default:
      return none(w.end);
  }
}

/** `dtrace [flags] ...` typed at the dtsh prompt. */
export function dtraceLine(words: ShellWord[], ctx: LineContext): Span {
  let expect: NonNullable<DtraceFlag['arg']> | undefined;
  let operands = false;
  for (const w of words.slice(1, -1)) {
    if (expect) {
      expect = undefined;
      continue;
    }
    if (operands || !w.text.startsWith('-') || w.text === '-') {
      operands = true;
      continue;
    }
    if (w.text === '--') {
      operands = true;
      continue;
    }
    for (let j = 1; j < w.text.length; j++) {
      const arg = FLAG_ARGS.get(w.text[j]);
      if (arg) {
        if (j + 1 === w.text.length) expect = arg;
        break;
      }
    }
  }
  const w = words[words.length - 1];
  if (expect) return flagArg(expect, w, 0, ctx);
  if (operands || !w.text.startsWith('-')) return none(w.end);
  for (let j = 1; j < w.text.length; j++) {
    const arg = FLAG_ARGS.get(w.text[j]);
    if (arg && j + 1 < w.text.length) return flagArg(arg, w, j + 1, ctx);
  }
  if (w.text.length > 2) return none(w.end);
  const flags = DTRACE_FLAGS.filter((f) => f.flag.startsWith(w.text));
  const help = new Map(flags.map((f) => [f.flag, f.help]));
  return plain(lineIndex(w, 0), w.text, flags.map((f) => f.flag), (t) => help.get(t));
}
