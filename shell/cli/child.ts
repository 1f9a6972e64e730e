// `-c CMD`: the command is started held at a gate, so its pid is $target before probes attach;
// opening the gate lets it exec the command.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

export interface GatedChild {
  pid: number;
  child: ChildProcess;
  /** Lets the command run. */
  release(): void;
  /** Resolves with the exit status (or 128 + signal) when the command exits. */
  exited: Promise<number>;
}

/** Starts `sh -c 'read gate; exec CMD'`: the shell's pid becomes the command's pid at exec. */
export function startGated(command: string): GatedChild {
  const child = spawn('/bin/sh', ['-c', `read _dtsh_gate <&3; exec 3<&-; exec ${command}`], {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`failed to execute ${command}`);
  const gate = child.stdio[3] as Writable;
  gate.on('error', () => {});
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? osSignal(signal) : 0)));
  });
  return {
    pid: child.pid,
    child,
    release: () => gate.end('\n'),
    exited,
  };
}

function osSignal(name: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 } as Record<string, number>)[name] ?? 0;
}

/** Resolves when process `pid` (not our child) exits, polling. */
export function waitForPid(pid: number, intervalMs = 200): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      try {
        process.kill(pid, 0);
      } catch {
        clearInterval(t);
        resolve();
      }
    }, intervalMs);
  });
}
