/**
 * HTTPS transfers and dropped local files through a real core against the emulator: the consent
 * for a collection's `https` scope asked for and granted, an upload and a download (interrupted by
 * a dropped connection, resumed with a Range), and `transfers:send-local` choosing Globus from This
 * computer (an emulated Globus Connect Personal), HTTPS, or a refusal that names what to share.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveConsent,
  DEMO_DESTINATION_COLLECTION_ID as DST,
  DEMO_GUEST_COLLECTION_ID as GUEST,
  DEMO_SOURCE_COLLECTION_ID as SRC,
  EMULATOR_DEFAULT_CLIENT_ID,
  startEmulator,
  writeGcpInstall,
  type RunningEmulator,
} from '../../e2e/globus-emulator/index';
import type { HttpsTransfer } from '../../shared/contract/https-transfers';
import type { InvokeChannel } from '../../shared/ipc-contract';
import type { Core } from '../../electron/core/app';
import { createTestCore } from '../../electron/core/app/testing/test-core';
import { dispatchInvoke } from '../../electron/core/kernel';

const GCP = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
let emulator: RunningEmulator;
let core: Core;
let dir: string;
let home: string;
let savedHome: string | undefined;
const changes: HttpsTransfer[] = [];

async function invoke(channel: InvokeChannel, args: unknown[]) {
  return dispatchInvoke(core.handlers, channel, args);
}
async function call<T>(channel: InvokeChannel, args: unknown[]): Promise<T> {
  const r = await invoke(channel, args);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.result as T;
}
async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  const end = Date.now() + 15_000;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const reached = (id: string, state: HttpsTransfer['state']) => until(`${id} ${state}`, () => changes.find((c) => c.id === id && c.state === state));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-https-'));
  emulator = await startEmulator({ root: join(dir, 'emulator') });
  await emulator.control.createGcpCollection({ id: GCP, displayName: 'My Laptop' });
  home = join(dir, 'home');
  mkdirSync(join(home, 'shared'), { recursive: true });
  mkdirSync(join(home, 'other'), { recursive: true });
  await writeGcpInstall(home, GCP, [{ path: join(home, 'shared') }]);
  // "This computer" is found in the home folder, as Globus' SDK finds it.
  savedHome = process.env.HOME;
  process.env.HOME = home;
  const settings = { globus: { kind: 'custom', authUrl: emulator.authBaseUrl, transferUrl: emulator.transferBaseUrl }, globusClientId: EMULATOR_DEFAULT_CLIENT_ID };
  ({ core } = createTestCore(join(dir, 'ferry'), 'serve', { version: 'test', openSignInPage: async (url) => void (await approveConsent(url)) }, settings));
  core.bus.subscribe((channel, payload) => channel === 'https:changed' && changes.push(payload as HttpsTransfer));
  await call('account:sign-in', [{}]);
  await until('signed in', async () => (await call<{ state: string }>('account:get-status', [])).state === 'signed-in');
});

afterAll(async () => {
  await core.dispose();
  await emulator.close();
  if (savedHome === undefined) delete process.env.HOME;
  else process.env.HOME = savedHome;
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTPS transfers against the emulator', () => {
  it('asks for the collection https scope, then uploads; a download dropped mid-way resumes with a Range', async () => {
    writeFileSync(join(home, 'other', 'up load.txt'), 'hello');
    const request = { collectionId: DST, folder: '/in/', paths: [join(home, 'other', 'up load.txt')] };
    const refused = await invoke('https:upload', [request]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'ConsentRequired', kind: 'forbidden', details: { requiredScopes: [`https://auth.globus.org/scopes/${DST}/https`] } } });
    // As the renderer does: ask for the consent, wait for the sign-in to finish, try again.
    expect(await call<{ state: string }>('account:add-scope-consent', [[`https://auth.globus.org/scopes/${DST}/https`, `https://auth.globus.org/scopes/${SRC}/https`]])).toMatchObject({ state: 'signing-in' });
    await until('consent granted', async () => (await call<{ state: string }>('account:get-status', [])).state === 'signed-in');
    const up = await call<HttpsTransfer>('https:upload', [request]);
    await reached(up.id, 'succeeded');
    expect(readFileSync(join(dir, 'emulator', 'collections', 'destination', 'in', 'up load.txt'), 'utf8')).toBe('hello');

    const data = Buffer.alloc(600_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 13) % 251;
    mkdirSync(join(dir, 'emulator', 'collections', 'source', 'd'), { recursive: true });
    writeFileSync(join(dir, 'emulator', 'collections', 'source', 'd', 'big #1.bin'), data);
    await emulator.control.dropHttps({ method: 'GET', afterBytes: 200_000, collectionId: SRC });
    const down = await call<HttpsTransfer>('https:download', [{ collectionId: SRC, paths: ['/d/big #1.bin'], folder: join(home, 'other') }]);
    const interrupted = await reached(down.id, 'interrupted');
    expect(interrupted.error).toMatch(/^The connection to Ferry Demo Source dropped after .* of 600 KB; Resume continues from there\./);
    await call('https:resume', [down.id]);
    await reached(down.id, 'succeeded');
    expect(readFileSync(join(home, 'other', 'big #1.bin')).equals(data)).toBe(true);
    const gets = (await emulator.control.httpsRequests()).filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(2);
    expect(gets[1]?.range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('sends dropped files with Globus from This computer, else over HTTPS, else refuses naming what to share', async () => {
    writeFileSync(join(home, 'shared', 'a.txt'), 'alpha');
    writeFileSync(join(home, 'other', 'b.txt'), 'beta');
    const viaGlobus = await call<{ via: string; sourceCollectionId: string }>('transfers:send-local', [{ paths: [join(home, 'shared', 'a.txt')], destination: DST, folder: '/dropped/' }]);
    expect(viaGlobus).toMatchObject({ via: 'globus', sourceCollectionId: GCP });
    const viaHttps = await call<{ via: string; transfer: HttpsTransfer }>('transfers:send-local', [{ paths: [join(home, 'other', 'b.txt')], destination: DST, folder: '/dropped/' }]);
    expect(viaHttps.via).toBe('https');
    await reached(viaHttps.transfer.id, 'succeeded');
    const dropped = join(dir, 'emulator', 'collections', 'destination', 'dropped');
    expect(readFileSync(join(dropped, 'b.txt'), 'utf8')).toBe('beta');
    await until('the Globus task', () => {
      try {
        return readFileSync(join(dropped, 'a.txt'), 'utf8') === 'alpha';
      } catch {
        return false;
      }
    });
    const refused = await invoke('transfers:send-local', [{ paths: [join(home, 'other', 'b.txt')], destination: GUEST, folder: '/' }]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'NotShared', kind: 'refused', details: { sharedFolders: [join(home, 'shared')] } } });
  });
});
