import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoint } from './endpoint';
import { ObjectSizeExceededError, PeeringNotAvailableError, PeerRequestError, PeerUnknownError } from './errors';
import { parseUuid } from './uuid';

/** ProxyStore's MAX_CHUNK_LENGTH: bodies are written in slices of at most this many bytes. */
export const MAX_CHUNK_LENGTH = 1_000_000;

export interface EndpointHttpOptions {
  /** Defaults to 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Largest request body accepted; defaults to the endpoint's max object size (none if it has none). */
  readonly maxBodyBytes?: number | null;
}

export interface EndpointHttpServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  close(): Promise<void>;
}

type Reply = { readonly status: number; readonly text?: string; readonly json?: unknown; readonly bytes?: Uint8Array };

/**
 * Serves an endpoint over HTTP with ProxyStore's routes: GET /endpoint, GET /get, POST /set,
 * GET /exists, POST /evict, each with `key` and an optional `endpoint` UUID.
 */
export async function startEndpointServer(endpoint: Endpoint, options: EndpointHttpOptions = {}): Promise<EndpointHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBody = options.maxBodyBytes === undefined ? endpoint.maxObjectSize : options.maxBodyBytes;
  const server = createServer((req, res) => {
    handle(endpoint, maxBody, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(req, res, { status: 500, text: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(endpoint: Endpoint, maxBody: number | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://endpoint');
  const route = url.pathname;
  const method = req.method ?? 'GET';
  const allowed: Record<string, string> = { '/': 'GET', '/endpoint': 'GET', '/get': 'GET', '/exists': 'GET', '/set': 'POST', '/evict': 'POST' };
  const want = allowed[route];
  if (!want) return send(req, res, { status: 404, text: `no route ${route}` });
  if (method !== want && !(method === 'HEAD' && want === 'GET')) {
    res.setHeader('Allow', want);
    return send(req, res, { status: 405, text: `method ${method} not allowed on ${route}` });
  }
  if (route === '/') return send(req, res, { status: 200, text: '' });
  if (route === '/endpoint') return send(req, res, { status: 200, json: { uuid: endpoint.uuid } });

  const key = url.searchParams.get('key');
  if (key === null) return send(req, res, { status: 400, text: 'request missing key' });
  const rawPeer = url.searchParams.get('endpoint');
  let peer: string | undefined;
  if (rawPeer !== null) {
    peer = parseUuid(rawPeer);
    if (!peer) return send(req, res, { status: 400, text: `${rawPeer} is not a valid UUID4` });
  }

  try {
    switch (route) {
      case '/get': {
        const data = await endpoint.get(key, peer);
        if (data === null) return send(req, res, { status: 404, text: 'no data associated with request key' });
        return send(req, res, { status: 200, bytes: data });
      }
      case '/exists':
        return send(req, res, { status: 200, json: { exists: await endpoint.exists(key, peer) } });
      case '/evict':
        await endpoint.evict(key, peer);
        return send(req, res, { status: 200, text: '' });
      case '/set': {
        const body = await readBody(req, maxBody);
        if (body === 'too-large') return send(req, res, { status: 413, text: `request body exceeds the ${maxBody} byte limit` });
        if (body.byteLength === 0) return send(req, res, { status: 400, text: 'received empty payload' });
        await endpoint.set(key, body, peer);
        return send(req, res, { status: 200, text: '' });
      }
      default:
        return send(req, res, { status: 404, text: `no route ${route}` });
    }
  } catch (error) {
    return send(req, res, errorReply(error));
  }
}

function errorReply(error: unknown): Reply {
  const text = error instanceof Error ? error.message : String(error);
  // Deliberately not ProxyStore's status. ProxyStore's set_handler does not catch
  // ObjectSizeExceededError, so Quart answers a bare 500 "Internal Server Error" (and its /set
  // reads the whole body before checking). Ferry stops reading at the limit and answers 413 with the
  // reason: ProxyStore's clients (EndpointConnector, `proxystore-endpoint test`) treat every
  // non-200 alike (they raise with the status and text), so 413 changes nothing for Python and
  // tells a person, and Ferry's error model (too-large -> 413), what went wrong.
  if (error instanceof ObjectSizeExceededError) return { status: 413, text };
  // A peer the relay does not know: the caller's input is wrong.
  if (error instanceof PeerUnknownError || error instanceof PeeringNotAvailableError) return { status: 400, text };
  if (error instanceof PeerRequestError) return { status: 500, text };
  return { status: 500, text };
}

/** Reads the whole body unless it grows past `limit`; then drains the rest and reports 'too-large'. */
function readBody(req: IncomingMessage, limit: number | null): Promise<Uint8Array | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (limit !== null && Number.isFinite(declared) && declared > limit) {
    // Do not read a body we will refuse: answer at once and close the connection.
    req.once('error', () => undefined);
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (limit !== null && size > limit) {
        tooLarge = true;
        chunks.length = 0;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.once('end', () => resolve(tooLarge ? 'too-large' : chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): Promise<void> {
  if (!req.complete) res.setHeader('Connection', 'close');
  res.statusCode = reply.status;
  if (reply.bytes) {
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', reply.bytes.byteLength);
    return writeChunked(req, res, reply.bytes);
  }
  if (reply.json !== undefined) {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(reply.json));
  } else {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(reply.text ?? '');
  }
  return Promise.resolve();
}

/** Writes `data` in slices of at most MAX_CHUNK_LENGTH, waiting for the socket to drain between them. */
async function writeChunked(req: IncomingMessage, res: ServerResponse, data: Uint8Array): Promise<void> {
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  for (let offset = 0; offset < data.byteLength; offset += MAX_CHUNK_LENGTH) {
    const slice = data.subarray(offset, Math.min(offset + MAX_CHUNK_LENGTH, data.byteLength));
    if (!res.write(slice)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
      if (res.destroyed) return;
    }
  }
  res.end();
}
