/**
 * A stand-in for a collection's HTTPS server (Globus Connect Server's `https_server`) on
 * 127.0.0.1: GET/HEAD with one byte range, PUT of a whole file, bearer tokens checked, and
 * switches a test flips instead of sleeping: drop the next GET/PUT after N bytes, hold one after
 * N bytes until released, answer the next request with a status.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, posix } from 'node:path';

export interface SeenRequest {
  readonly method: string;
  /** The decoded collection path. */
  readonly path: string;
  readonly range: string | null;
  readonly token: string | null;
}

export interface FakeHttpsServer {
  /** What a collection document's `https_server` would say. */
  readonly url: string;
  /** The folder `/` of the collection maps to. */
  readonly root: string;
  readonly requests: SeenRequest[];
  /** Tokens accepted (others get 401). */
  readonly tokens: Set<string>;
  /** The next GET or PUT (of `method`) loses its connection after `bytes` bytes of body. */
  dropNext(method: 'GET' | 'PUT', bytes: number): void;
  /** The next GET or PUT stops after `bytes` bytes until `release()` (or its connection closes). */
  holdNext(method: 'GET' | 'PUT', bytes: number): { readonly reached: Promise<void>; release(): void };
  /** The next request is answered with this status (and no file work). */
  failNext(status: number): void;
  file(path: string): Promise<Buffer>;
  put(path: string, data: Buffer | string): Promise<void>;
  close(): Promise<void>;
}

interface Switch {
  readonly method: string;
  readonly bytes: number;
  readonly kind: 'drop' | 'hold';
  readonly reached?: () => void;
  readonly released?: Promise<void>;
}

export async function startFakeHttpsServer(root: string): Promise<FakeHttpsServer> {
  const requests: SeenRequest[] = [];
  const tokens = new Set<string>();
  const switches: Switch[] = [];
  const failures: number[] = [];
  const take = (method: string): Switch | undefined => {
    const i = switches.findIndex((s) => s.method === method);
    return i < 0 ? undefined : switches.splice(i, 1)[0];
  };
  const diskPath = (path: string): string => join(root, ...posix.normalize(path).split('/').filter(Boolean));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    requests.push({ method, path, range: req.headers.range ?? null, token });
    const failure = failures.shift();
    if (failure !== undefined) {
      req.resume();
      res.writeHead(failure).end();
      return;
    }
    if (!token || !tokens.has(token)) {
      req.resume();
      res.writeHead(401).end();
      return;
    }
    const file = diskPath(path);
    if (method === 'PUT') {
      const rule = take('PUT');
      const chunks: Buffer[] = [];
      let received = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        received += chunk.length;
        if (rule && received >= rule.bytes) {
          if (rule.kind === 'drop') {
            req.socket.destroy();
            return;
          }
          rule.reached?.();
          await Promise.race([rule.released, once(req.socket, 'close')]);
          if (req.socket.destroyed) return;
        }
      }
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, Buffer.concat(chunks));
      await rename(`${file}.tmp`, file);
      res.writeHead(201).end();
      return;
    }
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (range && start >= info.size) {
      res.writeHead(416, { 'content-range': `bytes */${info.size}` }).end();
      return;
    }
    const length = info.size - start;
    res.writeHead(range ? 206 : 200, { 'content-length': String(length), ...(range ? { 'content-range': `bytes ${start}-${info.size - 1}/${info.size}` } : {}) });
    if (method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    const rule = take('GET');
    if (!rule) {
      createReadStream(file, { start }).pipe(res);
      return;
    }
    const data = (await readFile(file)).subarray(start);
    res.write(data.subarray(0, Math.min(rule.bytes, data.length)));
    if (rule.kind === 'drop') {
      // Let the bytes leave before the connection goes.
      res.once('drain', () => res.socket?.destroy());
      if (!res.writableNeedDrain) setImmediate(() => res.socket?.destroy());
      return;
    }
    rule.reached?.();
    await Promise.race([rule.released, once(res, 'close')]);
    if (!res.destroyed) res.end(data.subarray(Math.min(rule.bytes, data.length)));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    root,
    requests,
    tokens,
    dropNext: (method, bytes) => switches.push({ method, bytes, kind: 'drop' }),
    holdNext(method, bytes) {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((r) => (reached = r));
      const released = new Promise<void>((r) => (release = r));
      switches.push({ method, bytes, kind: 'hold', reached, released });
      return { reached: reachedPromise, release };
    },
    failNext: (status) => failures.push(status),
    file: (path) => readFile(diskPath(path)),
    async put(path, data) {
      await mkdir(dirname(diskPath(path)), { recursive: true });
      await writeFile(diskPath(path), data);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
