/** A loopback HTTP server for tests (127.0.0.1 only): serves files from memory, with or without Range support. */
import { createServer, type Server } from 'node:http';

export interface TestServer {
  url: string;
  /** Requests seen: "METHOD path range". */
  log: string[];
  close(): Promise<void>;
}

export async function serveFiles(files: Map<string, Uint8Array>, opts: { ranges: boolean }): Promise<TestServer> {
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] as string).replace(/^\/+/, '');
    const range = req.headers.range;
    log.push(`${req.method} /${path}${range ? ` ${range}` : ''}`);
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const head = { 'Content-Type': 'application/octet-stream', ...(opts.ranges ? { 'Accept-Ranges': 'bytes' } : {}) };
    const m = opts.ranges && range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null;
    if (m) {
      let start = m[1] === '' ? body.length - Number(m[2]) : Number(m[1]);
      let end = m[1] === '' || m[2] === '' ? body.length - 1 : Number(m[2]);
      start = Math.max(0, start);
      end = Math.min(end, body.length - 1);
      res.writeHead(206, {
        ...head,
        'Content-Range': `bytes ${start}-${end}/${body.length}`,
        'Content-Length': String(end - start + 1),
      });
      res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { ...head, 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
