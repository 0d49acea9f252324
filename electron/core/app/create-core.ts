import { join } from 'node:path';
import { isSafeExternalUrl } from '../../../shared/external-url';
import type { HostCapabilities } from '../../../shared/contract/app';
import type { AppInfo, HandlerTable, HostKind } from '../../../shared/ipc-contract';
import type { AccountStatus } from '../../../shared/account';
import { createActivityCapability, createActivityService, createTaskEndNotifier } from '../activity';
import { createBookmarkStore, createCollectionsCapability } from '../collections';
import { createConnectorsCapability } from '../connectors';
import { createObjectStoresCapability } from '../object-store';
import { createAccountCapability, createGlobusAuth, createSubmitter, createTransferService, type SecretCipher } from '../globus';
import { AppError, createEventBus, type EventBus } from '../kernel';
import { createQueueCapability } from '../queue';
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
  const objectStores = createObjectStoresCapability({ ...deps, globusTokenFor: (scope) => auth.tokenFor(scope) });
  const syncs = createSyncsCapability(deps);
  const queue = createQueueCapability(deps);
  disposers.push(() => connectors.dispose?.(), () => objectStores.dispose(), () => syncs.dispose(), () => queue.dispose());

  const raw: HandlerTable = {
    'app:get-info': async () => info,
    'shell:open-external': async (url) => {
      if (!isSafeExternalUrl(url)) {
        throw new AppError('refused', 'UnsafeUrl', 'Only https links can be opened in the browser.');
      }
      return { opened: await options.openExternal(url) };
    },
    ...createSettingsCapability({ settings }).handlers,
    ...createAccountCapability({ auth, ready }).handlers,
    ...createCollectionsCapability({ transfer, submitter, activity, bookmarks }).handlers,
    ...createActivityCapability({ activity }).handlers,
    ...connectors.handlers,
    ...objectStores.handlers,
    ...syncs.handlers,
    ...queue.handlers,
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
    async dispose() {
      for (const d of disposers.reverse()) await d();
      await activity.close();
      await auth.dispose();
    },
  };
}
