/**
 * Clients for the fuzz suite: HTTP calls, one WebSocket that matches replies to ids, raw TCP
 * exchanges (request lines and WebSocket frames no well-behaved client would send), and large
 * bodies written while the answer is read. Every wait ends on an event or a bounded timeout.
 */
import { randomBytes } from 'node:crypto';
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';

export const HOST = '127.0.0.1';

/** Rejects with a message naming `what` when `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface HttpCall {
  readonly port: number;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly agent?: Agent | false;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** One HTTP exchange; rejects (with the socket error code) when the connection drops first. */
export function httpCall(call: HttpCall): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: HOST,
      port: call.port,
      path: call.path,
      method: call.method ?? 'POST',
      agent: call.agent ?? false,
      headers: {
        host: `${HOST}:${call.port}`,
        ...(call.body !== undefined ? { 'content-length': String(Buffer.byteLength(call.body)) } : {}),
        ...call.headers,
      },
    });
    req.on('error', (error: NodeJS.ErrnoException) => reject(new Error(`connection dropped (${error.code ?? error.message})`)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error: NodeJS.ErrnoException) => reject(new Error(`response cut short (${error.code ?? error.message})`)));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
      });
    });
    req.end(call.body);
  });
}

export interface LargeBody {
  readonly port: number;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Bytes actually written. */
  readonly send: number;
  /** Content-Length to declare; none means chunked encoding. */
  readonly declare?: number;
}

export interface LargeBodyAnswer {
  readonly status?: number;
  readonly text?: string;
  /** A socket error that came before the status line: the answer was lost. */
  readonly errorBeforeStatus?: string;
  readonly bytesWritten: number;
}

/**
 * Writes a large body (honouring backpressure) while listening for the answer, and resolves once
 * the answer is read, or with the socket error that came before it.
 */
export function sendLargeBody(body: LargeBody): Promise<LargeBodyAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    let status: number | undefined;
    let written = 0;
    const headers: Record<string, string> = { host: `${HOST}:${body.port}`, ...body.headers };
    if (body.declare !== undefined) headers['content-length'] = String(body.declare);
    const req = request({ host: HOST, port: body.port, path: body.path, method: 'POST', agent: false, headers });
    const finish = (answer: Omit<LargeBodyAnswer, 'bytesWritten'>) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve({ ...answer, bytesWritten: written });
    };
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (status === undefined) finish({ errorBeforeStatus: error.code ?? error.message });
    });
    req.on('response', (res) => {
      status = res.statusCode;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => finish({ status, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('end', () => finish({ status, text: Buffer.concat(chunks).toString('utf8') }));
    });
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const pump = (): void => {
      while (!settled && written < body.send) {
        const n = Math.min(chunk.length, body.send - written);
        written += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      // A body shorter than declared stays open: the server must answer without waiting for it.
      if (!settled && (body.declare === undefined || written >= body.declare)) req.end();
    };
    pump();
  });
}

export interface NaiveAnswer {
  /** Everything the server sent. */
  readonly data: Buffer;
  /** Bytes of the body the socket accepted. */
  readonly bodyWritten: number;
  /** A socket error while the body was being written (EPIPE, ECONNRESET), if any. */
  readonly writeError?: string;
  /** A socket error while reading the answer, if any. */
  readonly readError?: string;
  /** False when the wait timed out. */
  readonly closed: boolean;
}

/**
 * A naive client (as many HTTP libraries and browsers behave): writes the whole request, body
 * included, and only then reads the answer. Its socket does not read while it writes, so an
 * answer the server sent early survives only if the server does not reset the connection.
 */
export function sendThenRead(port: number, head: string, bodySize: number, chunked: boolean, timeoutMs: number): Promise<NaiveAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    socket.pause();
    const received: Buffer[] = [];
    let bodyWritten = 0;
    let writeError: string | undefined;
    let readError: string | undefined;
    let writing = true;
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        data: Buffer.concat(received),
        bodyWritten,
        closed,
        ...(writeError ? { writeError } : {}),
        ...(readError ? { readError } : {}),
      });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (writing) writeError = e.code ?? e.message;
      else readError = e.code ?? e.message;
    });
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('close', () => finish(true));
    const startReading = () => {
      writing = false;
      socket.resume();
    };
    const payload = Buffer.alloc(256 * 1024, 0x61);
    const chunkHead = Buffer.from(`${payload.length.toString(16)}\r\n`);
    const crlf = Buffer.from('\r\n');
    const pump = (): void => {
      while (bodyWritten < bodySize) {
        if (socket.destroyed) return;
        const n = Math.min(payload.length, bodySize - bodyWritten);
        const piece = n === payload.length ? payload : payload.subarray(0, n);
        const data = chunked ? Buffer.concat([n === payload.length ? chunkHead : Buffer.from(`${n.toString(16)}\r\n`), piece, crlf]) : piece;
        bodyWritten += n;
        if (!socket.write(data)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (chunked) socket.write('0\r\n\r\n');
      startReading();
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    // A socket that failed while writing still gets read: whatever arrived before is kept.
    socket.once('error', () => startReading());
  });
}

// ---------------------------------------------------------------------------------------------
// WebSocket through the `ws` client

export type WsAnswer =
  | { readonly type: 'reply'; readonly result: unknown }
  | { readonly type: 'error'; readonly error: unknown }
  | { readonly type: 'closed'; readonly code: number; readonly reason: string }
  | { readonly type: 'other'; readonly frame: string };

/** One WebSocket to `/api/ws`: invokes wait for the frame with their id (pushed events are skipped). */
export class WsClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: WsAnswer) => void>();
  private firstFrame: ((answer: WsAnswer) => void) | null = null;
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const text = isBinary ? `<binary ${data.length} bytes>` : data.toString('utf8');
      const frame = parseJson(text) as { type?: unknown; id?: unknown; result?: unknown; error?: unknown } | undefined;
      if (frame?.type === 'event') return;
      const answer: WsAnswer =
        frame?.type === 'reply' ? { type: 'reply', result: frame.result } : frame?.type === 'error' ? { type: 'error', error: frame.error } : { type: 'other', frame: text.slice(0, 300) };
      if (this.firstFrame) {
        const first = this.firstFrame;
        this.firstFrame = null;
        first(answer);
        return;
      }
      const waiter = typeof frame?.id === 'number' ? this.waiting.get(frame.id) : undefined;
      if (waiter && typeof frame?.id === 'number') {
        this.waiting.delete(frame.id);
        waiter(answer);
      }
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.closed = { code, reason: reason.toString('utf8') };
      const answer: WsAnswer = { type: 'closed', ...this.closed };
      for (const waiter of this.waiting.values()) waiter(answer);
      this.waiting.clear();
      this.firstFrame?.(answer);
      this.firstFrame = null;
    });
    ws.on('error', () => undefined);
  }

  static open(port: number, headers: Record<string, string>, query = ''): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${HOST}:${port}/api/ws${query}`, { headers, maxPayload: 64 * 1024 * 1024 });
      ws.once('open', () => resolve(new WsClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
      ws.once('error', (error) => reject(error));
    });
  }

  get isOpen(): boolean {
    return this.closed === null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends an invoke envelope and resolves with its answer (or the close that came instead). */
  invoke(channel: unknown, args: unknown): { readonly frameBytes: number; readonly answer: Promise<WsAnswer> } {
    const id = this.nextId++;
    const frame = JSON.stringify({ type: 'invoke', id, channel, args });
    const answer = new Promise<WsAnswer>((resolve) => {
      if (this.closed) return resolve({ type: 'closed', ...this.closed });
      this.waiting.set(id, resolve);
    });
    if (!this.closed) this.ws.send(frame);
    return { frameBytes: Buffer.byteLength(frame), answer };
  }

  /** Sends any frame and resolves with the first frame back, or the close. */
  sendRaw(data: string | Buffer, binary: boolean): Promise<WsAnswer> {
    const answer = new Promise<WsAnswer>((resolve) => {
      if (this.closed) return resolve({ type: 'closed', ...this.closed });
      this.firstFrame = resolve;
    });
    this.ws.send(data, { binary });
    return answer;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.terminate();
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Raw TCP

export interface RawExchange {
  readonly data: Buffer;
  /** True when the server closed the connection; false when the wait timed out. */
  readonly closed: boolean;
  readonly error?: string;
}

/** Writes `chunks` on a fresh connection and collects what comes back until the server closes it. */
export function rawExchange(port: number, chunks: readonly (string | Buffer)[], timeoutMs: number): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    const received: Buffer[] = [];
    let error: string | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data: Buffer.concat(received), closed: false, ...(error ? { error } : {}) });
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(received), closed: true, ...(error ? { error } : {}) });
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}

/** The status code of a raw HTTP answer, or null when there is none. */
export function statusOf(data: Buffer): number | null {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(data.toString('latin1'));
  return match ? Number(match[1]) : null;
}

export function upgradeRequest(port: number, extraHeaders: readonly string[], target = '/api/ws'): string {
  return [
    `GET ${target} HTTP/1.1`,
    `Host: ${HOST}:${port}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    ...extraHeaders,
    '',
    '',
  ].join('\r\n');
}

export interface OpenedSocket {
  readonly socket: Socket;
  /** Resolves when the server closes the connection (or it fails), with everything it sent after the handshake. */
  readonly closed: Promise<{ data: Buffer; error?: string }>;
}

/** A raw TCP socket that completed the WebSocket handshake (101) on `/api/ws`. */
export function rawWebSocket(port: number, authorization: string, timeoutMs: number): Promise<OpenedSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, HOST);
    let head = Buffer.alloc(0);
    let upgraded = false;
    const after: Buffer[] = [];
    let error: string | undefined;
    let closeResolve: (v: { data: Buffer; error?: string }) => void = () => undefined;
    const closed = new Promise<{ data: Buffer; error?: string }>((r) => {
      closeResolve = r;
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no WebSocket handshake answer'));
    }, timeoutMs);
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!upgraded) reject(new Error(`closed before the handshake: ${head.toString('latin1').slice(0, 200)} ${error ?? ''}`));
      closeResolve({ data: Buffer.concat(after), ...(error ? { error } : {}) });
    });
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        after.push(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      const status = statusOf(head);
      if (status !== 101) {
        socket.destroy();
        reject(new Error(`handshake answered ${status ?? head.toString('latin1').slice(0, 100)}`));
        return;
      }
      upgraded = true;
      if (head.length > end + 4) after.push(head.subarray(end + 4));
      resolve({ socket, closed });
    });
    socket.on('connect', () => socket.write(upgradeRequest(port, [`Authorization: ${authorization}`])));
  });
}

export interface FrameOptions {
  readonly fin?: boolean;
  readonly rsv1?: boolean;
  readonly mask?: boolean;
  /** Length to put in the header instead of the payload's (the payload is then not sent). */
  readonly declaredLength?: number;
}

/** One WebSocket frame as a client would write it (masked unless told otherwise). */
export function wsFrame(opcode: number, payload: string | Buffer, options: FrameOptions = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const mask = options.mask ?? true;
  const length = options.declaredLength ?? data.length;
  const first = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | (opcode & 0x0f);
  let header: Buffer;
  if (length < 126) header = Buffer.from([first, (mask ? 0x80 : 0) | length]);
  else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (options.declaredLength !== undefined) return Buffer.concat([header, mask ? randomBytes(4) : Buffer.alloc(0)]);
  if (!mask) return Buffer.concat([header, data]);
  const key = randomBytes(4);
  const masked = Buffer.from(data.map((b, i) => b ^ (key[i % 4] as number)));
  return Buffer.concat([header, key, masked]);
}

/** The status code of the first close frame in what a server sent, or null. */
export function closeCodeOf(data: Buffer): number | null {
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = (data[at] as number) & 0x0f;
    let length = (data[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = data.readUInt16BE(at + 2);
      start += 2;
    } else if (length === 127) {
      length = Number(data.readBigUInt64BE(at + 2));
      start += 8;
    }
    if (opcode === 0x8) return length >= 2 && start + 2 <= data.length ? data.readUInt16BE(start) : 1005;
    at = start + length;
  }
  return null;
}
