/**
 * Files between this computer and a pane's collection folder: local files dropped on a pane go
 * with `transfers.sendLocal` (a Globus task from This computer when it shares them, else HTTPS),
 * selected collection files come down over HTTPS. A missing consent (the collection's data_access
 * or its HTTPS scope) is offered on the pane and the call is retried once it is given.
 */
import type { AccountStatus } from '../../../shared/account';
import type { HttpsTransfer } from '../../../shared/contract/https-transfers';
import { assertNever } from '../../../shared/assert-never';
import { consentNeeded } from '../../../shared/errors';
import { pathsFromUriList } from '../../../shared/file-uris';
import { formatCount } from '../../../shared/format';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState } from '../../store/types';
import type { PaneId } from './collections-slice';
import { folderKey, footprintOf, joinPath, parentPath, type TaskFootprint } from './pane-model';

/** What a pane tells the person about the last drop or download it started. */
export type PaneNotice =
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'working'; readonly message: string }
  /** Globus needs consent (a collection's data_access or an HTTPS scope) before the call can go. */
  | { readonly kind: 'consent'; readonly message: string; readonly collectionIds: readonly string[]; readonly scopes: readonly string[]; readonly requested: boolean };

export interface LocalPane {
  readonly collection: { readonly id: string; readonly display_name: string | null } | null;
  readonly path: string;
  readonly selected: readonly string[];
  readonly entries: readonly { readonly name: string; readonly type: string }[];
  readonly notice: PaneNotice | null;
}

export interface LocalTransfersDeps {
  readonly api: AppApi;
  readonly get: () => AppState;
  readonly pane: (id: PaneId) => LocalPane;
  readonly setNotice: (id: PaneId, notice: PaneNotice | null) => void;
  readonly setDownloadFolder: (folder: string) => void;
  /** A Globus task started from a drop: the pane re-lists when it ends; Activity shows it. */
  readonly taskStarted: (taskId: string, footprint: TaskFootprint) => void;
  readonly relist: (id: PaneId) => void;
}

export interface LocalTransfers {
  /** Sends dropped files: the paths in the drag's `text/uri-list`, else the host's paths for its files. */
  sendDropped(id: PaneId, uriList: string, files: readonly unknown[]): Promise<void>;
  /** Sends local paths to the pane's folder. */
  sendLocal(id: PaneId, paths: readonly string[]): Promise<void>;
  /** Downloads the pane's selected files over HTTPS to a local folder; true when it started. */
  downloadSelected(id: PaneId, folder: string): Promise<boolean>;
  /** Asks Globus for the consent the pane's notice names; the call is retried once it is given. */
  grantNoticeConsent(id: PaneId): Promise<void>;
  /** The account changed: a consent given retries what waited for it. */
  accountChanged(status: AccountStatus): void;
  /** An HTTPS transfer changed: a pane showing the folder an upload wrote a file into lists again. */
  httpsChanged(transfer: HttpsTransfer): void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

export function createLocalTransfers(deps: LocalTransfersDeps): LocalTransfers {
  const { api, get, pane, setNotice } = deps;
  /** What each pane retries once the consent it asked for is given (taken once). */
  const retries = new Map<PaneId, () => Promise<void>>();
  const retry = (id: PaneId) => {
    const again = retries.get(id);
    retries.delete(id);
    if (again) void again();
  };
  /** Files each upload had finished when last heard (a pane lists again when the count grows). */
  const filesDone = new Map<string, number>();

  /** Shows why a call was refused; a missing consent becomes an offer to give it. */
  const refused = (id: PaneId, error: unknown, retry: () => Promise<void>) => {
    const consent = consentNeeded(error);
    if (consent) {
      retries.set(id, retry);
      setNotice(id, { kind: 'consent', message: messageOf(error), ...consent, requested: false });
    } else {
      retries.delete(id);
      setNotice(id, { kind: 'error', message: messageOf(error) });
    }
  };

  const sendLocal = async (id: PaneId, paths: readonly string[]): Promise<void> => {
    const p = pane(id);
    if (!p.collection || paths.length === 0) return;
    const collection = p.collection;
    const folder = folderKey(p.path);
    const where = `${collection.display_name ?? collection.id} ${folder}`;
    setNotice(id, { kind: 'working', message: `Sending ${formatCount(paths.length, 'item')} to ${where}…` });
    try {
      const result = await api.transfers.sendLocal({ paths: [...paths], destination: collection.id, folder });
      retries.delete(id);
      switch (result.via) {
        case 'globus': {
          const items = paths.map((path) => ({ path: joinPath(folder, baseName(path)), recursive: true }));
          deps.taskStarted(result.taskId, footprintOf(collection.id, items));
          get().toasts.push('success', `Globus is sending ${formatCount(paths.length, 'item')} from This computer to ${where} (task ${result.taskId}). Activity shows it.`);
          setNotice(id, null);
          return;
        }
        case 'https':
          get().httpsTransfers.received(result.transfer);
          setNotice(id, null);
          return;
        default:
          assertNever(result);
      }
    } catch (error) {
      refused(id, error, () => sendLocal(id, paths));
    }
  };

  const downloadSelected = async (id: PaneId, folder: string): Promise<boolean> => {
    const p = pane(id);
    const files = p.selected.filter((name) => p.entries.find((e) => e.name === name)?.type !== 'dir');
    if (!p.collection || files.length === 0 || !folder.trim()) return false;
    const collectionId = p.collection.id;
    const paths = files.map((name) => joinPath(p.path, name));
    deps.setDownloadFolder(folder.trim());
    try {
      const transfer = await api.https.download({ collectionId, paths, folder: folder.trim() });
      retries.delete(id);
      get().httpsTransfers.received(transfer);
      setNotice(id, null);
      return true;
    } catch (error) {
      refused(id, error, async () => {
        try {
          get().httpsTransfers.received(await api.https.download({ collectionId, paths, folder: folder.trim() }));
          setNotice(id, null);
        } catch (again) {
          refused(id, again, async () => undefined);
        }
      });
      return false;
    }
  };

  return {
    async sendDropped(id, uriList, files) {
      let paths = pathsFromUriList(uriList);
      if (paths.length === 0 && files.length > 0) {
        try {
          paths = await api.files.pathsFor(files);
        } catch (error) {
          setNotice(id, { kind: 'error', message: messageOf(error) });
          return;
        }
      }
      if (paths.length === 0) {
        setNotice(id, { kind: 'error', message: 'Only files and folders from this computer can be dropped here.' });
        return;
      }
      await sendLocal(id, paths);
    },
    sendLocal,
    downloadSelected,
    async grantNoticeConsent(id) {
      const notice = pane(id).notice;
      if (notice?.kind !== 'consent' || notice.requested) return;
      setNotice(id, { ...notice, requested: true });
      const account = get().account;
      const status = notice.scopes.length > 0 ? await account.addScopeConsent(notice.scopes) : await account.addConsent(notice.collectionIds.length > 0 ? notice.collectionIds : [pane(id).collection?.id ?? '']);
      if (!status) setNotice(id, { ...notice, requested: false });
      else if (status.state === 'signed-in') retry(id);
    },
    accountChanged(status) {
      if (status.state !== 'signed-in') return;
      for (const id of [0, 1] as const) {
        const notice = pane(id).notice;
        if (notice?.kind === 'consent' && notice.requested) retry(id);
      }
    },
    httpsChanged(transfer) {
      if (transfer.direction !== 'upload') return;
      const before = filesDone.get(transfer.id) ?? 0;
      filesDone.set(transfer.id, transfer.filesDone);
      if (transfer.filesDone <= before) return;
      for (const id of [0, 1] as const) {
        const p = pane(id);
        if (p.collection && uploadTouches(transfer.files, p.collection.id, transfer.collectionId, p.path)) deps.relist(id);
      }
    },
  };
}

/** Whether a changed upload should make a pane showing `collectionId` at `path` list again. */
export function uploadTouches(files: readonly { readonly destination: string }[], collectionId: string, transferCollection: string, path: string): boolean {
  if (collectionId !== transferCollection) return false;
  const key = folderKey(path);
  return files.some((f) => folderKey(parentPath(f.destination)) === key);
}

/** Why the selected entries cannot be downloaded over HTTPS, or null; `https` undefined: not known yet. */
export function downloadBlocker(selected: readonly { readonly type: string }[], https: string | null | undefined): string | null {
  if (selected.length === 0) return 'Select files to download.';
  if (selected.some((e) => e.type === 'dir')) return 'Folders are not downloaded over HTTPS; transfer them with Globus.';
  if (https === undefined) return 'Checking whether this collection allows HTTPS access…';
  if (!https) return 'This collection does not allow HTTPS access; transfer with Globus instead.';
  return null;
}

/** The direct HTTPS link of a collection file (its `https_server` and the path, each name encoded). */
export function httpsLinkOf(server: string, path: string): string {
  const encoded = path
    .split('/')
    .map((name) => encodeURIComponent(name))
    .join('/');
  return `${server.replace(/\/+$/, '')}${encoded.startsWith('/') ? '' : '/'}${encoded}`;
}

/**
 * The folder a download form offers first: the last one used, else the first folder This computer
 * shares writable (usually the home folder), else the home folder the data folder sits in.
 */
export function defaultDownloadFolder(last: string, thisComputerFolders: readonly { readonly path: string; readonly writable: boolean }[], dataDir: string | null): string {
  if (last) return last;
  const writable = thisComputerFolders.find((f) => f.writable);
  if (writable) return writable.path;
  const home = dataDir ? /^(\/home\/[^/]+|\/Users\/[^/]+|\/root|[A-Za-z]:\\Users\\[^\\]+)(?=[\\/]|$)/.exec(dataDir) : null;
  return home?.[1] ?? '';
}
