import { join } from 'node:path';
import type { AccountStatus } from '../../../shared/account';
import type { TaskEnded } from '../../../shared/activity';
import {
  queueMaxActiveTasksLimit,
  queueMaxBatchSize,
  queueMaxExpandedFiles,
  type QueueEnqueueResult,
  type QueueStatus,
  type queueInvoke,
} from '../../../shared/contract/queue';
import type { GlobusAuth, Submitter, TransferService } from '../globus';
import { AppError, systemClock, type Capability, type Clock, type EventBus } from '../kernel';
import type { SettingsService } from '../settings';
import { createQueueStore } from './queue-store';
import { openTransferQueue } from './transfer-queue';
import type { EnqueueItem, QueueOptions, QueueSnapshot } from './types';

export type QueueChannel = keyof typeof queueInvoke;

export interface QueueCapability extends Capability<QueueChannel> {
  dispose(): Promise<void>;
}

export interface QueueCapabilityOptions {
  /** Dispatcher options (tests: short poll intervals). Persisted N and M still apply on top. */
  readonly queueOptions?: Partial<QueueOptions>;
  /** Runs the dispatcher and throttles `queue:changed`. Default: the system clock. */
  readonly clock?: Clock;
  /** Least time between two `queue:changed` events. Default 250 ms. */
  readonly throttleMs?: number;
}

const optionsKey = 'view-options';
const maxFolders = 20_000;
const maxBatchesListed = 500;

/** What this capability needs from the composition root. */
export interface QueueDeps {
  /** Where this run keeps databases and state (the data-folder setting at start). */
  readonly stateDir: string;
  readonly bus: EventBus;
  readonly settings: SettingsService;
  readonly auth: GlobusAuth;
  /** Polls and cancels tasks, lists folders, looks up collection names. */
  readonly transfer: TransferService;
  /** The one submit path: each batch is announced there (Activity records it from the announcement). */
  readonly submitter: Submitter;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Activity's live refresh (fast while Ferry's tasks run): a queue task's end seen there starts a
   * round here at once, so the queue shows it within about 2 s instead of at its next poll.
   */
  readonly activity?: { onTaskEnded(listener: (ended: TaskEnded) => void): () => void };
}

/**
 * Wires the `queue:*` channels to the transfer queue at `<stateDir>/queue.db`. The dispatcher runs
 * only while the account is signed in; signed out or expired it stops (nothing is lost) and
 * starts again on sign-in. Batches are submitted through the submitter, so Activity records
 * each one as it is accepted.
 */
export function createQueueCapability(deps: QueueDeps, capabilityOptions: QueueCapabilityOptions = {}): QueueCapability {
  const store = createQueueStore(join(deps.stateDir, 'queue.db'));
  const saved = readSavedOptions(store.getMeta(optionsKey));
  const pollFromEnv = Number(deps.env.FERRY_QUEUE_POLL_MS);
  const clock = capabilityOptions.clock ?? systemClock;
  const queue = openTransferQueue({
    transfer: deps.transfer,
    submitter: deps.submitter,
    store,
    clock,
    options: {
      ...(Number.isFinite(pollFromEnv) && pollFromEnv > 0 ? { pollIntervalMs: pollFromEnv } : {}),
      ...capabilityOptions.queueOptions,
      ...saved,
      notifyGlobus: deps.settings.get().notifications.globusEmailsForBulkTasks,
    },
  });
  const throttleMs = capabilityOptions.throttleMs ?? 250;
  const names = new Map<string, string | null>();
  let dispatching = false;
  let disposed = false;
  let latest: QueueSnapshot | undefined;
  let cancelTimer: (() => void) | undefined;
  let lastEmit = 0;

  const status = (snapshot: QueueSnapshot = queue.snapshot()): QueueStatus => {
    lookUpNames(snapshot);
    return {
      ...snapshot,
      dispatching,
      hold: !dispatching ? 'signed-out' : snapshot.paused ? 'paused' : null,
      notifyGlobus: queue.options.notifyGlobus,
      destinations: snapshot.destinations.map((d) => ({ ...d, name: names.get(d.collection) ?? null })),
    };
  };

  const emitSoon = (): void => {
    if (disposed || cancelTimer !== undefined) return;
    const wait = Math.max(0, lastEmit + throttleMs - clock.now());
    cancelTimer = clock.setTimeout(() => {
      cancelTimer = undefined;
      if (disposed) return;
      lastEmit = clock.now();
      const snapshot = latest ?? queue.snapshot();
      latest = undefined;
      deps.bus.emit('queue:changed', status(snapshot));
    }, wait);
  };

  /** Looks up display names of destinations once each, while Globus can be asked. */
  const lookUpNames = (snapshot: QueueSnapshot): void => {
    if (!dispatching) return;
    for (const d of snapshot.destinations) {
      if (names.has(d.collection)) continue;
      names.set(d.collection, null);
      void deps.transfer.getCollection(d.collection).then(
        (c) => {
          if (!c.display_name) return;
          names.set(d.collection, c.display_name);
          emitSoon();
        },
        () => undefined,
      );
    }
  };

  const follow = (account: AccountStatus): void => {
    if (disposed) return;
    if (account.state === 'signed-in' && !dispatching) {
      dispatching = true;
      queue.start();
      emitSoon();
    } else if ((account.state === 'signed-out' || account.state === 'expired') && dispatching) {
      dispatching = false;
      void queue.stop();
      emitSoon();
    }
  };

  const offs: (() => void)[] = [
    queue.onChange((snapshot) => {
      latest = snapshot;
      emitSoon();
    }),
    deps.settings.onChanged((s) => {
      if (s.notifications.globusEmailsForBulkTasks !== queue.options.notifyGlobus) {
        queue.updateOptions({ notifyGlobus: s.notifications.globusEmailsForBulkTasks });
      }
    }),
    deps.auth.onStatus(follow),
    ...(deps.activity
      ? [
          deps.activity.onTaskEnded((ended) => {
            if (dispatching && ended.row.origin === 'queue') queue.kick();
          }),
        ]
      : []),
  ];
  follow(deps.auth.status());

  return {
    handlers: {
      'queue:snapshot': async () => status(),
      'queue:list-items': async (query) => {
        const limit = query.limit ?? 200;
        const offset = query.offset ?? 0;
        const rows = queue.listItems({ ...query, limit: limit + 1, offset });
        return { items: rows.slice(0, limit), offset, hasMore: rows.length > limit };
      },
      'queue:list-batches': async () =>
        queue
          .unfinishedBatches()
          .sort((a, b) => a.id - b.id)
          .slice(0, maxBatchesListed),
      'queue:enqueue': async (request): Promise<QueueEnqueueResult> => {
        const { items, foldersExpanded } = await planRequest(deps.transfer, request);
        const result = queue.enqueue(items, request.requestId !== undefined ? { requestId: request.requestId } : {});
        return { ...result, foldersExpanded };
      },
      'queue:pause': async () => {
        queue.pause();
        return status();
      },
      'queue:resume': async () => {
        queue.resume();
        return status();
      },
      'queue:set-destination-enabled': async (collection, enabled) => {
        queue.setDestinationEnabled(collection, enabled);
        return status();
      },
      'queue:retry-failed': async (ids) => ({ retried: queue.retryFailed(ids ?? undefined) }),
      'queue:cancel-batch': async (batchId) => {
        const batch = queue.unfinishedBatches().find((b) => b.id === batchId);
        const newest = queue.listBatches(1)[0]?.id ?? 0;
        if (!batch && (batchId < 1 || batchId > newest)) {
          throw new AppError('not-found', 'NotFound', `There is no batch ${batchId}; reload the batches list.`);
        }
        if (batch?.state !== 'active') {
          throw new AppError('conflict', 'NotCancellable', `Batch ${batchId} is not running at Globus (it is waiting or has ended); only running batches can be cancelled.`);
        }
        if (!dispatching) throw new AppError('unauthorized', 'SignedOut', 'Sign in to Globus to cancel a task.');
        return { cancelled: await queue.cancelBatch(batchId) };
      },
      'queue:update-options': async (patch) => {
        const next: Partial<QueueOptions> = {
          ...(patch.batchSize !== undefined ? { batchSize: patch.batchSize } : {}),
          ...(patch.maxActiveTasks !== undefined ? { maxActiveTasks: patch.maxActiveTasks } : {}),
        };
        queue.updateOptions(next);
        store.setMeta(optionsKey, JSON.stringify({ batchSize: queue.options.batchSize, maxActiveTasks: queue.options.maxActiveTasks }));
        queue.kick();
        return status();
      },
    },
    async dispose() {
      disposed = true;
      cancelTimer?.();
      for (const off of offs) off();
      await queue.close();
    },
  };
}

function readSavedOptions(raw: string | undefined): Partial<QueueOptions> {
  if (raw === undefined) return {};
  try {
    const parsed = JSON.parse(raw) as { batchSize?: unknown; maxActiveTasks?: unknown };
    const out: { batchSize?: number; maxActiveTasks?: number } = {};
    if (isWhole(parsed.batchSize, queueMaxBatchSize)) out.batchSize = parsed.batchSize;
    if (isWhole(parsed.maxActiveTasks, queueMaxActiveTasksLimit)) out.maxActiveTasks = parsed.maxActiveTasks;
    return out;
  } catch {
    return {};
  }
}

function isWhole(n: unknown, max: number): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max;
}

interface PlannedRequest {
  readonly items: EnqueueItem[];
  readonly foldersExpanded: number;
}

interface RequestShape {
  readonly source: string;
  readonly destination: string;
  readonly destinationFolder: string;
  readonly files: readonly { readonly path: string; readonly size?: number | undefined }[];
}

/**
 * Turns "send these paths to that folder" into queue items: a file `/a/b.txt` lands at
 * `<folder>/b.txt`; a folder `/a/` (ending in `/`) is listed and its files land under
 * `<folder>/a/`. Refuses requests where two files would land on one path or on themselves.
 */
export async function planRequest(transfer: TransferService, request: RequestShape): Promise<PlannedRequest> {
  const folder = trimSlashes(request.destinationFolder);
  const items: EnqueueItem[] = [];
  let foldersExpanded = 0;
  const add = (sourcePath: string, destinationPath: string, size: number): void => {
    items.push({ source: request.source, sourcePath, destination: request.destination, destinationPath, size, origin: 'manual' });
  };
  for (const file of request.files) {
    const path = file.path;
    if (!path.endsWith('/')) {
      add(path, `${folder}/${baseName(path)}`, file.size ?? 0);
      continue;
    }
    const top = baseName(path);
    const target = top === '' ? folder : `${folder}/${top}`;
    foldersExpanded += await listFolder(transfer, request.source, path, (relative, size) => add(`${path}${relative}`, `${target}/${relative}`, size), () => items.length);
  }
  const seen = new Map<string, string>();
  for (const item of items) {
    if (item.source === item.destination && item.sourcePath === item.destinationPath) {
      throw new AppError('refused', 'InvalidInput', `${item.sourcePath} would be copied onto itself; choose another destination folder.`);
    }
    const earlier = seen.get(item.destinationPath);
    if (earlier !== undefined) {
      throw new AppError('refused', 'InvalidInput', `${earlier} and ${item.sourcePath} would both land at ${item.destinationPath}; send them to different folders.`);
    }
    seen.set(item.destinationPath, item.sourcePath);
  }
  if (items.length === 0) throw new AppError('refused', 'InvalidInput', 'The folders named hold no files; nothing was added to the queue.');
  return { items, foldersExpanded };
}

/** Lists a folder recursively (breadth first), calling `onFile` with the path below it. */
async function listFolder(
  transfer: TransferService,
  collection: string,
  root: string,
  onFile: (relative: string, size: number) => void,
  filesSoFar: () => number,
): Promise<number> {
  const pending: string[] = [''];
  let listed = 0;
  for (let relative = pending.shift(); relative !== undefined; relative = pending.shift()) {
    if (listed >= maxFolders) throw new AppError('too-large', 'TooLarge', `${root} holds more than ${maxFolders.toLocaleString('en-US')} folders; send parts of it.`);
    const listing = await transfer.ls(collection, `${root}${relative}`);
    listed += 1;
    for (const entry of listing.DATA) {
      if (entry.type === 'dir') pending.push(`${relative}${entry.name}/`);
      else if (entry.type === 'file') onFile(`${relative}${entry.name}`, entry.size);
    }
    if (filesSoFar() > queueMaxExpandedFiles) {
      throw new AppError('too-large', 'TooLarge', `${root} holds more than ${queueMaxExpandedFiles.toLocaleString('en-US')} files; send parts of it.`);
    }
  }
  return listed > 0 ? 1 : 0;
}

function trimSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}

function baseName(path: string): string {
  const trimmed = trimSlashes(path);
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
