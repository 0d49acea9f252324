/**
 * HTTPS access to a collection's files, as Globus Connect Server 5 serves it at the collection's
 * `https_server`: `GET|HEAD|PUT <https_server>/<path>` with `Authorization: Bearer <token>` for the
 * collection's own scope (`https://auth.globus.org/scopes/<collection id>/https`). GET honours one
 * byte range (`Range: bytes=N-` or `bytes=N-M`, answered 206 with Content-Range), which is how a
 * client resumes a download. PUT writes the whole body (a partial upload leaves nothing behind).
 * Tests switch on `HttpsFaults` (control API `/https/drop`): the next matching GET or PUT loses its
 * connection after N bytes of body; `/https/requests` lists what was asked (method, path, Range).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TokenInfo } from './auth';
import { diskPath, normalizeGlobusPath } from './fs-ops';
import { HttpError } from './http-util';
import type { HttpsFaults } from './https-faults';
import type { CollectionRow } from './state';

export const HTTPS_PREFIX = '/https/';

export function isHttpsPath(path: string): boolean {
  return path.startsWith(HTTPS_PREFIX);
}

/** The `https_server` a collection document names. */
export function httpsServerOf(baseUrl: string, collectionId: string): string {
  return `${baseUrl}${HTTPS_PREFIX}${collectionId}`;
}

export interface HttpsAccessOptions {
  readonly collection: (id: string) => CollectionRow | undefined;
  readonly faults?: HttpsFaults;
}

export async function handleHttps(req: IncomingMessage, res: ServerResponse, path: string, token: TokenInfo | undefined, opts: HttpsAccessOptions): Promise<void> {
  const rest = path.slice(HTTPS_PREFIX.length);
  const slash = rest.indexOf('/');
  const id = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  const col = opts.collection(id);
  if (!col) throw new HttpError(404, { code: 'NotFound', message: `No collection ${id} serves HTTPS here` });
  if (!token) throw new HttpError(401, { code: 'AuthenticationFailed', message: 'A bearer token for the collection is required' });
  if (token.resourceServer !== col.id || !/\/https(\s|$)/.test(token.scope)) {
    throw new HttpError(403, { code: 'PermissionDenied', message: `The token is not for this collection's HTTPS access (scope https://auth.globus.org/scopes/${col.id}/https)` });
  }
  const globusPath = normalizeGlobusPath(decodeURIComponent(slash < 0 ? '/' : rest.slice(slash)));
  const file = diskPath(col.root, globusPath);
  const method = req.method ?? 'GET';
  const dropAfter = opts.faults?.takeDrop(method, col.id, globusPath) ?? null;
  opts.faults?.record({ method, collectionId: col.id, path: globusPath, range: req.headers.range ?? null, droppedAfter: dropAfter });
  if (method === 'GET' || method === 'HEAD') return sendFile(req, res, file, globusPath, method === 'HEAD', dropAfter);
  if (method === 'PUT') return receiveFile(req, res, file, dropAfter);
  throw new HttpError(405, { code: 'MethodNotAllowed', message: `${method} is not served here` });
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, globusPath: string, headOnly: boolean, dropAfter: number | null): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (!info || !info.isFile()) throw new HttpError(404, { code: 'NotFound', message: `No file at ${globusPath}` });
  const size = info.size;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  if (range) {
    start = Number(range[1]);
    end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start >= size || start > end) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      res.end();
      return;
    }
  }
  const headers = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', 'content-length': String(end - start + 1), 'last-modified': info.mtime.toUTCString() };
  res.writeHead(range ? 206 : 200, range ? { ...headers, 'content-range': `bytes ${start}-${end}/${size}` } : headers);
  if (headOnly || size === 0) {
    res.end();
    return;
  }
  if (dropAfter !== null) return sendThenDrop(res, file, start, Math.min(end, start + dropAfter - 1));
  await pipeline(createReadStream(file, { start, end }), res).catch(() => undefined);
}

/** Sends bytes `start..last` of the body, then the connection drops (a fault a test asked for). */
function sendThenDrop(res: ServerResponse, file: string, start: number, last: number): Promise<void> {
  return new Promise((resolve) => {
    const drop = (): void => {
      res.socket?.destroy();
      resolve();
    };
    if (last < start) {
      drop();
      return;
    }
    const source = createReadStream(file, { start, end: last });
    source.on('error', drop);
    source.on('end', () => (res.writableNeedDrain ? res.once('drain', () => setImmediate(drop)) : setImmediate(drop)));
    source.pipe(res, { end: false });
  });
}

async function receiveFile(req: IncomingMessage, res: ServerResponse, file: string, dropAfter: number | null): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const part = `${file}.upload-${process.pid}-${Date.now()}`;
  let received = 0;
  // A fault a test asked for: after `dropAfter` bytes the connection drops.
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (dropAfter !== null && received >= dropAfter) {
        req.socket.destroy();
        done(new Error('connection dropped (fault)'));
        return;
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, counter, createWriteStream(part));
  } catch {
    // The client went away mid-upload: nothing is left behind.
    await rm(part, { force: true });
    return;
  }
  if (req.readableAborted) {
    await rm(part, { force: true });
    return;
  }
  await rename(part, file);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code: 'Created' }));
}
