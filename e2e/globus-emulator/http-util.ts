/** Small HTTP helpers shared by the auth, transfer and control routes. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A short request id, like the ones Globus puts in every error document. */
export function newRequestId(): string {
  return randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
}

/** Thrown by a route to answer with a document instead of a 200. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Readonly<Record<string, unknown>>,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(typeof body['message'] === 'string' ? body['message'] : `HTTP ${status}`);
    this.name = 'HttpError';
  }
}

/** A Transfer API error document: `code`, `message`, `request_id`, `resource` (+ extra fields). */
export function transferError(
  status: number,
  code: string,
  message: string,
  resource: string,
  extra: Readonly<Record<string, unknown>> = {},
): HttpError {
  return new HttpError(status, { code, message, request_id: newRequestId(), resource, ...extra });
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { code: 'RequestTooLarge', message: 'Request body too large' });
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, 'content-length': 0, 'cache-control': 'no-store' });
  res.end();
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Parses a JSON object body; a malformed or non-object body is a 400 in Transfer's shape. */
export function parseJsonObject(body: Buffer, resource: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || 'null');
  } catch {
    throw transferError(400, 'ClientError.BadRequest.BadJSON', 'Request body is not valid JSON', resource);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw transferError(400, 'ClientError.BadRequest', 'Request body must be a JSON object', resource);
  }
  return parsed as Record<string, unknown>;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** ISO 8601 the way Transfer writes task times: `2024-05-01T12:00:00+00:00`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** The `ls` time format: `2024-05-01 12:00:00+00:00`. */
export function lsTime(ms: number): string {
  return isoTime(ms).replace('T', ' ');
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
