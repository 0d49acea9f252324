import { existsSync } from 'node:fs';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from '../store';
import {
  ENDPOINT_DATABASE_FILE,
  ENDPOINT_LOG_FILE,
  ENDPOINT_PID_FILE,
  endpointDir,
  isValidEndpointName,
  listConfigs,
  readConfig,
  relaySecretOf,
  writeConfig,
  type EndpointConfig,
  type HostType,
} from './config';
import { Endpoint, MAX_OBJECT_SIZE_DEFAULT, type EndpointMode } from './endpoint';
import { EndpointConfigError } from './errors';
import { startEndpointServer, type EndpointHttpServer } from './http-server';
import type { PeerRtcOptions } from './peer-connection';
import type { PeerConnectionInfo } from './peer-manager';
import type { BackoffOptions, RelayState } from './relay-client';
import { MemoryStorage, SqliteStorage, peekSqliteStats } from './storage';
import { newUuid } from './uuid';

/** Beside daemon.pid (ProxyStore ignores it): who wrote the pid, so `stop` never signals the Ferry app. */
export const OWNER_FILE = 'ferry-owner.json';

export type EndpointState = 'running' | 'stopped' | 'hanging';

/** Plain-JSON status of one configured endpoint, for the UI and `ferry endpoint list`. */
export interface EndpointStatus {
  readonly name: string;
  readonly uuid: string;
  readonly dir: string;
  readonly host: string | null;
  readonly port: number;
  /** `hanging`: daemon.pid names a process that is gone. */
  readonly state: EndpointState;
  /** Served by this process (the app), so it can be stopped here. */
  readonly runningHere: boolean;
  readonly pid: number | null;
  readonly mode: EndpointMode;
  readonly relayAddress: string | null;
  /** Link to the relay, only known for endpoints served by this process. */
  readonly relayState: RelayState | null;
  readonly relayError: string | null;
  /** Peer connections (open or opening), only known for endpoints served by this process. */
  readonly peers: readonly PeerConnectionInfo[];
  readonly storage: 'memory' | 'sqlite';
  /** Null when unknown (a memory endpoint served by another process). */
  readonly objectCount: number | null;
  readonly totalBytes: number | null;
  readonly maxObjectSize: number;
}

export interface ConfigureEndpointOptions {
  /** Defaults to a free port on 127.0.0.1. */
  readonly port?: number;
  /** Address to bind and to advertise (default 127.0.0.1). */
  readonly host?: string;
  /**
   * ProxyStore's host_type: `ip` or `fqdn` resolve the address when the endpoint starts (Ferry
   * then serves on 127.0.0.1, as it never listens on every interface by itself); `static` (the
   * default) uses `host`.
   */
  readonly hostType?: HostType;
  readonly relayAddress?: string | null;
  /** ProxyStore's `--relay-auth`: the relay wants a Globus token (relay.auth.method = "globus"). */
  readonly relayAuth?: 'globus' | null;
  /** Shared secret of a Ferry relay; null or absent for a relay without authentication. */
  readonly relaySecret?: string | null;
  /** Data channels per peer connection (ProxyStore's peer_channels, default 1). */
  readonly peerChannels?: number;
  /** Keep blobs in blobs.db (default true); false keeps them in memory. */
  readonly persist?: boolean;
  readonly maxObjectSize?: number;
}

export interface EndpointManagerOptions {
  /** ProxyStore home: one folder per endpoint. */
  readonly home: string;
  /** Written to daemon.pid (default process.pid). */
  readonly pid?: number;
  /** Who serves endpoints started here: the app refuses to be signalled by `stop`. */
  readonly owner?: 'app' | 'cli';
  readonly isProcessAlive?: (pid: number) => boolean;
  readonly kill?: (pid: number, signal: NodeJS.Signals) => void;
  /** How long `stop` waits for another process to exit after SIGTERM (default 5 s). */
  readonly stopTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** ICE servers and host candidates for peer connections (default ProxyStore's STUN server). */
  readonly rtc?: PeerRtcOptions;
  /**
   * The Globus access token for a relay with `relay.auth.method = "globus"` (ProxyStore's relay
   * scope). Without it such an endpoint still starts and serves, and its relay link reports why it
   * is not connected.
   */
  readonly globusRelayToken?: (relayAddress: string, options?: { readonly refresh: boolean }) => Promise<string | null>;
}

/** Beside daemon.pid: the relay link of an endpoint another process serves, for `list` and `status`. */
export const RELAY_STATE_FILE = 'ferry-relay.json';

/** Why a `relay.auth.method = "globus"` endpoint has no token when nobody supplies one. */
export const NO_GLOBUS_RELAY_TOKEN =
  'relay.auth.method = "globus" needs a Globus access token for the relay\'s scope, and this Ferry process has none ' +
  '(the CLI has no Globus sign-in); the endpoint serves locally without peering. ' +
  'Use `--no-relay-auth` with a relay that needs no authentication (such as `ferry relay --no-auth`).';

interface Served {
  readonly endpoint: Endpoint;
  readonly server: EndpointHttpServer;
  readonly config: EndpointConfig;
  readonly unsubscribe: () => void;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A port that was free a moment ago on `host`, chosen below Linux's ephemeral range
 * (32768-60999) so that sockets the OS hands out between `configure` and `start` (any
 * client connection, any server bound to port 0) cannot take it in the meantime.
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canBind(host, candidate)) return candidate;
  }
  return bindAndRelease(host, 0);
}

function canBind(host: string, port: number): Promise<boolean> {
  return bindAndRelease(host, port).then(
    () => true,
    () => false,
  );
}

function bindAndRelease(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, host, () => {
      const address = srv.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(bound));
    });
  });
}

/**
 * Configures, starts, stops, lists and removes endpoints kept in ProxyStore's folder layout.
 * Endpoints started here run in this process; `stop` also ends one a CLI process serves.
 */
export class EndpointManager {
  readonly home: string;
  private readonly opts: EndpointManagerOptions;
  private readonly served = new Map<string, Served>();
  private readonly starting = new Map<string, Promise<EndpointStatus>>();
  private readonly listeners = new Set<() => void>();
  private emitScheduled = false;

  constructor(options: EndpointManagerOptions) {
    this.home = options.home;
    this.opts = options;
  }

  private get pid(): number {
    return this.opts.pid ?? process.pid;
  }

  private alive(pid: number): boolean {
    return (this.opts.isProcessAlive ?? isProcessAlive)(pid);
  }

  /** Creates `<home>/<name>/config.toml`; fails if the name is taken. */
  async configure(name: string, options: ConfigureEndpointOptions = {}): Promise<EndpointStatus> {
    if (!isValidEndpointName(name)) {
      throw new EndpointConfigError(`Name must only contain alphanumeric characters, dashes, and underscores. Got ${name}.`);
    }
    const dir = endpointDir(this.home, name);
    if (existsSync(dir)) throw new EndpointConfigError(`An endpoint named ${name} already exists.`, 'conflict');
    const hostType = options.hostType ?? 'static';
    const host = hostType === 'static' ? (options.host ?? '127.0.0.1') : null;
    const relayAddress = options.relayAddress ?? null;
    const config: EndpointConfig = {
      name,
      uuid: newUuid(),
      // A static address of another machine (ProxyStore allows one) cannot be probed here: probe loopback.
      port: options.port ?? (await findFreePort(host ?? '127.0.0.1').catch(() => findFreePort('127.0.0.1'))),
      host,
      hostType,
      relay: {
        address: relayAddress,
        auth: {
          method: options.relayAuth ?? null,
          kwargs: relayAddress !== null && options.relaySecret && !options.relayAuth ? { secret: options.relaySecret } : {},
        },
        peerChannels: options.peerChannels ?? 1,
        verifyCertificate: true,
      },
      storage: {
        databasePath: options.persist === false ? null : join(dir, ENDPOINT_DATABASE_FILE),
        maxObjectSize: options.maxObjectSize ?? MAX_OBJECT_SIZE_DEFAULT,
      },
    };
    await writeConfig(dir, config);
    await this.log(name, `configured endpoint ${name} <${config.uuid}>`);
    this.scheduleEmit();
    return this.status(name);
  }

  async list(): Promise<readonly EndpointStatus[]> {
    const found = await listConfigs(this.home);
    return Promise.all(found.map((f) => this.describe(f.dir, f.config)));
  }

  async status(name: string): Promise<EndpointStatus> {
    const dir = endpointDir(this.home, name);
    return this.describe(dir, await readConfig(dir));
  }

  /** The running in-process endpoint, for callers that want the in-process API. */
  endpoint(name: string): Endpoint | undefined {
    return this.served.get(name)?.endpoint;
  }

  /** Starts serving in this process: storage, relay link, HTTP API, daemon.pid. */
  start(name: string): Promise<EndpointStatus> {
    const inFlight = this.starting.get(name);
    if (inFlight) return inFlight;
    const p = this.doStart(name).finally(() => this.starting.delete(name));
    this.starting.set(name, p);
    return p;
  }

  private async doStart(name: string): Promise<EndpointStatus> {
    if (this.served.has(name)) return this.status(name);
    const dir = endpointDir(this.home, name);
    let config = await readConfig(dir);
    const pidFile = join(dir, ENDPOINT_PID_FILE);
    const pid = await readPid(pidFile);
    if (pid !== null && pid !== this.pid && this.alive(pid)) {
      throw new EndpointConfigError(`Endpoint ${name} is already running (pid ${pid}).`, 'conflict');
    }
    if (pid !== null) await rm(pidFile, { force: true });

    const bindHost = config.hostType === 'static' && config.host ? config.host : '127.0.0.1';
    const storage = config.storage.databasePath ? new SqliteStorage(config.storage.databasePath) : new MemoryStorage();
    const secret = relaySecretOf(config);
    const relayAddress = config.relay.address;
    const globusToken = this.opts.globusRelayToken;
    // ProxyStore's _get_auth_headers: method "globus" sends the person's token for the relay's scope.
    const token =
      relayAddress !== null && config.relay.auth.method === 'globus'
        ? globusToken
          ? (options?: { readonly refresh: boolean }) => globusToken(relayAddress, options)
          : () => Promise.reject(new Error(NO_GLOBUS_RELAY_TOKEN))
        : undefined;
    const endpoint = new Endpoint({
      name: config.name,
      uuid: config.uuid,
      storage,
      maxObjectSize: config.storage.maxObjectSize,
      relay:
        config.relay.address !== null
          ? {
              address: config.relay.address,
              secret,
              token,
              peerChannels: config.relay.peerChannels,
              rtc: this.opts.rtc,
              verifyCertificate: config.relay.verifyCertificate,
              requestTimeoutMs: this.opts.requestTimeoutMs,
              backoff: this.opts.backoff,
            }
          : undefined,
    });
    let server: EndpointHttpServer;
    try {
      server = await startEndpointServer(endpoint, { host: bindHost, port: config.port });
    } catch (error) {
      await endpoint.close();
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? `port ${config.port} on ${bindHost} is in use` : String(error);
      await this.log(name, `failed to start: ${why}`);
      throw new EndpointConfigError(`Endpoint ${name} could not start: ${why}.`);
    }
    if (config.host !== bindHost) {
      config = { ...config, host: bindHost };
      await writeConfig(dir, config);
    }
    await writeFileAtomic(pidFile, String(this.pid));
    await writeFileAtomic(join(dir, OWNER_FILE), JSON.stringify({ pid: this.pid, owner: this.opts.owner ?? 'app' }));
    const relayStateFile = join(dir, RELAY_STATE_FILE);
    let lastRelay = '';
    const recordRelay = (): void => {
      if (endpoint.relayState === null) return;
      const next = JSON.stringify({ pid: this.pid, state: endpoint.relayState, error: endpoint.relayError, peers: endpoint.peers().length });
      if (next === lastRelay) return;
      lastRelay = next;
      void writeFileAtomic(relayStateFile, next).catch(() => undefined);
    };
    recordRelay();
    const unsubscribeEndpoint = endpoint.onChange(() => {
      recordRelay();
      this.scheduleEmit();
    });
    const unsubscribe = (): void => {
      unsubscribeEndpoint();
    };
    this.served.set(name, { endpoint, server, config, unsubscribe });
    await this.log(name, `serving endpoint ${config.uuid} (${name}) on ${server.url} in ${endpoint.mode} mode`);
    this.scheduleEmit();
    return this.status(name);
  }

  /** Stops an endpoint served here, or signals the CLI process serving it. */
  async stop(name: string): Promise<EndpointStatus> {
    const dir = endpointDir(this.home, name);
    const pidFile = join(dir, ENDPOINT_PID_FILE);
    const mine = this.served.get(name);
    if (mine) {
      this.served.delete(name);
      mine.unsubscribe();
      await mine.server.close();
      await mine.endpoint.close();
      await rm(pidFile, { force: true });
      await rm(join(dir, OWNER_FILE), { force: true });
      await rm(join(dir, RELAY_STATE_FILE), { force: true });
      await this.log(name, `stopped endpoint ${name}`);
      this.scheduleEmit();
      return this.status(name);
    }
    await readConfig(dir);
    const pid = await readPid(pidFile);
    if (pid !== null && pid !== this.pid && this.alive(pid)) {
      const owner = await readOwner(join(dir, OWNER_FILE));
      if (owner?.pid === pid && owner.owner === 'app') {
        throw new EndpointConfigError(`Endpoint ${name} runs inside the Ferry app (pid ${pid}); stop it from the app.`);
      }
      const kill = this.opts.kill ?? ((p: number, s: NodeJS.Signals) => process.kill(p, s));
      kill(pid, 'SIGTERM');
      const deadline = Date.now() + (this.opts.stopTimeoutMs ?? 5_000);
      while (this.alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (this.alive(pid)) kill(pid, 'SIGKILL');
    }
    await rm(pidFile, { force: true });
    await rm(join(dir, OWNER_FILE), { force: true });
    await rm(join(dir, RELAY_STATE_FILE), { force: true });
    this.scheduleEmit();
    return this.status(name);
  }

  /** Deletes the endpoint folder (config, blobs, log); it must be stopped first. */
  async remove(name: string): Promise<void> {
    const dir = endpointDir(this.home, name);
    if (!existsSync(dir)) throw new EndpointConfigError(`An endpoint named ${name} does not exist.`, 'not-found');
    const status = await this.status(name).catch(() => undefined);
    if (status && status.state !== 'stopped') {
      throw new EndpointConfigError(`Endpoint ${name} must be stopped before removing.`, 'conflict');
    }
    await rm(dir, { recursive: true, force: true });
    this.scheduleEmit();
  }

  /** Called (coalesced) after configure/start/stop/remove, object changes and peer changes. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Stops every endpoint served by this process. */
  /** Every endpoint served here whose relay refused it tries again (the sign-in changed). */
  retryRejectedRelays(): void {
    for (const { endpoint } of this.served.values()) endpoint.retryRelay();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.starting.values()]);
    for (const name of [...this.served.keys()]) await this.stop(name);
    this.listeners.clear();
  }

  private async describe(dir: string, config: EndpointConfig): Promise<EndpointStatus> {
    const mine = this.served.get(config.name);
    const pid = await readPid(join(dir, ENDPOINT_PID_FILE));
    // daemon.pid naming this very process while it serves nothing is left over from an earlier run.
    const state: EndpointState = mine
      ? 'running'
      : pid === null
        ? 'stopped'
        : pid !== this.pid && this.alive(pid)
          ? 'running'
          : 'hanging';
    let objectCount: number | null = null;
    let totalBytes: number | null = null;
    if (mine) {
      ({ objectCount, totalBytes } = mine.endpoint.stats());
    } else if (config.storage.databasePath && existsSync(config.storage.databasePath)) {
      try {
        ({ objectCount, totalBytes } = peekSqliteStats(config.storage.databasePath));
      } catch {
        // Locked or unreadable: leave unknown.
      }
    } else if (state !== 'running') {
      objectCount = 0;
      totalBytes = 0;
    }
    // Another process serving it: its last recorded relay link, if that process wrote one.
    const elsewhere = !mine && state === 'running' && config.relay.address !== null ? await readRelayState(join(dir, RELAY_STATE_FILE), pid) : null;
    return {
      name: config.name,
      uuid: config.uuid,
      dir,
      host: config.host,
      port: config.port,
      state,
      runningHere: mine !== undefined,
      pid: mine ? this.pid : pid,
      mode: config.relay.address !== null ? 'PEERING' : 'SOLO',
      relayAddress: config.relay.address,
      relayState: mine?.endpoint.relayState ?? elsewhere?.state ?? null,
      relayError: mine?.endpoint.relayError ?? elsewhere?.error ?? null,
      peers: mine ? mine.endpoint.peers() : [],
      storage: config.storage.databasePath ? 'sqlite' : 'memory',
      objectCount,
      totalBytes,
      maxObjectSize: config.storage.maxObjectSize,
    };
  }

  private async log(name: string, line: string): Promise<void> {
    const dir = endpointDir(this.home, name);
    if (!existsSync(dir)) return;
    await appendFile(join(dir, ENDPOINT_LOG_FILE), `[${new Date().toISOString()}] ${line}\n`).catch(() => undefined);
  }

  private scheduleEmit(): void {
    if (this.emitScheduled || this.listeners.size === 0) return;
    this.emitScheduled = true;
    setTimeout(() => {
      this.emitScheduled = false;
      for (const l of [...this.listeners]) l();
    }, 0);
  }
}

async function readPid(file: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

const RELAY_STATES: readonly string[] = ['connecting', 'connected', 'disconnected', 'rejected', 'closed'];

async function readRelayState(file: string, pid: number | null): Promise<{ state: RelayState; error: string | null } | null> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown; state?: unknown; error?: unknown };
    if (value.pid !== pid || typeof value.state !== 'string' || !RELAY_STATES.includes(value.state)) return null;
    return { state: value.state as RelayState, error: typeof value.error === 'string' ? value.error : null };
  } catch {
    return null;
  }
}

async function readOwner(file: string): Promise<{ pid: number; owner: string } | null> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown; owner?: unknown };
    return typeof value.pid === 'number' && typeof value.owner === 'string' ? { pid: value.pid, owner: value.owner } : null;
  } catch {
    return null;
  }
}
