/** Auth token endpoint calls and parsing: code exchange, token responses, the signed-in identity. */
import { auth } from '@globus/sdk';
import type { AccountIdentity } from './account-status';
import type { Pending, TokenResponse } from './auth-types';
import { withSdkEnvironment, type GlobusEnvironment } from './environment';
import { isRecord, readJson, requestOptions, sendSdk } from './http';
import type { StoredToken } from './token-store';

/** Exchanges a sign-in's authorization code (PKCE) for tokens; returns the token response body. */
export async function exchangeAuthorizationCode(login: Pending, code: string, requestTimeoutMs: number): Promise<unknown> {
  const response = await sendSdk('Auth', () =>
    withSdkEnvironment(login.env, () =>
      auth.oauth2.token.exchange(
        {
          payload: {
            grant_type: 'authorization_code',
            code,
            client_id: login.clientId,
            code_verifier: login.verifier,
            redirect_uri: login.redirectUri,
          },
        },
        requestOptions(requestTimeoutMs),
      ),
    ),
  );
  return readJson('Auth', response);
}

/** Who signed in: Auth userinfo with the Auth token, else the id_token's claims. */
export async function fetchIdentity(
  env: GlobusEnvironment,
  authToken: StoredToken | undefined,
  idToken: string | undefined,
  requestTimeoutMs: number,
): Promise<AccountIdentity | null> {
  if (authToken) {
    try {
      const response = await sendSdk('Auth', () =>
        withSdkEnvironment(env, () =>
          auth.oauth2.userinfo({ payload: undefined as never, headers: { Authorization: `Bearer ${authToken.access_token}` } }, requestOptions(requestTimeoutMs)),
        ),
      );
      const info = await readJson('Auth', response);
      const identity = identityFrom(info);
      if (identity) return identity;
    } catch {
      // Fall back to the id_token's claims below.
    }
  }
  return idToken ? identityFrom(decodeJwtPayload(idToken)) : null;
}

/** Every token of a token response (the top-level one and `other_tokens`, nested). */
export function flattenTokens(body: unknown): TokenResponse[] {
  const out: TokenResponse[] = [];
  const visit = (node: unknown): void => {
    if (!isRecord(node)) return;
    if (typeof node.access_token === 'string' && typeof node.resource_server === 'string') {
      out.push({
        access_token: node.access_token,
        ...(typeof node.refresh_token === 'string' && node.refresh_token ? { refresh_token: node.refresh_token } : {}),
        expires_in: typeof node.expires_in === 'number' ? node.expires_in : 3600,
        resource_server: node.resource_server,
        scope: typeof node.scope === 'string' ? node.scope : '',
        ...(typeof node.id_token === 'string' ? { id_token: node.id_token } : {}),
      });
    }
    if (Array.isArray(node.other_tokens)) node.other_tokens.forEach(visit);
  };
  visit(body);
  return out;
}

export function identityFrom(value: unknown): AccountIdentity | null {
  if (!isRecord(value) || typeof value.sub !== 'string') return null;
  const text = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
  return {
    sub: value.sub,
    username: text(value.preferred_username) ?? text(value.username),
    name: text(value.name),
    email: text(value.email),
  };
}

/** The claims of a JWT, unverified: only used to show who signed in. */
export function decodeJwtPayload(jwt: string): unknown {
  const part = jwt.split('.')[1];
  if (!part) return null;
  try {
    return JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/**
 * When each identity of the session last authenticated, from a Globus id_token: Globus puts
 * `last_authentication` (epoch seconds) on each entry of `identity_set` (and on the top-level
 * claims for the primary identity); standard OIDC `auth_time` is read as well. Epoch ms by
 * identity id; empty when the token says nothing. A native app cannot introspect tokens (that
 * needs client credentials), so the id_token is where its session's age comes from.
 */
export function authTimesFromIdToken(idToken: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!idToken) return out;
  const claims = decodeJwtPayload(idToken);
  const take = (node: unknown): void => {
    if (!isRecord(node) || typeof node.sub !== 'string') return;
    const seconds = typeof node.last_authentication === 'number' ? node.last_authentication : typeof node.auth_time === 'number' ? node.auth_time : null;
    if (seconds !== null && Number.isFinite(seconds) && seconds > 0) out[node.sub] = Math.max(out[node.sub] ?? 0, seconds * 1000);
  };
  take(claims);
  if (isRecord(claims) && Array.isArray(claims.identity_set)) claims.identity_set.forEach(take);
  return out;
}

/** The first id_token of a token response (top level or `other_tokens`). */
export function idTokenOf(body: unknown): string | undefined {
  return flattenTokens(body).find((t) => t.id_token)?.id_token;
}
