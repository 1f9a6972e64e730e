// dtsh's terminal UI in a real terminal (tmux): Tab completion, output streaming in while a line is
// being typed, Ctrl-C pausing the trace rather than ending the shell, history, Ctrl-D quitting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Term, tmuxMissing } from '../../helpers/tmux.js';
import { triggerPath } from '../../helpers/trigger.js';
import { kernelTest } from '../../kernel-gate.js';

test('the terminal UI: completion, live output while typing, Ctrl-C, history, Ctrl-D', { ...kernelTest(), ...(tmuxMissing ? { skip: tmuxMissing } : {}) }, async () => {
  const t = new Term(200, 50);
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
