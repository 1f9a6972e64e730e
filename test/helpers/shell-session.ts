// A dtsh process in line mode driven line by line: write, wait for output, read the transcript.
import { spawn, type ChildProcess } from 'node:child_process';
import { DTSH } from './run.js';

export class ShellSession {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  private closed: Promise<number | null>;

  constructor() {
    this.child = spawn(process.execPath, [DTSH], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => (this.stdout += d));
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.closed = new Promise((r) => this.child.on('close', (code) => r(code)));
  }

  send(line: string): void {
    this.child.stdin!.write(line + '\n');
  }

  /** Waits until stdout+stderr match `re` (counting from `from` characters of each). */
  async waitFor(re: RegExp, ms = 20000): Promise<void> {
    const end = Date.now() + ms;
    while (!re.test(this.stdout) && !re.test(this.stderr)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async end(): Promise<number | null> {
    this.child.stdin!.end();
    return this.closed;
  }
}
