/**
 * One static file as an HTTP response, streamed: a file of any size is sent in 64 KiB pieces with the
 * socket's back-pressure (never read whole), a single `Range: bytes=…` is honoured (206, or 416 when
 * unsatisfiable), and at most MAX_STREAMS responses stream at once (503 beyond), so the server's memory
 * is bounded by MAX_STREAMS × the stream buffer whatever the files and the number of clients.
 */
import { closeSync, constants, createReadStream, fstatSync, openSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export const MAX_STREAMS = 16;
const CHUNK = 64 * 1024;
let active = 0;

/** The byte range [start, end] a Range header asks for in a file of `size` bytes; null: the whole file; 'bad': 416. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (header === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return m ? 'bad' : null; // several ranges or another unit: send it all
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'bad';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'bad';
  return { start, end };
}

/** Send `path` (a regular file; anything else is 404) with `headers`; returns at once, the body streams. */
export function sendFile(req: IncomingMessage, res: ServerResponse, path: string, headers: OutgoingHttpHeaders): void {
  let fd: number;
  let size: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) {
      closeSync(fd);
      res.writeHead(404, headers).end();
      return;
    }
    size = st.size;
  } catch {
    res.writeHead(404, headers).end();
    return;
  }
  const range = parseRange(req.headers.range, size);
  if (range === 'bad') {
    closeSync(fd);
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const head: OutgoingHttpHeaders = {
    ...headers,
    'accept-ranges': 'bytes',
    'content-length': Math.max(0, end - start + 1),
  };
  if (range) head['content-range'] = `bytes ${start}-${end}/${size}`;
  if (req.method === 'HEAD' || size === 0) {
    closeSync(fd);
    res.writeHead(range ? 206 : 200, head).end();
    return;
  }
  if (active >= MAX_STREAMS) {
    closeSync(fd);
    res.writeHead(503, { ...headers, 'retry-after': '1' }).end();
    return;
  }
  active++;
  let released = false;
  const release = (): void => {
    if (!released) {
      released = true;
      active--;
    }
  };
  res.writeHead(range ? 206 : 200, head);
  const stream = createReadStream('', { fd, start, end, highWaterMark: CHUNK, autoClose: true });
  stream.on('error', () => {
    release();
    res.destroy();
  });
  stream.on('close', release);
  res.on('close', () => {
    release();
    stream.destroy();
  });
  stream.pipe(res);
}
