import { useId, useState } from 'react';
import { formatCount } from '../../../shared/format';
import { ActionButton, ActionReason } from '../../app/ui/action-button';
import { ConfirmDialog } from '../../app/ui/confirm-dialog';
import { useAppStore } from '../../app/store-context';
import { collectionsSelectors, joinPath, type PaneId } from './collections-slice';
import { DownloadForm } from './download-form';
import { SendLocalForm } from './send-local-form';
import { downloadBlocker, httpsLinkOf } from './local-transfers';

const paneSelectors = [collectionsSelectors.pane(0), collectionsSelectors.pane(1)] as const;

const NOTHING_SELECTED = 'Select an item to rename, delete, link or download it.';

/** Why a name cannot be a new name in a folder, or null. */
function nameProblem(name: string, current?: string): string | null {
  if (!name.trim()) return 'Type a name.';
  if (/[/\\]/.test(name)) return 'A name cannot contain / or \\.';
  if (current !== undefined && name === current) return 'Type a different name.';
  return null;
}

/**
 * A pane's actions: filter, hidden files, new folder, rename, delete, copy path and download; every
 * action that cannot run says why beside it. Delete asks first (`confirmDelete` is shared with the
 * listing's Delete key).
 */
export function PaneToolbar({ id, side, confirmDelete, setConfirmDelete }: { readonly id: PaneId; readonly side: string; readonly confirmDelete: boolean; readonly setConfirmDelete: (open: boolean) => void }) {
  const pane = useAppStore(paneSelectors[id]);
  const actions = useAppStore(collectionsSelectors.actions);
  const https = useAppStore(collectionsSelectors.httpsAccess(pane.collection?.id ?? ''));
  const [folder, setFolder] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [sending, setSending] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const sharedReasonId = useId();
  if (!pane.collection) return null;
  const collectionName = pane.collection.display_name ?? pane.collection.id;
  const selectedCount = pane.selected.length;
  const nothing = selectedCount === 0;
  const selectedEntries = pane.entries.filter((e) => pane.selected.includes(e.name));
  const shared = nothing ? sharedReasonId : undefined;
  const renameReason = nothing ? NOTHING_SELECTED : selectedCount !== 1 ? 'Select exactly one item to rename.' : null;
  const downloadReason = nothing ? NOTHING_SELECTED : downloadBlocker(selectedEntries, https);

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(text);
    } catch {
      setCopied(null);
    }
  };
  const copyPath = () => copy(selectedCount === 1 ? joinPath(pane.path, pane.selected[0] as string) : pane.path);
  const linkReason =
    https === undefined
      ? 'Checking whether this collection allows HTTPS access…'
      : https === null
        ? 'This collection allows no HTTPS access, so its files have no direct link.'
        : selectedCount !== 1 || selectedEntries[0]?.type === 'dir'
          ? 'Select one file to copy its link.'
          : null;
  const folderProblem = folder === null ? null : nameProblem(folder);
  const renameProblem = renaming ? nameProblem(renaming.to, renaming.from) : null;

  return (
    <>
      <div className="path-row pane-tools" role="toolbar" aria-label={`${side} pane actions`}>
        <input aria-label={`${side} filter by name`} placeholder="Filter by name" value={pane.filter} onChange={(e) => actions.setFilter(id, e.target.value)} />
        <label className="inline">
          <input type="checkbox" checked={pane.showHidden} onChange={(e) => actions.setShowHidden(id, e.target.checked)} /> Show hidden
        </label>
        <ActionButton disabledReason={pane.error ? 'This folder could not be listed.' : null} onClick={() => setFolder('')}>
          New folder
        </ActionButton>
        <ActionButton disabledReason={renameReason} reasonId={shared} onClick={() => setRenaming({ from: pane.selected[0] as string, to: pane.selected[0] as string })}>
          Rename
        </ActionButton>
        <ActionButton disabledReason={nothing ? NOTHING_SELECTED : null} reasonId={shared} onClick={() => setConfirmDelete(true)}>
          Delete
        </ActionButton>
        <button type="button" onClick={() => void copyPath()} title="Copy the selected item's path, or the folder's">
          Copy path
        </button>
        <ActionButton
          disabledReason={linkReason}
          reasonId={nothing && https ? shared : undefined}
          title="Copy the file's direct HTTPS link (whoever opens it needs access to this collection)"
          onClick={() => https && void copy(httpsLinkOf(https, joinPath(pane.path, pane.selected[0] as string)))}
        >
          Copy link
        </ActionButton>
        <ActionButton disabledReason={downloadReason} reasonId={shared} onClick={() => setDownloading(true)}>
          Download…
        </ActionButton>
        <ActionButton disabledReason={pane.error ? 'This folder could not be listed.' : null} onClick={() => setSending(true)} title="Send files of this computer here (what dropping them does)">
          Send from this computer…
        </ActionButton>
        <ActionReason id={sharedReasonId} reason={nothing ? NOTHING_SELECTED : null} />
      </div>
      {copied && (
        <p className="muted small" role="status">
          Copied <span className="mono">{copied}</span>
        </p>
      )}
      {folder !== null && (
        <form
          className="path-row"
          onSubmit={async (e) => {
            e.preventDefault();
            if (!folderProblem && (await actions.mkdir(id, folder.trim()))) setFolder(null);
          }}
        >
          <input aria-label={`${side} new folder name`} value={folder} autoFocus onChange={(e) => setFolder(e.target.value)} placeholder="folder name" />
          <ActionButton type="submit" className="primary" disabledReason={folderProblem}>
            Create
          </ActionButton>
          <button type="button" onClick={() => setFolder(null)}>
            Cancel
          </button>
        </form>
      )}
      {renaming && (
        <form
          className="path-row"
          onSubmit={async (e) => {
            e.preventDefault();
            if (!renameProblem && (await actions.rename(id, renaming.from, renaming.to))) setRenaming(null);
          }}
        >
          <input aria-label={`${side} new name for ${renaming.from}`} value={renaming.to} autoFocus onChange={(e) => setRenaming({ ...renaming, to: e.target.value })} />
          <ActionButton type="submit" className="primary" disabledReason={renameProblem}>
            Rename
          </ActionButton>
          <button type="button" onClick={() => setRenaming(null)}>
            Cancel
          </button>
        </form>
      )}
      {sending && <SendLocalForm id={id} side={side} where={`${collectionName} ${pane.path}`} onDone={() => setSending(false)} />}
      {downloading && !downloadReason && <DownloadForm id={id} side={side} fileCount={selectedCount} onDone={() => setDownloading(false)} />}
      <ConfirmDialog
        open={confirmDelete && selectedCount > 0}
        onOpenChange={setConfirmDelete}
        title={`Delete ${formatCount(selectedCount, 'item')} from ${collectionName}?`}
        confirmLabel={`Delete ${formatCount(selectedCount, 'item')}`}
        onConfirm={async () => Boolean(await actions.deleteSelected(id))}
      >
        <p>Folders go with everything in them. Globus runs this as a delete task; it cannot be undone.</p>
        <ul className="mono small" aria-label="What will be deleted">
          {pane.selected.map((name) => (
            <li key={name}>{joinPath(pane.path, name)}</li>
          ))}
        </ul>
      </ConfirmDialog>
    </>
  );
}
