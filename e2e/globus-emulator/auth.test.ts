import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, errors, transfer } from '@globus/sdk';
import { EMULATOR_DEFAULT_CLIENT_ID, EMULATOR_DEFAULT_USER, TRANSFER_SCOPE } from './index';
import { consent, signIn, startHarness, transferToken, type Harness } from './test-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function exchange(payload: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await auth.oauth2.token.exchange({ payload: payload as never });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The SDK's userinfo types demand a payload it never sends; the call is otherwise the SDK's own. */
function userinfo(token: string): ReturnType<typeof auth.oauth2.userinfo> {
  return auth.oauth2.userinfo({ payload: undefined as never, headers: { Authorization: `Bearer ${token}` } });
}

describe('Globus Auth emulation', () => {
  it('points the SDK at the emulator through GLOBUS_SDK_SERVICE_URL_*', () => {
    expect(auth.getAuthorizationEndpoint()).toBe(`${h.emulator.url}/v2/oauth2/authorize`);
    expect(auth.getTokenEndpoint()).toBe(`${h.emulator.url}/v2/oauth2/token`);
  });

  it('signs in with PKCE and returns the Globus token shape', async () => {
    const { tokens, manager } = await signIn();
    expect(tokens.resource_server).toBe('auth.globus.org');
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.id_token).toBeTruthy();
    expect(tokens.other_tokens).toHaveLength(1);
    const t = tokens.other_tokens[0];
    expect(t?.resource_server).toBe('transfer.api.globus.org');
    expect(t?.scope).toBe(TRANSFER_SCOPE);
    expect(t?.expires_in).toBeGreaterThan(0);
    expect(t?.refresh_token).toBeTruthy();
    expect(manager.user?.name).toBe(EMULATOR_DEFAULT_USER.name);
    expect(manager.user?.sub).toBe(EMULATOR_DEFAULT_USER.sub);

    const info = await userinfo(tokens.access_token);
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ sub: EMULATOR_DEFAULT_USER.sub, preferred_username: EMULATOR_DEFAULT_USER.username });

    const list = await transfer.task.getAll({ manager });
    expect(list.status).toBe(200);
  });

  it('answers a bad verifier, a reused code and an unknown client with OAuth errors', async () => {
    const grant = await consent();
    const base = { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri, client_id: grant.clientId };
    const bad = await exchange({ ...base, code_verifier: 'not-the-verifier-not-the-verifier-not-the-verifier' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const unknown = await exchange({ ...base, code_verifier: grant.verifier, client_id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const good = await exchange({ ...base, code_verifier: grant.verifier });
    expect(good.status).toBe(200);
    const reused = await exchange({ ...base, code_verifier: grant.verifier });
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // A replayed code revokes what it produced.
    const token = String(good.body['access_token']);
    const info = await userinfo(token);
    expect(info.status).toBe(401);
  });

  it('renders the code for the paste-the-code fallback instead of redirecting to a foreign host', async () => {
    const grant = await consent({ redirectUri: 'https://auth.globus.org/v2/web/auth-code' });
    expect(grant.code.length).toBeGreaterThan(10);
    const res = await exchange({
      grant_type: 'authorization_code',
      code: grant.code,
      code_verifier: grant.verifier,
      redirect_uri: 'https://auth.globus.org/v2/web/auth-code',
      client_id: EMULATOR_DEFAULT_CLIENT_ID,
    });
    expect(res.status).toBe(200);
  });

  it('refuses an unknown client and a foreign redirect on the consent page', async () => {
    const url = new URL(auth.getAuthorizationEndpoint());
    url.search = new URLSearchParams({ client_id: 'nope', redirect_uri: 'http://127.0.0.1:1/cb', response_type: 'code', scope: TRANSFER_SCOPE }).toString();
    expect((await fetch(url)).status).toBe(400);
    url.search = new URLSearchParams({ client_id: EMULATOR_DEFAULT_CLIENT_ID, redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: TRANSFER_SCOPE }).toString();
    expect((await fetch(url)).status).toBe(400);
  });

  it('expires tokens: the raw token gets the 401 document, the SDK manager refreshes and retries', async () => {
    const { tokens, manager } = await signIn();
    const raw = transferToken(tokens);
    await h.emulator.control.expireTokens();
    const denied = await transfer.task.getAll({ headers: { Authorization: `Bearer ${raw}` } });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ code: 'AuthenticationFailed', message: 'Token is not active', resource: '/task_list' });
    const retried = await transfer.task.getAll({ manager });
    expect(retried.status).toBe(200);
    const fresh = manager.tokens.getByResourceServer('transfer.api.globus.org');
    expect(fresh?.access_token).not.toBe(raw);
  });

  it('revokes a refresh token and the access tokens issued with it', async () => {
    const { tokens } = await signIn();
    const transferTok = tokens.other_tokens[0];
    const revoke = await auth.oauth2.token.revoke({ payload: { token: transferTok?.refresh_token ?? '', client_id: EMULATOR_DEFAULT_CLIENT_ID } as never });
    expect(revoke.status).toBe(200);
    const res = await transfer.task.getAll({ headers: { Authorization: `Bearer ${transferTok?.access_token ?? ''}` } });
    expect(res.status).toBe(401);
    const refresh = await auth.oauth2.token.refresh({
      payload: { grant_type: 'refresh_token', refresh_token: transferTok?.refresh_token ?? '', client_id: EMULATOR_DEFAULT_CLIENT_ID } as never,
    });
    expect(refresh.status).toBe(400);
  });

  it('answers a request without a token with the Transfer 401 document', async () => {
    const res = await transfer.endpointSearch({ query: { filter_fulltext: 'Ferry' } });
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'AuthenticationFailed' });
    expect(typeof body['request_id']).toBe('string');
    expect(errors.isAuthorizationRequirementsError(body)).toBe(false);
  });
});
