import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth } from '@globus/sdk';
import { EMULATOR_DEFAULT_CLIENT_ID, EMULATOR_DEFAULT_USER, TRANSFER_SCOPE } from './index';
import { PROXYSTORE_RELAY_SCOPE, PROXYSTORE_RELAY_RESOURCE_SERVER, VIEW_IDENTITY_SET_SCOPE } from './auth';
import { signIn, startHarness, type Harness, type TokenResponse } from './test-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const relayToken = (tokens: TokenResponse): string => {
  const t = tokens.other_tokens.find((o) => o.resource_server === PROXYSTORE_RELAY_RESOURCE_SERVER);
  if (!t) throw new Error('no relay token');
  return t.access_token;
};

async function introspect(token: string, opts: { client?: string | null; include?: string } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const client = opts.client === undefined ? EMULATOR_DEFAULT_CLIENT_ID : opts.client;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client) headers['authorization'] = `Basic ${Buffer.from(`${client}:secret`).toString('base64')}`;
  const form = new URLSearchParams({ token });
  if (opts.include) form.set('include', opts.include);
  const res = await fetch(`${h.emulator.url}/v2/oauth2/token/introspect`, { method: 'POST', headers, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const PROXYSTORE_LOGIN = `openid profile email ${VIEW_IDENTITY_SET_SCOPE} ${PROXYSTORE_RELAY_SCOPE} ${TRANSFER_SCOPE}`;

describe('what ProxyStore’s own Globus login needs', () => {
  it('publishes OpenID discovery', async () => {
    const res = await fetch(`${h.emulator.url}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc['authorization_endpoint']).toBe(auth.getAuthorizationEndpoint());
    expect(doc['token_endpoint']).toBe(auth.getTokenEndpoint());
    expect(doc['introspection_endpoint']).toBe(`${h.emulator.url}/v2/oauth2/token/introspect`);
    expect(doc['scopes_supported']).toEqual(expect.arrayContaining(['openid', 'profile', 'email', VIEW_IDENTITY_SET_SCOPE]));
  });

  it('grants the auth scopes, the relay’s resource-server scope and transfer, one token per resource server', async () => {
    const { tokens } = await signIn({ scope: PROXYSTORE_LOGIN });
    expect(tokens.resource_server).toBe('auth.globus.org');
    expect(tokens.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email', VIEW_IDENTITY_SET_SCOPE]));
    expect(tokens.other_tokens.map((t) => t.resource_server).sort()).toEqual([PROXYSTORE_RELAY_RESOURCE_SERVER, 'transfer.api.globus.org'].sort());
    expect(tokens.other_tokens.find((t) => t.resource_server === PROXYSTORE_RELAY_RESOURCE_SERVER)?.scope).toBe(PROXYSTORE_RELAY_SCOPE);
  });

  it('introspects a token as Globus Auth does: active, sub, aud, scope, identity_set; client auth required', async () => {
    const { tokens } = await signIn({ scope: PROXYSTORE_LOGIN });
    const token = relayToken(tokens);
    const ok = await introspect(token, { include: 'identity_set' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      active: true,
      sub: EMULATOR_DEFAULT_USER.sub,
      username: EMULATOR_DEFAULT_USER.username,
      scope: PROXYSTORE_RELAY_SCOPE,
      identity_set: [EMULATOR_DEFAULT_USER.sub],
    });
    expect(ok.body['aud']).toContain(PROXYSTORE_RELAY_RESOURCE_SERVER);
    expect((await introspect(token)).body['identity_set']).toBeUndefined();
    expect(await introspect('EmuAT-not-a-token')).toEqual({ status: 200, body: { active: false } });
    expect((await introspect(token, { client: null })).status).toBe(401);
    expect((await introspect(token, { client: '00000000-0000-4000-8000-000000000000' })).status).toBe(401);
    await fetch(`${h.emulator.url}/_emulator/expire-tokens`, { method: 'POST' });
    expect((await introspect(token)).body).toEqual({ active: false });
  });

  it('signs a second person in through the control route', async () => {
    const other = '2d2d2d2d-4444-4444-8444-000000000099';
    const set = await fetch(`${h.emulator.url}/_emulator/identity`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: other, username: 'other@example.org' }) });
    expect(set.status).toBe(200);
    const { tokens } = await signIn({ scope: PROXYSTORE_LOGIN });
    expect((await introspect(relayToken(tokens))).body).toMatchObject({ active: true, sub: other, username: 'other@example.org' });
  });

  it('answers a malformed task id with 400, an unknown well-formed one with 404', async () => {
    const { tokens } = await signIn();
    const t = tokens.other_tokens.find((o) => o.resource_server === 'transfer.api.globus.org')?.access_token ?? '';
    const get = (id: string): Promise<Response> => fetch(`${h.emulator.url}/v0.10/task/${id}`, { headers: { authorization: `Bearer ${t}` } });
    expect((await get('not-a-task-id')).status).toBe(400);
    expect((await get('6a1e3b1c-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
