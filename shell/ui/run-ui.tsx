// Starts the terminal UI: output captured into lines for <Static>, history in ~/.dtsh_history.
import React from 'react';
import { render } from 'ink';
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Shell } from '../repl/shell.js';
import { App } from './app.js';
import { makeTheme } from './theme.js';

const HISTORY_MAX = 1000;

export async function runUI(): Promise<number> {
  const theme = makeTheme(true);
  const lines: string[] = [];
  let partial = '';
  const write = (s: string, style?: (x: string) => string) => {
    const parts = (partial + s).split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) lines.push(style ? style(p) : p);
  };
  const output = { lines, get partial() { return partial; }, subscribe: () => () => undefined };
  const shell = new Shell({ out: (s) => write(s), err: (s) => write(s, theme.error) });
  const file = process.env.DTSH_HISTORY ?? join(homedir(), '.dtsh_history');
  let history: string[] = [];
  try {
    history = readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_MAX);
  } catch {
    // no history yet
  }
  const appendHistory = (line: string) => {
    history.push(line);
    try {
      appendFileSync(file, line.replace(/\n/g, ' ') + '\n', { mode: 0o600 });
    } catch {
      // a read-only home keeps history for this session only
    }
  };
  let resolve!: (n: number) => void;
  const done = new Promise<number>((r) => (resolve = r));
  const app = render(
    <App shell={shell} output={output} history={history} appendHistory={appendHistory} theme={theme} onExit={() => resolve(0)} />,
    { exitOnCtrlC: false },
  );
  const status = await done;
  if (partial) lines.push(partial);
  await new Promise((r) => setTimeout(r, 80));
  app.unmount();
  return status;
}
