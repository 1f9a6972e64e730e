// The bash and zsh completion scripts, run on a fake `dtrace -l` that lists the fixture table.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeListing } from '../../shell/engine/list.js';
import { probeName } from '../../kmod/probes/probe.js';
import { DTRACE_FLAGS, DTRACE_OPTIONS } from '../../completions/dtrace-flags.js';
import { ProbeIndex } from '../../completions/probe-index.js';
import { fixtureTable } from './fixture.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const BASH_SCRIPT = join(root, 'completions', 'dtrace.bash');
const ZSH_SCRIPT = join(root, 'completions', 'dtrace.zsh');
const table = fixtureTable();
let dir = '';
let cache = '';
let calls = '';

function has(shell: string): boolean {
  return spawnSync(shell, ['-c', 'exit 0']).status === 0;
}

function env(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), DTSH_DTRACE: join(dir, 'fake-dtrace') };
}

/** COMPREPLY after `_dtrace` in bash, once `setup` has set COMP_WORDS and the rest. */
function bash(setup: string): string[] {
  const r = spawnSync('bash', ['-c', `source '${BASH_SCRIPT}'; ${setup}; _dtrace; printf '%s\\n' "\${COMPREPLY[@]}"`], {
    env: env(), cwd: dir, encoding: 'utf8',
  });
  assert.equal(r.stderr, '');
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** Completes `words` (the last being completed) the way the tests in the brief do. */
const words = (...w: string[]) => bash(`COMP_WORDS=(${w.map((x) => `'${x}'`).join(' ')}); COMP_CWORD=${w.length - 1}`);

/** As bash does when Tab is pressed: COMP_LINE and COMP_POINT, and COMP_WORDS split at ':' too. */
function line(text: string): string[] {
  const split = text.replace(/:+/g, ' $& ').trim().split(/\s+/);
  const cw = text.endsWith(' ') ? [...split, ''] : split;
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return bash(`COMP_LINE=${q(text)}; COMP_POINT=${text.length}; COMP_WORDS=(${cw.map(q).join(' ')}); COMP_CWORD=${cw.length - 1}`);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dtsh-shell-'));
  let listing = '';
  writeListing(table.all(), (s) => (listing += s));
  writeFileSync(join(dir, 'listing'), listing);
  calls = join(dir, 'calls');
  writeFileSync(join(dir, 'fake-dtrace'), `#!/bin/sh\necho "$*" >> '${calls}'\n[ "$1" = -l ] && cat '${join(dir, 'listing')}'\n`);
  chmodSync(join(dir, 'fake-dtrace'), 0o755);
  cache = join(dir, 'cache', 'dtsh', 'probes');
  mkdirSync(join(dir, 'scripts'));
  for (const f of ['opens.d', 'reads.d', 'notes.txt']) writeFileSync(join(dir, 'scripts', f), '');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('dtrace.bash', { skip: has('bash') ? undefined : 'bash is not installed' }, () => {
  test('-x completes option names', () => {
    assert.deepEqual(words('dtrace', '-x', 'str'), ['strsize']);
    assert.deepEqual(words('dtrace', '-x', 'aggsort'), ['aggsortkey', 'aggsortkeypos', 'aggsortpos', 'aggsortrev']);
    assert.deepEqual(words('dtrace', '-x', 'bufsize=4'), []);
    assert.deepEqual(words('dtsh', '-qx', 'sw'), ['switchrate']);
  });

  test('flags', () => {
    assert.deepEqual(words('dtrace', '-'), DTRACE_FLAGS.map((f) => f.flag));
    assert.deepEqual(words('dtrace', '-Z'), ['-Z']);
    assert.deepEqual(words('dtrace', '-O', 'json'), ['json', 'json-doc']);
    assert.deepEqual(words('dtrace', '-qO', 't'), ['text']);
  });

  test('the flag and option lists are the ones dtrace-flags.ts gives', () => {
    const text = readFileSync(BASH_SCRIPT, 'utf8');
    assert.equal(/_dtrace_flags='([^']*)'/.exec(text)?.[1], DTRACE_FLAGS.map((f) => f.flag).join(' '));
    assert.equal(/_dtrace_options='([^']*)'/.exec(text)?.[1], DTRACE_OPTIONS.join(' '));
  });

  test('-s completes .d scripts and directories', () => {
    assert.deepEqual(words('dtrace', '-s', 'scripts/').sort(), ['scripts/opens.d', 'scripts/reads.d']);
    assert.deepEqual(words('dtrace', '-s', 'scr'), ['scripts/']);
  });

  test('the first probe completion lists the probes once into the cache', () => {
    rmSync(join(dir, 'cache'), { recursive: true, force: true });
    rmSync(calls, { force: true });
    assert.deepEqual(words('dtrace', '-n', 'sys'), ['syscall:']);
    assert.deepEqual(readFileSync(cache, 'utf8').trimEnd().split('\n'), table.all().map(probeName));
    words('dtrace', '-n', 'fbt:');
    assert.equal(readFileSync(calls, 'utf8'), '-l\n', 'listed once');
    const old = Date.now() / 1000 - 2 * 86400;
    utimesSync(cache, old, old);
    words('dtrace', '-n', 'fbt:');
    assert.equal(readFileSync(calls, 'utf8'), '-l\n-l\n', 'listed again when a day old');
  });

  test('probe descriptions after -n, field by field', () => {
    assert.deepEqual(words('dtrace', '-n', 'syscall::open'), [
      'syscall::open:', 'syscall::open_by_handle_at:', 'syscall::open_tree:', 'syscall::open_tree_attr:',
      'syscall::openat:', 'syscall::openat2:',
    ]);
    assert.deepEqual(words('dtrace', '-n', 'syscall::openat:'), ['syscall::openat:entry', 'syscall::openat:return']);
    assert.deepEqual(words('dtrace', '-n', 'sdt:sched::sched_sw'), ['sdt:sched::sched_swap_numa', 'sdt:sched::sched_switch']);
    assert.deepEqual(words('dtrace', '-n', 'fbt::vfs_*:'), ['fbt::vfs_*:entry', 'fbt::vfs_*:return']);
    assert.deepEqual(words('dtrace', '-n', 'fbt:kernel:vfs_rea'), ['fbt:kernel:vfs_read:', 'fbt:kernel:vfs_readlink:', 'fbt:kernel:vfs_readv:']);
    assert.deepEqual(words('dtrace', '-n', 'BEG'), ['BEGIN']);
    assert.deepEqual(words('dtrace', '-l', '-n', 'fbt::init_once:'), ['fbt::init_once:entry', 'fbt::init_once:return']);
    assert.deepEqual(words('dtrace', '-ln', 'fbt:x'), ['fbt:xfs:']);
    assert.deepEqual(words('dtrace', '-nsyscall::openat:'), ['-nsyscall::openat:entry', '-nsyscall::openat:return']);
  });

  test('-P, -m and -f stop at their field', () => {
    assert.deepEqual(words('dtrace', '-P', 's'), ['syscall', 'sdt']);
    assert.deepEqual(words('dtrace', '-m', 'fbt:ex'), ['fbt:ext4']);
    assert.deepEqual(words('dtrace', '-m', 'ex'), ['ext4']);
    assert.deepEqual(words('dtrace', '-f', 'vfs_rea'), ['vfs_read', 'vfs_readlink', 'vfs_readv']);
  });

  test('the same candidates as the probe index', () => {
    const index = ProbeIndex.build(table.all());
    for (const p of ['s', 'syscall:', 'syscall::read', 'fbt:', 'fbt::vfs_', 'fbt:ext4:', 'sdt:irq::', 'fbt::vfs_*:', 'syscall:*:open']) {
      const want = index.complete(p, { limit: Infinity }).candidates.map((c) => c.text).sort();
      assert.deepEqual(words('dtrace', '-n', p).sort(), want, p);
    }
  });

  test('on a real command line, replies replace only what follows the last ":" (bash splits words there)', () => {
    assert.deepEqual(line('dtrace -n syscall::openat'), ['openat:', 'openat2:']);
    assert.deepEqual(line('dtrace -n sdt:sched:'), [':']);
    assert.deepEqual(line('dtrace -x str'), ['strsize']);
    assert.deepEqual(line('dtrace -lnfbt::vfs_readl'), ['vfs_readlink:']);
  });

  test('a quoted argument is not split: replies replace all of it after the quote', () => {
    const q = bash(`COMP_LINE="dtrace -n 'syscall::openat:e"; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=(dtrace -n "'syscall::openat:e"); COMP_CWORD=2`);
    assert.deepEqual(q, ['syscall::openat:entry']);
  });

  test('nothing where nothing is known', () => {
    assert.deepEqual(words('dtrace', '-i', '1'), []);
    assert.deepEqual(words('dtrace', '-n', 'BEGIN', 'x'), []);
  });
});

describe('dtrace.zsh', { skip: has('zsh') ? undefined : 'zsh is not installed' }, () => {
  /** What `_dtrace_probes` (or another helper) passes to compadd, one call a line. */
  function zsh(body: string): string[] {
    const r = spawnSync('zsh', ['-f', '-c', `compdef() { :; }; source '${ZSH_SCRIPT}'; compadd() { print -r -- "$*" }; ${body}`], {
      env: env(), cwd: dir, encoding: 'utf8',
    });
    assert.equal(r.stderr, '');
    return r.stdout.split('\n').filter((l) => l !== '');
  }

  test('the script parses', () => {
    assert.equal(spawnSync('zsh', ['-n', ZSH_SCRIPT]).status, 0);
  });

  test('probe descriptions: open ones without a suffix, complete ones with one', () => {
    assert.deepEqual(zsh(`PREFIX=syscall::openat; _dtrace_probes -J -default- 4`), ["-J -default- -S  -- syscall::openat: syscall::openat2:"]);
    assert.deepEqual(zsh(`PREFIX=syscall::openat:; _dtrace_probes 4`), ['-- syscall::openat:entry syscall::openat:return']);
    assert.deepEqual(zsh(`PREFIX='fbt::vfs_\\*:r'; _dtrace_probes 4`), ['-- fbt::vfs_*:return']);
    assert.deepEqual(zsh(`PREFIX=vfs_rea; _dtrace_probes 3`), ['-- vfs_read vfs_readlink vfs_readv']);
    assert.deepEqual(zsh(`PREFIX=BEG; _dtrace_probes 4`), ['-- BEGIN']);
  });

  test('-x option names', () => {
    assert.deepEqual(zsh(`PREFIX=str; _dtrace_xopts`), ['-a _dtrace_options']);
    assert.deepEqual(zsh(`print -r -- $_dtrace_options`), [DTRACE_OPTIONS.join(' ')]);
  });

  test('every flag dtrace-flags.ts lists has an _arguments spec', () => {
    const text = readFileSync(ZSH_SCRIPT, 'utf8');
    const specs = [...text.matchAll(/^ {4}'\*?(-[A-Za-z])\+?\[/gm)].map((m) => m[1]);
    assert.deepEqual(specs, DTRACE_FLAGS.map((f) => f.flag));
  });

  test('the cache is shared with bash', () => {
    assert.ok(existsSync(cache));
    assert.deepEqual(zsh(`_dtrace_probe_cache`), [cache]);
  });
});
