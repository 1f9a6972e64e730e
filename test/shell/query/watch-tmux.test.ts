// .watch in the terminal UI, in a real terminal (tmux): the result redraws in place in the live region
// while the aggregation grows, Ctrl-C stops it (the shell stays), Tab completes inside .query.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Term, tmuxMissing } from '../../helpers/tmux.js';
import { triggerPath } from '../../helpers/trigger.js';
import { kernelTest } from '../../kernel-gate.js';

test('.watch redraws in the live region until Ctrl-C; Tab completes inside .query', { ...kernelTest(), ...(tmuxMissing ? { skip: tmuxMissing } : {}) }, async () => {
  const t = new Term(160, 45);
  try {
    await t.waitFor(/dtsh>/);
    const child = spawn('/bin/sh', ['-c', `read _g; exec ${triggerPath()} pause 15 120`], { stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    t.type(`syscall::getppid:entry /pid == ${child.pid}/ { @ticks[probefunc] = count(); }`);
    t.keys('Enter');
    await t.waitFor(/matched 1 probe/);

    t.type('.watch 0.2 @ticks');
    t.keys('Enter');
    await t.waitFor(/Every 0\.2s: @ticks {2}\(\d+\)\n\[\]/);
    child.stdin!.end('\n');
    // the count grows while the trigger runs, frame after frame, in place
    await t.waitFor(/│ getppid │ +[1-9]\d* │/);
    await exited;
    const screen = await t.waitFor(/│ getppid │ +15 │/, 20000, false);
    assert.equal(screen.match(/Every 0\.2s/g)?.length, 1, `one frame on the screen at a time:\n${screen}`);
    const n1 = Number(/Every 0\.2s: @ticks {2}\((\d+)\)/.exec(screen)![1]);
    const later = await t.waitFor(new RegExp(`Every 0\\.2s: @ticks {2}\\((?!${n1}\\))\\d+\\)`), 5000, false);
    assert.ok(Number(/\((\d+)\)/.exec(later.slice(later.indexOf('Every')))![1]) > n1, 'the frame number goes on');
    assert.match(t.screen(true), /tracing 1:syscall::getppid:entry 15/);

    // Ctrl-C stops the watch (its last frame stays above); the shell goes on
    t.keys('C-c');
    await t.waitFor(/\.watch stopped/);
    assert.ok(t.alive());
    t.type('.query $sum(@ticks.value) * 2');
    t.keys('Enter');
    await t.waitFor(/\n30\n/);
    assert.doesNotMatch(t.screen(true), /paused \(\.go resumes/, 'the Ctrl-C went to the watch, not the trace');

    // Tab inside .query: aggregation names, then an entry's fields
    // (each Tab once the text before it is on the screen: a key arriving with text is read as text)
    t.type('.query @ti');
    await t.waitFor(/dtsh> \.query @ti\s*$/, 20000, false);
    t.keys('Tab');
    await t.waitFor(/dtsh> \.query @ticks/);
    t.type('.va');
    await t.waitFor(/dtsh> \.query @ticks\.va\s*$/, 20000, false);
    t.keys('Tab');
    await t.waitFor(/dtsh> \.query @ticks\.value/);
    t.keys('Enter');
    await t.waitFor(/\n15\n/);

    t.keys('C-d');
    const end = Date.now() + 15000;
    while (t.alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.ok(!t.alive(), 'Ctrl-D ends the shell');
  } finally {
    t.kill();
  }
});
