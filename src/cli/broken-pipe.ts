/**
 * `flatlab … | head` closes the pipe before the output ends: the reader has what it wanted, so a
 * broken pipe (EPIPE) ends the process quietly instead of throwing an unhandled 'error' event.
 */
export function quietOnBrokenPipe(): void {
  for (const s of [process.stdout, process.stderr]) {
    if (s.listenerCount('error') > 0) continue;
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
}
