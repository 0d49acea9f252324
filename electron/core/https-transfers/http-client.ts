/**
 * One HTTP exchange with a collection's HTTPS server (node:http/https, so bytes are counted as
 * they flow and an AbortSignal stops a request at once): PUT a local file, GET a file into a
 * `.ferry-part` file (from a byte offset with `Range`). A connection that drops mid-body is a
 * ConnectionDropped; an answer that is not a success is an HttpStatusError.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform } from 'node:stream';

/** The connection closed before the whole body crossed it (or could not be opened). */
export class ConnectionDropped extends Error {
  constructor(readonly detail: string) {
    super(`connection dropped: ${detail}`);
    this.name = 'ConnectionDropped';
  }
}

/** The server answered with a status that is not a success. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

/** Aborted by us (pause, cancel, quit): the caller knows why. */
export class Aborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'Aborted';
  }
}

const MAX_ERROR_BODY = 4096;

function send(url: URL, method: string, headers: OutgoingHttpHeaders, signal: AbortSignal, body?: NodeJS.ReadableStream): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Aborted());
      return;
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, { method, headers, signal });
    let settled = false;
    req.on('response', (res) => {
      settled = true;
      resolve(res);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      reject(signal.aborted ? new Aborted() : new ConnectionDropped(error.code ?? error.message));
    });
    if (body) {
      body.on('error', (error) => req.destroy(error));
      body.pipe(req);
    } else {
      req.end();
    }
  });
}

async function errorBody(res: IncomingMessage): Promise<string> {
  let text = '';
  try {
    for await (const chunk of res) {
      if (text.length < MAX_ERROR_BODY) text += String(chunk);
    }
  } catch {
    // The body of a refusal is only for the log.
  }
  return text.slice(0, MAX_ERROR_BODY);
}

function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

/** PUTs the whole of `file` (`size` bytes) to `url`; `onBytes` hears each chunk read for sending. */
export async function putFile(url: URL, token: string, file: string, size: number, signal: AbortSignal, onBytes: (n: number) => void): Promise<void> {
  const source = createReadStream(file);
  const counted = source.pipe(counter(onBytes));
  let sourceError: Error | undefined;
  source.on('error', (error) => {
    sourceError = error;
    counted.destroy(error);
  });
  let res: IncomingMessage;
  try {
    res = await send(url, 'PUT', { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(size) }, signal, counted);
  } catch (error) {
    // The local file failed (deleted, unreadable): that is the reason, not the connection.
    throw sourceError ?? error;
  } finally {
    source.destroy();
  }
  if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) throw new HttpStatusError(res.statusCode ?? 0, await errorBody(res));
  res.resume();
}

export interface GetResult {
  /** The file's whole size as the server told it. */
  readonly total: number;
  /** True when the part file is complete without new bytes (416 with the part as long as the file). */
  readonly alreadyComplete: boolean;
}

/**
 * GETs `url` into `part`, continuing at `offset` (`Range: bytes=<offset>-`): 206 appends, 200
 * starts the part over (the server ignored the range), 416 means the part already holds the
 * whole file when its length matches. `on.start` hears the offset the body starts at and the
 * whole size (-1: unknown) before any byte; `on.bytes` each chunk as it arrives. A dropped
 * connection (or an abort) keeps every byte that arrived in the part file.
 */
export async function getFile(
  url: URL,
  token: string,
  part: string,
  offset: number,
  signal: AbortSignal,
  on: { readonly start: (offset: number, total: number) => void; readonly bytes: (n: number) => void },
): Promise<GetResult> {
  const headers: OutgoingHttpHeaders = { authorization: `Bearer ${token}`, ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) };
  const res = await send(url, 'GET', headers, signal);
  const status = res.statusCode ?? 0;
  if (status === 416 && offset > 0) {
    res.resume();
    const total = Number(/\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''))?.[1] ?? NaN);
    if (total === offset) return { total, alreadyComplete: true };
    // The part is longer than the file (it changed): start over.
    return getFile(url, token, part, 0, signal, on);
  }
  if (status !== 200 && status !== 206) throw new HttpStatusError(status, await errorBody(res));
  const length = Number(res.headers['content-length'] ?? NaN);
  let start = 0;
  let total = length;
  if (status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''));
    if (!range || Number(range[1]) !== offset) {
      res.resume();
      // A range other than the one asked for: start over from the beginning.
      return getFile(url, token, part, 0, signal, on);
    }
    start = offset;
    total = Number(range[3]);
  }
  on.start(start, Number.isFinite(total) ? total : -1);
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    const sink = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
    let stopped: Error | undefined;
    // The connection went (or we aborted): keep every byte that arrived, then say why.
    const stop = (why: Error): void => {
      if (stopped) return;
      stopped = why;
      sink.end();
    };
    sink.on('error', (error) => {
      res.destroy();
      reject(error);
    });
    sink.on('finish', () => (stopped ? reject(stopped) : resolve()));
    sink.on('drain', () => res.resume());
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
      on.bytes(chunk.length);
      if (!sink.write(chunk)) res.pause();
    });
    res.on('end', () => sink.end());
    const broken = (): void => stop(signal.aborted ? new Aborted() : new ConnectionDropped(`body ended after ${received} bytes`));
    res.on('error', broken);
    res.on('close', () => {
      if (!res.complete) broken();
    });
  });
  if (Number.isFinite(length) && received !== length) throw new ConnectionDropped(`body ended after ${received} of ${length} bytes`);
  return { total: Number.isFinite(total) ? total : start + received, alreadyComplete: false };
}

/** The size of the file at `url` (HEAD's Content-Length), or null when the server does not say. */
export async function headSize(url: URL, token: string, signal: AbortSignal): Promise<number | null> {
  const res = await send(url, 'HEAD', { authorization: `Bearer ${token}` }, signal);
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) throw new HttpStatusError(status, await errorBody(res));
  res.resume();
  const length = Number(res.headers['content-length'] ?? NaN);
  return Number.isFinite(length) && length >= 0 ? length : null;
}
