import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OBJECT_STORE_NAME_PATTERN, type ObjectStoresSnapshot } from '../../../shared/contract/object-stores';
import type { HandlerTable } from '../../../shared/ipc-contract';
import { createEventBus, dispatchInvoke } from '../kernel';
import { onCleanup, runCleanups, tempDir, until } from '../kernel/testing/harness';
import { isValidEndpointName } from './config';
import { createObjectStoresCapability, type ObjectStoresDeps } from './handlers';
import { LOOPBACK_RTC } from './testing/peers';

afterEach(runCleanups);

/** A capability over a temp PROXYSTORE_HOME, recording every `object-stores:changed` it emits. */
function setup(home = tempDir('ferry-ps-home-')) {
  const stateDir = tempDir('ferry-state-');
  const bus = createEventBus();
  const events: ObjectStoresSnapshot[] = [];
  bus.subscribe((channel, payload) => {
    if (channel === 'object-stores:changed') events.push(payload as ObjectStoresSnapshot);
  });
  const deps = { stateDir, bus, env: { PROXYSTORE_HOME: home } } as unknown as ObjectStoresDeps;
  const capability = createObjectStoresCapability(deps, { manager: { backoff: { initialMs: 20, maxMs: 200 }, rtc: LOOPBACK_RTC }, eventIntervalMs: 20 });
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await capability.dispose();
  };
  onCleanup(dispose);
  const invoke = (channel: string, args: unknown[]) => dispatchInvoke(capability.handlers as unknown as HandlerTable, channel, args);
  const last = () => events.at(-1);
  return { home, stateDir, capability, h: capability.handlers, events, last, invoke, dispose };
}

async function post(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
}

describe('object stores capability: validation', () => {
  it('refuses bad names, ports, sizes and relays with a message that says what to fix', async () => {
    const { invoke } = setup();
    const refused = async (input: unknown, message: string) => {
      const result = await invoke('object-stores:configure', [input]);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.kind).toBe('invalid');
        expect(result.error.message).toContain(message);
      }
    };
    await refused({ name: 'bad name' }, 'Use only letters, digits, dashes');
    await refused({ name: 'a/b' }, 'Use only letters');
    await refused({ name: '' }, 'Give the object store a name');
    await refused({ name: 'ok', port: 0 }, 'Port must be a whole number from 1 to 65535');
    await refused({ name: 'ok', port: 70000 }, 'Port must be a whole number from 1 to 65535');
    await refused({ name: 'ok', port: 80.5 }, 'Port must be a whole number');
    await refused({ name: 'ok', maxObjectSize: 0 }, 'at least 1 byte');
    await refused({ name: 'ok', storage: 'disk' }, 'Storage must be sqlite');
    await refused({ name: 'ok', relay: { kind: 'address', address: 'http://relay:1', secret: 's' } }, 'ws://HOST:PORT');
    await refused({ name: 'ok', relay: { kind: 'address', address: 'ws://relay:1', secret: '' } }, 'shared secret');
    const start = await invoke('object-stores:start', ['../etc']);
    expect(start.ok).toBe(false);
  });

  it('names follow the same rule as core', () => {
    for (const name of ['ep1', 'my-endpoint_2', 'A', 'bad name', 'a/b', 'é', 'a.b', '-x']) {
      expect(OBJECT_STORE_NAME_PATTERN.test(name)).toBe(isValidEndpointName(name));
    }
  });
});

describe('object stores capability: lifecycle', () => {
  it('configures, starts, counts objects live, stops, and removes an object store', async () => {
    const { h, last, home } = setup();
    expect(await h['object-stores:list']()).toEqual({ home, stores: [], relay: null });

    const row = await h['object-stores:configure']({ name: 'ep1', storage: 'sqlite', relay: { kind: 'none' } });
    expect(row).toMatchObject({ name: 'ep1', state: 'stopped', mode: 'SOLO', storage: 'sqlite', objectCount: 0, maxObjectSize: 100_000_000 });
    expect(existsSync(join(home, 'ep1', 'config.toml'))).toBe(true);
    await expect(h['object-stores:configure']({ name: 'ep1', storage: 'sqlite', relay: { kind: 'none' } })).rejects.toThrow('already exists');

    const running = await h['object-stores:start']('ep1');
    expect(running).toMatchObject({ state: 'running', runningHere: true, url: `http://127.0.0.1:${row.port}` });
    const who = (await (await fetch(`${running.url}/endpoint`)).json()) as { uuid: string };
    expect(who.uuid).toBe(row.uuid);

    expect((await post(`${running.url}/set?key=a`, 'hello')).status).toBe(200);
    expect((await post(`${running.url}/set?key=b`, 'world!')).status).toBe(200);
    await until(() => last()?.stores[0]?.objectCount === 2, 'a pushed count of 2');
    expect(last()?.stores[0]).toMatchObject({ name: 'ep1', totalBytes: 11, state: 'running' });

    const stopped = await h['object-stores:stop']('ep1');
    expect(stopped).toMatchObject({ state: 'stopped', runningHere: false, objectCount: 2, totalBytes: 11 });
    await expect(fetch(`${running.url}/endpoint`)).rejects.toThrow();

    expect(await h['object-stores:remove']('ep1')).toEqual({ removed: 'ep1' });
    expect((await h['object-stores:list']()).stores).toEqual([]);
    await until(() => last()?.stores.length === 0, 'a pushed empty list');
  });

  it('refuses to remove a running object store and keeps a memory object store with its size limit', async () => {
    const { h } = setup();
    const row = await h['object-stores:configure']({ name: 'mem', storage: 'memory', maxObjectSize: 4, relay: { kind: 'none' } });
    expect(row).toMatchObject({ storage: 'memory', maxObjectSize: 4 });
    const running = await h['object-stores:start']('mem');
    const tooBig = await post(`${running.url}/set?key=k`, '12345');
    expect(tooBig.status).toBeGreaterThanOrEqual(400);
    await expect(h['object-stores:remove']('mem')).rejects.toThrow('must be stopped before removing');
  });

  it('stops the object stores it started when disposed', async () => {
    const home = tempDir('ferry-ps-home-');
    const first = setup(home);
    await first.h['object-stores:configure']({ name: 'ep', storage: 'sqlite', relay: { kind: 'none' } });
    const running = await first.h['object-stores:start']('ep');
    await first.dispose();
    await expect(fetch(`${running.url}/endpoint`)).rejects.toThrow();
    expect(existsSync(join(home, 'ep', 'daemon.pid'))).toBe(false);

    const second = setup(home);
    expect((await second.h['object-stores:list']()).stores[0]).toMatchObject({ name: 'ep', state: 'stopped' });
  });
});

describe('object stores capability: local relay', () => {
  it('peers two object stores through the local relay and lists each as the other\u2019s peer', async () => {
    const { h, last, dispose } = setup();
    const a = await h['object-stores:configure']({ name: 'a', storage: 'memory', relay: { kind: 'local' } });
    const b = await h['object-stores:configure']({ name: 'b', storage: 'memory', relay: { kind: 'local' } });
    const relay = (await h['object-stores:list']()).relay;
    expect(relay?.address).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(a).toMatchObject({ mode: 'PEERING', relayAddress: relay?.address });

    const ra = await h['object-stores:start']('a');
    await h['object-stores:start']('b');
    const row = (name: string) => last()?.stores.find((e) => e.name === name);
    const peersOf = (name: string) => row(name)?.peers.map((p) => p.uuid) ?? [];
    await until(() => row('a')?.relayState === 'connected' && row('b')?.relayState === 'connected', 'both to register with the relay');
    expect(last()?.relay?.peers.map((p) => p.name).sort()).toEqual(['a', 'b']);
    // On the app's own relay each lists the other before any connection exists.
    await until(() => peersOf('a').includes(b.uuid) && peersOf('b').includes(a.uuid), 'both object stores to list each other');

    // A set through a's HTTP API addressed to b lands on b, over a peer connection each then lists.
    expect((await post(`${ra.url}/set?key=k&endpoint=${b.uuid}`, 'via relay')).status).toBe(200);
    await until(() => row('b')?.objectCount === 1, 'b to hold the object');
    expect(row('a')?.objectCount).toBe(0);
    await until(() => row('a')?.peers.length === 1 && row('b')?.peers.length === 1, 'one peer each');

    expect(await h['object-stores:stop-relay']()).toEqual({ stopped: true });
    await until(() => last()?.relay === null && row('a')?.relayState !== 'connected', 'the relay link to drop');

    // Starting an object store configured against the local relay brings the relay back on the same port.
    await h['object-stores:stop']('a');
    const again = await h['object-stores:start']('a');
    expect((await h['object-stores:list']()).relay?.address).toBe(relay?.address);
    await until(() => row('a')?.relayState === 'connected' && row('b')?.relayState === 'connected', 'both to register again');
    expect((await post(`${again.url}/set?key=k2&endpoint=${b.uuid}`, 'again')).status).toBe(200);
    await until(() => peersOf('a').includes(b.uuid), 'peering to resume');
    await dispose();
  });

  it('keeps the relay secret out of snapshots and events; it is given only when asked for', async () => {
    const { h, invoke, events } = setup();
    const before = await invoke('object-stores:relay-secret', []);
    expect(before.ok).toBe(false);
    if (!before.ok) expect(before.error).toMatchObject({ kind: 'not-found', code: 'RelayNotRunning' });

    await h['object-stores:configure']({ name: 'a', storage: 'memory', relay: { kind: 'local' } });
    await h['object-stores:start']('a');
    const { secret } = await h['object-stores:relay-secret']();
    expect(secret.length).toBeGreaterThan(10);
    await until(() => events.some((e) => e.relay !== null), 'an event with the relay');
    const seen = JSON.stringify([await h['object-stores:list'](), events]);
    expect(seen).not.toContain(secret);
  });
});
