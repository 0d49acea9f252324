import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Endpoint } from './endpoint';
import { ObjectSizeExceededError, PeeringNotAvailableError, PeerRequestError, PeerUnknownError } from './errors';
import { RelayClient } from './relay-client';
import { startRelay, type RelayServer } from './relay-server';
import { MemoryStorage, SqliteStorage, type BlobStorage } from './storage';
import { bytes, tempDir, text, until } from './testing/test-helpers';
import { newUuid } from './uuid';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function track<T extends { close(): unknown }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

const SECRET = 'test-secret';
const FAST = { initialMs: 20, maxMs: 200 };

async function relay(port = 0): Promise<RelayServer> {
  return track(await startRelay({ port, secret: SECRET, heartbeatMs: 0 }));
}

function peering(name: string, r: RelayServer, extra: { requestTimeoutMs?: number; secret?: string } = {}): Endpoint {
  return track(
    new Endpoint({
      name,
      uuid: newUuid(),
      relay: { address: r.address, secret: extra.secret ?? SECRET, backoff: FAST, requestTimeoutMs: extra.requestTimeoutMs },
    }),
  );
}

/** A relay member that receives requests and never answers them. */
function silentPeer(r: RelayServer): { readonly client: RelayClient; readonly uuid: string } {
  const uuid = newUuid();
  const client = new RelayClient({
    address: r.address,
    uuid,
    name: 'silent',
    secret: SECRET,
    backoff: FAST,
    onRequest: () => new Promise(() => undefined),
  });
  client.start();
  cleanups.push(() => client.close());
  return { client, uuid };
}

describe.each([
  ['memory', (): BlobStorage => new MemoryStorage()],
  [
    'sqlite',
    (): BlobStorage => {
      const t = tempDir();
      cleanups.push(t.cleanup);
      return new SqliteStorage(join(t.dir, 'blobs.db'));
    },
  ],
] as const)('SOLO endpoint with %s storage', (kind, makeStorage) => {
  it('gets, sets, checks and evicts bytes', async () => {
    const ep = track(new Endpoint({ name: 'solo', uuid: newUuid(), storage: makeStorage() }));
    expect(ep.mode).toBe('SOLO');
    expect(ep.storageKind).toBe(kind);
    expect(await ep.get('k')).toBeNull();
    expect(await ep.exists('k')).toBe(false);
    await ep.set('k', bytes('data string'));
    expect(text(await ep.get('k'))).toBe('data string');
    expect(await ep.exists('k')).toBe(true);
    await ep.set('k', bytes('new'));
    expect(text(await ep.get('k'))).toBe('new');
    expect(ep.stats()).toEqual({ objectCount: 1, totalBytes: 3 });
    // Naming itself is a local operation.
    expect(text(await ep.get('k', ep.uuid))).toBe('new');
    await ep.evict('k');
    expect(await ep.exists('k')).toBe(false);
    await ep.evict('k');
    expect(ep.stats()).toEqual({ objectCount: 0, totalBytes: 0 });
  });

  it('refuses objects over the max object size and keeps smaller ones', async () => {
    const ep = track(new Endpoint({ name: 'small', uuid: newUuid(), storage: makeStorage(), maxObjectSize: 10 }));
    await ep.set('ok', new Uint8Array(10));
    await expect(ep.set('big', new Uint8Array(11))).rejects.toBeInstanceOf(ObjectSizeExceededError);
    await expect(ep.set('big', new Uint8Array(11))).rejects.toThrow('exceeds the 10 B object limit');
    expect(await ep.exists('big')).toBe(false);
    expect(await ep.exists('ok')).toBe(true);
  });

  it('cannot reach another endpoint without a relay', async () => {
    const ep = track(new Endpoint({ name: 'solo', uuid: newUuid(), storage: makeStorage() }));
    await expect(ep.get('k', newUuid())).rejects.toBeInstanceOf(PeeringNotAvailableError);
  });
});

describe('SQLite storage', () => {
  it('keeps objects across restarts', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'blobs.db');
    const uuid = newUuid();
    const first = new Endpoint({ name: 'p', uuid, storage: new SqliteStorage(file) });
    await first.set('k', bytes('kept'));
    await first.close();
    const second = track(new Endpoint({ name: 'p', uuid, storage: new SqliteStorage(file) }));
    expect(text(await second.get('k'))).toBe('kept');
  });
});

describe('PEERING through a relay', () => {
  it('forwards operations to the named peer and stores nothing locally', async () => {
    const r = await relay();
    const ep1 = peering('ep1', r);
    const ep2 = peering('ep2', r);
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay()]);
    expect(ep1.mode).toBe('PEERING');

    await ep1.set('key', bytes('data string'));
    expect(text(await ep2.get('key', ep1.uuid))).toBe('data string');
    expect(await ep2.exists('key')).toBe(false);
    expect(await ep1.exists('key')).toBe(true);
    expect(await ep1.exists('key', ep2.uuid)).toBe(false);

    await ep2.set('remote', bytes('from ep2'), ep1.uuid);
    expect(await ep2.exists('remote')).toBe(false);
    expect(text(await ep1.get('remote'))).toBe('from ep2');
    expect(await ep2.get('missing', ep1.uuid)).toBeNull();
    await ep2.evict('remote', ep1.uuid);
    expect(await ep1.exists('remote')).toBe(false);

    // A 3 MB object crosses the relay intact.
    const big = new Uint8Array(3_000_000).map((_, i) => i % 251);
    await ep1.set('big', big);
    expect(Buffer.from((await ep2.get('big', ep1.uuid)) ?? []).equals(Buffer.from(big))).toBe(true);

    await until(() => ep1.peers().some((p) => p.uuid === ep2.uuid), 2_000, 'peer list');
    expect(r.peers().map((p) => p.uuid).sort()).toEqual([ep1.uuid, ep2.uuid].sort());
  });

  it('reports the peer error, an unknown peer, and a timeout as PeerRequestError', async () => {
    const r = await relay();
    const ep1 = track(new Endpoint({ name: 'ep1', uuid: newUuid(), maxObjectSize: 4, relay: { address: r.address, secret: SECRET, backoff: FAST } }));
    const ep2 = peering('ep2', r, { requestTimeoutMs: 150 });
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay()]);

    const tooBig = ep2.set('k', new Uint8Array(5), ep1.uuid);
    await expect(tooBig).rejects.toBeInstanceOf(PeerRequestError);
    await expect(ep2.set('k', new Uint8Array(5), ep1.uuid)).rejects.toThrow('exceeds the 4 B object limit');

    const nobody = newUuid();
    await expect(ep2.get('k', nobody)).rejects.toBeInstanceOf(PeerUnknownError);
    await expect(ep2.get('k', nobody)).rejects.toThrow(`endpoint ${nobody} is not connected to the relay`);

    const silent = silentPeer(r);
    await silent.client.waitUntilConnected();
    await expect(ep2.get('k', silent.uuid)).rejects.toThrow('timed out after 150 ms');
  });

  it('fails pending requests when the peer disconnects', async () => {
    const r = await relay();
    const ep = peering('ep', r);
    const silent = silentPeer(r);
    await Promise.all([ep.waitForRelay(), silent.client.waitUntilConnected()]);
    await until(() => ep.peers().some((p) => p.uuid === silent.uuid), 2_000, 'silent peer');
    const failed = ep.get('k', silent.uuid).catch((error: unknown) => error);
    await silent.client.close();
    const error = await failed;
    expect(error).toBeInstanceOf(PeerRequestError);
    expect((error as Error).message).toContain(`endpoint ${silent.uuid} disconnected before answering get request`);
  });

  it('fails pending requests when the relay dies and resumes peering when it returns', async () => {
    const r = await relay();
    const port = r.port;
    const ep1 = peering('ep1', r);
    const ep2 = peering('ep2', r);
    const silent = silentPeer(r);
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay(), silent.client.waitUntilConnected()]);
    await ep1.set('key', bytes('value'));

    const failed = ep2.get('key', silent.uuid).catch((error: unknown) => error);
    await r.close();
    const error = await failed;
    expect(error).toBeInstanceOf(PeerRequestError);
    expect((error as Error).message).toContain(`connection to relay ${r.address} was lost`);
    await until(() => ep2.relayState !== 'connected', 2_000, 'link down');
    await expect(ep2.get('key', ep1.uuid)).rejects.toBeInstanceOf(PeerRequestError);

    await relay(port);
    await until(() => ep1.relayState === 'connected' && ep2.relayState === 'connected', 5_000, 'reconnect');
    await until(() => ep2.peers().some((p) => p.uuid === ep1.uuid), 2_000, 'peer back');
    expect(text(await ep2.get('key', ep1.uuid))).toBe('value');
  });

  it('refuses an endpoint with the wrong secret', async () => {
    const r = await relay();
    const ep = peering('intruder', r, { secret: 'wrong' });
    await expect(ep.waitForRelay(2_000)).rejects.toThrow('rejected the shared secret');
    expect(ep.relayState).toBe('rejected');
    expect(r.peers()).toEqual([]);
  });
});

describe('reconnect backoff', () => {
  it('retries with growing delays up to the maximum while the relay is down', async () => {
    const r = await relay();
    const address = r.address;
    await r.close();
    const delays: number[] = [];
    const due: (() => void)[] = [];
    const timers = {
      setTimeout: (fn: () => void, ms: number) => {
        delays.push(ms);
        due.push(fn);
        return due.length;
      },
      clearTimeout: () => undefined,
    };
    const client = new RelayClient({ address, uuid: newUuid(), name: 'x', secret: SECRET, timers, backoff: { initialMs: 10, maxMs: 50 }, onRequest: async () => ({}) });
    cleanups.push(() => client.close());
    client.start();
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await until(() => due.length === attempt, 2_000, `retry ${attempt} scheduled`);
      expect(client.state).toBe('disconnected');
      due[attempt - 1]?.();
    }
    expect(delays).toEqual([10, 20, 40, 50, 50]);
  });
});
