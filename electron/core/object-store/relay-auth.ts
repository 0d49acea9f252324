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
