import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the browser host: only pages loaded from our own loopback URL, and only
 * with this run's token. The Host check stops DNS rebinding (evil.example resolving to
 * 127.0.0.1 still sends `Host: evil.example`); the Origin check stops other local pages.
 */
export interface Guard {
  readonly token: string;
  readonly cookieName: string;
  check(req: IncomingMessage): GuardVerdict;
}

export type GuardVerdict =
  | { readonly ok: true; readonly via: 'cookie' | 'query' | 'header' }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string };

export function createGuard(port: number, token: string): Guard {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  const cookieName = `ferry-token-${port}`;
  const expected = Buffer.from(token);
  const matches = (candidate: string | undefined): boolean => {
    if (!candidate) return false;
    const got = Buffer.from(candidate);
    return got.length === expected.length && timingSafeEqual(got, expected);
  };

  return {
    token,
    cookieName,
    check(req) {
      const host = req.headers.host;
      if (!host || !hosts.has(host.toLowerCase())) {
        return { ok: false, status: 403, message: 'Forbidden: this server answers only to its loopback address.' };
      }
      const origin = req.headers.origin;
      if (origin !== undefined && !origins.has(origin.toLowerCase())) {
        return { ok: false, status: 403, message: 'Forbidden: requests from other sites are refused.' };
      }
      const url = new URL(req.url ?? '/', `http://${host}`);
      if (matches(url.searchParams.get('token') ?? undefined)) return { ok: true, via: 'query' };
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ') && matches(auth.slice(7))) return { ok: true, via: 'header' };
      if (matches(readCookie(req.headers.cookie, cookieName))) return { ok: true, via: 'cookie' };
      return {
        ok: false,
        status: 401,
        message: 'Unauthorized: open the URL that `ferry serve` printed; it carries this run\'s access token.',
      };
    },
  };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
