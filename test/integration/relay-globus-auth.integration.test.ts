/**
 * The relay `ferry relay --globus-auth` runs, against the Globus emulator's Auth: Ferry endpoints present a token
 * for the relay's scope from the person's Ferry sign-in (GlobusAuth.tokenFor), the relay
 * introspects it, and endpoints peer only with endpoints of the same Globus identity — as
 * ProxyStore's relay with `[auth] method = "globus"` does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approveConsent, EMULATOR_DEFAULT_CLIENT_ID, EMULATOR_DEFAULT_USER, startEmulator, type RunningEmulator } from '../../e2e/globus-emulator/index';
import { createGlobusAuth, plainFileCipher, PROXYSTORE_RELAY_SCOPE, type GlobusAuth, type GlobusEnvironment } from '../../electron/core/globus/index';
import { Endpoint, EndpointManager, globusIntrospectionAuthenticator, readConfig, startRelay, type RelayServer } from '../../electron/core/object-store/index';
import { FAST_BACKOFF, LOOPBACK_RTC } from '../../electron/core/object-store/testing/peers';
import { rawRelayClient } from '../../electron/core/object-store/testing/raw-relay-client';
import { createSettingsService, openSettingsBackend } from '../../electron/core/settings/index';
import { runObjectStoreCommand } from '../../electron/cli/object-store-command';

const RELAY_CLIENT_ID = '7e1a7e1a-0000-4000-8000-00000000e1a7';
const OTHER_SUB = '2d2d2d2d-4444-4444-8444-000000000099';

let dir: string;
let emulator: RunningEmulator;
let relay: RelayServer;
const cleanups: (() => unknown)[] = [];

const uuid = (n: number): string => `0e0e0e0e-5555-4555-8555-${String(n).padStart(12, '0')}`;

/** A Ferry sign-in against the emulator keeping its tokens in `tokenFile` (not signed in yet); disposed after the test. */
function emulatorAuth(tokenFile: string): GlobusAuth {
  const env: GlobusEnvironment = { kind: 'custom', authUrl: emulator.authBaseUrl, transferUrl: emulator.transferBaseUrl };
  const auth = createGlobusAuth({
    tokenFile,
    cipher: plainFileCipher(),
    environment: () => env,
    clientId: () => EMULATOR_DEFAULT_CLIENT_ID,
    openBrowser: async (url) => void (await approveConsent(url)),
    loginTimeoutMs: 15_000,
  });
  cleanups.push(() => auth.dispose());
  return auth;
}

/** Signed in with the relay's scope consented. */
async function signedIn(name: string): Promise<GlobusAuth> {
  const auth = emulatorAuth(join(dir, name, 'tokens.json'));
  await auth.login({ scopes: [PROXYSTORE_RELAY_SCOPE] });
  return auth;
}

function endpoint(name: string, n: number, auth: GlobusAuth): Endpoint {
  const ep = new Endpoint({
    name,
    uuid: uuid(n),
    relay: { address: relay.address, token: (o) => auth.tokenFor(PROXYSTORE_RELAY_SCOPE, o), backoff: FAST_BACKOFF, rtc: LOOPBACK_RTC, requestTimeoutMs: 10_000 },
  });
  cleanups.push(() => ep.close());
  return ep;
}

async function signInAs(sub: string | null): Promise<void> {
  const body = sub ? { sub, username: 'someone.else@example.org' } : { reset: true };
  const res = await fetch(`${emulator.url}/_emulator/identity`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-relay-globus-'));
  emulator = await startEmulator({ root: join(dir, 'emulator'), clientIds: [RELAY_CLIENT_ID] });
  // What `ferry relay --globus-auth` runs (electron/cli/relay-command.ts), with the emulator as Globus Auth.
  relay = await startRelay({
    port: 0,
    heartbeatMs: 0,
    authenticate: globusIntrospectionAuthenticator({ authUrl: emulator.authBaseUrl, clientId: RELAY_CLIENT_ID, clientSecret: 'relay-secret' }),
  });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await relay.close();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ferry relay --globus-auth with the emulator’s Globus Auth', () => {
  it('two Ferry endpoints signed in as the same identity peer; another identity is refused', async () => {
    const alice1 = await signedIn('alice-1');
    const alice2 = await signedIn('alice-2');
    const ep1 = endpoint('ep1', 1, alice1);
    const ep2 = endpoint('ep2', 2, alice2);
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay()]);
    await ep1.set('k', new TextEncoder().encode('same person'));
    expect(Buffer.from((await ep2.get('k', ep1.uuid)) ?? []).toString()).toBe('same person');
    expect(relay.peers().map((p) => p.uuid).sort()).toEqual([ep1.uuid, ep2.uuid].sort());

    await signInAs(OTHER_SUB);
    const bob = await signedIn('bob');
    const ep3 = endpoint('ep3', 3, bob);
    await ep3.waitForRelay();
    // ProxyStore's relay registers the other person but bounces their peer request.
    await expect(ep3.get('k', ep1.uuid)).rejects.toThrow(/owned by a different user/);
    // Bob cannot take over Alice's endpoint UUID either: 4002.
    const thief = await rawRelayClient(relay.address, { Authorization: `Bearer ${await bob.tokenFor(PROXYSTORE_RELAY_SCOPE)}` });
    cleanups.push(() => thief.close());
    thief.send(JSON.stringify({ name: 'ep1', uuid: ep1.uuid, message_type: 'relay_registration' }));
    expect((await thief.closed()).code).toBe(4002);
    expect(alice1.status().state).toBe('signed-in');
    expect(EMULATOR_DEFAULT_USER.sub).not.toBe(OTHER_SUB);
  });

  it('closes 4001 without a well-formed bearer header and 4002 for an inactive token or one not meant for the relay', async () => {
    const register = async (headers: Record<string, string>): Promise<number> => {
      const c = await rawRelayClient(relay.address, headers);
      cleanups.push(() => c.close());
      c.send(JSON.stringify({ name: 'x', uuid: uuid(9), message_type: 'relay_registration' }));
      return (await c.closed()).code;
    };
    expect(await register({})).toBe(4001);
    expect(await register({ Authorization: 'Token abc' })).toBe(4001);
    expect(await register({ Authorization: 'Bearer not-a-globus-token' })).toBe(4002);
    // A Transfer token is active but its audience is not the relay (confused deputy): 4002.
    const auth = await signedIn('alice');
    const transferToken = await auth.tokenFor('urn:globus:auth:scope:transfer.api.globus.org:all');
    expect(await register({ Authorization: `Bearer ${transferToken}` })).toBe(4002);
    // The relay token itself, once Globus expired it, is refused 4002 as ProxyStore's relay does.
    const relayToken = await auth.tokenFor(PROXYSTORE_RELAY_SCOPE);
    const ok = await rawRelayClient(relay.address, { Authorization: `Bearer ${relayToken}` });
    cleanups.push(() => ok.close());
    ok.send(JSON.stringify({ name: 'ok', uuid: uuid(8), message_type: 'relay_registration' }));
    expect(JSON.parse(await ok.next())).toMatchObject({ success: true, message_type: 'relay_response' });
    await fetch(`${emulator.url}/_emulator/expire-tokens`, { method: 'POST' });
    expect(await register({ Authorization: `Bearer ${relayToken}` })).toBe(4002);
  });

  it('an endpoint whose cached relay token Globus expired early gets a fresh one after the 4002 and registers', async () => {
    const auth = await signedIn('alice');
    const stale = await auth.tokenFor(PROXYSTORE_RELAY_SCOPE);
    await fetch(`${emulator.url}/_emulator/expire-tokens`, { method: 'POST' });
    const ep = endpoint('after-expiry', 7, auth);
    await ep.waitForRelay();
    expect(relay.peers().map((p) => p.uuid)).toContain(uuid(7));
    expect(await auth.tokenFor(PROXYSTORE_RELAY_SCOPE)).not.toBe(stale);
  });

  it('an endpoint refused for want of the relay consent registers once the person grants it (retryRelay)', async () => {
    const auth = emulatorAuth(join(dir, 'late-consent', 'tokens.json'));
    await auth.login();
    const ep = endpoint('late-consent', 6, auth);
    await expect(ep.waitForRelay()).rejects.toThrow(/no consent for/);
    expect(ep.relayState).toBe('rejected');
    await auth.addScopeConsent([PROXYSTORE_RELAY_SCOPE]);
    ep.retryRelay();
    await ep.waitForRelay();
    expect(relay.peers().map((p) => p.uuid)).toContain(uuid(6));
  });

  it('tokenFor says ConsentRequired when the sign-in lacks the relay scope', async () => {
    const auth = emulatorAuth(join(dir, 'plain', 'tokens.json'));
    await auth.login();
    await expect(auth.tokenFor(PROXYSTORE_RELAY_SCOPE)).rejects.toMatchObject({ code: 'ConsentRequired' });
    // Asked for at once, as data_access consents are (the browser opens; the emulator's page is approved).
    expect(await auth.tokenFor(PROXYSTORE_RELAY_SCOPE, { askConsent: true })).toMatch(/^EmuAT/);
    expect(await auth.tokenFor(PROXYSTORE_RELAY_SCOPE)).toMatch(/^EmuAT/);
  });

  it('endpoints configured as ProxyStore writes them (relay.auth.method = "globus") start and peer with the person’s sign-in', async () => {
    const alice = await signedIn('alice');
    const managers = ['home-1', 'home-2'].map((h) => {
      const m = new EndpointManager({
        home: join(dir, h),
        backoff: FAST_BACKOFF,
        rtc: LOOPBACK_RTC,
        // What the app composes (object-stores deps.globusTokenFor -> GlobusAuth.tokenFor).
        globusRelayToken: () => alice.tokenFor(PROXYSTORE_RELAY_SCOPE),
      });
      cleanups.push(() => m.close());
      return m;
    });
    const [m1, m2] = managers as [EndpointManager, EndpointManager];
    await m1.configure('py-a', { relayAddress: relay.address, relayAuth: 'globus' });
    await m2.configure('py-b', { relayAddress: relay.address, relayAuth: 'globus' });
    expect((await readConfig(join(dir, 'home-1', 'py-a'))).relay.auth.method).toBe('globus');
    await m1.start('py-a');
    await m2.start('py-b');
    const a = m1.endpoint('py-a');
    const b = m2.endpoint('py-b');
    if (!a || !b) throw new Error('endpoints did not start');
    await Promise.all([a.waitForRelay(), b.waitForRelay()]);
    await a.set('k', new TextEncoder().encode('via globus relay'));
    expect(Buffer.from((await b.get('k', a.uuid)) ?? []).toString()).toBe('via globus relay');
  });

  it('`ferry endpoint start --data-dir` registers with the Globus-auth relay using the sign-in `ferry serve` keeps there', async () => {
    // What `ferry serve --data-dir D` leaves after a person signed in with the relay consent.
    const dataDir = join(dir, 'ferry-data');
    const env: GlobusEnvironment = { kind: 'custom', authUrl: emulator.authBaseUrl, transferUrl: emulator.transferBaseUrl };
    createSettingsService(openSettingsBackend(dataDir).backend, dataDir).update({ globus: env, globusClientId: EMULATOR_DEFAULT_CLIENT_ID });
    const serveAuth = emulatorAuth(join(dataDir, 'globus-tokens.bin'));
    await serveAuth.login({ scopes: [PROXYSTORE_RELAY_SCOPE] });
    await serveAuth.dispose();

    const home = join(dir, 'proxystore-home');
    const out: string[] = [];
    const io = { env: { PROXYSTORE_HOME: home }, stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) };
    expect(await runObjectStoreCommand(['endpoint', 'configure', 'shell-ep', '--memory', '--relay-address', relay.address], io)).toBe(0);
    const { uuid: endpointUuid } = await readConfig(join(home, 'shell-ep'));
    let release: () => void = () => undefined;
    const exit = runObjectStoreCommand(['endpoint', 'start', 'shell-ep', '--no-detach', '--data-dir', dataDir], {
      ...io,
      manager: { backoff: FAST_BACKOFF, rtc: LOOPBACK_RTC },
      waitForShutdown: () => new Promise<void>((resolve) => (release = resolve)),
    });
    await expect.poll(() => relay.peers().map((p) => p.uuid), { timeout: 10_000 }).toContain(endpointUuid);
    release();
    expect(await exit).toBe(0);
  });
});

