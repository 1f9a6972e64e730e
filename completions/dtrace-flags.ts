// The dtrace command's flags and -x option names, as completion offers them (dtrace.bash and dtrace.zsh list the same).

export interface DtraceFlag {
  flag: string;
  /** What the flag's argument is, when it takes one. */
  arg?: 'probe' | 'provider' | 'module' | 'function' | 'id' | 'script' | 'command' | 'pid' | 'file' | 'option' | 'size' | 'format';
  help: string;
}

export const DTRACE_FLAGS: readonly DtraceFlag[] = [
  { flag: '-b', arg: 'size', help: 'set trace buffer size' },
  { flag: '-C', help: 'run cpp(1) preprocessor on script files' },
  { flag: '-c', arg: 'command', help: 'run specified command and exit upon its completion' },
  { flag: '-e', help: 'exit after compiling request but prior to enabling probes' },
  { flag: '-F', help: 'coalesce trace output by function' },
  { flag: '-f', arg: 'function', help: 'enable or list probes matching the specified function name' },
  { flag: '-H', help: 'print included files when invoking preprocessor' },
  { flag: '-h', help: 'generate a header file with definitions for static probes' },
  { flag: '-i', arg: 'id', help: 'enable or list probes matching the specified probe id' },
  { flag: '-l', help: 'list probes matching specified criteria' },
  { flag: '-m', arg: 'module', help: 'enable or list probes matching the specified module name' },
  { flag: '-n', arg: 'probe', help: 'enable or list probes matching the specified probe name' },
  { flag: '-o', arg: 'file', help: 'set output file' },
  { flag: '-O', arg: 'format', help: 'set output format (json, json-doc, text)' },
  { flag: '-P', arg: 'provider', help: 'enable or list probes matching the specified provider name' },
  { flag: '-p', arg: 'pid', help: 'grab specified process-ID and cache its symbol tables' },
  { flag: '-q', help: 'set quiet mode (only output explicitly traced data)' },
  { flag: '-S', help: 'print D compiler intermediate code' },
  { flag: '-s', arg: 'script', help: 'enable or list probes for the specified D program' },
  { flag: '-V', help: 'report DTrace API version' },
  { flag: '-v', help: 'set verbose mode (report stability attributes, arguments)' },
  { flag: '-w', help: 'permit destructive actions' },
  { flag: '-x', arg: 'option', help: 'enable or modify compiler and tracing options' },
  { flag: '-Z', help: 'permit probe descriptions that match zero probes' },
];

/** Names accepted by `-x NAME[=VALUE]` that completion offers. */
export const DTRACE_OPTIONS: readonly string[] = [
  'aggpercpu', 'aggrate', 'aggsize', 'aggsortkey', 'aggsortkeypos', 'aggsortpos', 'aggsortrev', 'bufsize',
  'dynvarsize', 'maxprobes', 'oformat', 'quiet', 'strsize', 'switchrate', 'verbose',
];

/** The formats `-O` (and `-x oformat=`) take. */
export const OUTPUT_FORMATS: readonly string[] = ['json', 'json-doc', 'text'];

/** The flag (without `-`) → its argument kind, for flags that take one. */
export const FLAG_ARGS: ReadonlyMap<string, NonNullable<DtraceFlag['arg']>> = new Map(
  DTRACE_FLAGS.filter((f) => f.arg).map((f) => [f.flag.slice(1), f.arg as NonNullable<DtraceFlag['arg']>]),
);
