import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGlobusAuth, type GlobusAuth } from './auth-service';
import { authTimesFromIdToken } from './auth-tokens';
import { plainFileCipher } from './secret-cipher';
import { FAKE_CLIENT_ID, FAKE_LAST_AUTHENTICATION, FAKE_USER, startFakeGlobus, type FakeGlobus } from './testing/fake-globus';

const jwt = (claims: unknown) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('session facts for health checks', () => {
  it('reads each identity’s last login from a Globus id_token (identity_set) and OIDC auth_time', () => {
    expect(authTimesFromIdToken(jwt({ sub: 'a', identity_set: [{ sub: 'a', last_authentication: 100 }, { sub: 'b', last_authentication: 50 }] }))).toEqual({ a: 100_000, b: 50_000 });
    expect(authTimesFromIdToken(jwt({ sub: 'a', auth_time: 7 }))).toEqual({ a: 7000 });
    expect(authTimesFromIdToken(jwt({ sub: 'a' }))).toEqual({});
    expect(authTimesFromIdToken('not a jwt')).toEqual({});
    expect(authTimesFromIdToken(undefined)).toEqual({});
  });

  describe('against a fake Globus', () => {
    let fake: FakeGlobus;
    let dir: string;
    let auth: GlobusAuth;
    let clock = 1_700_000_000_000;
    beforeEach(async () => {
      fake = await startFakeGlobus();
      dir = await mkdtemp(join(tmpdir(), 'ferry-session-'));
      const make = () =>
        createGlobusAuth({
          tokenFile: join(dir, 'tokens.json'),
          cipher: plainFileCipher(),
          environment: () => fake.env,
          clientId: () => FAKE_CLIENT_ID,
          openBrowser: async (url) => {
            await fetch(url);
          },
          now: () => clock,
        });
      auth = make();
    });
    afterEach(async () => {
      await auth.dispose();
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('records the login time at sign-in, keeps it across a restart, and never exposes a token', async () => {
      expect(auth.session()).toBeNull();
      await auth.login({ collections: ['0a3f6c2e-8b1d-4e5f-9c7a-2b4d6e8f0a13'] });
      const session = auth.session();
      expect(session).toEqual({
        identityId: FAKE_USER.sub,
        signedInAt: clock,
        refreshTokenUsedAt: clock,
        authentications: [{ identityId: FAKE_USER.sub, authTime: FAKE_LAST_AUTHENTICATION * 1000 }],
        consentedCollections: ['0a3f6c2e-8b1d-4e5f-9c7a-2b4d6e8f0a13'],
        grantedResourceServers: ['auth.globus.org', 'transfer.api.globus.org'],
      });
      auth.assertNoSecrets(session);
      await auth.dispose();
      clock += 1000;
      auth = createGlobusAuth({
        tokenFile: join(dir, 'tokens.json'),
        cipher: plainFileCipher(),
        environment: () => fake.env,
        clientId: () => FAKE_CLIENT_ID,
        openBrowser: async () => undefined,
        now: () => clock,
      });
      await auth.init();
      expect(auth.session()?.authentications).toEqual(session?.authentications);
    });
  });
});
