// dtsh in a real terminal for UI tests: a tmux session to type into and read the screen of.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DTSH } from './run.js';

/** Why UI tests cannot run here (tmux missing), or undefined. */
export const tmuxMissing = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tmux is not installed';
  }
})();

export class Term {
  private readonly name = `dtsh-test-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  /** The history file the shell writes. */
  readonly history: string;

  constructor(width = 200, height = 50) {
    this.history = join(mkdtempSync(join(tmpdir(), 'dtsh-ui-')), 'history');
    // NODE_TEST_CONTEXT would make the shell's node behave as a test runner's child; CI=true as in CI
    // runs, where the UI must still draw (ink draws nothing when it sees CI set)
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', String(width), '-y', String(height),
      `env -u NODE_TEST_CONTEXT CI=true DTSH_HISTORY=${this.history} ${process.execPath} ${DTSH}`]);
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  /** The screen with its scrollback, or only what is visible. */
  screen(all = true): string {
    try {
      return execFileSync('tmux', ['capture-pane', '-p', ...(all ? ['-S', '-'] : []), '-t', this.name], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }

  async waitFor(re: RegExp, ms = 20000, all = true): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.screen(all);
      if (re.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  alive(): boolean {
    try {
      execFileSync('tmux', ['has-session', '-t', this.name], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
