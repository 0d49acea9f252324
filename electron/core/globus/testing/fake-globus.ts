/**
 * A tiny stand-in for Globus Auth + Transfer used by this folder's unit tests (the full
 * emulator lives in e2e/globus-emulator). One HTTP server on 127.0.0.1 serves both.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GlobusEnvironment } from '../environment';

export const FAKE_CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const FAKE_USER = { sub: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', preferred_username: 'ada@example.org', name: 'Ada', email: 'ada@example.org' };
/** When the fake user last logged in, in epoch seconds (the id_token's identity_set[].last_authentication). */
export const FAKE_LAST_AUTHENTICATION = 1_699_990_000;

interface Issued {
  readonly rs: string;
  readonly collections: readonly string[];
  expired: boolean;
  revoked: boolean;
}

interface Scripted {
  readonly status: number;
  readonly body: unknown;
}

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

export interface FakeGlobus {
  readonly env: GlobusEnvironment;
  readonly requests: FakeRequest[];
  /** Answers the next requests whose path starts with `pathPrefix` with these, in order. */
  script(method: string, pathPrefix: string, ...responses: Scripted[]): void;
  expireAccessTokens(): void;
  /** Makes every refresh-token grant fail with 400 invalid_grant. */
  rejectRefresh(value: boolean): void;
  requireConsent(collectionId: string): void;
  /** Every token revoked through /token/revoke. */
  readonly revoked: Set<string>;
  /** When set, /authorize redirects with this state instead of the one it got. */
  forgeState(value: string | null): void;
  close(): Promise<void>;
}

export async function startFakeGlobus(): Promise<FakeGlobus> {
  const requests: FakeRequest[] = [];
  const scripts: { method: string; prefix: string; queue: Scripted[] }[] = [];
  const codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  const access = new Map<string, Issued>();
  const refresh = new Map<string, Issued>();
  const revoked = new Set<string>();
  const consentNeeded = new Set<string>();
  const dirs = new Map<string, Set<string>>();
  let refuseRefresh = false;
  let forgedState: string | null = null;

  const issue = (rs: string, scope: string, collections: readonly string[]): Record<string, unknown> => {
    const token = `at-${rs.split('.')[0]}-${randomUUID()}`;
    const rt = `rt-${rs.split('.')[0]}-${randomUUID()}`;
    access.set(token, { rs, collections, expired: false, revoked: false });
    refresh.set(rt, { rs, collections, expired: false, revoked: false });
    return { access_token: token, refresh_token: rt, expires_in: 172800, resource_server: rs, scope, token_type: 'Bearer' };
  };

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req-${requests.length}` });
    res.end(JSON.stringify(body));
  };

  const bearer = (req: IncomingMessage, rs: string): Issued | null => {
    const header = req.headers.authorization ?? '';
    const token = header.replace(/^Bearer /, '');
    const found = access.get(token);
    return found && found.rs === rs && !found.expired && !found.revoked ? found : null;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, authorization: req.headers.authorization });
    let raw = '';
    for await (const chunk of req) raw += String(chunk);

    const scripted = scripts.find((s) => s.method === method && url.pathname.startsWith(s.prefix) && s.queue.length > 0);
    const next = scripted?.queue.shift();
    if (next) {
      if (next.status === 0) {
        req.socket.destroy();
        return;
      }
      return json(res, next.status, next.body);
    }

    if (url.pathname === '/v2/oauth2/authorize') {
      const p = url.searchParams;
      if (p.get('client_id') !== FAKE_CLIENT_ID || p.get('code_challenge_method') !== 'S256' || p.get('access_type') !== 'offline') {
        return json(res, 400, { error: 'invalid_request' });
      }
      const code = `code-${randomUUID()}`;
      const redirectUri = p.get('redirect_uri') ?? '';
      codes.set(code, { challenge: p.get('code_challenge') ?? '', redirectUri, scope: p.get('scope') ?? '' });
      if (redirectUri.endsWith('/v2/web/auth-code')) return json(res, 200, { code });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      target.searchParams.set('state', forgedState ?? p.get('state') ?? '');
      res.writeHead(302, { location: target.toString() }).end();
      return;
    }
    if (url.pathname === '/v2/oauth2/token' && method === 'POST') {
      const form = new URLSearchParams(raw);
      if (form.get('client_id') !== FAKE_CLIENT_ID) return json(res, 401, { error: 'invalid_client' });
      if (form.get('grant_type') === 'authorization_code') {
        const entry = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (!entry || entry.redirectUri !== form.get('redirect_uri') || entry.challenge !== challenge) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'bad code, redirect or verifier' });
        }
        const collections = [...entry.scope.matchAll(/scopes\/([0-9a-f-]{36})\/data_access/g)].map((m) => m[1] ?? '');
        const authToken = issue('auth.globus.org', 'openid profile email', []);
        // Globus puts each identity's last login (epoch seconds) in identity_set.
        const identitySet = [{ sub: FAKE_USER.sub, last_authentication: FAKE_LAST_AUTHENTICATION }];
        const claims = Buffer.from(JSON.stringify({ sub: FAKE_USER.sub, preferred_username: FAKE_USER.preferred_username, identity_set: identitySet })).toString('base64url');
        return json(res, 200, {
          ...authToken,
          id_token: `e30.${claims}.sig`,
          other_tokens: [issue('transfer.api.globus.org', 'urn:globus:auth:scope:transfer.api.globus.org:all', collections)],
        });
      }
      if (form.get('grant_type') === 'refresh_token') {
        const found = refresh.get(form.get('refresh_token') ?? '');
        if (refuseRefresh || !found || found.revoked) return json(res, 400, { error: 'invalid_grant', error_description: 'refresh token is not valid' });
        const token = `at-${found.rs.split('.')[0]}-${randomUUID()}`;
        access.set(token, { rs: found.rs, collections: found.collections, expired: false, revoked: false });
        return json(res, 200, { access_token: token, expires_in: 172800, resource_server: found.rs, scope: 'x', token_type: 'Bearer' });
      }
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    if (url.pathname === '/v2/oauth2/token/revoke' && method === 'POST') {
      const token = new URLSearchParams(raw).get('token') ?? '';
      revoked.add(token);
      const a = access.get(token) ?? refresh.get(token);
      if (a) a.revoked = true;
      return json(res, 200, { active: false });
    }
    if (url.pathname === '/v2/oauth2/userinfo') {
      if (!bearer(req, 'auth.globus.org')) return json(res, 401, { error: 'invalid_token' });
      return json(res, 200, FAKE_USER);
    }
    if (url.pathname.startsWith('/v0.10/')) {
      const who = bearer(req, 'transfer.api.globus.org');
      if (!who) return json(res, 401, { code: 'AuthenticationFailed', message: 'Token is not active', request_id: 'r401' });
      const op = /^\/v0\.10\/operation\/endpoint\/([^/]+)\/(ls|mkdir)$/.exec(url.pathname);
      if (url.pathname === '/v0.10/submission_id') return json(res, 200, { value: randomUUID() });
      if (op) {
        const collection = op[1] ?? '';
        if (consentNeeded.has(collection) && !who.collections.includes(collection)) {
          const scope = `urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/${collection}/data_access]`;
          return json(res, 403, {
            code: 'ConsentRequired',
            message: 'Missing required data_access consent',
            request_id: 'rconsent',
            required_scopes: [scope],
            authorization_parameters: { session_message: 'consent', required_scopes: [scope] },
          });
        }
        const made = dirs.get(collection) ?? new Set<string>();
        dirs.set(collection, made);
        if (op[2] === 'mkdir') {
          const path = (JSON.parse(raw) as { path: string }).path;
          if (made.has(path)) return json(res, 502, { code: 'ExternalError.MkdirFailed.Exists', message: `Path already exists, Error (mkdir)\nEndpoint: x\nPath: ${path}`, request_id: 'rexists' });
          made.add(path);
          return json(res, 202, { DATA_TYPE: 'mkdir_result', code: 'DirectoryCreated', message: 'The directory was created successfully', request_id: 'rmk' });
        }
        const path = url.searchParams.get('path') ?? '/~/';
        return json(res, 200, {
          DATA_TYPE: 'file_list',
          path,
          absolute_path: path,
          endpoint: collection,
          DATA: [
            { DATA_TYPE: 'file', name: 'data.h5', type: 'file', size: 1234, last_modified: '2024-05-01 10:00:00+00:00', permissions: '0644' },
            ...[...made].map((d) => ({ DATA_TYPE: 'file', name: d.split('/').filter(Boolean).pop(), type: 'dir', size: 4096, last_modified: '2024-05-02 10:00:00+00:00' })),
          ],
          total: 1 + made.size,
        });
      }
      return json(res, 404, { code: 'ClientError.NotFound', message: `${url.pathname} not found`, request_id: 'r404' });
    }
    json(res, 404, { code: 'NotFound', message: 'no such route' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { code: 'FakeCrashed', message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    env: { kind: 'custom', authUrl: base, transferUrl: base },
    requests,
    revoked,
    script(method, prefix, ...responses) {
      scripts.push({ method, prefix, queue: [...responses] });
    },
    expireAccessTokens() {
      for (const issued of access.values()) issued.expired = true;
    },
    rejectRefresh(value) {
      refuseRefresh = value;
    },
    requireConsent(collectionId) {
      consentNeeded.add(collectionId);
    },
    forgeState(value) {
      forgedState = value;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
