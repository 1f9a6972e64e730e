// Colours of the terminal UI: chalk on a TTY, none when NO_COLOR is set or output is not a terminal.
import { Chalk } from 'chalk';

export interface Theme {
  prompt(s: string): string;
  dim(s: string): string;
  error(s: string): string;
  count(s: string): string;
}

export function makeTheme(tty: boolean, env: NodeJS.ProcessEnv = process.env): Theme {
  const level = tty && !('NO_COLOR' in env) ? 1 : 0;
  const c = new Chalk({ level });
  return {
    prompt: (s) => c.bold.cyan(s),
    dim: (s) => c.dim(s),
    error: (s) => c.red(s),
    count: (s) => c.yellow(s),
  };
}
