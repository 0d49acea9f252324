import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointClient, findLocalEndpoint } from './client';
import { readConfig } from './config';
import { NoReachableEndpointError } from './errors';
import { EndpointManager, findFreePort } from './manager';
import { testPeer, toRow } from './handlers';
import { startRelay } from './relay-server';
import { LOOPBACK_RTC } from './testing/peers';
import { bytes, tempDir, text, until } from './testing/test-helpers';
import { newUuid } from './uuid';
import { WebSocketServer } from 'ws';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function home(): string {
  const t = tempDir('ferry-ps-home-');
  cleanups.push(t.cleanup);
  return t.dir;
}

function manager(dir: string, extra: Partial<ConstructorParameters<typeof EndpointManager>[0]> = {}): EndpointManager {
  const m = new EndpointManager({ home: dir, backoff: { initialMs: 20, maxMs: 200 }, rtc: LOOPBACK_RTC, ...extra });
  cleanups.push(() => m.close());
  return m;
}

describe('EndpointManager', () => {
  it('configures, starts, reports, stops and removes an endpoint', async () => {
    const dir = home();
    const m = manager(dir);
    let changes = 0;
    const unsubscribe = m.onChange(() => (changes += 1));

    const configured = await m.configure('ep1');
    expect(configured).toMatchObject({ name: 'ep1', state: 'stopped', mode: 'SOLO', storage: 'sqlite', objectCount: 0, maxObjectSize: 100_000_000 });
    const config = await readConfig(join(dir, 'ep1'));
    expect(config.storage.databasePath).toBe(join(dir, 'ep1', 'blobs.db'));
    await expect(m.configure('ep1')).rejects.toThrow('An endpoint named ep1 already exists.');
    await expect(m.configure('bad name')).rejects.toThrow('Name must only contain');

    const running = await m.start('ep1');
    expect(running).toMatchObject({ state: 'running', runningHere: true, pid: process.pid, host: '127.0.0.1', port: config.port });
    expect(readFileSync(join(dir, 'ep1', 'daemon.pid'), 'utf8')).toBe(String(process.pid));
    expect(readFileSync(join(dir, 'ep1', 'log.txt'), 'utf8')).toContain(`serving endpoint ${config.uuid}`);

    const client = new EndpointClient({ url: `http://127.0.0.1:${config.port}` });
    cleanups.push(() => client.close());
    await client.set('a', bytes('hello'));
    await client.set('b', bytes('world!'));
    expect(await m.status('ep1')).toMatchObject({ objectCount: 2, totalBytes: 11 });
    await until(() => changes >= 3, 2_000, 'change events');
    expect(text((await m.endpoint('ep1')?.get('a')) ?? null)).toBe('hello');

    await expect(m.remove('ep1')).rejects.toThrow('must be stopped before removing');
    const stopped = await m.stop('ep1');
    expect(stopped).toMatchObject({ state: 'stopped', runningHere: false, pid: null, objectCount: 2, totalBytes: 11 });
    expect(existsSync(join(dir, 'ep1', 'daemon.pid'))).toBe(false);
    await expect(client.get('a')).rejects.toThrow();

    // Objects survive a restart (SQLite storage).
    await m.start('ep1');
    expect(text(await client.get('a'))).toBe('hello');
    await m.stop('ep1');

    await m.remove('ep1');
    expect(existsSync(join(dir, 'ep1'))).toBe(false);
    expect(await m.list()).toEqual([]);
    unsubscribe();
  });

  it('keeps a memory endpoint, reports a stale pid as hanging, and explains a busy port', async () => {
    const dir = home();
    const m = manager(dir);
    await m.configure('mem', { persist: false, maxObjectSize: 4 });
    const busy = await m.configure('busy');
    expect((await m.status('mem')).storage).toBe('memory');
    await m.start('mem');
    await expect(m.endpoint('mem')?.set('k', new Uint8Array(5))).rejects.toThrow('object limit');
    await m.stop('mem');

    // A pid file left by a process that is gone.
    const other = manager(dir, { pid: 42, isProcessAlive: () => false });
    await other.start('busy');
    const fresh = manager(dir, { isProcessAlive: () => false });
    expect((await fresh.status('busy')).state).toBe('hanging');
    // Its port is still taken by `other`, which the new manager reports clearly.
    await expect(fresh.start('busy')).rejects.toThrow(`port ${busy.port} on 127.0.0.1 is in use`);
    await other.stop('busy');
  });

  it('peers two managed endpoints through a relay and shows the peers', async () => {
    const relay = await startRelay({ port: 0, secret: 'team', heartbeatMs: 0 });
    cleanups.push(() => relay.close());
    const m = manager(home());
    await m.configure('left', { relayAddress: relay.address, relaySecret: 'team' });
    await m.configure('right', { relayAddress: relay.address, relaySecret: 'team', persist: false });
    // Without a secret the endpoint is for a relay without authentication; this relay refuses it.
    await m.configure('nosecret', { relayAddress: relay.address, persist: false });
    const left = await m.start('left');
    const right = await m.start('right');
    await m.start('nosecret');
    await until(async () => (await m.status('nosecret')).relayState === 'rejected', 5_000, 'nosecret refused');
    expect((await m.status('nosecret')).relayError).toContain('UnauthorizedError: Request headers are missing authorization header.');
    await until(async () => (await m.status('left')).relayState === 'connected' && (await m.status('right')).relayState === 'connected', 5_000, 'registered');
    expect(await m.status('left')).toMatchObject({ mode: 'PEERING', relayState: 'connected', relayAddress: relay.address });

    const c = new EndpointClient({ url: `http://127.0.0.1:${right.port}` });
    cleanups.push(() => c.close());
    await c.set('shared', bytes('via relay'), left.uuid);
    expect(await m.status('left')).toMatchObject({ objectCount: 1 });
    expect(await m.status('right')).toMatchObject({ objectCount: 0 });
    expect(text(await c.get('shared', left.uuid))).toBe('via relay');
    expect((await m.status('right')).peers).toMatchObject([{ uuid: left.uuid, name: 'left', state: 'connected' }]);

    // "Test peer" on the screen: put, exists, get and evict through the connection; the row shows it.
    const tested = await testPeer(m, 'right', left.uuid);
    expect(tested.ok).toBe(true);
    expect(tested.steps.map((st) => [st.op, st.ok])).toEqual([['put', true], ['exists', true], ['get', true], ['evict', true]]);
    const row = toRow(await m.status('right'));
    expect(row.connections).toMatchObject([{ uuid: left.uuid, name: 'left', state: 'connected', channels: 1, lastError: null }]);
    expect(row.connections?.[0]?.bytesSent).toBeGreaterThan(0);
    const unknown = await testPeer(m, 'right', newUuid());
    expect(unknown.ok).toBe(false);
    expect(unknown.steps).toHaveLength(1);
    expect(unknown.steps[0]?.error).toBeTruthy();
    await expect(testPeer(m, 'nobody', left.uuid)).rejects.toThrow('not running in this app');
  });

  it('starts any config ProxyStore writes: a relay without auth needs no secret; "globus" auth uses the sign-in', async () => {
    const dir = home();
    const seen: (string | undefined)[] = [];
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (socket, req) => {
      seen.push(req.headers.authorization);
      socket.close(4001, 'unauthorized');
    });
    await new Promise((r) => wss.once('listening', r));
    const relayPort = (wss.address() as { port: number }).port;
    const toml = (name: string, port: number, auth: string): string =>
      [`name = "${name}"`, `uuid = "${newUuid()}"`, `port = ${port}`, 'host_type = "ip"', '', '[relay]', `address = "ws://127.0.0.1:${relayPort}"`,
        'peer_channels = 1', 'verify_certificate = true', '', '[relay.auth]', auth, '', '[relay.auth.kwargs]', '', '[storage]', 'max_object_size = 100000000', ''].join('\n');
    for (const [name, auth] of [['py-noauth', ''], ['py-globus', 'method = "globus"']] as const) {
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(join(dir, name, 'config.toml'), toml(name, await findFreePort(), auth));
    }
    const m = manager(dir, { globusRelayToken: async (address) => `globus-token-for-${address}` });
    const plain = await m.start('py-noauth');
    expect(plain).toMatchObject({ state: 'running', mode: 'PEERING', host: '127.0.0.1' });
    const globus = await m.start('py-globus');
    expect(globus.state).toBe('running');
    await until(() => seen.length === 2, 5_000, 'both handshakes');
    expect(seen.sort()).toEqual([`Bearer globus-token-for-ws://127.0.0.1:${relayPort}`, undefined].sort());
    await m.close();

    // Without a sign-in (the CLI) the "globus" endpoint still serves, and says why its relay is not connected.
    const bare = manager(dir);
    await bare.start('py-globus');
    await until(() => bare.endpoint('py-globus')?.relayState === 'rejected', 5_000, 'rejected');
    const status = await bare.status('py-globus');
    expect(status.state).toBe('running');
    expect(status.relayError).toContain('relay.auth.method = "globus" needs a Globus access token');
    await bare.close();
    await new Promise((r) => wss.close(r));
  });
});

describe('finding a local endpoint', () => {
  it('uses the first listed endpoint that is configured and answering', async () => {
    const dir = home();
    const m = manager(dir);
    const stopped = await m.configure('stopped');
    const started = await m.configure('started');
    await m.start('started');
    const unknown = '0d7f6a52-7a4d-4b8e-8c1b-5e9f3a2b1c0d';

    const found = await findLocalEndpoint({ endpoints: [unknown, stopped.uuid, started.uuid], home: dir, probeTimeoutMs: 1_000 });
    expect(found.uuid).toBe(started.uuid);
    const client = await EndpointClient.connect({ endpoints: [stopped.uuid, started.uuid], home: dir });
    cleanups.push(() => client.close());
    expect(client.uuid).toBe(started.uuid);
    expect(await client.endpointUuid()).toBe(started.uuid);
    await client.set('k', bytes('v'));
    expect(await client.exists('k')).toBe(true);
    await client.evict('k');
    expect(await client.exists('k')).toBe(false);

    const none = findLocalEndpoint({ endpoints: [stopped.uuid, unknown], home: dir, probeTimeoutMs: 1_000 });
    await expect(none).rejects.toBeInstanceOf(NoReachableEndpointError);
    await expect(findLocalEndpoint({ endpoints: [stopped.uuid], home: dir })).rejects.toThrow(`stopped (${stopped.uuid})`);
    await expect(findLocalEndpoint({ endpoints: [], home: dir })).rejects.toThrow('At least one endpoint');
  });
});
