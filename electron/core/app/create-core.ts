import { join } from 'node:path';
import type { OpenTarget } from '../../../shared/deep-links';
import { createOpenLinks } from './open-links';
import { readActiveWork, type ActiveWork } from './active-work';
import { isSafeExternalUrl } from '../../../shared/external-url';
import type { HostCapabilities } from '../../../shared/contract/app';
import type { AppInfo, EventPayload, HandlerTable, HostKind } from '../../../shared/ipc-contract';
import type { AccountStatus } from '../../../shared/account';
import { createActivityCapability, createActivityService, createTaskEndNotifier } from '../activity';
import { createAlertsCapability, createQueueWatchSource, createSyncWatchSource, followAttention, noticeAlert, type Notice } from '../alerts';
import { createBookmarkBook, createBookmarkStore, createCollectionsCapability } from '../collections';
import { createConnectorsCapability } from '../connectors';
import { createObjectStoresCapability } from '../object-store';
import { createAccountCapability, createGlobusAccess, createGlobusAuth, createSubmitter, createTransferService, type SecretCipher } from '../globus';
import { AppError, createEventBus, type EventBus } from '../kernel';
import { createQueueCapability } from '../queue';
import { createSharingCapability } from '../sharing';
import { createHealthCapability, followNewCollections } from '../health';
import { createHttpsTransfersCapability } from '../https-transfers';
import { createTimersCapability, createTimersWatchSource } from '../timers';
import { createSettingsCapability, createSettingsService, dataFolderProblem, type SettingsBackend, type SettingsService } from '../settings';
import { createSyncsCapability } from '../sync';

export interface CoreOptions {
  readonly host: HostKind;
  readonly version: string;
  /** The folder this run uses for its settings file. */
  readonly dataDir: string;
  readonly settingsBackend: SettingsBackend;
  /** How tokens are protected at rest on this host. */
  readonly secretCipher: SecretCipher;
  /**
   * Opens an already-vetted https URL in the system browser. Returns false when this host
   * cannot (serve mode: the page opens it itself).
   */
  readonly openExternal: (url: string) => Promise<boolean>;
  /** Opens the Globus sign-in page (which may be a loopback emulator URL in development). */
  readonly openSignInPage: (url: string) => Promise<void>;
  /** What this host does itself (notifications, opening the sign-in page): told to the renderer. */
  readonly capabilities: HostCapabilities;
  readonly env?: NodeJS.ProcessEnv;
  /** What the host had to repair in the settings file before opening it (shown in the UI). */
  readonly settingsNotice?: string | null;
}

export interface Core {
  /** The data folder this run uses for databases and state. */
  readonly stateDir: string;
  readonly handlers: HandlerTable;
  readonly bus: EventBus;
  readonly settings: SettingsService;
  /** Shows a target in every window (ferry:// links, notification and tray clicks). */
  open(target: OpenTarget): void;
  /** What would stop if Ferry quit now, and how many alerts wait (the tray, the close prompt). */
  activeWork(): Promise<ActiveWork>;
  dispose(): Promise<void>;
}

/** Wires every core service once; both hosts register `handlers` and forward `bus`. */
export function createCore(options: CoreOptions): Core {
  const env = options.env ?? process.env;
  const bus = createEventBus();
  const settings = createSettingsService(options.settingsBackend, options.dataDir);
  const disposers: (() => void | Promise<void>)[] = [];
  disposers.push(settings.onChanged((s) => bus.emit('settings:changed', s)));
  // Databases follow the data-folder setting as it was when this run started; a folder that
  // cannot be used (removed disk, permissions changed) falls back to the default one.
  const notices = options.settingsNotice ? [options.settingsNotice] : [];
  let stateDir = settings.get().dataDir;
  const dataProblem = stateDir === options.dataDir ? null : dataFolderProblem(stateDir);
  if (dataProblem) {
    notices.push(`The data folder in Settings cannot be used (${dataProblem}); this run uses ${options.dataDir}.`);
    stateDir = options.dataDir;
  }

  const auth = createGlobusAuth({
    tokenFile: join(stateDir, 'globus-tokens.bin'),
    cipher: options.secretCipher,
    environment: () => settings.get().globus,
    clientId: () => settings.get().globusClientId || env.FERRY_GLOBUS_CLIENT_ID || '',
    openBrowser: options.openSignInPage,
  });
  const transfer = createTransferService({ auth });
  // One submit path: every task any capability submits is announced once; Activity records each.
  const submitter = createSubmitter(() => transfer);
  const activity = createActivityService({ dbFile: join(stateDir, 'activity.db'), submitter });
  const bookmarks = createBookmarkStore(join(stateDir, 'bookmarks.json'));

  const taskEnds = createTaskEndNotifier({
    single: (e) => bus.emit('activity:task-ended', e),
    summary: (summary) => bus.emit('activity:tasks-summary', summary),
  });

  const followAccount = (status: AccountStatus) => {
    if (status.state === 'signed-in' && status.identity) {
      activity.setTransferService(transfer);
      activity.start({ accountId: status.identity.sub });
    } else if (status.state !== 'signing-in') {
      activity.stop();
      activity.setTransferService(null);
    }
  };
  disposers.push(
    auth.onStatus((s) => {
      bus.emit('account:status', s);
      followAccount(s);
    }),
    activity.subscribe((d) => bus.emit('activity:delta', d)),
    activity.onStatus((s) => bus.emit('activity:status', s)),
    activity.onTaskEnded((e) => {
      if (settings.get().notifications.taskEnded) taskEnds.ended(e);
    }),
    () => taskEnds.dispose(),
  );
  // A different Globus (or client id) in Settings changes who Ferry is signed in as: say so now.
  let lastGlobus = JSON.stringify([settings.get().globus, settings.get().globusClientId]);
  disposers.push(
    settings.onChanged((s) => {
      const next = JSON.stringify([s.globus, s.globusClientId]);
      if (next === lastGlobus) return;
      lastGlobus = next;
      auth.refreshStatus();
    }),
  );
  const ready = auth.init().then(followAccount, (error: unknown) => console.error('Globus sign-in state could not be read', error));

  const info: AppInfo = {
    name: 'Ferry',
    version: options.version,
    host: options.host,
    platform: process.platform,
    dataDir: stateDir,
    secretStorage: options.secretCipher.kind,
    settingsNotice: notices.length > 0 ? notices.join(' ') : null,
    capabilities: options.capabilities,
    environmentValues: {
      globusClientId: env.FERRY_GLOBUS_CLIENT_ID?.trim() || null,
      globusAuthUrl: env.GLOBUS_SDK_SERVICE_URL_AUTH?.trim() || null,
      globusTransferUrl: env.GLOBUS_SDK_SERVICE_URL_TRANSFER?.trim() || null,
      globusSdkEnvironment: env.GLOBUS_SDK_ENVIRONMENT?.trim() || null,
      defaultDataDir: options.dataDir,
      settingsFile: join(options.dataDir, 'settings.json'),
    },
    globusOverride: env.GLOBUS_SDK_SERVICE_URL_TRANSFER
      ? `Transfer at ${env.GLOBUS_SDK_SERVICE_URL_TRANSFER}, Auth at ${env.GLOBUS_SDK_SERVICE_URL_AUTH ?? 'auth.globus.org'} (GLOBUS_SDK_SERVICE_URL_*)`
      : env.GLOBUS_SDK_ENVIRONMENT
        ? `the ${env.GLOBUS_SDK_ENVIRONMENT} environment (GLOBUS_SDK_ENVIRONMENT)`
        : null,
  };

  const deps = { stateDir, bus, settings, auth, transfer, submitter, activity, env };
  const connectors = createConnectorsCapability(deps);
  // Object stores whose relay uses Globus Auth present a token for the relay's scope from this sign-in.
  const objectStores = createObjectStoresCapability({ ...deps, globusTokenFor: (scope, o) => auth.tokenFor(scope, o) });
  // A consent granted (the relay's scope, say) or a new sign-in: relay links refused for want of it try again.
  disposers.push(auth.onStatus((status) => status.state === 'signed-in' && objectStores.retryRelays()));
  const syncs = createSyncsCapability(deps);
  const queue = createQueueCapability(deps);
  // Globus Timers: transfers Globus starts on a schedule, through this sign-in's Timers consent.
  const timers = createTimersCapability(deps);
  disposers.push(() => timers.dispose());
  disposers.push(() => connectors.dispose?.(), () => objectStores.dispose(), () => syncs.dispose(), () => queue.dispose());
  // Alerts: the watchdog over sync jobs and queue destinations (more sources: alerts.addSource),
  // tasks that need attention, the daily summary. FERRY_WATCHDOG_HOUR_MS (diagnostic) shortens the watchdog's hour.
  const watchdogHourMs = Number(env.FERRY_WATCHDOG_HOUR_MS);
  const alerts = createAlertsCapability({
    stateDir,
    bus,
    settings,
    history: activity,
    ...(Number.isFinite(watchdogHourMs) && watchdogHourMs > 0 ? { hourMs: watchdogHourMs } : {}),
    sources: [
      createSyncWatchSource({ list: () => syncs.handlers['syncs:list'](), listRuns: (id, limit) => syncs.handlers['syncs:list-runs'](id, limit) }, { now: () => Date.now() }),
      createQueueWatchSource({ snapshot: () => queue.handlers['queue:snapshot']() }, { now: () => Date.now() }),
      createTimersWatchSource(timers),
    ],
  });
  const attentionAlerts = followAttention(alerts);
  attentionAlerts(activity.needingAttention());
  disposers.push(
    () => alerts.dispose(),
    activity.onAttention((list) => {
      bus.emit('activity:attention-changed', list);
      attentionAlerts(list);
    }),
  );

  // Sharing (guest collections' access rules) and consent & session health (issue 15).
  const access = createGlobusAccess({ auth });
  // Bookmarks a person sees: their Globus bookmarks while signed in, this computer's otherwise.
  const bookmarkBook = createBookmarkBook(bookmarks, access, () => auth.status().state === 'signed-in');
  const notify = (notice: Notice) => void alerts.raise(noticeAlert(notice));
  const sharing = createSharingCapability({ auth, access, settings, notify });
  const orNone = <T,>(p: Promise<readonly T[]>): Promise<readonly T[]> => p.catch(() => []);
  const health = createHealthCapability({
    auth,
    access,
    notify,
    transfer,
    settings,
    bus,
    collectionsInUse: async () => [
      ...(await orNone(syncs.handlers['syncs:list']())).flatMap((s) => [
        { id: s.job.source.collectionId, usedBy: `Sync job ${s.job.name}` },
        { id: s.job.destination.collectionId, usedBy: `Sync job ${s.job.name}` },
      ]),
      ...(await orNone(queue.handlers['queue:snapshot']().then((q) => q.destinations))).map((d) => ({ id: d.collection, usedBy: 'Queue destination' })),
      ...(await orNone(bookmarkBook.list())).map((b) => ({ id: b.collectionId, usedBy: `Bookmark ${b.displayName}` })),
      ...(timers.snapshot()?.timers ?? []).flatMap((t) => [
        { id: t.source, usedBy: `Timer ${t.name}` },
        { id: t.destination, usedBy: `Timer ${t.name}` },
      ]),
    ],
  });
  disposers.push(() => sharing.dispose(), () => health.dispose());
  // HTTPS transfers (issue 18): files straight to and from collections that allow HTTPS access.
  const https = createHttpsTransfersCapability({ stateDir, bus, auth, access });
  disposers.push(() => https.dispose());
  // A collection a new sync job, queue destination or timer starts using is checked at once.
  const startsUsing = followNewCollections((id) => health.checkCollection(id));
  disposers.push(
    bus.subscribe((channel, payload) => {
      if (channel === 'syncs:changed') {
        startsUsing('syncs', (payload as EventPayload<'syncs:changed'>).flatMap((s) => [s.job.source.collectionId, s.job.destination.collectionId]));
      } else if (channel === 'queue:changed') {
        startsUsing('queue', (payload as EventPayload<'queue:changed'>).destinations.map((d) => d.collection));
      } else if (channel === 'timers:changed') {
        startsUsing('timers', (payload as EventPayload<'timers:changed'>).timers.flatMap((t) => [t.source, t.destination]));
      }
    }),
  );

  const links = createOpenLinks(bus);
  const raw: HandlerTable = {
    'app:get-info': async () => info,
    'app:take-pending-open': async () => links.take(),
    'shell:open-external': async (url) => {
      if (!isSafeExternalUrl(url)) {
        throw new AppError('refused', 'UnsafeUrl', 'Only https links can be opened in the browser.');
      }
      return { opened: await options.openExternal(url) };
    },
    ...createSettingsCapability({ settings }).handlers,
    ...createAccountCapability({ auth, ready }).handlers,
    ...createCollectionsCapability({ transfer, submitter, activity, bookmarks, access, bookmarkBook, consentedCollections: () => auth.status().consentedCollections, httpsUpload: (r) => https.upload(r) }).handlers,
    ...createActivityCapability({ activity }).handlers,
    ...alerts.handlers,
    ...connectors.handlers,
    ...objectStores.handlers,
    ...syncs.handlers,
    ...queue.handlers,
    ...sharing.handlers,
    ...health.handlers,
    ...timers.handlers,
    ...https.handlers,
  };

  // Defence in depth: nothing a handler returns or an event carries may hold a token.
  const handlers = Object.fromEntries(
    Object.entries(raw).map(([channel, handler]) => [
      channel,
      async (...args: unknown[]) => {
        const result = await (handler as (...a: unknown[]) => Promise<unknown>)(...args);
        auth.assertNoSecrets(result);
        return result;
      },
    ]),
  ) as unknown as HandlerTable;
  // Hosts subscribe here: whoever emitted it, every event is checked on its way out.
  const guardedBus: EventBus = {
    emit: bus.emit,
    subscribe: (listener) =>
      bus.subscribe((channel, payload) => {
        auth.assertNoSecrets(payload);
        listener(channel, payload);
      }),
  };

  return {
    stateDir,
    handlers,
    bus: guardedBus,
    settings,
    open: (target) => links.open(target),
    activeWork: () => readActiveWork(handlers),
    async dispose() {
      for (const d of disposers.reverse()) await d();
      await activity.close();
      await auth.dispose();
    },
  };
}
