import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointManager, readConfig, type EndpointStatus, type RelayServer } from '../core/object-store';
import { runObjectStoreCommand, type ObjectStoreCommandDeps } from './object-store-command';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-ps-home-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function manager(dir: string, extra: Partial<ConstructorParameters<typeof EndpointManager>[0]> = {}): EndpointManager {
  const m = new EndpointManager({ home: dir, backoff: { initialMs: 20, maxMs: 200 }, ...extra });
  cleanups.push(() => m.close());
  return m;
}

/** Polls `check` every 10 ms until it returns true, failing after `timeoutMs`. */
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Captured {
  readonly out: string[];
  readonly err: string[];
  readonly deps: ObjectStoreCommandDeps;
}

function cli(dir: string, extra: Partial<ObjectStoreCommandDeps> = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, deps: { env: { PROXYSTORE_HOME: dir }, stdout: (t) => out.push(t), stderr: (t) => err.push(t), ...extra } };
}

describe('ferry endpoint (ferry object-store) / ferry relay', () => {
  it('configures, lists, starts in the foreground, stops by pid and removes', async () => {
    const dir = home();
    const c = cli(dir);
    expect(await runObjectStoreCommand(['endpoint', 'configure', 'cli-ep', '--memory', '--no-relay-server', '--max-object-size', '1000'], c.deps)).toBe(0);
    expect(c.out.join('\n')).toMatch(/Configured endpoint: cli-ep <[0-9a-f-]{36}>/);
    expect((await readConfig(join(dir, 'cli-ep'))).storage).toEqual({ databasePath: null, maxObjectSize: 1000 });

    // Foreground start: runs until its shutdown promise resolves; `stop` from elsewhere signals its pid.
    const fakePid = 4242;
    let release: () => void = () => undefined;
    let alive = false;
    let ready: EndpointStatus | undefined;
    const serving = cli(dir, {
      manager: { pid: fakePid },
      waitForShutdown: () => new Promise<void>((resolve) => (release = resolve)),
      onReady: (info) => {
        if (info.kind === 'endpoint') ready = info.status;
        alive = true;
      },
    });
    const exit = runObjectStoreCommand(['endpoint', 'start', 'cli-ep', '--no-detach'], serving.deps);
    await until(() => ready !== undefined, 5_000, 'endpoint ready');
    expect(readFileSync(join(dir, 'cli-ep', 'daemon.pid'), 'utf8')).toBe(String(fakePid));

    const listing = cli(dir, { manager: { isProcessAlive: (pid) => pid === fakePid && alive } });
    expect(await runObjectStoreCommand(['endpoint', 'list'], listing.deps)).toBe(0);
    // Another process holds its objects in memory: the count is unknown here.
    expect(listing.out.join('\n')).toMatch(new RegExp(`cli-ep\\s+RUNNING\\s+${ready?.uuid ?? 'x'}\\s+${ready?.port ?? 0}\\s+\\?`));

    const signals: string[] = [];
    const stopper = cli(dir, {
      manager: {
        isProcessAlive: (pid) => pid === fakePid && alive,
        kill: (pid, signal) => {
          signals.push(`${pid}:${signal}`);
          release();
        },
      },
    });
    const stopping = runObjectStoreCommand(['endpoint', 'stop', 'cli-ep'], stopper.deps);
    expect(await exit).toBe(0);
    alive = false;
    expect(await stopping).toBe(0);
    expect(signals).toEqual([`${fakePid}:SIGTERM`]);
    expect(stopper.out).toContain('Endpoint cli-ep has been stopped.');
    expect(serving.out.join('\n')).toContain('Finished serving endpoint: cli-ep');
    expect(existsSync(join(dir, 'cli-ep', 'daemon.pid'))).toBe(false);

    expect(await runObjectStoreCommand(['endpoint', 'stop', 'cli-ep'], c.deps)).toBe(0);
    expect(c.out).toContain('Endpoint cli-ep is not running.');
    expect(await runObjectStoreCommand(['endpoint', 'remove', 'cli-ep'], c.deps)).toBe(0);
    expect(await runObjectStoreCommand(['endpoint', 'list'], c.deps)).toBe(0);
    expect(c.out.at(-1)).toBe(`No valid endpoint configurations in ${dir}.`);
  });

  it('never signals the Ferry app that serves an endpoint', async () => {
    const dir = home();
    const app = manager(dir, { pid: 777, owner: 'app' });
    await app.configure('in-app', { persist: false });
    await app.start('in-app');
    const signals: number[] = [];
    const c = cli(dir, { manager: { isProcessAlive: (pid) => pid === 777, kill: (pid) => signals.push(pid) } });
    expect(await runObjectStoreCommand(['endpoint', 'stop', 'in-app'], c.deps)).toBe(1);
    expect(c.err.join('\n')).toContain('runs inside the Ferry app (pid 777)');
    expect(signals).toEqual([]);
  });

  it('runs a relay in the foreground that endpoints join with its secret', async () => {
    const dir = home();
    let release: () => void = () => undefined;
    let relay: RelayServer | undefined;
    const r = cli(dir, {
      waitForShutdown: () => new Promise<void>((resolve) => (release = resolve)),
      onReady: (info) => {
        if (info.kind === 'relay') relay = info.relay;
      },
    });
    const exit = runObjectStoreCommand(['relay', '--port', '0', '--secret', 'cli-secret'], r.deps);
    await until(() => relay !== undefined, 5_000, 'relay ready');
    const address = relay?.address ?? '';
    expect(r.out).toContain(`Relay listening on ${address}`);

    const c = cli(dir);
    expect(await runObjectStoreCommand(['endpoint', 'configure', 'joiner', '--memory', '--relay', address, '--relay-secret', 'cli-secret'], c.deps)).toBe(0);
    const m = manager(dir);
    const joined = await m.start('joiner');
    await until(() => relay?.peers().some((p) => p.uuid === joined.uuid) ?? false, 5_000, 'joined relay');
    await until(() => r.out.some((line) => line.includes('1 endpoint(s) connected: joiner')), 2_000, 'relay log');
    await m.stop('joiner');
    release();
    expect(await exit).toBe(0);
    expect(r.out.at(-1)).toBe('Relay stopped.');
  });

  it('answers to `ferry object-store` the same way', async () => {
    const dir = home();
    const c = cli(dir);
    expect(await runObjectStoreCommand(['object-store', 'configure', 'alias-ep', '--memory', '--no-relay-server'], c.deps)).toBe(0);
    expect(c.out.join('\n')).toMatch(/Configured endpoint: alias-ep <[0-9a-f-]{36}>/);
    expect(await runObjectStoreCommand(['object-store', 'remove', 'alias-ep'], c.deps)).toBe(0);
    expect(await runObjectStoreCommand(['object-store', 'list'], c.deps)).toBe(0);
    expect(c.out.at(-1)).toBe(`No valid endpoint configurations in ${dir}.`);
    expect(await runObjectStoreCommand(['object-store', 'start'], c.deps)).toBe(2);
    expect(c.err.join('\n')).toContain('ferry object-store start needs a NAME');
  });

  it('writes the config proxystore-endpoint configure writes, with its defaults', async () => {
    const dir = home();
    const c = cli(dir);
    expect(await runObjectStoreCommand(['endpoint', 'configure', 'ps-default', '--port', '12001'], c.deps)).toBe(0);
    const text = readFileSync(join(dir, 'ps-default', 'config.toml'), 'utf8');
    expect(c.err).toEqual([]);
    expect(text).toContain('address = "wss://relay.proxystore.dev"');
    expect(text).toContain('method = "globus"');
    expect(text).toContain('peer_channels = 1');
    expect(text).not.toContain('database_path');
    const cfg = await readConfig(join(dir, 'ps-default'));
    expect(cfg.relay.auth).toEqual({ method: 'globus', kwargs: {} });

    expect(
      await runObjectStoreCommand(
        ['endpoint', 'configure', 'ps-flags', '--host', 'fqdn', '--port', '12002', '--relay-address', 'ws://relay.example:8700', '--no-relay-auth', '--peer-channels', '4', '--persist'],
        c.deps,
      ),
    ).toBe(0);
    const flags = await readConfig(join(dir, 'ps-flags'));
    expect(flags).toMatchObject({ host: null, hostType: 'fqdn', port: 12002 });
    expect(flags.relay).toMatchObject({ address: 'ws://relay.example:8700', auth: { method: null, kwargs: {} }, peerChannels: 4 });
    expect(flags.storage.databasePath).toBe(join(dir, 'ps-flags', 'blobs.db'));

    expect(await runObjectStoreCommand(['endpoint', 'configure', 'ps-solo', '--host', '10.1.2.3', '--no-relay-server', '--no-persist'], c.deps)).toBe(0);
    const solo = await readConfig(join(dir, 'ps-solo'));
    expect(solo).toMatchObject({ host: '10.1.2.3', hostType: 'static' });
    expect(solo.relay.address).toBeNull();
    expect(solo.storage.databasePath).toBeNull();

    expect(await runObjectStoreCommand(['endpoint', 'configure', 'bad', '--relay-auth', '--relay-secret', 's'], c.deps)).toBe(2);
    expect(await runObjectStoreCommand(['endpoint', 'configure', 'bad', '--peer-channels', '0'], c.deps)).toBe(2);
  });

  it('starts detached by default, lists the relay link, and tests get/put/exists/evict', async () => {
    const dir = home();
    const c = cli(dir);
    // ProxyStore's defaults: the public relay with Globus Auth, which a CLI process has no token for.
    expect(await runObjectStoreCommand(['endpoint', 'configure', 'bg', '--host', '127.0.0.1'], c.deps)).toBe(0);
    const childPid = 5151;
    const spawned: string[][] = [];
    const child = manager(dir, { pid: childPid, owner: 'cli' });
    const alive = (pid: number): boolean => pid === childPid;
    const starter = cli(dir, {
      manager: { isProcessAlive: alive },
      spawnDetached: (argv) => {
        spawned.push([...argv]);
        void child.start('bg');
        return childPid;
      },
    });
    expect(await runObjectStoreCommand(['endpoint', 'start', 'bg'], starter.deps)).toBe(0);
    expect(spawned).toEqual([['endpoint', 'start', 'bg', '--no-detach']]);
    expect(starter.out.join('\n')).toContain(`in the background (pid ${childPid})`);

    // The endpoint serves even though its relay wants Globus Auth; list and status say why it is not connected.
    await until(() => existsSync(join(dir, 'bg', 'ferry-relay.json')) && readFileSync(join(dir, 'bg', 'ferry-relay.json'), 'utf8').includes('rejected'), 5_000, 'relay state');
    const lister = cli(dir, { manager: { isProcessAlive: alive } });
    expect(await runObjectStoreCommand(['endpoint', 'list'], lister.deps)).toBe(0);
    expect(lister.out.join('\n')).toMatch(/bg\s+RUNNING.*\srejected$/m);
    expect(await runObjectStoreCommand(['endpoint', 'status', 'bg'], lister.deps)).toBe(0);
    expect(lister.out.join('\n')).toContain('Relay:    wss://relay.proxystore.dev (rejected)');
    expect(lister.out.join('\n')).toContain('relay.auth.method = "globus" needs a Globus access token');

    const t = cli(dir, { manager: { isProcessAlive: alive } });
    expect(await runObjectStoreCommand(['endpoint', 'test', 'bg', 'put', 'héllo'], t.deps)).toBe(0);
    const key = /with key ([0-9a-f-]{36})/.exec(t.out.join('\n'))?.[1] ?? '';
    expect(key).not.toBe('');
    expect(await runObjectStoreCommand(['endpoint', 'test', 'bg', 'exists', key], t.deps)).toBe(0);
    expect(await runObjectStoreCommand(['endpoint', 'test', 'bg', 'get', key], t.deps)).toBe(0);
    expect(await runObjectStoreCommand(['endpoint', 'test', 'bg', 'evict', key], t.deps)).toBe(0);
    expect(await runObjectStoreCommand(['endpoint', 'test', 'bg', 'get', key], t.deps)).toBe(0);
    expect(t.out.slice(1)).toEqual(['Object exists: True', 'Result: héllo', 'Evicted object from endpoint.', 'Object does not exist.']);
    expect(await runObjectStoreCommand(['endpoint', 'test', 'bg', 'frob', key], t.deps)).toBe(2);
    expect(await runObjectStoreCommand(['endpoint', 'test', 'bg', '--remote', 'nope', 'get', key], t.deps)).toBe(2);
    // The endpoint is SOLO as far as peers go (not connected): --remote is answered by the relay link.
    await child.stop('bg');
  });

  it('explains usage errors', async () => {
    const c = cli(home());
    expect(await runObjectStoreCommand(['endpoint', 'frobnicate'], c.deps)).toBe(2);
    expect(await runObjectStoreCommand(['endpoint', 'start'], c.deps)).toBe(2);
    expect(c.err.join('\n')).toContain('ferry endpoint start needs a NAME');
    expect(await runObjectStoreCommand(['relay'], c.deps)).toBe(2);
    expect(await runObjectStoreCommand(['endpoint', 'configure', 'x', '--port', 'abc'], c.deps)).toBe(2);
    expect(await runObjectStoreCommand(['endpoint', 'start', 'missing'], c.deps)).toBe(1);
    expect(c.err.join('\n')).toContain('does not contain a valid configuration');
    expect(await runObjectStoreCommand(['endpoint', '--help'], c.deps)).toBe(0);
    expect(c.out.join('\n')).toContain('Usage');
  });
});
