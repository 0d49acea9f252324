import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Endpoint } from './endpoint';
import { ObjectSizeExceededError } from './errors';
import { bearerAuthenticator, RelayAuthError } from './relay-auth';
import { RelayClient } from './relay-client';
import { startRelay } from './relay-server';
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

  it('answers locally when asked for another endpoint, as in ProxyStore SOLO mode', async () => {
    const ep = track(new Endpoint({ name: 'solo', uuid: newUuid(), storage: makeStorage() }));
    const other = newUuid();
    await ep.set('k', new Uint8Array([7]), other);
    expect([...((await ep.get('k', other)) ?? [])]).toEqual([7]);
    expect(await ep.exists('k', other)).toBe(true);
    await ep.evict('k', other);
    expect(await ep.exists('k')).toBe(false);
    await expect(ep.get('k', 'not-a-uuid')).rejects.toThrow('not-a-uuid is not a valid UUID4');
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

describe('reconnect backoff', () => {
  it('retries with growing delays up to the maximum while the relay is down', async () => {
    const r = await startRelay({ port: 0, secret: SECRET, heartbeatMs: 0 });
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
    const client = new RelayClient({ address, uuid: newUuid(), name: 'x', token: SECRET, timers, backoff: { initialMs: 10, maxMs: 50 }, onPeerMessage: () => undefined });
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

describe('relay token refresh', () => {
  const relayWithTokens = async (accepted: string) =>
    track(
      await startRelay({
        port: 0,
        heartbeatMs: 0,
        authenticate: bearerAuthenticator(async (token) => {
          if (token !== accepted) throw new RelayAuthError('forbidden', 'Token is expired or has been revoked.');
          return { id: 'alice' };
        }),
      }),
    );

  it('after a 4002 (expired or revoked token) retries once at once with a fresh token', async () => {
    const relay = await relayWithTokens('fresh');
    const asked: (boolean | undefined)[] = [];
    const token = async (o?: { readonly refresh: boolean }) => {
      asked.push(o?.refresh);
      return o?.refresh ? 'fresh' : 'stale';
    };
    const client = track(new RelayClient({ address: relay.address, uuid: newUuid(), name: 'x', token, onPeerMessage: () => undefined }));
    client.start();
    await client.waitUntilConnected(5_000);
    expect(asked).toEqual([undefined, true]);
  });

  it('stops (rejected, with the relay\u2019s reason) when the fresh token is refused too', async () => {
    const relay = await relayWithTokens('never');
    let calls = 0;
    const token = async () => `token-${++calls}`;
    const client = track(new RelayClient({ address: relay.address, uuid: newUuid(), name: 'x', token, onPeerMessage: () => undefined }));
    client.start();
    await expect(client.waitUntilConnected(5_000)).rejects.toThrow(/expired or has been revoked/);
    expect(client.state).toBe('rejected');
    expect(calls).toBe(2);
  });
});

