import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import Conf from 'conf';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Envelope } from '../../shared/ipc-contract';
import { createCore, dispatchInvoke, type Core } from '../core/app';
import { plainFileCipher } from '../core/globus';
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

const MAX_BODY = 1_000_000;

/**
 * The browser host: the same contract as Electron's IPC over HTTP (`POST /api/invoke`) and a
 * WebSocket (`/api/ws`, request/reply/push envelopes), bound to 127.0.0.1 only.
 */
export async function startServe(options: ServeOptions): Promise<RunningServe> {
  const dataDir = resolve(options.dataDir);
  const rendererDir = resolve(options.rendererDir);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const settingsBackend = new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings', projectName: 'ferry' });
  const core = createCore({
    host: 'serve',
    version: options.version,
    dataDir,
    settingsBackend,
    // No OS keychain here: tokens sit in a 0600 file, and the Account view says so.
    secretCipher: plainFileCipher(),
    // A headless host cannot open a browser for the user: the page does it.
    openExternal: async () => false,
    openSignInPage: async () => undefined,
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

  server.on('request', (req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      console.error('serve: request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error');
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = guard.check(req);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' }).end(verdict.message);
      return;
    }
    const url = new URL(req.url ?? '/', origin);
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
      const body = await readJson(req);
      if (!body.ok) {
        res.writeHead(400, { ...securityHeaders, 'content-type': 'application/json' }).end(
          JSON.stringify({ error: { code: 'BadRequest', message: body.message } }),
        );
        return;
      }
      const { channel, args } = (body.value ?? {}) as { channel?: unknown; args?: unknown };
      const result = await dispatchInvoke(core.handlers, channel, args ?? []);
      const status = result.ok ? 200 : result.reason === 'failed' ? 500 : 400;
      res.writeHead(status, { ...securityHeaders, 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(result.ok ? { result: result.result } : { error: result.error }));
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
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { ...securityHeaders, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    if (req.method !== 'POST') return void reply(405, { error: { code: 'MethodNotAllowed', message: 'Use POST' } });
    const name = url.searchParams.get('name') ?? '';
    if (!isSafeFileName(name)) {
      return void reply(400, { error: { code: 'BadFileName', message: 'name must be a plain file name (no slashes, at most 255 bytes)' } });
    }
    const dir = join(core.stateDir, 'uploads', randomUUID());
    await mkdir(dir, { recursive: true });
    const file = join(dir, name);
    try {
      await pipeline(req, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      return void reply(500, { error: { code: 'UploadFailed', message: error instanceof Error ? error.message : String(error) } });
    }
    reply(200, { path: file });
  }

  server.on('upgrade', (req, socket, head) => {
    const verdict = guard.check(req);
    const path = new URL(req.url ?? '/', origin).pathname;
    if (!verdict.ok || path !== '/api/ws') {
      const status = verdict.ok ? 404 : verdict.status;
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => void onSocketMessage(ws, data.toString()));
    });
  });

  async function onSocketMessage(ws: WebSocket, text: string): Promise<void> {
    let message: Envelope;
    try {
      message = JSON.parse(text) as Envelope;
    } catch {
      ws.close(1003, 'Messages must be JSON envelopes');
      return;
    }
    if (message.type !== 'invoke' || typeof message.id !== 'number') {
      ws.close(1003, 'Only invoke envelopes are accepted');
      return;
    }
    const result = await dispatchInvoke(core.handlers, message.channel, message.args);
    const reply: Envelope = result.ok
      ? { type: 'reply', id: message.id, result: result.result }
      : { type: 'error', id: message.id, error: result.error };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
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

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return { ok: false, message: `Request body larger than ${MAX_BODY} bytes` };
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') };
  } catch {
    return { ok: false, message: 'Request body is not valid JSON' };
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
