// dtsh's terminal UI in a real terminal (tmux): Tab completion, output streaming in while a line is
// being typed, Ctrl-C pausing the trace rather than ending the shell, history, Ctrl-D quitting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DTSH } from '../../helpers/run.js';
import { triggerPath } from '../../helpers/trigger.js';
import { kernelTest } from '../../kernel-gate.js';

const tmuxMissing = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tmux is not installed';
  }
})();

class Term {
  private readonly name = `dtsh-test-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  readonly history: string;

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'dtsh-ui-'));
    this.history = join(dir, 'history');
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', '200', '-y', '50',
      `env -u NODE_TEST_CONTEXT DTSH_HISTORY=${this.history} ${process.execPath} ${DTSH}`]);
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  screen(): string {
    try {
      return execFileSync('tmux', ['capture-pane', '-p', '-S', '-', '-t', this.name], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }

  async waitFor(re: RegExp, ms = 20000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.screen();
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

test('the terminal UI: completion, live output while typing, Ctrl-C, history, Ctrl-D', { ...kernelTest(), ...(tmuxMissing ? { skip: tmuxMissing } : {}) }, async () => {
  const t = new Term();
  try {
    await t.waitFor(/dtsh>/);
    // Tab completes a dot-command, then a probe function with its match count shown when ambiguous
    t.type('.lo');
    t.keys('Tab');
    await t.waitFor(/dtsh> \.load/);
    t.keys('Enter');
    await t.waitFor(/Probes available: \d+/);
    t.type('.probe syscall::getpp');
    t.keys('Tab');
    await t.waitFor(/dtsh> \.probe syscall::getppid:/);
    t.keys('C-u');

    // a gated trigger: its pid goes in the predicate, then it runs while a line is half typed
    const child = spawn('/bin/sh', ['-c', `read _g; exec ${triggerPath()} pause 6 150`], { stdio: ['pipe', 'ignore', 'ignore'] });
    t.type(`syscall::getppid:entry /pid == ${child.pid}/ { printf("tick %d\\n", pid); }`);
    t.keys('Enter');
    await t.waitFor(/matched 1 probe/);
    t.type('.enab');
    child.stdin!.end('\n');
    const screen = await t.waitFor(/(tick \d+[\s\S]*){3}/);
    // the half-typed line is still on the prompt below the output
    assert.match(screen.trimEnd().split('\n').at(-1)!, /dtsh> \.enab/);
    // the live region shows the enabling with its firing count
    await t.waitFor(/tracing 1:syscall::getppid:entry \d+/);

    // Ctrl-C drops the half-typed line, a second one pauses the trace; the shell stays up
    t.keys('C-c');
    await t.waitFor(/\^C\n/);
    t.keys('C-c');
    await t.waitFor(/paused \(\.go resumes/);
    assert.ok(t.alive());

    // history: Up brings back the clause
    t.keys('Up');
    await t.waitFor(/dtsh> syscall::getppid:entry \/pid == \d+\/ \{ printf/);
    t.keys('C-u');

    t.keys('C-d');
    const end = Date.now() + 15000;
    while (t.alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.ok(!t.alive(), 'Ctrl-D ends the shell');
    assert.match(readFileSync(t.history, 'utf8'), /^\.load\nsyscall::getppid:entry/m);
  } finally {
    t.kill();
  }
});
