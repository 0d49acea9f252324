import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountStatus } from './account-status';
import { createGlobusAuth, type GlobusAuth, type GlobusAuthOptions } from './auth-service';
import { ConsentRequiredError } from './errors';
import { plainFileCipher } from './secret-cipher';
import { FAKE_CLIENT_ID, FAKE_USER, startFakeGlobus, type FakeGlobus } from './testing/fake-globus';
import { tokenAccessKey } from './token-access';
import { createTransferService } from './transfer-service';
import { GlobusApiError } from './transfer-port';

const COLLECTION = '0a3f6c2e-8b1d-4e5f-9c7a-2b4d6e8f0a13';

/** The "browser": follows the authorize redirect back into the loopback listener. */
const followRedirect = async (url: string): Promise<void> => {
  await fetch(url);
};

describe('Globus sign-in service (against a fake Globus)', () => {
  let fake: FakeGlobus;
  let dir: string;
  let clock: number;
  const services: GlobusAuth[] = [];

  const make = (overrides: Partial<GlobusAuthOptions> = {}): GlobusAuth => {
    const service = createGlobusAuth({
      tokenFile: join(dir, 'globus-tokens.json'),
      cipher: plainFileCipher(),
      environment: () => fake.env,
      clientId: () => FAKE_CLIENT_ID,
      openBrowser: followRedirect,
      now: () => clock,
      loginTimeoutMs: 10_000,
      ...overrides,
    });
    services.push(service);
    return service;
  };

  beforeEach(async () => {
    fake = await startFakeGlobus();
    dir = await mkdtemp(join(tmpdir(), 'ferry-auth-'));
    clock = 1_700_000_000_000;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.dispose()));
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('signs in with PKCE through the loopback listener and shows the identity', async () => {
    const opened: string[] = [];
    const auth = make({ openBrowser: async (url) => { opened.push(url); await followRedirect(url); } });
    const seen: AccountStatus[] = [];
    auth.onStatus((s) => seen.push(s));
    await auth.login();
    const url = new URL(opened[0] ?? '');
    expect(url.pathname).toBe('/v2/oauth2/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get('scope')).toBe('openid profile email urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships urn:globus:auth:scope:transfer.api.globus.org:all');
    expect(url.searchParams.get('state')?.length).toBeGreaterThan(15);

    // A restart reads the same (0600) file.
    const reloaded = await make().init();
    expect(reloaded.state).toBe('signed-in');
    expect(reloaded.identity).toEqual({ sub: FAKE_USER.sub, username: FAKE_USER.preferred_username, name: 'Ada', email: 'ada@example.org' });
    expect(reloaded.accessTokenExpiresAt).toBe(clock + 172_800_000);
    expect(reloaded.secretStorage).toBe('file-0600');
    expect(seen.at(-1)?.state).toBe('signed-in');
    if (process.platform !== 'win32') expect((await stat(join(dir, 'globus-tokens.json'))).mode & 0o777).toBe(0o600);
  });

  it('emits signing-in with the login URL, then signed-in, and never a token', async () => {
    const auth = make();
    const seen: AccountStatus[] = [];
    auth.onStatus((s) => seen.push(s));
    const done = await auth.login();
    expect(seen.map((s) => s.state)).toEqual(['signing-in', 'signed-in']);
    expect(seen[0]?.loginUrl).toMatch(/\/v2\/oauth2\/authorize\?/);
    expect(seen[0]?.pendingLogin?.mode).toBe('browser');
    expect(done.loginUrl).toBeNull();
    for (const s of seen) auth.assertNoSecrets(s);
    // The token file holds tokens, so assertNoSecrets must catch its content.
    const raw = await readFile(join(dir, 'globus-tokens.json'), 'utf8');
    expect(() => auth.assertNoSecrets({ raw })).toThrow();
  });

  it('rejects a redirect whose state does not match and stays signed out', async () => {
    fake.forgeState('forged-state');
    const auth = make();
    await expect(auth.login()).rejects.toMatchObject({ code: 'StateMismatch' });
    const status = auth.status();
    expect(status.state).toBe('signed-out');
    expect(status.message).toMatch(/state mismatch/);
  });

  it('times out a browser sign-in nobody finishes', async () => {
    const auth = make({ openBrowser: () => undefined, loginTimeoutMs: 50 });
    await expect(auth.login()).rejects.toMatchObject({ code: 'LoginTimeout' });
    expect(auth.status().state).toBe('signed-out');
  });

  it('explains a missing client id', async () => {
    const auth = make({ clientId: () => '' });
    await expect(auth.login()).rejects.toMatchObject({ code: 'ClientIdMissing' });
  });

  it('signs in by pasting the code shown by the auth-code page', async () => {
    const auth = make();
    const { url } = await auth.beginPasteLogin();
    const redirect = new URL(url).searchParams.get('redirect_uri');
    expect(redirect).toBe(`${fake.env.kind === 'custom' ? fake.env.authUrl : ''}/v2/web/auth-code`);
    expect(auth.status()).toMatchObject({ state: 'signing-in', pendingLogin: { mode: 'paste' } });
    const { code } = (await (await fetch(url)).json()) as { code: string };
    const status = await auth.completePasteLogin(`  ${code}\n`);
    expect(status.state).toBe('signed-in');
    await expect(auth.completePasteLogin(code)).rejects.toMatchObject({ code: 'LoginFailed' });
  });

  it('uses Globus production hosts and its auth-code page in the production environment', async () => {
    const auth = make({ environment: () => ({ kind: 'production' }) });
    const { url } = await auth.beginPasteLogin({ collections: ['0A3F6C2E-8B1D-4E5F-9C7A-2B4D6E8F0A13', 'not-a-uuid'] });
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('https://auth.globus.org/v2/oauth2/authorize');
    expect(parsed.searchParams.get('redirect_uri')).toBe('https://auth.globus.org/v2/web/auth-code');
    expect(parsed.searchParams.get('scope')).toBe(
      `openid profile email urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/${COLLECTION}/data_access]`,
    );
    expect(auth.status()).toMatchObject({ state: 'signing-in', environment: 'production', loginUrl: url });
    expect(fake.requests).toHaveLength(0);
    expect(auth.cancelLogin().state).toBe('signed-out');
  });

  it('refreshes the access token before it expires', async () => {
    const auth = make();
    await auth.login();
    const access = auth[tokenAccessKey];
    const first = await access.authorization('transfer.api.globus.org');
    expect(await access.authorization('transfer.api.globus.org')).toBe(first);
    clock += 172_800_000 - 60_000; // one minute before expiry: inside the refresh margin
    const second = await access.authorization('transfer.api.globus.org');
    expect(second).not.toBe(first);
    expect(fake.requests.filter((r) => r.path === '/v2/oauth2/token')).toHaveLength(2);
    expect(auth.status().accessTokenExpiresAt).toBe(clock + 172_800_000);
    expect(auth.status().refreshTokenUsedAt).toBe(clock);
  });

  it('refreshes once on a 401 and retries the call', async () => {
    const auth = make();
    await auth.login();
    const transfer = createTransferService({ auth, sleep: async () => undefined });
    fake.expireAccessTokens();
    const id = await transfer.getSubmissionId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const calls = fake.requests.filter((r) => r.path === '/v0.10/submission_id');
    expect(calls.map((c) => c.authorization === calls[0]?.authorization)).toEqual([true, false]);
  });

  it('shares one refresh between concurrent calls and refreshes only once per 401', async () => {
    const auth = make();
    await auth.login();
    const transfer = createTransferService({ auth, sleep: async () => undefined });
    fake.expireAccessTokens();
    await Promise.all([transfer.getSubmissionId(), transfer.getSubmissionId(), transfer.getSubmissionId()]);
    expect(fake.requests.filter((r) => r.path === '/v2/oauth2/token')).toHaveLength(2); // login + one refresh

    const denied = { status: 401, body: { code: 'AuthenticationFailed', message: 'Token is not active', request_id: 'again' } };
    fake.script('GET', '/v0.10/submission_id', denied, denied);
    await expect(transfer.getSubmissionId()).rejects.toMatchObject({ code: 'AuthenticationFailed', status: 401, requestId: 'again' });
    expect(fake.requests.filter((r) => r.path === '/v2/oauth2/token')).toHaveLength(3);
    expect(auth.status().state).toBe('signed-in');
  });

  it('cancels a sign-in in progress and closes its listener', async () => {
    let opened = '';
    const auth = make({ openBrowser: (url) => { opened = url; } });
    const login = auth.login();
    await vi.waitFor(() => expect(opened).not.toBe(''));
    expect(auth.status().state).toBe('signing-in');
    expect(auth.cancelLogin().state).toBe('signed-out');
    await expect(login).rejects.toMatchObject({ code: 'LoginCancelled' });
    const redirect = new URL(opened).searchParams.get('redirect_uri') ?? '';
    await expect(fetch(`${redirect}?code=x&state=y`)).rejects.toThrow();
  });

  it('moves to expired when the refresh is refused, without losing identity or collections', async () => {
    const auth = make();
    await auth.login({ collections: [COLLECTION] });
    const transfer = createTransferService({ auth, sleep: async () => undefined });
    fake.expireAccessTokens();
    fake.rejectRefresh(true);
    const error = await transfer.ls(COLLECTION, '/~/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GlobusApiError);
    expect(error).toMatchObject({ code: 'SessionExpired' });
    const status = auth.status();
    expect(status.state).toBe('expired');
    expect(status.message).toMatch(/^Signed out — sign in again/);
    expect(status.identity?.sub).toBe(FAKE_USER.sub);
    expect(status.consentedCollections).toEqual([COLLECTION]);
    await expect(transfer.ls(COLLECTION, '/~/')).rejects.toMatchObject({ code: 'SessionExpired' });
    // A restart keeps the expired state.
    expect((await make().init()).state).toBe('expired');
    fake.rejectRefresh(false);
    expect((await auth.login()).state).toBe('signed-in');
  });

  it('raises ConsentRequired naming the collection, then adds consent and retries', async () => {
    fake.requireConsent(COLLECTION);
    const auth = make();
    await auth.login();
    const transfer = createTransferService({ auth, sleep: async () => undefined });
    const error = await transfer.ls(COLLECTION, '/~/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect(error).toMatchObject({ code: 'ConsentRequired', status: 403, requestId: 'rconsent', collectionIds: [COLLECTION] });
    expect((error as ConsentRequiredError).details).toMatchObject({ collectionIds: [COLLECTION] });

    const opened: string[] = [];
    const consenting = make({ openBrowser: async (url) => { opened.push(url); await followRedirect(url); } });
    await consenting.init();
    const listing = await consenting.retryAfterConsent(() => createTransferService({ auth: consenting }).ls(COLLECTION, '/~/'));
    expect(listing.DATA[0]).toMatchObject({ name: 'data.h5', size: 1234, last_modified: '2024-05-01 10:00:00+00:00' });
    expect(new URL(opened[0] ?? '').searchParams.get('scope')).toBe(
      `openid profile email urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/${COLLECTION}/data_access]`,
    );
    expect(consenting.status().consentedCollections).toEqual([COLLECTION]);
  });

  it('logout revokes every token and deletes the file', async () => {
    const auth = make();
    await auth.login();
    const header = await auth[tokenAccessKey].authorization('transfer.api.globus.org');
    const status = await auth.logout();
    expect(status).toMatchObject({ state: 'signed-out', identity: null, message: null });
    expect(fake.revoked.has(header.replace('Bearer ', ''))).toBe(true);
    expect(fake.revoked.size).toBe(4); // access + refresh for auth and transfer
    await expect(stat(join(dir, 'globus-tokens.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(auth[tokenAccessKey].authorization('transfer.api.globus.org')).rejects.toMatchObject({ code: 'SignInRequired' });
  });

  it('does not send tokens of one environment to another', async () => {
    const auth = make();
    await auth.login();
    const other = make({ environment: () => ({ kind: 'production' }) });
    const status = await other.init();
    expect(status.state).toBe('signed-out');
    expect(status.message).toMatch(/another Globus environment/);
    await expect(other[tokenAccessKey].authorization('transfer.api.globus.org')).rejects.toMatchObject({ code: 'SignInRequired' });
  });

  it('warns when the refresh token nears six months unused', async () => {
    const auth = make();
    await auth.login();
    expect(auth.status().refreshTokenWarning).toBeNull();
    clock += 151 * 24 * 60 * 60 * 1000;
    expect(auth.status().refreshTokenWarning).toMatch(/151 days/);
  });
});
