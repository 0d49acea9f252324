import { assertNever } from '../../../shared/assert-never';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalRelayStatus, ObjectStoreRow, ObjectStoresSnapshot, objectStoresInvoke, PeerTestResult, PeerTestStep } from '../../../shared/contract/object-stores';
import { AppError, type Capability, type EventBus } from '../kernel';
import { writeFileAtomic } from '../store';
import { resolveProxystoreHome } from './config';
import { EndpointConfigError } from './errors';
import { EndpointManager, type EndpointManagerOptions, type EndpointStatus } from './manager';
import { PROXYSTORE_RELAY_SCOPE } from './relay-auth';
import { startRelay, type PeerInfo, type RelayServer } from './relay-server';
import { newUuid, parseUuid } from './uuid';

export type ObjectStoresChannel = keyof typeof objectStoresInvoke;

export interface ObjectStoresCapabilityOptions {
  /** Extra manager options (tests shorten the relay backoff). */
  readonly manager?: Omit<EndpointManagerOptions, 'home' | 'owner'>;
  /** Least time between two `object-stores:changed` events (default 150 ms). */
  readonly eventIntervalMs?: number;
}

/** Port and secret of the local relay, kept so object stores configured against it find it again. */
interface SavedRelay {
  readonly port: number;
  readonly secret: string;
}

const RELAY_FILE = 'local-relay.json';

function localRelayAddress(port: number): string {
  return `ws://127.0.0.1:${port}`;
}

/**
 * Core's status, reduced to what the UI shows (the relay secret never leaves the config). Peers are
 * the object store's peer connections and, on this app's local relay, the other object stores
 * registered there (ProxyStore's relay does not announce peers, but the app runs this one).
 */
export function toRow(status: EndpointStatus, relayPeers: readonly PeerInfo[] = []): ObjectStoreRow {
  const open = status.peers.filter((p) => p.state === 'connected');
  const peers = new Map(open.map((p) => [p.uuid, { uuid: p.uuid, name: p.name, connectedAt: p.connectedAt }]));
  for (const p of relayPeers) if (p.uuid !== status.uuid && !peers.has(p.uuid)) peers.set(p.uuid, { uuid: p.uuid, name: p.name, connectedAt: p.connectedAt });
  const host = status.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    name: status.name,
    uuid: status.uuid,
    dir: status.dir,
    state: status.state,
    runningHere: status.runningHere,
    pid: status.pid,
    host,
    port: status.port,
    url: `http://${urlHost}:${status.port}`,
    mode: status.mode,
    relayAddress: status.relayAddress,
    relayState: status.relayState,
    relayError: status.relayError,
    peers: [...peers.values()],
    connections: status.peers.map((p) => ({
      uuid: p.uuid,
      name: p.name,
      state: p.state,
      channels: p.channels,
      bytesSent: p.bytesSent,
      bytesReceived: p.bytesReceived,
      lastError: p.lastError,
    })),
    storage: status.storage,
    objectCount: status.objectCount,
    totalBytes: status.totalBytes,
    maxObjectSize: status.maxObjectSize,
  };
}

/**
 * "Test peer": what `proxystore-endpoint test NAME --remote UUID put|exists|get|evict` does, in
 * one go, through the peer connection: a small ProxyStore-serialized str, put, checked, read back
 * and evicted. Each step says whether it worked, how long it took and, if not, why.
 */
export async function testPeer(manager: EndpointManager, name: string, peer: string): Promise<PeerTestResult> {
  const endpoint = manager.endpoint(name);
  if (!endpoint) throw new EndpointConfigError(`Object store ${name} is not running in this app; start it first.`, 'conflict');
  const uuid = parseUuid(peer);
  if (!uuid) throw new EndpointConfigError(`${peer} is not a valid UUID4`, 'invalid');
  const key = `ferry-test-peer-${newUuid()}`;
  const data = new Uint8Array(Buffer.from(`US\nFerry peer test ${new Date().toISOString()}`, 'utf8'));
  const steps: PeerTestStep[] = [];
  const step = async (op: PeerTestStep['op'], fn: () => Promise<string | null>): Promise<boolean> => {
    const started = Date.now();
    try {
      const problem = await fn();
      steps.push({ op, ok: problem === null, ms: Date.now() - started, error: problem });
      return problem === null;
    } catch (error) {
      steps.push({ op, ok: false, ms: Date.now() - started, error: error instanceof Error ? error.message : String(error) });
      return false;
    }
  };
  const ok =
    (await step('put', async () => {
      await endpoint.set(key, data, uuid);
      return null;
    })) &&
    (await step('exists', async () => ((await endpoint.exists(key, uuid)) ? null : 'the peer says the object it just stored does not exist'))) &&
    (await step('get', async () => {
      const back = await endpoint.get(key, uuid);
      return back && Buffer.from(back).equals(Buffer.from(data)) ? null : 'the peer returned different bytes';
    })) &&
    (await step('evict', async () => {
      await endpoint.evict(key, uuid);
      return (await endpoint.exists(key, uuid)) ? 'the object is still there after evict' : null;
    }));
  return { ok, peer: uuid, steps };
}

/** What this capability needs from the composition root. */
export interface ObjectStoresDeps {
  /** Where this run keeps databases and state (the data-folder setting at start). */
  readonly stateDir: string;
  readonly bus: EventBus;
  readonly env: NodeJS.ProcessEnv;
  /**
   * A Globus access token for a resource-server scope from the person's Ferry sign-in
   * (GlobusAuth.tokenFor). Endpoints whose config says `relay.auth.method = "globus"` present the
   * token for ProxyStore's relay scope; without it they serve locally and say why they do not peer.
   */
  /** A token for a Globus scope; `refresh`: a new one, the relay refused the cached one (4002). */
  readonly globusTokenFor?: (scope: string, options?: { readonly refresh: boolean }) => Promise<string>;
}

/**
 * Wires the `object-stores:*` channels to an EndpointManager owned by the app. Object stores live
 * in ProxyStore's own home, as ProxyStore endpoints (so Python ProxyStore finds those Ferry
 * creates); the ones this app started, and its local relay, stop on dispose.
 */
export function createObjectStoresCapability(
  deps: ObjectStoresDeps,
  options: ObjectStoresCapabilityOptions = {},
): Capability<ObjectStoresChannel> & { dispose(): Promise<void>; /** Relay links refused for want of a token try again (the sign-in changed). */ retryRelays(): void } {
  const home = resolveProxystoreHome(deps.env);
  const tokenFor = deps.globusTokenFor;
  const globusRelayToken = options.manager?.globusRelayToken ?? (tokenFor ? (_address: string, o?: { readonly refresh: boolean }) => tokenFor(PROXYSTORE_RELAY_SCOPE, o) : undefined);
  const manager = new EndpointManager({ ...options.manager, home, owner: 'app', ...(globusRelayToken ? { globusRelayToken } : {}) });
  // The folder keeps its first name so a saved relay (port and secret) survives the rename.
  const relayDir = join(deps.stateDir, 'proxy-endpoints');
  const relayFile = join(relayDir, RELAY_FILE);
  const intervalMs = options.eventIntervalMs ?? 150;
  let relay: RelayServer | null = null;
  let relaySecret = '';
  let relayStarting: Promise<LocalRelayStatus> | null = null;
  let disposed = false;

  const relayStatus = (): LocalRelayStatus | null =>
    relay ? { address: relay.address, port: relay.port, peers: relay.peers().map((p) => ({ ...p })) } : null;

  /** A row; an object store registered with the local relay also lists the others registered there. */
  const row = (status: EndpointStatus): ObjectStoreRow =>
    toRow(status, relay && status.relayAddress === relay.address && status.relayState === 'connected' ? relay.peers() : []);

  const snapshot = async (): Promise<ObjectStoresSnapshot> => ({
    home,
    stores: (await manager.list()).map(row),
    relay: relayStatus(),
  });

  // Trailing throttle: many object changes in a burst become one event every `intervalMs`.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let emitting = false;
  let dirty = false;
  const flush = async (): Promise<void> => {
    timer = undefined;
    emitting = true;
    dirty = false;
    try {
      const snap = await snapshot();
      if (!disposed) deps.bus.emit('object-stores:changed', snap);
    } catch (error) {
      console.error('object stores: status could not be read', error);
    } finally {
      emitting = false;
      if (dirty && !disposed) timer = setTimeout(() => void flush(), intervalMs);
    }
  };
  const changed = (): void => {
    dirty = true;
    if (disposed || timer || emitting) return;
    timer = setTimeout(() => void flush(), intervalMs);
  };
  const offManager = manager.onChange(changed);

  const readSavedRelay = async (): Promise<SavedRelay | null> => {
    try {
      const value = JSON.parse(await readFile(relayFile, 'utf8')) as Partial<SavedRelay>;
      return typeof value.port === 'number' && typeof value.secret === 'string' && value.secret ? { port: value.port, secret: value.secret } : null;
    } catch {
      return null;
    }
  };

  const doStartRelay = async (): Promise<LocalRelayStatus> => {
    const saved = await readSavedRelay();
    const secret = saved?.secret ?? randomBytes(18).toString('base64url');
    const listen = (port: number) => startRelay({ port, host: '127.0.0.1', secret, onPeersChange: changed });
    let server: RelayServer;
    try {
      server = await listen(saved?.port ?? 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !saved) throw error;
      // The old port is taken: object stores configured against it will have to be configured again.
      server = await listen(0);
    }
    if (disposed) {
      await server.close();
      throw new EndpointConfigError('Ferry is shutting down.');
    }
    relay = server;
    relaySecret = secret;
    await mkdir(relayDir, { recursive: true });
    await writeFileAtomic(relayFile, JSON.stringify({ port: server.port, secret } satisfies SavedRelay), 0o600);
    changed();
    return relayStatus() as LocalRelayStatus;
  };

  const ensureRelay = (): Promise<LocalRelayStatus> => {
    const current = relayStatus();
    if (current) return Promise.resolve(current);
    relayStarting ??= doStartRelay().finally(() => {
      relayStarting = null;
    });
    return relayStarting;
  };

  const stopRelay = async (): Promise<boolean> => {
    if (relayStarting) await relayStarting.catch(() => undefined);
    const server = relay;
    if (!server) return false;
    relay = null;
    await server.close();
    changed();
    return true;
  };

  return {
    handlers: {
      'object-stores:list': () => snapshot(),
      'object-stores:configure': async (input) => {
        let relayAddress: string | null = null;
        let relaySecretFor: string | null = null;
        switch (input.relay.kind) {
          case 'none':
            break;
          case 'local': {
            const r = await ensureRelay();
            relayAddress = r.address;
            relaySecretFor = relaySecret;
            break;
          }
          case 'address':
            relayAddress = input.relay.address;
            relaySecretFor = input.relay.secret;
            break;
          default:
            assertNever(input.relay, 'relay choice');
        }
        const status = await manager.configure(input.name, {
          port: input.port,
          persist: input.storage === 'sqlite',
          maxObjectSize: input.maxObjectSize,
          relayAddress,
          relaySecret: relaySecretFor,
        });
        return row(status);
      },
      'object-stores:start': async (name) => {
        const before = await manager.status(name);
        // An object store that peers through the local relay brings the relay up with it.
        if (before.relayAddress !== null && !relay) {
          const saved = await readSavedRelay();
          if (saved && before.relayAddress === localRelayAddress(saved.port)) await ensureRelay();
        }
        return row(await manager.start(name));
      },
      'object-stores:stop': async (name) => row(await manager.stop(name)),
      'object-stores:remove': async (name) => {
        // A stale daemon.pid (its process is gone) is cleared first; a live one still refuses.
        if ((await manager.status(name).catch(() => null))?.state === 'hanging') await manager.stop(name);
        await manager.remove(name);
        return { removed: name };
      },
      'object-stores:start-relay': () => ensureRelay(),
      'object-stores:stop-relay': async () => ({ stopped: await stopRelay() }),
      'object-stores:relay-secret': async () => {
        if (!relay) throw new AppError('not-found', 'RelayNotRunning', 'The local relay is not running: start it first, then show its secret.');
        return { secret: relaySecret };
      },
      'object-stores:test-peer': async (name, peer) => testPeer(manager, name, peer),
    },
    retryRelays: () => manager.retryRejectedRelays(),
    async dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      offManager();
      await manager.close();
      await stopRelay();
    },
  };
}
