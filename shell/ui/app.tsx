// The terminal UI: finished output scrolls above (ink <Static>); below, the live region with the enabled
// clauses and their firing counts, drop and error counters, completions, and the prompt being edited.
import React, { useEffect, useRef, useState } from 'react';
import { Box, Static, Text, useApp, useInput } from 'ink';
import type { Shell } from '../repl/shell.js';
import { completeLine } from '../../completions/line.js';
import { ProbeIndex } from '../../completions/probe-index.js';
import { edit, emptyEditor, type EditKey, type EditorState } from './line-editor.js';
import type { Theme } from './theme.js';

export interface AppProps {
  shell: Shell;
  /** Output written by the shell, drained by the UI; lines are appended here by the caller. */
  output: { lines: string[]; partial: string; subscribe(cb: () => void): () => void };
  history: string[];
  appendHistory(line: string): void;
  theme: Theme;
  onExit(): void;
}

interface Status {
  enabled: { id: number; desc: string; firings: string; on: boolean }[];
  paused: boolean;
}

let nextKey = 0;

export function App({ shell, output, history, appendHistory, theme, onExit }: AppProps): React.JSX.Element {
  const { exit } = useApp();
  const [done, setDone] = useState<{ key: number; text: string }[]>([]);
  const [editor, setEditor] = useState<EditorState>(emptyEditor(history.length));
  const [hints, setHints] = useState<string[]>([]);
  const [status, setStatus] = useState<Status>({ enabled: [], paused: false });
  const [busy, setBusy] = useState(false);
  // .watch: the command draws its latest result in the live region through ctx.showLive
  const [watchText, setWatchText] = useState<string | undefined>(undefined);
  useEffect(() => {
    shell.ctx.showLive = (t) => setWatchText(t === undefined ? undefined : t.replace(/\n$/, ''));
    return () => {
      shell.ctx.showLive = undefined;
    };
  }, [shell]);
  const index = useRef<{ table: unknown; index: ProbeIndex } | undefined>(undefined);

  // Output streams in while the user types: finished lines move to <Static> every 50 ms.
  useEffect(() => {
    const flush = () => {
      if (!output.lines.length) return;
      const lines = output.lines.splice(0);
      setDone((d) => [...d, ...lines.map((text) => ({ key: nextKey++, text }))].slice(-5000));
    };
    const t = setInterval(flush, 50);
    const unsub = output.subscribe(() => undefined);
    return () => {
      clearInterval(t);
      unsub();
    };
  }, [output]);

  // The live region's counters refresh twice a second.
  useEffect(() => {
    const t = setInterval(() => {
      const live = shell.ctx.live;
      if (!live) return;
      setStatus({
        paused: live.paused,
        enabled: live.enablings.map((e) => ({ id: e.id, desc: e.descs.join(','), firings: String(live.firings(e)), on: e.enabled })),
      });
    }, 500);
    return () => clearInterval(t);
  }, [shell]);

  let pendingAt: Promise<void> | undefined;
  const submit = async (line: string) => {
    pendingAt = queue.current;
    setBusy(true);
    output.lines.push(`${shell.continuing ? theme.dim('...   ') : theme.prompt('dtsh> ')}${line}`);
    if (line.trim()) appendHistory(line);
    await shell.feed(line);
    // a clause without braces waits a moment for a `{` or `/` line (pastes), then runs
    if (shell.hasTentative) {
      await new Promise((r) => setTimeout(r, 150));
      if (shell.hasTentative && queue.current === pendingAt) await shell.flush();
    }
    setBusy(false);
    if (shell.done) {
      await shell.close();
      onExit();
      exit();
    }
  };

  const complete = (s: EditorState): EditorState => {
    const ctx = shell.ctx;
    if (ctx.driver && index.current?.table !== ctx.driver.table) {
      index.current = { table: ctx.driver.table, index: ProbeIndex.build(ctx.driver.table.all()) };
    }
    const c = completeLine(s.text, s.cursor, {
      commands: ctx.commands,
      probes: index.current?.index,
      names: { aggregations: ctx.live?.aggregationNames() ?? [] },
      aggregationFns: Object.fromEntries([...(ctx.live?.running?.aggs ?? [])].map(([n, p]) => [n, p.fn])),
      cwd: ctx.cwd,
      limit: 50,
    });
    if (!c.candidates.length) return s;
    const insert = c.candidates.length === 1 ? c.candidates[0].text : c.common;
    setHints(c.candidates.length > 1 ? c.candidates.slice(0, 12).map((x) => (x.count !== undefined ? `${x.text} (${x.count})` : x.text)).concat(c.total > 12 ? [`… ${c.total} in all`] : []) : []);
    const text = s.text.slice(0, c.replaceFrom) + insert + s.text.slice(c.replaceTo);
    return { ...s, text, cursor: c.replaceFrom + insert.length };
  };

  const queue = useRef(Promise.resolve());
  useInput((input, key) => {
    if (/[\r\n]/.test(input) && input.length > 1) {
      // a paste of several lines: each complete line runs in order, the last part stays on the prompt
      const lines = (editor.text + input).split(/\r\n|\r|\n/);
      const last = lines.pop() ?? '';
      for (const l of lines) queue.current = queue.current.then(() => submit(l));
      setHints([]);
      setEditor({ ...emptyEditor(history.length + lines.length), text: last, cursor: last.length });
      return;
    }
    if (key.ctrl && input === 'd') {
      if (editor.text) return;
      void (async () => {
        await shell.close();
        onExit();
        exit();
      })();
      return;
    }
    if (key.ctrl && input === 'c') {
      // Ctrl-C never ends the shell: it drops the line being typed, or pauses the running trace.
      if (!editor.text && shell.ctx.watch) {
        // .watch runs until Ctrl-C
        shell.ctx.watch.stop();
        output.lines.push(theme.dim('^C  .watch stopped'));
      } else if (editor.text || shell.continuing) {
        shell.cancelPending();
        setEditor(emptyEditor(history.length));
        output.lines.push(theme.dim('^C'));
      } else if (shell.ctx.live?.enablings.some((e) => e.enabled) && !shell.ctx.live.paused) {
        shell.ctx.live.pause(true);
        output.lines.push(theme.dim('^C  paused (.go resumes, Ctrl-D quits)'));
      }
      return;
    }
    if (key.return) {
      const line = editor.text;
      setEditor(emptyEditor(history.length + (line.trim() ? 1 : 0)));
      setHints([]);
      queue.current = queue.current.then(() => submit(line));
      return;
    }
    if (key.tab) {
      setEditor((s) => complete(s));
      return;
    }
    const k = toEditKey(input, key);
    if (k) setEditor((s) => edit(s, k, history));
  });

  const live = status.enabled;
  return (
    <>
      <Static items={done}>{(l) => <Text key={l.key}>{l.text}</Text>}</Static>
      <Box flexDirection="column">
        {watchText !== undefined && <Text>{watchText}</Text>}
        {live.length > 0 && (
          <Text>
            {theme.dim(status.paused ? 'paused ' : 'tracing ')}
            {live.map((e) => `${e.on ? '' : '(off) '}${e.id}:${e.desc} ${theme.count(e.firings)}`).join('  ')}
          </Text>
        )}
        {hints.length > 0 && <Text>{theme.dim(hints.join('  '))}</Text>}
        <Text>
          {editor.search ? theme.dim(`(reverse-i-search)'${editor.search.query}': `) : shell.continuing ? theme.dim('...   ') : theme.prompt('dtsh> ')}
          {editor.text.slice(0, editor.cursor)}
          <Text inverse>{editor.text[editor.cursor] ?? ' '}</Text>
          {editor.text.slice(editor.cursor + 1)}
          {busy ? theme.dim('  …') : ''}
        </Text>
      </Box>
    </>
  );
}

type InkKey = Parameters<Parameters<typeof useInput>[0]>[1];

/** readline's keys: arrows, Home/End, Ctrl-A/E/B/F, Ctrl-W/U/K, Ctrl-R, Meta-B/F, Backspace/Delete. */
export function toEditKey(input: string, key: InkKey): EditKey | undefined {
  if (key.upArrow) return { kind: 'up' };
  if (key.downArrow) return { kind: 'down' };
  if (key.leftArrow) return { kind: key.ctrl || key.meta ? 'wordLeft' : 'left' };
  if (key.rightArrow) return { kind: key.ctrl || key.meta ? 'wordRight' : 'right' };
  if (key.backspace) return { kind: 'backspace' };
  if (key.delete) return { kind: 'backspace' };
  if (key.escape) return { kind: 'cancelSearch' };
  if (key.ctrl) {
    switch (input) {
      case 'a': return { kind: 'home' };
      case 'e': return { kind: 'end' };
      case 'b': return { kind: 'left' };
      case 'f': return { kind: 'right' };
      case 'w': return { kind: 'killWord' };
      case 'u': return { kind: 'killLine' };
      case 'k': return { kind: 'killToEnd' };
      case 'r': return { kind: 'search' };
      case 'g': return { kind: 'cancelSearch' };
      case 'p': return { kind: 'up' };
      case 'n': return { kind: 'down' };
      default: return undefined;
    }
  }
  if (key.meta && input === 'b') return { kind: 'wordLeft' };
  if (key.meta && input === 'f') return { kind: 'wordRight' };
  if (input && !key.meta) return { kind: 'insert', text: input.replace(/\r?\n/g, ' ') };
  return undefined;
}
