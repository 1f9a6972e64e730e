// Exits once standard output and error have been flushed (large outputs to pipes are written asynchronously).
export function exitAfterFlush(status: number): void {
  let waiting = 2;
  const done = () => {
    if (--waiting === 0) process.exit(status);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
