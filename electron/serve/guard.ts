import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the browser host: only pages loaded from our own loopback URL, and only
 * with this run's token. The Host check stops DNS rebinding (evil.example resolving to
 * 127.0.0.1 still sends `Host: evil.example`); the Origin check stops other local pages.
 * Nothing a caller sends can make it throw: malformed URLs and cookies are refusals.
 */
export interface Guard {
  readonly token: string;
  readonly cookieName: string;
  check(req: IncomingMessage): GuardVerdict;
}

export type GuardVerdict =
  | { readonly ok: true; readonly via: 'cookie' | 'query' | 'header'; readonly url: URL }
  | { readonly ok: false; readonly status: 400 | 401 | 403; readonly code: string; readonly message: string };

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
        return { ok: false, status: 403, code: 'Forbidden', message: 'Forbidden: this server answers only to its loopback address.' };
      }
      const origin = req.headers.origin;
      if (origin !== undefined && !origins.has(origin.toLowerCase())) {
        return { ok: false, status: 403, code: 'Forbidden', message: 'Forbidden: requests from other sites are refused.' };
      }
      const url = parseRequestUrl(req.url, `http://${host}`);
      if (!url) return { ok: false, status: 400, code: 'BadRequest', message: 'Bad request: the request target is not a valid path.' };
      const fromQuery = url.searchParams.get('token') ?? undefined;
      if (matches(fromQuery)) return { ok: true, via: 'query', url };
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ') && matches(auth.slice(7))) return { ok: true, via: 'header', url };
      if (matches(readCookie(req.headers.cookie, cookieName))) return { ok: true, via: 'cookie', url };
      return {
        ok: false,
        status: 401,
        code: 'Unauthorized',
        message: 'Unauthorized: open the URL that `ferry serve` printed; it carries this run\'s access token.',
      };
    },
  };
}

/** The request target as a URL on our own origin, or null when it is not a path (`GET http://[`). */
export function parseRequestUrl(target: string | undefined, base: string): URL | null {
  const path = target ?? '/';
  if (!path.startsWith('/')) return null;
  try {
    return new URL(path, base);
  } catch {
    return null;
  }
}

/** A cookie's value, or undefined when it is absent or not valid percent-encoding. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
