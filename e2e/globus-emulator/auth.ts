/**
 * Globus Auth for native apps: consent page, authorization code + PKCE (S256), refresh tokens,
 * revocation and userinfo, with Globus' token response shape and OAuth error codes.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeScope, parseScopeRequest, VIEW_IDENTITY_SET_SCOPE } from './auth-scopes';
import { AUTH_RESOURCE_SERVER, AUTH_SCOPES, COLLEAGUE_IDENTITY, EMULATOR_DEFAULT_USER, TIMERS_RESOURCE_SERVER, TRANSFER_RESOURCE_SERVER } from './constants';
import { escapeHtml, HttpError, readBody, redirect, sendHtml, sendJson } from './http-util';
import type { EmulatorDatabase } from './database';

const CODE_LIFETIME_MS = 10 * 60 * 1000;
export { parseScopeRequest, splitScopes, VIEW_IDENTITY_SET_SCOPE } from './auth-scopes';
/** ProxyStore's relay server (proxystore/globus/scopes.py). */
export const PROXYSTORE_RELAY_RESOURCE_SERVER = 'ebd5bbed-95e2-47cf-9c80-39e2064274bd';
export const PROXYSTORE_RELAY_SCOPE = `https://auth.globus.org/scopes/${PROXYSTORE_RELAY_RESOURCE_SERVER}/relay_all`;

/** Who signs in at the consent page (the emulator has one signed-in person at a time). */
export interface EmulatorIdentity {
  readonly sub: string;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly organization: string;
  readonly identityProviderId: string;
  readonly identityProviderDisplayName: string;
}

/** What a bearer token stands for. */
export interface TokenInfo {
  readonly sub: string;
  readonly clientId: string;
  readonly resourceServer: string;
  readonly scope: string;
  /** Collections this token carries data_access consent for. */
  readonly dataAccess: ReadonlySet<string>;
}

export type TokenLookup = { readonly ok: true; readonly info: TokenInfo } | { readonly ok: false; readonly reason: 'missing' | 'inactive' };

interface PendingAuthorization {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly state: string | null;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: string | null;
  readonly offline: boolean;
}

/** Loopback redirect URIs (any port) and the paste-the-code page are allowed, as for a native app. */
function redirectKind(uri: string): 'loopback' | 'paste' | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.pathname.replace(/\/$/, '') === '/v2/web/auth-code') return 'paste';
  if (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]')) {
    return 'loopback';
  }
  return null;
}

function token(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

function oauthError(status: number, error: string, description: string): HttpError {
  return new HttpError(status, { error, error_description: description, errors: [{ status: String(status), code: error.toUpperCase(), detail: description }] });
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d2733}
button{font-size:1rem;padding:.5rem 1.5rem;margin-right:.5rem}code{font-size:1.2rem;padding:.25rem .5rem;background:#eef2f5}</style>
</head><body>${body}</body></html>`;
}

export interface AuthServiceOptions {
  readonly db: EmulatorDatabase;
  readonly clientIds: () => ReadonlySet<string>;
  readonly tokenLifetimeSeconds: () => number;
  readonly issuer: () => string;
  readonly collectionName: (id: string) => string | undefined;
}

export class AuthService {
  private readonly pending = new Map<string, PendingAuthorization>();
  private readonly jwtSecret = randomBytes(32);
  private readonly identities = new Map<string, EmulatorIdentity>([
    [EMULATOR_DEFAULT_USER.sub, EMULATOR_DEFAULT_USER],
    [COLLEAGUE_IDENTITY.sub, COLLEAGUE_IDENTITY],
  ]);
  private current: EmulatorIdentity = EMULATOR_DEFAULT_USER;

  constructor(private readonly opts: AuthServiceOptions) {}

  /** GET /v2/oauth2/authorize: the consent page. */
  authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const clientId = q.get('client_id') ?? '';
    if (!this.opts.clientIds().has(clientId)) {
      sendHtml(res, 400, page('Unknown client', `<h1>Unknown client</h1><p>The client_id <code>${escapeHtml(clientId)}</code> is not registered with Globus Auth.</p>`));
      return;
    }
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!redirectKind(redirectUri)) {
      sendHtml(res, 400, page('Invalid redirect_uri', `<h1>Invalid redirect_uri</h1><p><code>${escapeHtml(redirectUri)}</code> is not allowed for this client.</p>`));
      return;
    }
    const fail = (error: string, description: string): void => {
      const target = new URL(redirectUri);
      target.searchParams.set('error', error);
      target.searchParams.set('error_description', description);
      const state = q.get('state');
      if (state !== null) target.searchParams.set('state', state);
      redirect(res, target.toString());
    };
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    const method = q.get('code_challenge_method');
    const challenge = q.get('code_challenge');
    if (challenge && method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    const scope = q.get('scope') ?? '';
    const parsed = parseScopeRequest(scope);
    if ('error' in parsed) return fail('invalid_scope', parsed.error);
    const id = randomBytes(16).toString('hex');
    this.pending.set(id, {
      clientId,
      redirectUri,
      scope,
      state: q.get('state'),
      codeChallenge: challenge,
      codeChallengeMethod: challenge ? 'S256' : null,
      offline: q.get('access_type') === 'offline' || parsed.offline,
    });
    const items = parsed.grants.flatMap((g) => [
      ...g.scopes.map(describeScope),
      ...[...g.dataAccess].map((c) => `Access data on the collection “${this.opts.collectionName(c) ?? c}”`),
    ]);
    const user = this.current;
    sendHtml(
      res,
      200,
      page(
        'Allow access - Globus emulator',
        `<h1>Ferry would like to access your Globus account</h1>
<p>Signed in as <strong>${escapeHtml(user.name)}</strong> (${escapeHtml(user.username)}).</p>
<p>The app with client id <code>${escapeHtml(clientId)}</code> asks to:</p>
<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>
<form method="post" action="/v2/oauth2/authorize/decision">
<input type="hidden" name="request" value="${id}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
      ),
    );
  }

  /** POST /v2/oauth2/authorize/decision: the Allow/Deny buttons. */
  async decide(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const id = form.get('request') ?? '';
    const request = this.pending.get(id);
    if (!request) {
      sendHtml(res, 400, page('Expired', '<h1>This sign-in request has expired</h1><p>Start signing in again from the app.</p>'));
      return;
    }
    this.pending.delete(id);
    const target = new URL(request.redirectUri);
    if (form.get('decision') !== 'allow') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user denied the request');
      if (request.state !== null) target.searchParams.set('state', request.state);
      redirect(res, target.toString());
      return;
    }
    const code = randomBytes(24).toString('base64url');
    this.opts.db
      .prepare(
        `INSERT INTO auth_codes (code, client_id, redirect_uri, scope, code_challenge, code_challenge_method, sub, offline, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(code, request.clientId, request.redirectUri, request.scope, request.codeChallenge, request.codeChallengeMethod, this.current.sub, request.offline ? 1 : 0, Date.now() + CODE_LIFETIME_MS);
    if (redirectKind(request.redirectUri) === 'paste') {
      sendHtml(
        res,
        200,
        page(
          'Native App Authorization Code',
          `<h1>Native App Authorization Code</h1>
<p>Copy this code and paste it into the app:</p>
<p><code id="auth-code">${escapeHtml(code)}</code></p>${request.state !== null ? `<p hidden id="auth-state">${escapeHtml(request.state)}</p>` : ''}`,
        ),
      );
      return;
    }
    target.searchParams.set('code', code);
    if (request.state !== null) target.searchParams.set('state', request.state);
    redirect(res, target.toString());
  }

  /** POST /v2/oauth2/token */
  async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const clientId = this.clientIdOf(req, form);
    if (!clientId || !this.opts.clientIds().has(clientId)) throw oauthError(401, 'invalid_client', 'Unknown client');
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      sendJson(res, 200, this.exchangeCode(clientId, form));
      return;
    }
    if (grantType === 'refresh_token') {
      sendJson(res, 200, this.refresh(clientId, form.get('refresh_token') ?? ''));
      return;
    }
    throw oauthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grantType ?? '(none)'}`);
  }

  private clientIdOf(req: IncomingMessage, form: URLSearchParams): string | null {
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      return decoded.split(':')[0] ?? null;
    }
    return form.get('client_id');
  }

  private exchangeCode(clientId: string, form: URLSearchParams): Record<string, unknown> {
    const db = this.opts.db;
    const code = form.get('code') ?? '';
    const row = db.prepare('SELECT * FROM auth_codes WHERE code = ?').get(code) as
      | { client_id: string; redirect_uri: string; scope: string; code_challenge: string | null; sub: string; offline: number; expires_at: number; used: number }
      | undefined;
    if (!row || row.client_id !== clientId) throw oauthError(400, 'invalid_grant', 'Invalid authorization code');
    if (row.used) {
      // A replayed code revokes everything issued from it (RFC 6749 §4.1.2).
      db.prepare('UPDATE access_tokens SET revoked = 1 WHERE code = ?').run(code);
      db.prepare('UPDATE refresh_tokens SET revoked = 1 WHERE code = ?').run(code);
      throw oauthError(400, 'invalid_grant', 'Authorization code has already been used');
    }
    if (Date.now() > row.expires_at) throw oauthError(400, 'invalid_grant', 'Authorization code has expired');
    if ((form.get('redirect_uri') ?? '') !== row.redirect_uri) throw oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    if (row.code_challenge) {
      const verifier = form.get('code_verifier') ?? '';
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (!verifier || computed !== row.code_challenge) throw oauthError(400, 'invalid_grant', 'Invalid code_verifier');
    }
    db.prepare('UPDATE auth_codes SET used = 1 WHERE code = ?').run(code);
    const parsed = parseScopeRequest(row.scope);
    if ('error' in parsed) throw oauthError(400, 'invalid_scope', parsed.error);
    const ordered = [...parsed.grants].sort((a, b) => Number(b.resourceServer === AUTH_RESOURCE_SERVER) - Number(a.resourceServer === AUTH_RESOURCE_SERVER));
    const docs = ordered.map((g) => this.issue(clientId, row.sub, g.resourceServer, g.scopes.join(' '), [...g.dataAccess], row.offline === 1, code));
    const [first, ...rest] = docs;
    return { ...first, other_tokens: rest };
  }

  private refresh(clientId: string, refreshToken: string): Record<string, unknown> {
    const row = this.opts.db.prepare('SELECT * FROM refresh_tokens WHERE token = ?').get(refreshToken) as
      | { client_id: string; sub: string; resource_server: string; scope: string; data_access: string; revoked: number }
      | undefined;
    if (!row || row.revoked || row.client_id !== clientId) throw oauthError(400, 'invalid_grant', 'Invalid refresh token');
    const doc = this.issueAccess(clientId, row.sub, row.resource_server, row.scope, JSON.parse(row.data_access) as string[], refreshToken, null);
    return { ...doc, refresh_token: refreshToken, other_tokens: [] };
  }

  private issue(clientId: string, sub: string, rs: string, scope: string, dataAccess: string[], offline: boolean, code: string): Record<string, unknown> {
    let refreshToken: string | null = null;
    if (offline) {
      refreshToken = token('EmuRT');
      this.opts.db
        .prepare('INSERT INTO refresh_tokens (token, client_id, sub, resource_server, scope, data_access, code) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(refreshToken, clientId, sub, rs, scope, JSON.stringify(dataAccess), code);
    }
    const doc = this.issueAccess(clientId, sub, rs, scope, dataAccess, refreshToken, code);
    return refreshToken ? { ...doc, refresh_token: refreshToken } : doc;
  }

  private issueAccess(clientId: string, sub: string, rs: string, scope: string, dataAccess: string[], refreshToken: string | null, code: string | null): Record<string, unknown> {
    const lifetime = this.opts.tokenLifetimeSeconds();
    const accessToken = token('EmuAT');
    this.opts.db
      .prepare(
        'INSERT INTO access_tokens (token, client_id, sub, resource_server, scope, data_access, refresh_token, code, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(accessToken, clientId, sub, rs, scope, JSON.stringify(dataAccess), refreshToken, code, Date.now() + lifetime * 1000);
    const doc: Record<string, unknown> = {
      access_token: accessToken,
      expires_in: lifetime,
      resource_server: rs,
      token_type: 'Bearer',
      scope,
    };
    if (rs === AUTH_RESOURCE_SERVER && scope.split(' ').includes('openid')) doc['id_token'] = this.idToken(clientId, sub, lifetime);
    return doc;
  }

  private idToken(clientId: string, sub: string, lifetime: number): string {
    const u = this.identityOf(sub);
    const now = Math.floor(Date.now() / 1000);
    const identity = {
      sub: u.sub,
      email: u.email,
      name: u.name,
      username: u.username,
      identity_provider: u.identityProviderId,
      identity_provider_display_name: u.identityProviderDisplayName,
      organization: u.organization,
      last_authentication: now,
    };
    const claims = { ...identity, preferred_username: u.username, iss: this.opts.issuer(), aud: clientId, iat: now, exp: now + lifetime, identity_set: [identity] };
    const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsigned = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
    return `${unsigned}.${createHmac('sha256', this.jwtSecret).update(unsigned).digest('base64url')}`;
  }

  /** POST /v2/oauth2/token/revoke: revoking a refresh token also revokes its access tokens. */
  async revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const clientId = this.clientIdOf(req, form);
    if (!clientId || !this.opts.clientIds().has(clientId)) throw oauthError(401, 'invalid_client', 'Unknown client');
    const t = form.get('token') ?? '';
    const db = this.opts.db;
    db.prepare('UPDATE access_tokens SET revoked = 1 WHERE token = ? OR refresh_token = ?').run(t, t);
    db.prepare('UPDATE refresh_tokens SET revoked = 1 WHERE token = ?').run(t);
    sendJson(res, 200, { active: false });
  }

  /** GET /v2/oauth2/userinfo */
  userinfo(res: ServerResponse, bearer: string | undefined): void {
    const found = this.lookup(bearer);
    if (!found.ok || found.info.resourceServer !== AUTH_RESOURCE_SERVER) {
      throw new HttpError(401, { error: 'invalid_token', error_description: 'Token is not active or not valid for auth.globus.org', errors: [{ status: '401', code: 'UNAUTHORIZED', detail: 'Unauthorized' }] }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    const u = this.identityOf(found.info.sub);
    const identity = {
      sub: u.sub,
      email: u.email,
      name: u.name,
      username: u.username,
      identity_provider: u.identityProviderId,
      identity_provider_display_name: u.identityProviderDisplayName,
      organization: u.organization,
    };
    sendJson(res, 200, { ...identity, preferred_username: u.username, identity_set: [identity] });
  }

  lookup(bearer: string | undefined): TokenLookup {
    if (!bearer) return { ok: false, reason: 'missing' };
    const row = this.opts.db.prepare('SELECT * FROM access_tokens WHERE token = ?').get(bearer) as
      | { client_id: string; sub: string; resource_server: string; scope: string; data_access: string; expires_at: number; revoked: number }
      | undefined;
    if (!row || row.revoked || Date.now() >= row.expires_at) return { ok: false, reason: 'inactive' };
    return {
      ok: true,
      info: {
        sub: row.sub,
        clientId: row.client_id,
        resourceServer: row.resource_server,
        scope: row.scope,
        dataAccess: new Set(JSON.parse(row.data_access) as string[]),
      },
    };
  }

  /**
   * POST /v2/oauth2/token/introspect, as Globus Auth answers it: the caller authenticates as a
   * registered client (HTTP Basic, or client_id in the form); an unknown, revoked or expired token
   * is `{"active": false}`; an active one carries sub, username, name, email, scope, client_id,
   * aud (the token's resource server and client), exp/iat/nbf, and `identity_set` when
   * `include=identity_set` is asked for.
   */
  async introspect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const clientId = this.clientIdOf(req, form);
    if (!clientId || !this.opts.clientIds().has(clientId)) throw oauthError(401, 'invalid_client', 'Unknown client');
    const t = form.get('token');
    if (!t) throw oauthError(400, 'invalid_request', 'token is required');
    const row = this.opts.db.prepare('SELECT * FROM access_tokens WHERE token = ?').get(t) as
      | { client_id: string; sub: string; resource_server: string; scope: string; expires_at: number; revoked: number }
      | undefined;
    if (!row || row.revoked || Date.now() >= row.expires_at) {
      sendJson(res, 200, { active: false });
      return;
    }
    const u = this.identityOf(row.sub);
    const exp = Math.floor(row.expires_at / 1000);
    const doc: Record<string, unknown> = {
      active: true,
      token_type: 'Bearer',
      scope: row.scope,
      client_id: row.client_id,
      sub: u.sub,
      username: u.username,
      name: u.name,
      email: u.email,
      aud: [row.resource_server, row.client_id],
      iss: this.opts.issuer(),
      exp,
      iat: exp - this.opts.tokenLifetimeSeconds(),
      nbf: exp - this.opts.tokenLifetimeSeconds(),
    };
    const include = (form.get('include') ?? '').split(',').map((v) => v.trim());
    if (include.includes('identity_set')) doc['identity_set'] = [u.sub];
    sendJson(res, 200, doc);
  }

  /** GET /.well-known/openid-configuration: OpenID discovery, as Globus Auth publishes it. */
  openidConfiguration(res: ServerResponse): void {
    const iss = this.opts.issuer();
    sendJson(res, 200, {
      issuer: iss,
      authorization_endpoint: `${iss}/v2/oauth2/authorize`,
      token_endpoint: `${iss}/v2/oauth2/token`,
      userinfo_endpoint: `${iss}/v2/oauth2/userinfo`,
      revocation_endpoint: `${iss}/v2/oauth2/token/revoke`,
      introspection_endpoint: `${iss}/v2/oauth2/token/introspect`,
      jwks_uri: `${iss}/jwk.json`,
      response_types_supported: ['code', 'token', 'token id_token', 'id_token'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      id_token_signing_alg_values_supported: ['RS512', 'HS256'],
      scopes_supported: ['openid', 'email', 'profile', VIEW_IDENTITY_SET_SCOPE, ...AUTH_SCOPES.filter((s) => !['openid', 'email', 'profile'].includes(s))],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
      claims_supported: ['at_hash', 'aud', 'email', 'exp', 'name', 'nonce', 'preferred_username', 'iat', 'identity_provider', 'iss', 'sub', 'identity_set'],
      subject_types_supported: ['public'],
      code_challenge_methods_supported: ['S256'],
    });
  }

  /** Control: whoever signs in at the consent page from now on (a second person, for tests). */
  signInAs(identity: EmulatorIdentity): void {
    this.identities.set(identity.sub, identity);
    this.current = identity;
  }

  /** Control: the default person signs in again. */
  signInAsDefault(): void {
    this.current = EMULATOR_DEFAULT_USER;
  }

  /** Every identity Auth knows (the default person, the colleague, anyone signed in through control). */
  knownIdentities(): readonly EmulatorIdentity[] {
    return [...this.identities.values()];
  }

  /**
   * Control: the person withdraws their data_access consent for a collection. Every token and
   * refresh token of theirs stops carrying it (the next sign-in asking for it grants it again).
   */
  revokeDataAccess(sub: string, collectionId: string): number {
    return this.editDataAccess(sub, (ids) => (ids.includes(collectionId) ? ids.filter((id) => id !== collectionId) : undefined));
  }

  /** Control: the person consents again; their existing tokens and refresh tokens carry the collection's data_access again. */
  grantDataAccess(sub: string, collectionId: string): number {
    return this.editDataAccess(sub, (ids) => (ids.includes(collectionId) ? undefined : [...ids, collectionId]));
  }

  private editDataAccess(sub: string, edit: (ids: string[]) => string[] | undefined): number {
    const db = this.opts.db;
    let changed = 0;
    for (const table of ['access_tokens', 'refresh_tokens'] as const) {
      const rows = db.prepare(`SELECT token, data_access FROM ${table} WHERE sub = ? AND resource_server IN (?, ?)`).all(sub, TRANSFER_RESOURCE_SERVER, TIMERS_RESOURCE_SERVER) as {
        token: string;
        data_access: string;
      }[];
      const update = db.prepare(`UPDATE ${table} SET data_access = ? WHERE token = ?`);
      for (const row of rows) {
        const next = edit(JSON.parse(row.data_access) as string[]);
        if (!next) continue;
        update.run(JSON.stringify(next), row.token);
        changed += 1;
      }
    }
    return changed;
  }

  private identityOf(sub: string): EmulatorIdentity {
    return this.identities.get(sub) ?? EMULATOR_DEFAULT_USER;
  }

  /** Control: every access token expires now (refresh tokens stay valid). */
  expireAll(): number {
    return this.opts.db.prepare('UPDATE access_tokens SET expires_at = ? WHERE revoked = 0 AND expires_at > ?').run(Date.now() - 1, Date.now()).changes;
  }
}
