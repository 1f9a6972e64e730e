// Pasted sessions: shell prompts to strip, and lines of a previous run's output to skip.

/** Strips a leading shell prompt: `$ `, `# `, `dtsh> `, `user@host:path$ `, `user@host:path# `, `user@host:path: `. */
export function stripPrompt(line: string): string {
  const m = /^(?:\s*(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s*[$#:]|[$#]|dtsh>)\s+)(.*)$/.exec(line);
  return m ? m[1] : line;
}

const outputLine = [
  /^dtrace: (description|script) '.*' matched \d+ probes?$/,
  /^dtrace: pid \d+ has exited$/,
  /^dtrace: \d+ (aggregation )?drops? on CPU \d+$/,
  /^CPU\s+ID\s+FUNCTION:NAME$/,
  /^\s*\d+\s+\d+\s+\S*:\S+(\s.*)?$/, // a probe line: cpu, id, function:name
  /^Probes available: \d+$/,
  /^\s+value\s+-+ Distribution -+ count\s*$/,
  /^\s*-?\d+ \|[@ ]*\s+\d+\s*$/, // a histogram row
  /^\s*[<>]=? -?\d+ \|[@ ]*\s+\d+\s*$/,
  /^\s*\^C$/,
  /^\s+ID\s+PROVIDER\s+MODULE\s+FUNCTION NAME$/,
];

/** True for a line that is a previous run's output rather than something to run. */
export function isOutputLine(line: string): boolean {
  return outputLine.some((re) => re.test(line));
}

/** True once `text` is a whole clause: its braces balance (outside strings and comments). */
export function clauseComplete(text: string): boolean {
  let depth = 0;
  let opened = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return false;
      i = end + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    } else if (c === '{') {
      depth++;
      opened = true;
    } else if (c === '}') depth--;
  }
  if (opened) return depth <= 0;
  return !/,\s*$/.test(text);
}
