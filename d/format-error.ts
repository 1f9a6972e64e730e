// Formats a DError for people: DTrace's `line N: message`, and a source line with a caret under the column.
import type { DError } from './errors.js';

/** `line 3: syntax error near "}"` (just the message when the error has no position). */
export function formatDError(err: DError, _source: string): string {
  return err.pos ? `line ${err.pos.line}: ${err.message}` : err.message;
}

/**
 * Two lines for the interactive shell: the offending source line, and a `^` under the error's column
 * (tabs before the column are kept so the caret lines up). Empty when the error has no position.
 */
export function caretLine(err: DError, source: string): string {
  if (!err.pos) return '';
  const offset = Math.min(Math.max(err.pos.offset, 0), source.length);
  const start = offset === 0 ? 0 : source.lastIndexOf('\n', offset - 1) + 1;
  let end = source.indexOf('\n', offset);
  if (end < 0) end = source.length;
  const text = source.slice(start, end).replace(/\r$/, '');
  const pad = source.slice(start, offset).replace(/[^\t]/g, ' ');
  return `${text}\n${pad}^`;
}
