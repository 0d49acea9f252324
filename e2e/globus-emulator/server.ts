/** The emulator process: wires state, auth, transfer API, engine and control routes to one HTTP server. */
import { handleHttps, httpsServerOf, isHttpsPath } from './https-access';
import { HttpsFaults } from './https-faults';
import { controlHttps } from './control-https';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { AuthService } from './auth';
import { lookupIdentities, signInAs } from './auth-identity';
import {
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  EMULATOR_DEFAULT_CLIENT_ID,
  EMULATOR_DEFAULT_USER,
  TRANSFER_RESOURCE_SERVER,
  defaultCollections,
  type CollectionConfig,
} from './constants';
import { createControlClient, type EmulatorControl } from './control-client';
import { controlTimers } from './control-timers';
import { handleGroups, isGroupsPath } from './groups-api';
import { EmulatorClock, TimerRunner } from './timers-clock';
import { isTimersPath, TimersApi } from './timers-api';
import { TimerStore } from './timers-store';
import { submitTransferAs } from './transfer-api-submit';
import { TaskEngine } from './engine';
import { FaultState, fileErrorCodes, type FileErrorCode } from './faults';
import { HttpError, bearerToken, escapeHtml, newRequestId, parseJsonObject, readBody, sendHtml, sendJson, sleep, transferError } from './http-util';
import { openEmulatorDatabase, TaskStore, type CollectionRow } from './state';
import { TransferApi } from './transfer-api';

export interface EmulatorOptions {
  /** Folder for the emulator's database and (by default) the collections' files. */
  readonly root: string;
  /** 0 or omitted: a free port. */
  readonly port?: number;
  /** Collections to create or update; without them (and with an empty database) the two demo collections. */
  readonly collections?: readonly CollectionConfig[];
  readonly tokenLifetimeSeconds?: number;
  /** Per running task; omitted = unthrottled. */
  readonly bandwidthBytesPerSecond?: number;
  /** Native-app client ids accepted in addition to EMULATOR_DEFAULT_CLIENT_ID. */
  readonly clientIds?: readonly string[];
  /** How long a task waits before retrying files that faulted (default 1000 ms). */
  readonly retryIntervalMs?: number;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly root: string;
  /** Value for GLOBUS_SDK_SERVICE_URL_AUTH (the SDK appends `/v2/oauth2/...` itself). */
  readonly authBaseUrl: string;
  /** Value for GLOBUS_SDK_SERVICE_URL_TRANSFER (the SDK appends `/v0.10/...` itself). */
  readonly transferBaseUrl: string;
  /** Every service's variable (Auth, Transfer, Timers, Groups: one server), ready to spread into `process.env` or a child's env. */
  readonly env: {
    readonly GLOBUS_SDK_SERVICE_URL_AUTH: string;
    readonly GLOBUS_SDK_SERVICE_URL_TRANSFER: string;
    readonly GLOBUS_SDK_SERVICE_URL_TIMERS: string;
    readonly GLOBUS_SDK_SERVICE_URL_GROUPS: string;
  };
  readonly collections: readonly CollectionConfig[];
  readonly control: EmulatorControl;
  close(): Promise<void>;
}

interface Settings {
  bandwidth: number | null;
  tokenLifetime: number;
  retryIntervalMs: number;
}

function positiveOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const root = resolve(opts.root);
  mkdirSync(root, { recursive: true });
  const db = openEmulatorDatabase(root);
  const settings: Settings = {
    bandwidth: positiveOrNull(opts.bandwidthBytesPerSecond),
    tokenLifetime: opts.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
    retryIntervalMs: opts.retryIntervalMs ?? 1000,
  };
  const clientIds = new Set([EMULATOR_DEFAULT_CLIENT_ID, ...(opts.clientIds ?? [])]);
  const faults = new FaultState();
  const httpsFaults = new HttpsFaults();

  // Collections: configured ones are upserted; an empty database gets the demo pair.
  const upsert = db.prepare(
    `INSERT INTO collections (id, display_name, root, owner_string, description, require_consent, entity_type, mapped_collection_id, owner_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, root = excluded.root,
       owner_string = excluded.owner_string, description = excluded.description, require_consent = excluded.require_consent,
       entity_type = excluded.entity_type, mapped_collection_id = excluded.mapped_collection_id, owner_id = excluded.owner_id`,
  );
  const count = (db.prepare('SELECT COUNT(*) AS n FROM collections').get() as { n: number }).n;
  const configured = opts.collections ?? (count === 0 ? defaultCollections(root) : []);
  const upsertConfig = (c: CollectionConfig): void => {
    const dir = isAbsolute(c.root) ? c.root : resolve(root, c.root);
    upsert.run(
      c.id.toLowerCase(),
      c.display_name,
      dir,
      c.owner_string ?? EMULATOR_DEFAULT_USER.username,
      c.description ?? null,
      c.requireDataAccessConsent ? 1 : 0,
      c.entity_type ?? 'GCSv5_mapped_collection',
      c.mapped_collection_id?.toLowerCase() ?? null,
      c.owner_id?.toLowerCase() ?? null,
    );
  };
  for (const c of configured) upsertConfig(c);
  const collectionRows = new Map<string, CollectionRow>();
  for (const row of db.prepare('SELECT * FROM collections ORDER BY display_name').all() as CollectionRow[]) {
    mkdirSync(row.root, { recursive: true });
    collectionRows.set(row.id, row);
  }
  const collection = (id: string): CollectionRow | undefined => collectionRows.get(id.toLowerCase());
  // A collection added while running (control API: Globus Connect Personal).
  const addCollection = (c: CollectionConfig): void => {
    upsertConfig(c);
    const row = db.prepare('SELECT * FROM collections WHERE id = ?').get(c.id.toLowerCase()) as CollectionRow;
    mkdirSync(row.root, { recursive: true });
    collectionRows.set(row.id, row);
  };
  const consentRequired = (id: string): boolean => faults.consentOverrides.get(id) ?? collection(id)?.require_consent === 1;

  const store = new TaskStore(db);
  const engine = new TaskEngine({
    store,
    faults,
    collection,
    bandwidth: () => settings.bandwidth,
    retryIntervalMs: () => settings.retryIntervalMs,
  });
  let baseUrl = '';
  const auth = new AuthService({
    db,
    clientIds: () => clientIds,
    tokenLifetimeSeconds: () => settings.tokenLifetime,
    issuer: () => baseUrl,
    collectionName: (id) => collection(id)?.display_name,
  });
  const timerStore = new TimerStore(db);
  const clock = new EmulatorClock(timerStore);
  const transferOptions = {
    db,
    store,
    engine,
    collection,
    collections: () => [...collectionRows.values()],
    consentRequired,
    now: () => clock.now(),
    // Mapped collections serve HTTPS (GCS v5); guest collections here do not.
    httpsServer: (id: string) => (collection(id)?.entity_type === 'GCSv5_mapped_collection' ? httpsServerOf(baseUrl, id) : null),
  };
  const transfer = new TransferApi(transferOptions);
  const taskRow = (id: string) => engine.live(id) ?? store.get(id);
  const runner = new TimerRunner({
    store: timerStore,
    clock,
    submit: (owner, body) => submitTransferAs(transferOptions, owner, body),
    taskStatus: (id) => taskRow(id)?.status,
    consentRequired,
  });
  const timers = new TimersApi({
    store: timerStore,
    clock,
    runner,
    consentRequired,
    taskStatus: (id) => taskRow(id)?.status,
    taskDocument: (id) => {
      const row = taskRow(id);
      return row ? transfer.taskDocument(row) : undefined;
    },
  });
  const timerControl = { auth, faults, engine, tasks: store, timers: timerStore, clock, runner, collection };

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const raw = method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    const body = raw.length > 0 ? parseJsonObject(raw, path) : {};
    const num = (key: string): number | undefined => (typeof body[key] === 'number' ? (body[key] as number) : undefined);
    const str = (key: string): string | undefined => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
    const ok = (extra: Record<string, unknown> = {}): void => sendJson(res, 200, { ok: true, ...extra });
    const more = (await controlTimers(timerControl, method, path, body)) ?? controlHttps({ faults: httpsFaults, addCollection }, method, path, body);
    if (more) return ok(more);
    const taskMatch = /^\/tasks\/([^/]+)\/(stall|inactive)$/.exec(path);
    if (method === 'GET' && path === '/state') {
      sendJson(res, 200, {
        collections: [...collectionRows.values()].map((c) => ({ id: c.id, display_name: c.display_name, root: c.root, consent_required: consentRequired(c.id) })),
        unfinishedTasks: store.unfinished().length,
        runningTasks: engine.runningCount(),
        requestFailuresPending: faults.requestFailures.reduce((n, r) => n + r.remaining, 0),
        fileFaults: faults.fileFaults.length,
        settings: { bandwidthBytesPerSecond: settings.bandwidth, tokenLifetimeSeconds: settings.tokenLifetime, retryIntervalMs: settings.retryIntervalMs },
      });
      return;
    }
    if (method !== 'POST') throw new HttpError(404, { code: 'NotFound', message: `No control route ${method} ${path}` });
    if (path === '/reset') {
      faults.reset();
      httpsFaults.reset();
      engine.releaseAll();
      return ok();
    }
    if (path === '/fail-requests') {
      const status = num('status') ?? 503;
      faults.requestFailures.push({
        remaining: Math.max(1, num('count') ?? 1),
        status,
        code: str('code') ?? (status === 503 ? 'ServiceUnavailable' : 'InternalError'),
        message: str('message') ?? (status === 503 ? 'The service is temporarily unavailable. Please try again later.' : 'An internal error occurred'),
        pathPrefix: str('pathPrefix'),
      });
      return ok();
    }
    if (path === '/delay') {
      faults.delays.push({ ms: Math.max(0, num('ms') ?? 0), remaining: num('count') ?? null, pathPrefix: str('pathPrefix') });
      return ok();
    }
    if (path === '/fail-files') {
      const pathContains = str('pathContains');
      const errorCode = str('errorCode') ?? 'PERMISSION_DENIED';
      if (!pathContains) throw new HttpError(400, { code: 'BadRequest', message: 'pathContains is required' });
      if (!(fileErrorCodes as readonly string[]).includes(errorCode)) {
        throw new HttpError(400, { code: 'BadRequest', message: `errorCode must be one of ${fileErrorCodes.join(', ')}` });
      }
      const rule = faults.addFileFault({ pathContains, errorCode: errorCode as FileErrorCode, remaining: num('times') ?? null, collectionId: str('collectionId')?.toLowerCase() });
      return ok({ id: rule.id });
    }
    if (taskMatch?.[1]) {
      const id = decodeURIComponent(taskMatch[1]);
      const row =
        taskMatch[2] === 'stall'
          ? engine.setStalled(id, body['stalled'] !== false)
          : engine.setInactive(id, body['inactive'] !== false, str('reason') ?? 'Credentials for the collection expired');
      if (!row) throw new HttpError(404, { code: 'TaskNotFound', message: `No unfinished task ${id}` });
      return ok();
    }
    if (path === '/expire-tokens') return ok({ expired: auth.expireAll() });
    if (path === '/identity') return ok(signInAs(auth, body));
    if (path === '/consent') {
      const id = str('collectionId')?.toLowerCase();
      if (!id || !collection(id)) throw new HttpError(404, { code: 'EndpointNotFound', message: `No such collection ${id ?? ''}` });
      faults.consentOverrides.set(id, body['required'] !== false);
      return ok();
    }
    if (path === '/settings') {
      if ('bandwidthBytesPerSecond' in body) settings.bandwidth = positiveOrNull(body['bandwidthBytesPerSecond']);
      const lifetime = num('tokenLifetimeSeconds');
      if (lifetime !== undefined && lifetime > 0) settings.tokenLifetime = lifetime;
      const retry = num('retryIntervalMs');
      if (retry !== undefined && retry >= 0) settings.retryIntervalMs = retry;
      return ok();
    }
    throw new HttpError(404, { code: 'NotFound', message: `No control route ${method} ${path}` });
  }

  const tokenInfo = (req: IncomingMessage) => {
    const found = auth.lookup(bearerToken(req));
    return found.ok ? found.info : undefined;
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path.startsWith('/_emulator/')) return control(req, res, path.slice('/_emulator'.length));

    const delay = faults.takeDelay(path);
    if (delay > 0) await sleep(delay);
    const failure = faults.takeRequestFailure(path);
    if (failure) {
      await readBody(req).catch(() => Buffer.alloc(0));
      sendJson(res, failure.status, { code: failure.code, message: failure.message, request_id: newRequestId(), resource: path.replace(/^\/v0\.10/, '') });
      return;
    }

    if (path === '/v2/oauth2/authorize' && method === 'GET') return auth.authorize(url, res);
    if (path === '/v2/oauth2/authorize/decision' && method === 'POST') return auth.decide(req, res);
    if (path === '/v2/oauth2/token' && method === 'POST') return auth.token(req, res);
    if (path === '/v2/oauth2/token/revoke' && method === 'POST') return auth.revoke(req, res);
    if (path === '/v2/oauth2/token/introspect' && method === 'POST') return auth.introspect(req, res);
    if (path === '/.well-known/openid-configuration' && method === 'GET') return auth.openidConfiguration(res);
    if (path === '/v2/oauth2/userinfo' && (method === 'GET' || method === 'POST')) return auth.userinfo(res, bearerToken(req));
    if (path === '/v2/api/identities' && method === 'GET') return sendJson(res, 200, lookupIdentities(auth, url, tokenInfo(req)));
    if (isTimersPath(path)) return timers.handle(req, res, url, tokenInfo(req));
    if (isGroupsPath(path)) return handleGroups(res, url, method, tokenInfo(req));
    if (isHttpsPath(path)) return handleHttps(req, res, path, tokenInfo(req), { collection, faults: httpsFaults });
    if (path.startsWith('/v0.10/')) {
      const resource = path.slice('/v0.10'.length);
      const found = auth.lookup(bearerToken(req));
      if (!found.ok) {
        throw transferError(401, 'AuthenticationFailed', found.reason === 'missing' ? 'No Authorization header provided' : 'Token is not active', resource);
      }
      if (found.info.resourceServer !== TRANSFER_RESOURCE_SERVER) {
        throw transferError(401, 'AuthenticationFailed', `Token is for ${found.info.resourceServer}, not ${TRANSFER_RESOURCE_SERVER}`, resource);
      }
      return transfer.handle(req, res, url, resource, found.info);
    }
    if (path === '/' && method === 'GET') {
      sendHtml(
        res,
        200,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Globus emulator</title></head><body>
<h1>Globus emulator</h1><p>Auth: <code>${escapeHtml(baseUrl)}/v2/oauth2/…</code>, Transfer: <code>${escapeHtml(baseUrl)}/v0.10/…</code></p>
<ul>${[...collectionRows.values()].map((c) => `<li>${escapeHtml(c.display_name)} <code>${c.id}</code></li>`).join('')}</ul></body></html>`,
      );
      return;
    }
    throw transferError(404, 'ClientError.NotFound', `No such resource: ${method} ${path}`, path);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, error.body, { ...error.headers });
      } else {
        sendJson(res, 500, { code: 'InternalError', message: error instanceof Error ? error.message : String(error), request_id: newRequestId() });
      }
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  engine.start();
  runner.start();

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    root,
    authBaseUrl: baseUrl,
    transferBaseUrl: baseUrl,
    env: {
      GLOBUS_SDK_SERVICE_URL_AUTH: baseUrl,
      GLOBUS_SDK_SERVICE_URL_TRANSFER: baseUrl,
      GLOBUS_SDK_SERVICE_URL_TIMERS: baseUrl,
      GLOBUS_SDK_SERVICE_URL_GROUPS: baseUrl,
    },
    collections: [...collectionRows.values()].map((c) => ({
      id: c.id,
      display_name: c.display_name,
      root: c.root,
      owner_string: c.owner_string,
      ...(c.description === null ? {} : { description: c.description }),
      requireDataAccessConsent: c.require_consent === 1,
      entity_type: c.entity_type === 'GCSv5_guest_collection' || c.entity_type === 'GCP_mapped_collection' ? c.entity_type : ('GCSv5_mapped_collection' as const),
      ...(c.mapped_collection_id === null ? {} : { mapped_collection_id: c.mapped_collection_id }),
      ...(c.owner_id === null ? {} : { owner_id: c.owner_id }),
    })),
    control: createControlClient(baseUrl),
    close: () => {
      closing ??= (async () => {
        await runner.close();
        await engine.close();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        db.close();
      })();
      return closing;
    },
  };
}
