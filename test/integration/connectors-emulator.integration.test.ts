/**
 * GlobusConnector and MultiConnector through the real Transfer service (electron/core/globus,
 * @globus/sdk) against the Globus emulator (e2e/globus-emulator), which really moves files
 * between three collections rooted in temporary folders.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMULATOR_DEFAULT_CLIENT_ID, startEmulator, type RunningEmulator, approveConsent } from '../../e2e/globus-emulator/index';
import {
  createGlobusAuth,
  createTransferService,
  plainFileCipher,
  type GlobusAuth,
  type GlobusEnvironment,
  type TransferService,
} from '../../electron/core/globus/index';
import {
  FileConnector,
  GlobusConnector,
  MultiConnector,
  multiConnectorConfigJson,
  multiConnectorFromConfig,
  parseExactJson,
  Policy,
  type GlobusEndpoint,
  type GlobusKey,
} from '../../electron/core/connectors/index';

const IDS = {
  a: '0a0a0a0a-1111-4111-8111-000000000001',
  b: '0b0b0b0b-2222-4222-8222-000000000002',
  c: '0c0c0c0c-3333-4333-8333-000000000003',
} as const;
type Site = keyof typeof IDS;

/** What a person does in the browser: open the consent page and click Allow. */
const clickAllow = async (authorizeUrl: string): Promise<void> => {
  await approveConsent(authorizeUrl);
};

describe('connectors through the Transfer service and the Globus emulator (three endpoints)', () => {
  let dir: string;
  let emulator: RunningEmulator;
  let auth: GlobusAuth;
  let transfer: TransferService;
  let endpoints: GlobusEndpoint[];
  const roots = {} as Record<Site, string>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-conn-emu-'));
    for (const s of ['a', 'b', 'c'] as const) {
      roots[s] = join(dir, 'collections', s);
      mkdirSync(roots[s], { recursive: true });
    }
    emulator = await startEmulator({
      root: join(dir, 'emulator'),
      retryIntervalMs: 50,
      collections: (['a', 'b', 'c'] as const).map((s) => ({ id: IDS[s], display_name: `Site ${s}`, root: roots[s] })),
    });
    const env: GlobusEnvironment = { kind: 'custom', authUrl: emulator.authBaseUrl, transferUrl: emulator.transferBaseUrl };
    auth = createGlobusAuth({
      tokenFile: join(dir, 'ferry', 'tokens.json'),
      cipher: plainFileCipher(),
      environment: () => env,
      clientId: () => EMULATOR_DEFAULT_CLIENT_ID,
      openBrowser: clickAllow,
      loginTimeoutMs: 15_000,
    });
    await auth.login();
    transfer = createTransferService({ auth, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
    endpoints = (['a', 'b', 'c'] as const).map((s) => ({
      uuid: IDS[s],
      endpointPath: '/proxystore',
      localPath: join(roots[s], 'proxystore'),
      hostRegex: `host-${s}`,
    }));
  });

  afterEach(async () => {
    await auth.dispose();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  const on = (s: Site) => new GlobusConnector(endpoints, transfer, { hostname: () => `host-${s}`, pollingIntervalMs: 50, timeoutMs: 20_000 });
  const local = (s: Site, name: string) => join(roots[s], 'proxystore', name);

  it('put on one host, exists/get on the others, evict everywhere, close(clear)', async () => {
    const a = on('a');
    const key = await a.put(Buffer.from('through globus'));
    expect(key.taskIds).toHaveLength(2);
    for (const s of ['b', 'c'] as const) {
      const c = on(s);
      expect(await c.exists(key)).toBe(true);
      expect(Buffer.from((await c.get(key)) ?? []).toString()).toBe('through globus');
      // Exactly what ProxyStore's GlobusConnector writes: the object, no `.ready` marker (issue 20).
      expect(existsSync(`${local(s, key.filename)}.ready`)).toBe(false);
    }
    const tasks = await Promise.all(key.taskIds.map((id) => transfer.getTask(id)));
    expect(tasks.map((t) => [t.status, t.source_endpoint_id])).toEqual([
      ['SUCCEEDED', IDS.a],
      ['SUCCEEDED', IDS.a],
    ]);

    const deletes = await a.evictWithTasks(key);
    expect(deletes).toHaveLength(2);
    expect(existsSync(local('a', key.filename))).toBe(false);
    await a.waitOnTasks(deletes);
    expect(existsSync(local('b', key.filename))).toBe(false);
    expect(existsSync(local('c', key.filename))).toBe(false);
    expect(await on('c').exists(key)).toBe(false);

    const bogus: GlobusKey = { kind: 'globus', filename: 'nothing', taskIds: ['not-a-task'] };
    expect(await on('b').exists(bogus)).toBe(false);

    await a.close();
    for (const s of ['a', 'b', 'c'] as const) {
      await vi.waitFor(() => expect(existsSync(join(roots[s], 'proxystore'))).toBe(false), { timeout: 5_000, interval: 50 });
    }
  });

  it('MultiConnector routes small objects to a FileConnector and large ones through Globus', async () => {
    const policyDir = join(dir, 'small-store');
    const multi = new MultiConnector(
      [
        ['small', new FileConnector(policyDir), new Policy({ maxSizeBytes: 1024 })],
        ['globus', on('a'), new Policy({ minSizeBytes: 1025 })],
      ],
      [],
      { hostname: () => 'host-a' },
    );
    const small = await multi.put(new Uint8Array(1024).fill(1));
    const large = await multi.put(new Uint8Array(200_000).fill(2));
    expect(small.connectorName).toBe('small');
    expect(large.connectorName).toBe('globus');
    expect((await multi.get(small))?.length).toBe(1024);
    expect(await multi.exists(large)).toBe(true);

    // the same config on host c: the Globus connector reads what a put on host a sent there
    const json = multiConnectorConfigJson(multi);
    const onC = multiConnectorFromConfig(parseExactJson(json), { transfer, hostname: () => 'host-c' });
    const got = await onC.get(large);
    expect(got?.length).toBe(200_000);
    expect(readFileSync(local('c', (large.connectorKey as GlobusKey).filename)).equals(Buffer.alloc(200_000, 2))).toBe(true);
    await multi.close(false);
  });
});
