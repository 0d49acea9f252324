import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who may register with the relay, checked from the WebSocket handshake headers when a client
 * registers, as ProxyStore's relay does (proxystore/p2p/relay/authenticate.py). Clients send
 * `Authorization: Bearer <token>`; the token is a shared secret (Ferry's relay) or a Globus
 * access token (ProxyStore's relay introspects it). Endpoints peer only with endpoints of the
 * same user.
 */

export interface RelayUser {
  /** Identity that decides who may peer with whom (a Globus identity id, or one value for everyone). */
  readonly id: string;
  /** For logs only. */
  readonly name?: string;
}

/** Authentication failed: `unauthorized` closes with 4001, `forbidden` with 4002. */
export class RelayAuthError extends Error {
  readonly kind: 'unauthorized' | 'forbidden';
  constructor(kind: 'unauthorized' | 'forbidden', message: string) {
    super(message);
    this.name = kind === 'unauthorized' ? 'UnauthorizedError' : 'ForbiddenError';
    this.kind = kind;
  }
}

/** Resolves the user or throws RelayAuthError. */
export type RelayAuthenticator = (headers: IncomingHttpHeaders) => Promise<RelayUser>;

/** Everyone is the same user: ProxyStore's NullAuthenticator. */
export const ANONYMOUS: RelayUser = { id: 'anonymous' };

export function nullAuthenticator(): RelayAuthenticator {
  return async () => ANONYMOUS;
}

/** The token of an `Authorization: Bearer <token>` header, parsed as ProxyStore's get_token_from_headers does. */
export function bearerToken(headers: IncomingHttpHeaders): string {
  const header = headers.authorization;
  if (header === undefined) throw new RelayAuthError('unauthorized', 'Request headers are missing authorization header.');
  const parts = header.split(' ');
  if (parts.length !== 2 || parts[0] !== 'Bearer') throw new RelayAuthError('unauthorized', 'Bearer token in authorization header is malformed.');
  return parts[1] as string;
}

/**
 * A bearer-token check: `verify` maps a token to its user, returns null for a token that is not
 * active (closed 4002 "Token is expired or has been revoked."), or throws RelayAuthError itself
 * (for example, a token whose audience is not the relay). Globus token introspection plugs in here.
 */
export function bearerAuthenticator(verify: (token: string) => Promise<RelayUser | null>): RelayAuthenticator {
  return async (headers) => {
    const user = await verify(bearerToken(headers));
    if (!user) throw new RelayAuthError('forbidden', 'Token is expired or has been revoked.');
    return user;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Ferry's shared secret, carried as the bearer token; all holders are one user. */
export function sharedSecretAuthenticator(secret: string): RelayAuthenticator {
  if (!secret) throw new TypeError('the relay secret must not be empty');
  const expected = digest(secret);
  return async (headers) => {
    const token = bearerToken(headers);
    if (!timingSafeEqual(digest(token), expected)) throw new RelayAuthError('unauthorized', 'the relay rejected the shared secret');
    return { id: 'shared-secret' };
  };
}

/** ProxyStore's relay server and the scope its tokens need (declared once in shared/). */
import { PROXYSTORE_RELAY_RESOURCE_SERVER, PROXYSTORE_RELAY_SCOPE } from '../../../shared/proxystore-relay';
export { PROXYSTORE_RELAY_RESOURCE_SERVER, PROXYSTORE_RELAY_SCOPE };

export interface GlobusIntrospectionOptions {
  /** Globus Auth's base URL: `https://auth.globus.org`, or GLOBUS_SDK_SERVICE_URL_AUTH (the emulator in tests). */
  readonly authUrl: string;
  /** The relay's confidential client, which introspects (ProxyStore: PROXYSTORE_GLOBUS_CLIENT_ID/SECRET). */
  readonly clientId: string;
  readonly clientSecret: string;
  /** The token's audience must include this (default: ProxyStore's relay resource server); null skips the check. */
  readonly audience?: string | null;
  readonly fetch?: typeof fetch;
  /** Per-introspection timeout (default 10 s). */
  readonly timeoutMs?: number;
}

/**
 * ProxyStore's GlobusAuthenticator: introspects the bearer token with Globus Auth
 * (`POST /v2/oauth2/token/introspect`, client authentication); an inactive token closes 4002, a
 * token whose `aud` lacks the relay closes 4002; the user is the token's identity (`sub`), so
 * endpoints peer only with endpoints of the same Globus identity. A missing or malformed header
 * closes 4001. Introspection that cannot be reached throws a plain Error (the relay answers it as
 * a server error, not as a verdict on the token).
 */
export function globusIntrospectionAuthenticator(options: GlobusIntrospectionOptions): RelayAuthenticator {
  const doFetch = options.fetch ?? fetch;
  const audience = options.audience === undefined ? PROXYSTORE_RELAY_RESOURCE_SERVER : options.audience;
  const url = `${options.authUrl.replace(/\/+$/, '')}/v2/oauth2/token/introspect`;
  const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`, 'utf8').toString('base64');
  return bearerAuthenticator(async (token) => {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token, include: 'identity_set' }).toString(),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    if (!response.ok) throw new Error(`Globus Auth token introspection answered ${response.status}`);
    const meta = (await response.json()) as Record<string, unknown>;
    if (meta['active'] !== true) return null;
    const aud = Array.isArray(meta['aud']) ? meta['aud'] : typeof meta['aud'] === 'string' ? [meta['aud']] : [];
    if (audience !== null && !aud.includes(audience)) {
      throw new RelayAuthError(
        'forbidden',
        `Token audience does not include "${audience}". This could result in a confused deputy attack. Ensure the correct scopes are requested when the token is created.`,
      );
    }
    const sub = meta['sub'];
    if (typeof sub !== 'string' || !sub) throw new RelayAuthError('forbidden', 'Token introspection returned no identity.');
    const username = typeof meta['username'] === 'string' ? meta['username'] : undefined;
    return { id: sub.toLowerCase(), ...(username ? { name: username } : {}) };
  });
}
