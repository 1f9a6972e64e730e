// Builds the C trigger program once per test run (gcc) and returns its path.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

let built: string | undefined;

export function triggerPath(): string {
  if (built) return built;
  const src = resolve('test/fixtures/trigger.c');
  const dir = join(tmpdir(), 'dtsh-test');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `trigger-${statSync(src).mtimeMs}`);
  if (!existsSync(out)) execFileSync('gcc', ['-O2', '-o', out, src]);
  built = out;
  return out;
}
