/**
 * The one contract between the renderer and a host (Electron main or the serve bridge).
 *
 * - `invokeContract`: request/response channels, each with a zod schema for its arguments.
 *   Both hosts parse every call against it before core sees it.
 * - `InvokeResults`: what each channel resolves to (plain, readonly JSON).
 * - `eventContract`: push channels from core to every window, each with its payload schema.
 * - `AppApi`: the verbs the renderer sees (`api.settings.update(patch)`), built from the
 *   channels by `createAppApi` in `./api-client`.
 *
 * Add a channel here first; the compiler then points at every host, handler and client
 * that has to follow.
 */
import { z } from 'zod';
import type { AccountStatus } from './account';
import type {
  ActivityDelta,
  ActivitySnapshot,
  EventPage,
  FilePage,
  PollStatus,
  ResubmitResult,
  TaskDetail,
  TaskEnded,
  TasksEndedSummary,
} from './activity';
import { activitySortKeys, fileListKinds, type ActivityFilter, type ActivitySort, type FileListKind } from './activity';
import {
  bookmarkInputSchema,
  transferRequestSchema,
  type Bookmark,
  type BookmarkInput,
  type Listing,
  type TransferRequest,
  type TransferSubmitted,
} from './collections';
import { taskStatuses, type CancelResult, type CollectionSummary } from './globus-types';
import { collectionPathSchema, globusIdSchema } from './ids';
import { payload } from './contract/payload';
import { settingsPatchSchema, settingsSchema, type Settings, type SettingsPatch } from './settings';
import { connectorsEvents, connectorsInvoke, type ConnectorsApi, type ConnectorsResults } from './contract/connectors';
import { proxyEndpointsEvents, proxyEndpointsInvoke, type ProxyEndpointsApi, type ProxyEndpointsResults } from './contract/proxy-endpoints';
import { syncsEvents, syncsInvoke, type SyncsApi, type SyncsResults } from './contract/syncs';
import { queueEvents, queueInvoke, type QueueApi, type QueueResults } from './contract/queue';

export const hostKinds = ['electron', 'serve'] as const;
export type HostKind = (typeof hostKinds)[number];

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly host: HostKind;
  readonly platform: string;
  /** The folder this run reads and writes (settings, databases). */
  readonly dataDir: string;
  /** How secrets are kept at rest on this host. `file-0600` is not encrypted: the UI says so. */
  readonly secretStorage: 'os-keychain' | 'file-0600';
  /**
   * Where Globus calls go when Settings say "production" but the environment overrides it
   * (`GLOBUS_SDK_SERVICE_URL_TRANSFER` / `GLOBUS_SDK_ENVIRONMENT`), else null.
   */
  readonly globusOverride: string | null;
  /** Set when the settings file or data folder had to be repaired at start: what happened, for a banner. */
  readonly settingsNotice: string | null;
}

const noArgs = z.tuple([]);
const signInOptions = z.object({ collections: z.array(globusIdSchema).max(50).optional() }).strict();
const activityFilterSchema = z
  .object({
    statuses: z.array(z.enum(taskStatuses)).max(20).optional(),
    text: z.string().max(500).optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    submittedByFerry: z.boolean().optional(),
  })
  .strict();
const activitySortSchema = z.object({ key: z.enum(activitySortKeys), direction: z.enum(['asc', 'desc']) }).strict();
const pageSchema = z.object({ offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(1000).optional() }).strict();

export const invokeContract = {
  'app:get-info': { args: noArgs },
  'settings:get': { args: noArgs },
  'settings:update': { args: z.tuple([settingsPatchSchema]) },
  'settings:reset': { args: noArgs },
  'shell:open-external': { args: z.tuple([z.string().max(4096)]) },

  'account:get-status': { args: noArgs },
  'account:sign-in': { args: z.tuple([signInOptions]) },
  'account:begin-paste-sign-in': { args: z.tuple([signInOptions]) },
  'account:complete-paste-sign-in': { args: z.tuple([z.string().trim().min(1, 'paste the code Globus showed you').max(2048)]) },
  'account:cancel-sign-in': { args: noArgs },
  'account:add-consent': { args: z.tuple([z.array(globusIdSchema).min(1).max(50)]) },
  'account:sign-out': { args: noArgs },

  'collections:search': { args: z.tuple([z.string().trim().min(1, 'type part of a collection name').max(200)]) },
  'collections:get': { args: z.tuple([globusIdSchema]) },
  'collections:ls': { args: z.tuple([globusIdSchema, collectionPathSchema]) },
  'collections:mkdir': { args: z.tuple([globusIdSchema, collectionPathSchema]) },
  'collections:rename': { args: z.tuple([globusIdSchema, collectionPathSchema, collectionPathSchema]) },
  'collections:list-bookmarks': { args: noArgs },
  'collections:add-bookmark': { args: z.tuple([bookmarkInputSchema]) },
  'collections:remove-bookmark': { args: z.tuple([z.string().min(1).max(100)]) },

  'transfers:submit': { args: z.tuple([transferRequestSchema]) },

  'activity:snapshot': { args: noArgs },
  'activity:refresh': { args: noArgs },
  'activity:detail': { args: z.tuple([globusIdSchema]) },
  'activity:events': { args: z.tuple([globusIdSchema, pageSchema]) },
  'activity:files': { args: z.tuple([globusIdSchema, z.enum(fileListKinds), z.string().max(1000).nullable()]) },
  'activity:cancel': { args: z.tuple([globusIdSchema]) },
  'activity:resubmit': { args: z.tuple([globusIdSchema]) },
  'activity:export-csv': { args: z.tuple([activityFilterSchema, activitySortSchema.nullable()]) },

  ...connectorsInvoke,
  ...proxyEndpointsInvoke,
  ...syncsInvoke,
  ...queueInvoke,
} as const satisfies Record<string, { readonly args: z.ZodTuple }>;

export interface InvokeResults extends ConnectorsResults, ProxyEndpointsResults, SyncsResults, QueueResults {
  'app:get-info': AppInfo;
  'settings:get': Settings;
  'settings:update': Settings;
  'settings:reset': Settings;
  'shell:open-external': { readonly opened: boolean };

  'account:get-status': AccountStatus;
  'account:sign-in': AccountStatus;
  'account:begin-paste-sign-in': { readonly url: string };
  'account:complete-paste-sign-in': AccountStatus;
  'account:cancel-sign-in': AccountStatus;
  'account:add-consent': AccountStatus;
  'account:sign-out': AccountStatus;

  'collections:search': readonly CollectionSummary[];
  'collections:get': CollectionSummary;
  'collections:ls': Listing;
  'collections:mkdir': { readonly code: string; readonly message: string };
  'collections:rename': { readonly code: string; readonly message: string };
  'collections:list-bookmarks': readonly Bookmark[];
  'collections:add-bookmark': readonly Bookmark[];
  'collections:remove-bookmark': readonly Bookmark[];

  'transfers:submit': TransferSubmitted;

  'activity:snapshot': ActivitySnapshot;
  'activity:refresh': PollStatus;
  'activity:detail': TaskDetail;
  'activity:events': EventPage;
  'activity:files': FilePage;
  'activity:cancel': CancelResult;
  'activity:resubmit': ResubmitResult;
  'activity:export-csv': { readonly csv: string; readonly rows: number };
}


export const eventContract = {
  'settings:changed': settingsSchema,
  'account:status': payload<AccountStatus>(),
  'activity:delta': payload<ActivityDelta>(),
  'activity:status': payload<PollStatus>(),
  'activity:task-ended': payload<TaskEnded>(),
  'activity:tasks-summary': payload<TasksEndedSummary>(),
  ...connectorsEvents,
  ...proxyEndpointsEvents,
  ...syncsEvents,
  ...queueEvents,
} as const satisfies Record<string, z.ZodType>;

export type InvokeChannel = keyof typeof invokeContract;
export type EventChannel = keyof typeof eventContract;
/** Arguments as a caller writes them. */
export type InvokeArgs<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['args']>;
/** Arguments after the host parsed them: what handlers receive. */
export type ParsedArgs<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['args']>;
export type InvokeResult<C extends InvokeChannel> = InvokeResults[C];
export type EventPayload<E extends EventChannel> = z.output<(typeof eventContract)[E]>;

// Every channel has a result type and every result type a channel.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contractComplete: Same<keyof InvokeResults, InvokeChannel> = true;
void contractComplete;

/** What core implements once and both hosts register. */
export type HandlerTable = {
  readonly [C in InvokeChannel]: (...args: ParsedArgs<C>) => Promise<InvokeResult<C>>;
};

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(invokeContract, value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(eventContract, value);
}

export type Unsubscribe = () => void;
export type Listener<T> = (payload: T) => void;

/** The renderer's whole view of the world. Every `onX` returns an unsubscribe. */
export interface AppApi {
  readonly connectors: ConnectorsApi;
  readonly proxyEndpoints: ProxyEndpointsApi;
  readonly syncs: SyncsApi;
  readonly queue: QueueApi;
  /** Turns files a person dropped on the window into paths on this machine (no bytes cross the contract). */
  readonly files: {
    pathsFor(files: readonly unknown[]): Promise<readonly string[]>;
  };
  readonly app: {
    getInfo(): Promise<AppInfo>;
  };
  readonly settings: {
    get(): Promise<Settings>;
    update(patch: SettingsPatch): Promise<Settings>;
    reset(): Promise<Settings>;
    onChanged(listener: Listener<Settings>): Unsubscribe;
  };
  readonly shell: {
    /** Opens an https URL in the system browser; anything else is refused. */
    openExternal(url: string): Promise<{ readonly opened: boolean }>;
  };
  readonly account: {
    getStatus(): Promise<AccountStatus>;
    /** Starts the browser sign-in; progress arrives through `onStatus`. */
    signIn(options?: { collections?: readonly string[] }): Promise<AccountStatus>;
    beginPasteSignIn(options?: { collections?: readonly string[] }): Promise<{ readonly url: string }>;
    completePasteSignIn(code: string): Promise<AccountStatus>;
    cancelSignIn(): Promise<AccountStatus>;
    addConsent(collectionIds: readonly string[]): Promise<AccountStatus>;
    signOut(): Promise<AccountStatus>;
    onStatus(listener: Listener<AccountStatus>): Unsubscribe;
  };
  readonly collections: {
    search(text: string): Promise<readonly CollectionSummary[]>;
    get(collectionId: string): Promise<CollectionSummary>;
    ls(collectionId: string, path: string): Promise<Listing>;
    mkdir(collectionId: string, path: string): Promise<{ readonly code: string; readonly message: string }>;
    rename(collectionId: string, oldPath: string, newPath: string): Promise<{ readonly code: string; readonly message: string }>;
    listBookmarks(): Promise<readonly Bookmark[]>;
    addBookmark(bookmark: BookmarkInput): Promise<readonly Bookmark[]>;
    removeBookmark(bookmarkId: string): Promise<readonly Bookmark[]>;
  };
  readonly transfers: {
    submit(request: TransferRequest): Promise<TransferSubmitted>;
  };
  readonly activity: {
    snapshot(): Promise<ActivitySnapshot>;
    refresh(): Promise<PollStatus>;
    detail(taskId: string): Promise<TaskDetail>;
    events(taskId: string, page: { offset?: number; limit?: number }): Promise<EventPage>;
    files(taskId: string, kind: FileListKind, marker: string | null): Promise<FilePage>;
    cancel(taskId: string): Promise<CancelResult>;
    resubmit(taskId: string): Promise<ResubmitResult>;
    exportCsv(filter: ActivityFilter, sort: ActivitySort | null): Promise<{ readonly csv: string; readonly rows: number }>;
    onDelta(listener: Listener<ActivityDelta>): Unsubscribe;
    onStatus(listener: Listener<PollStatus>): Unsubscribe;
    onTaskEnded(listener: Listener<TaskEnded>): Unsubscribe;
    /** Several queue or sync tasks ended close together: one summary instead of one each. */
    onTasksSummary(listener: Listener<TasksEndedSummary>): Unsubscribe;
  };
}

/** Envelope shared by every transport (Electron IPC replies, WebSocket frames, HTTP bodies). */
export type Envelope =
  | { readonly type: 'invoke'; readonly id: number; readonly channel: string; readonly args: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: import('./errors').AppErrorShape }
  | { readonly type: 'event'; readonly channel: string; readonly payload: unknown };
