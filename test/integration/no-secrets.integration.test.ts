/**
 * Tokens never reach the renderer: sign in against the emulator through the contract, call every
 * channel a signed-in person would, and check that no response and no event carries any token
 * from the token file (which, with the plain cipher, we can read here).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveConsent,
  DEMO_DESTINATION_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_ID,
  EMULATOR_DEFAULT_CLIENT_ID,
  startEmulator,
  type RunningEmulator,
} from '../../e2e/globus-emulator/index';
import type { InvokeChannel } from '../../shared/ipc-contract';
import type { Core } from '../../electron/core/app';
import { createTestCore } from '../../electron/core/app/testing/test-core';
import { dispatchInvoke } from '../../electron/core/kernel';

let emulator: RunningEmulator;
let core: Core;
let dir: string;
const seen: { where: string; value: unknown }[] = [];

async function call(channel: InvokeChannel, args: unknown[]): Promise<unknown> {
  const r = await dispatchInvoke(core.handlers, channel, args);
  seen.push({ where: channel, value: r });
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.result;
}

async function until<T>(what: string, check: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = check();
    if (v) return v;
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-nosecrets-'));
  emulator = await startEmulator({ root: join(dir, 'emulator') });
  const src = emulator.collections.find((c) => c.id === DEMO_SOURCE_COLLECTION_ID)!.root;
  mkdirSync(join(src, 'run'), { recursive: true });
  writeFileSync(join(src, 'run', 'a.tif'), 'aaaa');
  const settings = {
    globus: { kind: 'custom', authUrl: emulator.authBaseUrl, transferUrl: emulator.transferBaseUrl },
    globusClientId: EMULATOR_DEFAULT_CLIENT_ID,
  };
  // A serve-host core (plain cipher: the token file can be read here) with these settings.
  ({ core } = createTestCore(join(dir, 'ferry'), 'serve', { version: 'test', openExternal: async () => false }, settings));
  core.bus.subscribe((channel, payload) => seen.push({ where: `event ${channel}`, value: payload }));
});

afterAll(async () => {
  await core.dispose();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('no token ever crosses the contract', () => {
  it('holds for every response and event of a signed-in session', async () => {
    const started = (await call('account:sign-in', [{}])) as { state: string; loginUrl: string };
    expect(started.state).toBe('signing-in');
    await approveConsent(started.loginUrl).then((r) => r.text());
    await until('signed in', () => seen.some((s) => s.where === 'event account:status' && (s.value as { state: string }).state === 'signed-in'));

    await call('app:get-info', []);
    await call('settings:get', []);
    await call('account:get-status', []);
    await call('collections:search', ['Ferry']);
    await call('collections:get', [DEMO_SOURCE_COLLECTION_ID]);
    await call('collections:ls', [DEMO_SOURCE_COLLECTION_ID, '/run/']);
    await call('collections:mkdir', [DEMO_DESTINATION_COLLECTION_ID, '/incoming']);
    const submitted = (await call('transfers:submit', [
      { source: DEMO_SOURCE_COLLECTION_ID, destination: DEMO_DESTINATION_COLLECTION_ID, items: [{ sourcePath: '/run/', destinationPath: '/incoming/run/', recursive: true }], label: 'no secrets' },
    ])) as { taskId: string };
    await call('activity:refresh', []);
    await until('task succeeded', () => seen.some((s) => s.where === 'event activity:delta' && JSON.stringify(s.value).includes('SUCCEEDED')));
    await call('activity:snapshot', []);
    await call('activity:detail', [submitted.taskId]);
    await call('activity:events', [submitted.taskId, {}]);
    await call('activity:files', [submitted.taskId, 'successful', null]);
    await call('activity:export-csv', [{}, null]);

    const stored = JSON.parse(readFileSync(join(dir, 'ferry', 'globus-tokens.bin'), 'utf8')) as { tokens: Record<string, { access_token: string; refresh_token?: string }> };
    const secrets = Object.values(stored.tokens).flatMap((t) => [t.access_token, t.refresh_token].filter((x): x is string => !!x));
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeGreaterThan(15);
    for (const { where, value } of seen) {
      const text = JSON.stringify(value);
      for (const secret of secrets) expect(text.includes(secret), `${where} leaked a token`).toBe(false);
    }

    await call('account:sign-out', []);
  });

  it('a different Globus in Settings signs the account out at once (tokens never go to another Globus)', async () => {
    const start = seen.length;
    const started = (await call('account:sign-in', [{}])) as { loginUrl: string };
    await approveConsent(started.loginUrl).then((r) => r.text());
    await until('signed in again', () =>
      seen.slice(start).some((s) => s.where === 'event account:status' && (s.value as { state: string }).state === 'signed-in'),
    );
    const before = seen.length;
    await call('settings:update', [{ globus: { kind: 'custom', authUrl: 'http://127.0.0.1:9', transferUrl: 'http://127.0.0.1:9' } }]);
    await until('a status for the new environment', () =>
      seen.slice(before).some((s) => s.where === 'event account:status' && (s.value as { state: string }).state !== 'signed-in'),
    );
    const status = (await call('account:get-status', [])) as { state: string };
    expect(status.state).not.toBe('signed-in');
  });
});

