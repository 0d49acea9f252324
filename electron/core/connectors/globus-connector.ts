/**
 * ProxyStore's GlobusConnector (seed 000): objects are files in the local endpoint's
 * `local_path` (the endpoint whose host_regex matches this host); each put submits one Globus
 * transfer to every other endpoint, and keys carry those task ids. `exists`/`get` wait for the
 * tasks (polling interval, timeout); `evict` deletes locally and submits deletes elsewhere;
 * `close(clear)` deletes every endpoint's directory through Globus.
 */
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createSubmitter, GlobusApiError, type Submitter, type TransferService } from '../globus/index';
import type { TaskDocument } from '../../../shared/globus-types';
import type { Connector, PutFileOptions, StreamOptions } from './connector';
import {
  asConfigObject,
  ConnectorConfigError,
  optBoolean,
  optInteger,
  optNumber,
  rejectUnknownKeys,
} from './config-read';
import type { ExactJson, ExactJsonObject } from './exact-json';
import { copyFileAtomic, isNotFound, writeBytesAtomic } from './fs-util';
import { GlobusEndpoints, globusEndpointsProblem, type GlobusEndpoint, type GlobusEndpointsDict } from './globus-endpoints';
import { atPath } from './json-paths';
import { currentHostname } from './host';
import { assertSafeFilename, expectKey, type GlobusKey } from './keys';
import type { ErrorKind } from '../../../shared/errors';

export const GLOBUS_CONNECTOR_PATH = 'proxystore.connectors.globus.GlobusConnector';
const NAME = 'GlobusConnector';

export const syncLevelNames = ['exists', 'size', 'mtime', 'checksum'] as const;
export type SyncLevelName = (typeof syncLevelNames)[number];
export type SyncLevel = 0 | 1 | 2 | 3 | SyncLevelName;

/** Globus' numeric sync level for ProxyStore's value (globus_sdk maps names the same way). */
export function syncLevelNumber(level: SyncLevel): 0 | 1 | 2 | 3 {
  if (typeof level === 'number') return level;
  return syncLevelNames.indexOf(level) as 0 | 1 | 2 | 3;
}

function parseSyncLevel(value: unknown): SyncLevel {
  if (value === 0 || value === 1 || value === 2 || value === 3) return value;
  if (typeof value === 'string' && (syncLevelNames as readonly string[]).includes(value)) return value as SyncLevelName;
  throw new ConnectorConfigError(`${NAME}: sync_level must be 0-3 or one of ${syncLevelNames.join(', ')}`);
}

export interface GlobusConnectorOptions {
  /** How often to poll Globus while waiting on tasks (ProxyStore: polling_interval=1 s). */
  readonly pollingIntervalMs?: number;
  /** How long to wait for each task (ProxyStore: timeout=60 s). */
  readonly timeoutMs?: number;
  /** ProxyStore default: 'mtime'. */
  readonly syncLevel?: SyncLevel;
  /** Delete the endpoint directories on close (ProxyStore default: true). */
  readonly clear?: boolean;
  /** Python `open()` buffering; kept for the config round trip. */
  readonly buffering?: number;
  /** This host's name, matched against host_regex (ProxyStore: socket.gethostname()). */
  readonly hostname?: () => string;
  /** The one submit path (Activity records what it sends); default: one over `transfer`. */
  readonly submitter?: Submitter;
}

export class GlobusTaskTimeoutError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'unavailable';
  readonly taskId: string;
  constructor(taskId: string, detail: string) {
    super(`Task ${taskId} did not complete within the timeout${detail}`);
    this.name = 'GlobusTaskTimeoutError';
    this.taskId = taskId;
  }
}

function joinGlobusPath(dir: string, filename: string): string {
  // Python's os.path.join(dir, filename) for a plain file name.
  if (dir === '') return filename;
  return dir.endsWith('/') ? `${dir}${filename}` : `${dir}/${filename}`;
}

function expandUser(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

/**
 * Puts write exactly what ProxyStore's GlobusConnector writes: the object file alone, locally and
 * in the transfer. (Earlier Ferry versions added an empty `<name>.ready` marker that Python's
 * evict never removed, so FileConnector.exists kept reporting evicted objects.) Evicts still
 * delete such a legacy marker: the delete task ignores missing paths, so this costs nothing.
 */
function withLegacyMarkers(filenames: readonly string[]): string[] {
  return filenames.flatMap((f) => [f, `${f}.ready`]);
}

export function waitMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    // the listener goes with the wait: a poll loop waits many times on one signal
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class GlobusConnector implements Connector<GlobusKey> {
  readonly connectorPath = GLOBUS_CONNECTOR_PATH;
  readonly endpoints: GlobusEndpoints;
  readonly pollingIntervalMs: number;
  readonly timeoutMs: number;
  readonly syncLevel: SyncLevel;
  readonly clear: boolean;
  readonly buffering: number;
  private readonly transfer: TransferService;
  private readonly submitter: Submitter;
  private readonly hostname: () => string;
  /** The endpoints dict as configured, unusable entries included: what config() writes back. */
  private rawEndpoints: ExactJson | null = null;

  constructor(
    endpoints: GlobusEndpoints | readonly GlobusEndpoint[] | GlobusEndpointsDict,
    transfer: TransferService,
    options: GlobusConnectorOptions = {},
  ) {
    if (endpoints instanceof GlobusEndpoints) this.endpoints = endpoints;
    else if (Array.isArray(endpoints)) this.endpoints = new GlobusEndpoints(endpoints as readonly GlobusEndpoint[]);
    else if (typeof endpoints === 'object' && endpoints !== null) this.endpoints = GlobusEndpoints.fromDict(endpoints);
    else throw new ConnectorConfigError('endpoints must be of type GlobusEndpoints or a list of GlobusEndpoint.');
    if (this.endpoints.size < 2) throw new ConnectorConfigError('At least two Globus endpoints are required.');
    this.transfer = transfer;
    this.submitter = options.submitter ?? createSubmitter(() => transfer);
    this.pollingIntervalMs = options.pollingIntervalMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.syncLevel = parseSyncLevel(options.syncLevel ?? 'mtime');
    this.clear = options.clear ?? true;
    this.buffering = options.buffering ?? -1;
    this.hostname = options.hostname ?? currentHostname;
    if (!(this.pollingIntervalMs > 0)) throw new ConnectorConfigError(`${NAME}: polling interval must be positive`);
    if (!(this.timeoutMs >= 0)) throw new ConnectorConfigError(`${NAME}: timeout must not be negative`);
  }

  /** `GlobusConnector.from_config(config)`; polling_interval and timeout are seconds there. */
  static fromConfig(config: unknown, transfer: TransferService, options: Pick<GlobusConnectorOptions, 'hostname' | 'submitter'> = {}): GlobusConnector {
    const c = asConfigObject(NAME, config);
    rejectUnknownKeys(NAME, c, ['endpoints', 'clear', 'buffering', 'polling_interval', 'sync_level', 'timeout']);
    if (c.endpoints === undefined) throw new ConnectorConfigError(`${NAME} config needs endpoints`);
    // One unusable entry is marked (endpoints.problems), never the whole connector: the others work.
    let endpoints: GlobusEndpoints;
    try {
      endpoints = GlobusEndpoints.load(c.endpoints);
    } catch (error) {
      const problem = globusEndpointsProblem(c.endpoints, ['endpoints']);
      throw new ConnectorConfigError(problem ? atPath(problem.path, problem.message) : error instanceof Error ? error.message : String(error));
    }
    // Too few usable endpoints left: the first marked entry is the reason to show.
    const first = endpoints.problems[0];
    if (endpoints.size < 2 && first) throw new ConnectorConfigError(atPath(['endpoints', ...first.path], first.message));
    const polling = optNumber(NAME, c, 'polling_interval');
    const timeout = optNumber(NAME, c, 'timeout');
    const connector = new GlobusConnector(endpoints, transfer, {
      ...options,
      clear: optBoolean(NAME, c, 'clear'),
      buffering: optInteger(NAME, c, 'buffering'),
      pollingIntervalMs: polling === undefined ? undefined : polling * 1000,
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      syncLevel: c.sync_level === undefined ? undefined : parseSyncLevel(c.sync_level),
    });
    if (endpoints.problems.length > 0) connector.rawEndpoints = c.endpoints;
    return connector;
  }

  config(): ExactJsonObject {
    return {
      endpoints: this.rawEndpoints ?? (this.endpoints.toDict() as unknown as ExactJson),
      clear: this.clear,
      buffering: this.buffering,
      polling_interval: this.pollingIntervalMs / 1000,
      sync_level: this.syncLevel,
      timeout: this.timeoutMs / 1000,
    };
  }

  /** The endpoint local to this host (get_by_host(hostname())). */
  localEndpoint(): GlobusEndpoint {
    return this.endpoints.getByHost(this.hostname());
  }

  /** Local path of an object on this host. */
  pathOf(filename: string, endpoint: GlobusEndpoint = this.localEndpoint()): string {
    assertSafeFilename(filename);
    return join(expandUser(endpoint.localPath), filename);
  }

  private async submitSync(filenames: readonly string[], mode: 'transfer' | 'delete'): Promise<string[]> {
    const src = this.localEndpoint();
    const ids: string[] = [];
    for (const dst of this.endpoints) {
      if (dst.uuid === src.uuid) continue;
      const submitted =
        mode === 'delete'
          ? await this.submitter.delete(
              {
                collection: dst.uuid,
                label: 'Ferry GlobusConnector evict',
                ignoreMissing: true,
                notify: false,
                paths: withLegacyMarkers(filenames).map((f) => joinGlobusPath(dst.endpointPath, f)),
              },
              'connector',
            )
          : await this.submitter.transfer(
              {
                source: src.uuid,
                destination: dst.uuid,
                label: 'Ferry GlobusConnector put',
                syncLevel: syncLevelNumber(this.syncLevel),
                notify: false,
                items: filenames.map((f) => ({
                  sourcePath: joinGlobusPath(src.endpointPath, f),
                  destinationPath: joinGlobusPath(dst.endpointPath, f),
                })),
              },
              'connector',
            );
      ids.push(submitted.taskId);
    }
    return ids;
  }

  /** False when Globus says a task id is not a real task (ProxyStore checks for HTTP 400). */
  private async validTaskIds(taskIds: readonly string[]): Promise<boolean> {
    for (const id of taskIds) {
      try {
        await this.transfer.getTask(id);
      } catch (error) {
        if (error instanceof GlobusApiError && (error.status === 400 || error.status === 404)) return false;
        throw error;
      }
    }
    return true;
  }

  /** Waits until each task SUCCEEDED or FAILED (globus_sdk task_wait); throws on timeout. */
  async waitOnTasks(taskIds: readonly string[]): Promise<TaskDocument[]> {
    const docs: TaskDocument[] = [];
    for (const id of taskIds) {
      const deadline = Date.now() + this.timeoutMs;
      for (;;) {
        const task = await this.transfer.getTask(id);
        if (task.status === 'SUCCEEDED' || task.status === 'FAILED') {
          docs.push(task);
          break;
        }
        if (Date.now() >= deadline) {
          throw new GlobusTaskTimeoutError(id, await this.faultDetail(task));
        }
        await waitMs(Math.min(this.pollingIntervalMs, Math.max(1, deadline - Date.now())));
      }
    }
    return docs;
  }

  private async faultDetail(task: TaskDocument): Promise<string> {
    const parts = [`status ${task.status}${task.nice_status ? ` (${task.nice_status})` : ''}`];
    if (task.faults > 0) {
      parts.push(`${task.faults} fault(s)`);
      try {
        const events = await this.transfer.taskEvents(task.task_id, { limit: 10 });
        const latest = events.DATA.find((e) => e.is_error);
        if (latest) parts.push(`latest error: ${latest.description}${latest.details ? ` - ${latest.details}` : ''}`);
      } catch {
        // the fault count is still worth reporting
      }
    }
    return `: ${parts.join(', ')}`;
  }

  private newFilename(): string {
    return randomUUID();
  }

  async put(data: Uint8Array): Promise<GlobusKey> {
    const [key] = await this.putBatch([data]);
    if (!key) throw new Error('unreachable: putBatch returned no key');
    return key;
  }

  async putBatch(data: readonly Uint8Array[]): Promise<GlobusKey[]> {
    const local = this.localEndpoint();
    const filenames = data.map(() => this.newFilename());
    await mkdir(expandUser(local.localPath), { recursive: true });
    for (const [i, d] of data.entries()) {
      const path = this.pathOf(filenames[i] as string, local);
      await writeBytesAtomic(path, d);
    }
    const taskIds = await this.submitSync(filenames, 'transfer');
    return filenames.map((filename) => ({ kind: 'globus', filename, taskIds }));
  }

  async putFile(path: string, options: PutFileOptions = {}): Promise<GlobusKey> {
    const local = this.localEndpoint();
    const filename = this.newFilename();
    await mkdir(expandUser(local.localPath), { recursive: true });
    const dest = this.pathOf(filename, local);
    await copyFileAtomic(path, dest, options);
    const taskIds = await this.submitSync([filename], 'transfer');
    return { kind: 'globus', filename, taskIds };
  }

  async exists(key: GlobusKey): Promise<boolean> {
    const k = expectKey(key, 'globus', NAME);
    if (!(await this.validTaskIds(k.taskIds))) return false;
    await this.waitOnTasks(k.taskIds);
    try {
      await stat(this.pathOf(k.filename));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async get(key: GlobusKey): Promise<Uint8Array | null> {
    if (!(await this.exists(key))) return null;
    try {
      return await readFile(this.pathOf(key.filename));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async getBatch(keys: readonly GlobusKey[]): Promise<(Uint8Array | null)[]> {
    const out: (Uint8Array | null)[] = [];
    for (const k of keys) out.push(await this.get(k));
    return out;
  }

  async getToFile(key: GlobusKey, dest: string, options: StreamOptions = {}): Promise<boolean> {
    if (!(await this.exists(key))) return false;
    try {
      await copyFileAtomic(this.pathOf(key.filename), dest, options);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Deletes the local file and submits deletes to the other endpoints; returns their task ids. */
  async evict(key: GlobusKey): Promise<void> {
    await this.evictWithTasks(key);
  }

  async evictWithTasks(key: GlobusKey): Promise<string[]> {
    if (!(await this.exists(key))) return [];
    const path = this.pathOf(key.filename);
    await rm(`${path}.ready`, { force: true });
    await rm(path, { force: true });
    return this.submitSync([key.filename], 'delete');
  }

  /** With clear (default: the connector's `clear`), deletes every endpoint's directory and waits. */
  async close(clear?: boolean): Promise<void> {
    if (!(clear ?? this.clear)) return;
    for (const endpoint of this.endpoints) {
      const result = await this.submitter.delete(
        { collection: endpoint.uuid, label: 'Ferry GlobusConnector close', recursive: true, notify: false, paths: [endpoint.endpointPath] },
        'connector',
      );
      await this.waitOnTasks([result.taskId]);
    }
  }
}
