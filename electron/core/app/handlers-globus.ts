import type { AccountStatus } from '../../../shared/account';
import type { HandlerTable } from '../../../shared/ipc-contract';
import type { ActivityService } from '../activity';
import type { BookmarkStore } from '../collections';
import { GlobusApiError, type GlobusAuth, type TransferService } from '../globus';
import { AppError } from './errors';

type GlobusChannels = Extract<keyof HandlerTable, `account:${string}` | `collections:${string}` | `transfers:${string}` | `activity:${string}`>;

export interface GlobusDeps {
  readonly auth: GlobusAuth;
  readonly transfer: TransferService;
  readonly activity: ActivityService;
  readonly bookmarks: BookmarkStore;
  /** Resolves once the stored sign-in state has been read. */
  readonly ready: Promise<unknown>;
}

/** Account, collections, transfers and activity channels. */
export function globusHandlers({ auth, transfer, activity, bookmarks, ready }: GlobusDeps): Pick<HandlerTable, GlobusChannels> {
  /** Starts a browser sign-in and answers as soon as it is waiting for the person (or done). */
  const startLogin = (run: () => Promise<AccountStatus>) =>
    new Promise<AccountStatus>((resolve, reject) => {
      const off = auth.onStatus((s) => {
        if (s.state === 'signing-in') {
          off();
          resolve(s);
        }
      });
      run().then(
        (s) => {
          off();
          resolve(s);
        },
        (error: unknown) => {
          off();
          reject(error);
        },
      );
    });

  return {
    'account:get-status': async () => {
      await ready;
      return auth.status();
    },
    'account:sign-in': async (options) => startLogin(() => auth.login(options.collections ? { collections: options.collections } : {})),
    'account:begin-paste-sign-in': async (options) => auth.beginPasteLogin(options.collections ? { collections: options.collections } : {}),
    'account:complete-paste-sign-in': async (code) => auth.completePasteLogin(code),
    'account:cancel-sign-in': async () => {
      auth.cancelLogin();
      return auth.status();
    },
    'account:add-consent': async (ids) => startLogin(() => auth.addConsent(ids)),
    'account:sign-out': async () => auth.logout(),

    'collections:search': async (text) => (await transfer.searchCollections(text, 50)).DATA,
    'collections:get': async (id) => transfer.getCollection(id),
    'collections:ls': async (id, path) => {
      const listing = await transfer.ls(id, path);
      return { collectionId: id, path: listing.path, entries: listing.DATA };
    },
    'collections:mkdir': async (id, path) => transfer.mkdir(id, path),
    'collections:rename': async (id, from, to) => transfer.rename(id, from, to),
    'collections:list-bookmarks': async () => bookmarks.list(),
    'collections:add-bookmark': async (b) => bookmarks.add(b),
    'collections:remove-bookmark': async (id) => bookmarks.remove(id),

    'transfers:submit': async (request) => {
      const submissionId = await transfer.getSubmissionId();
      const doc = {
        source_endpoint: request.source,
        destination_endpoint: request.destination,
        submission_id: submissionId,
        ...(request.label ? { label: request.label } : {}),
        ...(request.syncLevel !== undefined ? { sync_level: request.syncLevel } : {}),
        ...(request.verifyChecksum !== undefined ? { verify_checksum: request.verifyChecksum } : {}),
        ...(request.skipSourceErrors !== undefined ? { skip_source_errors: request.skipSourceErrors } : {}),
        ...(request.deadline !== undefined ? { deadline: new Date(request.deadline).toISOString() } : {}),
        DATA: request.items.map((i) => ({
          DATA_TYPE: 'transfer_item' as const,
          source_path: i.sourcePath,
          destination_path: i.destinationPath,
          recursive: i.recursive,
        })),
      };
      let result;
      try {
        result = await transfer.submitTransfer(doc);
      } catch (error) {
        throw explainConflict(error, activity, request.source, request.destination);
      }
      activity.recordSubmitted({ task_id: result.task_id, label: request.label ?? null, type: 'TRANSFER', submission: doc, source_endpoint_id: request.source, destination_endpoint_id: request.destination }, 'manual', doc);
      void activity.refreshNow();
      return { taskId: result.task_id, submissionId: result.submission_id, code: result.code };
    },

    'activity:snapshot': async () => activity.snapshot(),
    'activity:refresh': async () => {
      await activity.refreshNow();
      return activity.status();
    },
    'activity:detail': async (id) => activity.detail(id),
    'activity:events': async (id, page) => activity.events(id, page),
    'activity:files': async (id, kind, marker) => activity.files(id, kind, marker ?? undefined),
    'activity:cancel': async (id) => activity.cancel(id),
    'activity:resubmit': async (id) => activity.resubmit(id),
    'activity:export-csv': async (filter, sort) => {
      const csv = activity.exportCsv(filter, sort ?? undefined);
      return { csv, rows: activity.page({ filter, limit: 1 }).total };
    },
  };
}

/**
 * Globus refuses a transfer whose paths match one that has not finished (409 Conflict). Say which
 * task blocks, so the person can wait for it or cancel it in Activity.
 */
function explainConflict(error: unknown, activity: ActivityService, source: string, destination: string): unknown {
  if (!(error instanceof GlobusApiError) || error.code !== 'Conflict') return error;
  const blocking = activity
    .snapshot()
    .rows.find((r) => (r.status === 'ACTIVE' || r.status === 'INACTIVE') && r.source_id === source && r.destination_id === destination);
  if (!blocking) return error;
  const name = blocking.label ? `"${blocking.label}" (${blocking.task_id})` : blocking.task_id;
  return new AppError(
    'conflict', 'Conflict',
    `Globus refused this transfer: task ${name} is still moving the same paths. Wait for it to finish, or cancel it in Activity and send again.`,
    { blockingTaskId: blocking.task_id, requestId: error.requestId ?? null },
  );
}
