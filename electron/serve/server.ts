import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, statfs } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { httpStatusFor, type AppErrorShape } from '../../shared/errors';
import type { Envelope } from '../../shared/ipc-contract';
import { createCore, type Core } from '../core/app';
import { answerInvoke, parseInvokeEnvelope, parseInvokeText } from '../core/kernel';
import { plainFileCipher } from '../core/globus';
import { openSettingsBackend } from '../core/settings';
import { createGuard } from './guard';
import { serveStatic } from './static-files';

export interface ServeOptions {
  readonly dataDir: string;
  readonly rendererDir: string;
  readonly port?: number;
  readonly version: string;
  /** Fixed token (tests); a random one per run otherwise. */
  readonly token?: string;
}

export interface RunningServe {
  /** The URL to open, carrying this run's token. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly core: Core;
  close(): Promise<void>;
}

/** Largest `/api/invoke` body and WebSocket frame: the contract's own limits fit well inside. */
export const MAX_BODY = 1_000_000;
/** After refusing an oversized body, read (and drop) at most this much more so the answer arrives. */
const MAX_DRAIN = 64 * 1024 * 1024;
/** A refused body up to this size leaves the connection open for the next request. */
const KEEP_ALIVE_AFTER_REFUSED_BYTES = 1024 * 1024;
/** Disk space an upload must leave free. */
const UPLOAD_FREE_MARGIN = 256 * 1024 * 1024;

/**
 * The browser host: the same contract as Electron's IPC over HTTP (`POST /api/invoke`) and a
 * WebSocket (`/api/ws`, request/reply/push envelopes), bound to 127.0.0.1 only.
 */
export async function startServe(options: ServeOptions): Promise<RunningServe> {
  const dataDir = resolve(options.dataDir);
  const rendererDir = resolve(options.rendererDir);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { backend: settingsBackend, notice: settingsNotice } = openSettingsBackend(dataDir);
  if (settingsNotice) console.error(`ferry serve: ${settingsNotice}`);
  const core = createCore({
    host: 'serve',
    version: options.version,
    dataDir,
    settingsBackend,
    settingsNotice,
    // No OS keychain here: tokens sit in a 0600 file, and the Account view says so.
    secretCipher: plainFileCipher(),
    // A headless host cannot open a browser for the user: the page does it.
    openExternal: async () => false,
    openSignInPage: async () => undefined,
    capabilities: { taskNotifications: 'page', opensSignInPage: 'page', label: 'browser host' },
  });

  await pruneUploads(join(core.stateDir, 'uploads'));
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  const server = createServer();
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const guard = createGuard(port, token);
  const securityHeaders: Record<string, string> = {
    'content-security-policy':
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; ` +
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };

  // Every request path is wrapped once: nothing thrown or rejected in it can end the process.
  server.on('request', (req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      console.error('serve: request failed', error);
      if (!res.headersSent) sendError(res, 500, { code: 'InternalError', kind: 'internal', message: 'Ferry hit an unexpected problem; the log has the details.' });
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const sendError = (res: ServerResponse, status: number, error: AppErrorShape) => {
    const body = JSON.stringify({ error });
    res.writeHead(status, {
      ...securityHeaders,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
    });
    res.end(body);
  };

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = guard.check(req);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' }).end(verdict.message);
      return;
    }
    const url = verdict.url;
    if (verdict.via === 'query' && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      // Trade the one-time URL token for a cookie scoped to this port, and drop it from the address bar.
      url.searchParams.delete('token');
      res.writeHead(303, {
        ...securityHeaders,
        'set-cookie': `${guard.cookieName}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        location: url.pathname + url.search,
      });
      res.end();
      return;
    }
    if (url.pathname === '/api/invoke') {
      if (req.method !== 'POST') {
        res.writeHead(405, { ...securityHeaders, allow: 'POST' }).end();
        return;
      }
      const body = await readJson(req, res);
      if (!body.ok) {
        sendError(res, httpStatusFor(body.error.kind), body.error);
        return;
      }
      // The same envelope as the WebSocket: {type:"invoke", id, channel, args} in, a reply or an error envelope out.
      const reply = await answerInvoke(core.handlers, parseInvokeEnvelope(body.value));
      const status = reply.type === 'reply' ? 200 : httpStatusFor(reply.error.kind);
      res.writeHead(status, { ...securityHeaders, 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(reply));
      return;
    }
    if (url.pathname === '/api/upload') {
      await handleUpload(req, res, url);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      res.writeHead(404, { ...securityHeaders, 'content-type': 'text/plain' }).end('No such API route');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders).end();
      return;
    }
    await serveStatic(rendererDir, url.pathname, res, securityHeaders);
  }

  /**
   * A browser cannot reveal the path of a dropped file, so the page streams it here once and gets
   * back a path on this machine; from then on only that path crosses the contract.
   */
  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const refuse = (status: number, error: AppErrorShape) => {
      sendError(res, status, error);
      dropRefusedBody(req, res);
    };
    if (req.method !== 'POST') return void refuse(405, { code: 'MethodNotAllowed', kind: 'invalid', message: 'Use POST to upload a file.' });
    const name = url.searchParams.get('name') ?? '';
    if (!isSafeFileName(name)) {
      return void refuse(400, { code: 'BadFileName', kind: 'invalid', message: 'name must be a plain file name (no slashes, at most 255 bytes)' });
    }
    const limit = core.settings.get().uploadLimitMb * 1024 * 1024;
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const tooLarge = (): AppErrorShape => ({
      code: 'UploadTooLarge',
      kind: 'too-large',
      message: `The file is larger than the upload limit of ${core.settings.get().uploadLimitMb} MB; raise it in Settings or give Ferry the file's path instead.`,
    });
    if (declared !== undefined && (!Number.isSafeInteger(declared) || declared < 0)) {
      return void refuse(400, { code: 'BadRequest', kind: 'invalid', message: 'Content-Length must be a whole number of bytes.' });
    }
    if (declared !== undefined && declared > limit) return void refuse(413, tooLarge());
    const uploads = join(core.stateDir, 'uploads');
    await mkdir(uploads, { recursive: true });
    const free = await freeBytes(uploads);
    if (free !== undefined && (declared ?? 0) + UPLOAD_FREE_MARGIN > free) {
      return void refuse(413, {
        code: 'NotEnoughSpace',
        kind: 'too-large',
        message: `Not enough free disk space in ${uploads} for this file; free some space or give Ferry the file's path instead.`,
      });
    }
    const dir = join(uploads, randomUUID());
    await mkdir(dir, { recursive: true });
    const file = join(dir, name);
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > limit || (declared !== undefined && received > declared)) done(new UploadLimitError());
        else done(null, chunk);
      },
    });
    try {
      await pipeline(req, counter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      if (error instanceof UploadLimitError) return void refuse(413, tooLarge());
      console.error('serve: upload failed', error);
      if (!res.headersSent && !res.destroyed) {
        sendError(res, 500, { code: 'UploadFailed', kind: 'internal', message: 'The upload did not finish; try again.' });
      }
      return;
    }
    res.writeHead(200, { ...securityHeaders, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ path: file }));
  }

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const verdict = guard.check(req);
      if (!verdict.ok || verdict.url.pathname !== '/api/ws') {
        const status = verdict.ok ? 404 : verdict.status;
        const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
        socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        // A protocol error (bad frame, too large, invalid UTF-8) ends this socket, never the process.
        ws.on('error', (error) => {
          console.error('serve: websocket closed after a protocol error:', error.message);
          ws.terminate();
        });
        ws.on('message', (data, isBinary) => {
          onSocketMessage(ws, data, isBinary).catch((error: unknown) => {
            console.error('serve: websocket message failed', error);
            ws.terminate();
          });
        });
      });
    } catch (error) {
      console.error('serve: upgrade failed', error);
      socket.destroy();
    }
  });

  async function onSocketMessage(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    const send = (reply: Envelope) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
    };
    if (isBinary) {
      ws.close(1003, 'Send invoke envelopes as JSON text frames');
      return;
    }
    const parsed = parseInvokeText(rawText(data));
    // Without an id there is nothing to answer: say why in the close frame.
    if (!parsed.ok && parsed.id === null) {
      ws.close(1008, parsed.error.message.slice(0, 120));
      return;
    }
    send(await answerInvoke(core.handlers, parsed));
  }

  const unsubscribe = core.bus.subscribe((channel, payload) => {
    const frame = JSON.stringify({ type: 'event', channel, payload } satisfies Envelope);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    port,
    token,
    core,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await closed;
      await core.dispose();
    },
  };
}

type ReadJson = { ok: true; value: unknown } | { ok: false; error: AppErrorShape };

/**
 * The request body as JSON, at most MAX_BODY bytes. An oversized body is refused with 413 and
 * the rest of it is read and dropped (up to MAX_DRAIN) so the caller gets the answer instead of a
 * reset connection.
 */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<ReadJson> {
  const tooLarge: ReadJson = {
    ok: false,
    error: { code: 'TooLarge', kind: 'too-large', message: `The request body is larger than ${MAX_BODY.toLocaleString('en-US')} bytes; pass file paths, not file contents.` },
  };
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY) {
    dropRefusedBody(req, res);
    return tooLarge;
  }
  const body = await new Promise<Buffer | null>((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.off('data', onData);
        req.off('end', onEnd);
        dropRefusedBody(req, res);
        done(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', fail);
  });
  if (body === null) return tooLarge;
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8') || 'null') };
  } catch {
    return { ok: false, error: { code: 'BadRequest', kind: 'invalid', message: 'The request body is not valid JSON.' } };
  }
}

/**
 * Reads and drops what is left of a refused body, then closes the connection: the caller (which
 * may write the whole body before reading) gets the answer instead of a reset connection, and a
 * refused stream does not linger. Past MAX_DRAIN the socket is cut.
 */
function dropRefusedBody(req: IncomingMessage, res: ServerResponse): void {
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > MAX_DRAIN) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.on('end', () => {
    // A small refused body is just read away and the connection stays usable, so a keep-alive
    // client sending its next request on it is not reset; after a large one the connection ends.
    if (dropped <= KEEP_ALIVE_AFTER_REFUSED_BYTES) return;
    if (res.writableFinished) req.socket.end();
    else res.once('finish', () => req.socket.end());
  });
  req.resume();
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

class UploadLimitError extends Error {}

async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const fs = await statfs(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return undefined;
  }
}

function isSafeFileName(name: string): boolean {
  return name.length > 0 && Buffer.byteLength(name) <= 255 && name !== '.' && name !== '..' && !/[/\\]/.test(name) && !name.includes('\0');
}

/** Files a browser staged more than a week ago are gone from the Stage list by now: free the disk. */
const UPLOAD_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

async function pruneUploads(dir: string, now = Date.now()): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    entries.map(async (name) => {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs > UPLOAD_KEEP_MS) await rm(path, { recursive: true, force: true });
    }),
  );
}
