import { useMemo, useState, type DragEvent, type FormEvent, type MouseEvent } from 'react';
import { ConfirmDialog } from '../../app/ui/confirm-dialog';
import { Tooltip } from '../../app/ui/tooltip';
import { CollectionDetailsButton } from './collection-details';
import { useAppStore } from '../../app/store-context';
import { formatBytes, formatCount, formatExact, formatRelative } from '../../../shared/format';
import { accountSelectors } from '../account/account-slice';
import { collectionsSelectors, joinPath, type PaneId } from './collections-slice';
import { breadcrumbs, visibleEntries, type SortKey } from './pane-model';
import { TransferOptions } from './transfer-options';
import './collections.css';

export function CollectionsView() {
  const signedIn = useAppStore(accountSelectors.signedIn);
  const go = useAppStore((s) => s.nav.go);
  const consent = useAppStore(collectionsSelectors.consent);
  const actions = useAppStore(collectionsSelectors.actions);
  const lastSubmitted = useAppStore(collectionsSelectors.lastSubmitted);
  const direction = useAppStore(collectionsSelectors.direction);
  const label = useAppStore(collectionsSelectors.label);
  const blocker = useAppStore(collectionsSelectors.transferBlocker);
  const needsPreview = useAppStore(collectionsSelectors.needsPreview);
  const preview = useAppStore(collectionsSelectors.preview);
  const consentName = useAppStore((s) => {
    const c = s.collections.consent;
    const shown = c ? s.collections.panes[c.pane].collection : null;
    return shown && c && shown.id === c.collectionId ? shown.display_name : null;
  });
  const [sending, setSending] = useState(false);

  if (!signedIn) {
    return (
      <div className="empty-state">
        <p>Sign in to Globus to browse collections.</p>
        <button type="button" className="primary" onClick={() => go('account')}>
          Go to Account
        </button>
      </div>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    try {
      await actions.transfer(direction);
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="collections">
      <SearchBar />
      {consent && (
        <div className="note warn consent" role="alert">
          <span>
            Globus needs your consent before Ferry can read collection <strong>{consentName ?? consent.collectionId}</strong>
            {consentName && <span className="mono small"> ({consent.collectionId})</span>}. Ferry retries as soon as you give it.
          </span>
          <button type="button" className="primary" onClick={() => void actions.grantConsent()} disabled={consent.requested}>
            {consent.requested ? 'Waiting for consent…' : 'Give consent'}
          </button>
        </div>
      )}
      <div className="panes">
        <Pane id={0} />
        <Pane id={1} />
      </div>
      <form className="transfer-bar panel" onSubmit={submit} aria-label="Start a transfer">
        <div className="transfer-row">
          <label htmlFor="transfer-direction">Send selected</label>
          <select id="transfer-direction" value={direction} onChange={(e) => actions.setDirection(Number(e.target.value) as PaneId)}>
            <option value={0}>left → right</option>
            <option value={1}>right → left</option>
          </select>
          <label htmlFor="transfer-label">Label</label>
          <input id="transfer-label" value={label} onChange={(e) => actions.setLabel(e.target.value)} placeholder="optional" maxLength={128} />
          <button type="submit" className="primary" disabled={blocker !== null || needsPreview || sending} aria-describedby={blocker || needsPreview ? 'transfer-blocker' : undefined}>
            Start transfer
          </button>
          <button type="button" className={needsPreview ? 'primary' : undefined} disabled={blocker !== null || preview?.loading === true} onClick={() => void actions.previewTransfer(direction)}>
            {needsPreview ? 'Preview mirror' : 'Preview'}
          </button>
          {(blocker ?? needsPreview) && (
            <span id="transfer-blocker" className="muted">
              {blocker ?? 'Preview what the mirror copies and deletes before starting it.'}
            </span>
          )}
          {lastSubmitted && (
            <span role="status" className="muted">
              {lastSubmitted.kind === 'delete' ? 'Submitted delete task' : 'Submitted task'} <span className="mono">{lastSubmitted.taskId}</span>.{' '}
              <button type="button" className="link-button" onClick={() => go('activity')}>
                Watch it in Activity
              </button>
            </span>
          )}
        </div>
        {preview && <PreviewPanel />}
        <TransferOptions />
      </form>
    </div>
  );
}

const PREVIEW_ROWS = 50;

function PreviewPanel() {
  const preview = useAppStore(collectionsSelectors.preview);
  if (!preview) return null;
  if (preview.loading || !preview.result) return <p className="muted">Listing both sides…</p>;
  const r = preview.result;
  const atLeast = r.truncated ? 'at least ' : '';
  return (
    <section className="transfer-preview" aria-label="Transfer preview">
      <p>
        Would copy {atLeast}
        <strong>{formatCount(r.copyCount, 'file')}</strong> ({formatBytes(r.copyBytes)})
        {r.unchangedCount > 0 && <>, skip {formatCount(r.unchangedCount, 'file')} already matching</>}
        {r.removeCount > 0 && (
          <>
            , and delete {atLeast}
            <strong>{formatCount(r.removeCount, 'item')}</strong> ({formatBytes(r.removeBytes)}) at the destination
          </>
        )}
        .
      </p>
      <p className="muted small">
        From listings of both sides taken just now{r.truncated ? ', stopped at a limit' : ''}. Globus decides the final set when the task runs.
      </p>
      <div className="preview-lists">
        {r.remove.length > 0 && (
          <div>
            <strong>Deleted</strong>
            <ul className="mono small" aria-label="Would be deleted">
              {r.remove.slice(0, PREVIEW_ROWS).map((f) => (
                <li key={f.path}>
                  {f.path}
                  {f.type === 'dir' ? '/' : ''}
                </li>
              ))}
              {r.removeCount > PREVIEW_ROWS && <li className="muted">and {formatCount(r.removeCount - PREVIEW_ROWS)} more</li>}
            </ul>
          </div>
        )}
        {r.copy.length > 0 && (
          <div>
            <strong>Copied</strong>
            <ul className="mono small" aria-label="Would be copied">
              {r.copy.slice(0, PREVIEW_ROWS).map((f) => (
                <li key={f.path}>
                  {f.path} <span className="muted">{formatBytes(f.size)}</span>
                </li>
              ))}
              {r.copyCount > PREVIEW_ROWS && <li className="muted">and {formatCount(r.copyCount - PREVIEW_ROWS)} more</li>}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}

function SearchBar() {
  const results = useAppStore(collectionsSelectors.results);
  const searching = useAppStore(collectionsSelectors.searching);
  const bookmarks = useAppStore(collectionsSelectors.bookmarks);
  const text = useAppStore(collectionsSelectors.searchText);
  const target = useAppStore(collectionsSelectors.openIn);
  const actions = useAppStore(collectionsSelectors.actions);
  return (
    <section className="panel search" aria-label="Find collections">
      <form
        className="search-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) void actions.search(text.trim());
        }}
      >
        <input aria-label="Search collections" placeholder="Search collections by name, owner or id" value={text} onChange={(e) => actions.setSearchText(e.target.value)} />
        <select aria-label="Open in" value={target} onChange={(e) => actions.setOpenIn(Number(e.target.value) as PaneId)}>
          <option value={0}>open in left pane</option>
          <option value={1}>open in right pane</option>
        </select>
        <button type="submit" disabled={searching || !text.trim()}>
          {searching ? 'Searching…' : 'Search'}
        </button>
      </form>
      {results.length > 0 && (
        <ul className="result-list" aria-label="Search results">
          {results.map((c) => (
            <li key={c.id}>
              <button type="button" className="result" onClick={() => void actions.open(target, c)}>
                <strong>{c.display_name ?? c.id}</strong>
                <span className="muted">{c.owner_string ?? ''}</span>
                <span className="mono muted small">{c.id}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <UploadOffer />
      {bookmarks.length > 0 && (
        <div className="bookmarks" aria-label="Bookmarks">
          {bookmarks.map((b) => (
            <span key={b.id} className="chip">
              <Tooltip text={`${b.path} — ${b.origin === 'globus' ? 'a Globus bookmark (app.globus.org shows it too)' : 'kept on this computer'}`}>
                <button type="button" className="link-button" onClick={() => void actions.openBookmark(target, b)}>
                  ★ {b.displayName} <span className="muted">{b.path}</span>
                  {b.origin === 'ferry' && <span className="muted"> · this computer</span>}
                </button>
              </Tooltip>
              <Tooltip text="Remove this bookmark">
                <button type="button" className="icon-button" aria-label={`Remove bookmark ${b.displayName} ${b.path}`} onClick={() => void actions.removeBookmark(b.id)}>
                  ×
                </button>
              </Tooltip>
            </span>
          ))}
        </div>
      )}
    </section>
  );
}

/** The pane a drag of selected items started in (dataTransfer cannot be read during dragover). */
let dragFrom: PaneId | null = null;
const DRAG_TYPE = 'application/x-ferry-items';

const columns: readonly { readonly key: SortKey; readonly title: string; readonly num?: boolean }[] = [
  { key: 'name', title: 'Name' },
  { key: 'size', title: 'Size', num: true },
  { key: 'modified', title: 'Modified' },
];

function Pane({ id }: { id: PaneId }) {
  const pane = useAppStore(paneSelector(id));
  const actions = useAppStore(collectionsSelectors.actions);
  const [path, setPath] = useState<string | null>(null);
  const [folder, setFolder] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const [dropping, setDropping] = useState(false);
  const side = id === 0 ? 'Left' : 'Right';
  const shown = useMemo(() => visibleEntries(pane), [pane]);

  if (!pane.collection) {
    return (
      <section className="pane panel empty" aria-label={`${side} pane`}>
        <p className="muted">Search for a collection above and open it here.</p>
      </section>
    );
  }
  const shownPath = path ?? pane.path;
  const selectedCount = pane.selected.length;
  const allSelected = shown.length > 0 && shown.every((e) => pane.selected.includes(e.name));
  const hiddenCount = pane.showHidden ? 0 : pane.entries.filter((e) => e.name.startsWith('.')).length;
  const clickRow = (event: MouseEvent, name: string) => {
    if ((event.target as HTMLElement).closest('button, input, a')) return;
    actions.select(id, name, event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'only');
  };
  const copyPath = async () => {
    const target = selectedCount === 1 ? joinPath(pane.path, pane.selected[0] as string) : pane.path;
    try {
      await navigator.clipboard.writeText(target);
      setCopied(target);
    } catch {
      setCopied(null);
    }
  };

  const acceptsDrop = (event: DragEvent) => dragFrom !== null && dragFrom !== id && event.dataTransfer.types.includes(DRAG_TYPE);

  return (
    <section
      className={`pane panel${dropping ? ' drop-target' : ''}`}
      aria-label={`${side} pane`}
      onDragOver={(event) => {
        if (!acceptsDrop(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(event) => {
        setDropping(false);
        if (!acceptsDrop(event) || dragFrom === null) return;
        event.preventDefault();
        const from = dragFrom;
        dragFrom = null;
        actions.setDirection(from);
        void actions.transfer(from);
      }}
    >
      <header className="pane-header">
        <strong>{pane.collection.display_name ?? pane.collection.id}</strong>
        <span>
          <Tooltip text="List this folder again">
            <button type="button" className="icon-button" aria-label={`Refresh ${side.toLowerCase()} pane`} onClick={() => void actions.refresh(id)}>
              ⟳
            </button>
          </Tooltip>
          <Tooltip text="Bookmark this folder">
            <button type="button" className="icon-button" aria-label={`Bookmark ${side.toLowerCase()} folder`} onClick={() => void actions.bookmark(id)}>
              ☆
            </button>
          </Tooltip>
          <CollectionDetailsButton collectionId={pane.collection.id} side={side} />
        </span>
      </header>
      <nav className="crumbs" aria-label={`${side} breadcrumbs`}>
        {breadcrumbs(pane.path).map((c) => (
          <button key={c.path} type="button" className="link-button" onClick={() => void actions.list(id, c.path)}>
            {c.name}
          </button>
        ))}
      </nav>
      <form
        className="path-row"
        onSubmit={(e) => {
          e.preventDefault();
          void actions.list(id, shownPath);
          setPath(null);
        }}
      >
        <button type="button" onClick={() => void actions.up(id)} aria-label={`${side} pane: up one folder`}>
          ↑
        </button>
        <input aria-label={`${side} path`} value={shownPath} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
        <button type="submit">Go</button>
      </form>
      <div className="path-row pane-tools" role="toolbar" aria-label={`${side} pane actions`}>
        <input aria-label={`${side} filter by name`} placeholder="Filter by name" value={pane.filter} onChange={(e) => actions.setFilter(id, e.target.value)} />
        <label className="inline">
          <input type="checkbox" checked={pane.showHidden} onChange={(e) => actions.setShowHidden(id, e.target.checked)} /> Show hidden
        </label>
        <button type="button" onClick={() => setFolder('')}>
          New folder
        </button>
        <button
          type="button"
          disabled={selectedCount !== 1}
          title={selectedCount !== 1 ? 'Select exactly one item to rename' : undefined}
          onClick={() => setRenaming({ from: pane.selected[0] as string, to: pane.selected[0] as string })}
        >
          Rename
        </button>
        <button type="button" disabled={selectedCount === 0} title={selectedCount === 0 ? 'Select what to delete' : undefined} onClick={() => setConfirmDelete(true)}>
          Delete
        </button>
        <button type="button" onClick={() => void copyPath()} title="Copy the selected item's path, or the folder's">
          Copy path
        </button>
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
            if (folder.trim() && (await actions.mkdir(id, folder.trim()))) setFolder(null);
          }}
        >
          <input aria-label={`${side} new folder name`} value={folder} autoFocus onChange={(e) => setFolder(e.target.value)} placeholder="folder name" />
          <button type="submit" className="primary" disabled={!folder.trim() || /[/\\]/.test(folder)}>
            Create
          </button>
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
            if (await actions.rename(id, renaming.from, renaming.to)) setRenaming(null);
          }}
        >
          <input aria-label={`${side} new name for ${renaming.from}`} value={renaming.to} autoFocus onChange={(e) => setRenaming({ ...renaming, to: e.target.value })} />
          <button type="submit" className="primary" disabled={!renaming.to.trim() || /[/\\]/.test(renaming.to) || renaming.to === renaming.from}>
            Rename
          </button>
          <button type="button" onClick={() => setRenaming(null)}>
            Cancel
          </button>
        </form>
      )}
      <ConfirmDialog
        open={confirmDelete && selectedCount > 0}
        onOpenChange={setConfirmDelete}
        title={`Delete ${formatCount(selectedCount, 'item')} from ${pane.collection.display_name ?? pane.collection.id}?`}
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
      {pane.error && (
        <p className="field-error" role="alert">
          {pane.error}
        </p>
      )}
      {pane.loading && pane.entries.length === 0 ? (
        <p className="muted">Listing…</p>
      ) : (
        <table
          className="listing"
          aria-label={`${side} listing`}
          aria-busy={pane.loading}
          tabIndex={0}
          title="Arrow keys move, shift extends, Enter opens a folder, Backspace goes up, Ctrl+A selects all, Delete deletes"
          onKeyDown={(event) => {
            if ((event.target as HTMLElement).closest('input, button, select')) return;
            const only = pane.selected.length === 1 ? shown.find((e) => e.name === pane.selected[0]) : undefined;
            if (event.key === 'ArrowDown' || event.key === 'ArrowUp') actions.moveSelection(id, event.key === 'ArrowDown' ? 1 : -1, event.shiftKey);
            else if (event.key === 'Enter' && only?.type === 'dir') void actions.list(id, `${joinPath(pane.path, only.name)}/`);
            else if (event.key === 'Backspace') void actions.up(id);
            else if (event.key === 'a' && (event.ctrlKey || event.metaKey)) actions.selectAll(id, true);
            else if (event.key === 'Delete' && pane.selected.length > 0) setConfirmDelete(true);
            else if (event.key === 'Escape') actions.selectAll(id, false);
            else return;
            event.preventDefault();
          }}
        >
          <thead>
            <tr>
              <th scope="col">
                <input type="checkbox" aria-label={`Select all in ${side.toLowerCase()} pane`} checked={allSelected} onChange={(e) => actions.selectAll(id, e.target.checked)} />
              </th>
              {columns.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  className={c.num ? 'num' : undefined}
                  aria-sort={pane.sort.key === c.key ? (pane.sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  <button type="button" className="link-button" onClick={() => actions.sortBy(id, c.key)}>
                    {c.title}
                    {pane.sort.key === c.key ? (pane.sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && !pane.error && (
              <tr>
                <td colSpan={4} className="muted">
                  {pane.entries.length === 0 ? 'This folder is empty.' : 'Nothing here matches the filter.'}
                  {hiddenCount > 0 && pane.entries.length === hiddenCount ? ` (${formatCount(hiddenCount, 'hidden item')})` : ''}
                </td>
              </tr>
            )}
            {shown.map((e) => (
              <tr
                key={e.name}
                className={pane.selected.includes(e.name) ? 'selected' : undefined}
                onClick={(event) => clickRow(event, e.name)}
                aria-selected={pane.selected.includes(e.name)}
                draggable
                onDragStart={(event) => {
                  if (!pane.selected.includes(e.name)) actions.select(id, e.name, 'only');
                  dragFrom = id;
                  event.dataTransfer.setData(DRAG_TYPE, String(id));
                  event.dataTransfer.effectAllowed = 'copy';
                }}
                onDragEnd={() => {
                  dragFrom = null;
                }}
              >
                <td>
                  <input type="checkbox" aria-label={`Select ${e.name}`} checked={pane.selected.includes(e.name)} onChange={() => actions.toggle(id, e.name)} />
                </td>
                <td>
                  {e.type === 'dir' ? (
                    <button type="button" className="link-button" onClick={() => void actions.list(id, `${joinPath(pane.path, e.name)}/`)}>
                      <span className="folder-icon" aria-hidden="true" />
                      {e.name}
                    </button>
                  ) : (
                    <span>{e.name}</span>
                  )}
                </td>
                <td className="num">{e.type === 'dir' ? '' : formatBytes(e.size)}</td>
                <td title={e.last_modified ? formatExact(e.last_modified) : undefined}>{e.last_modified ? formatRelative(Date.parse(e.last_modified)) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selectedCount > 0 && <p className="muted small">{formatCount(selectedCount, 'item')} selected</p>}
    </section>
  );
}

const paneSelectors = [collectionsSelectors.pane(0), collectionsSelectors.pane(1)] as const;
function paneSelector(id: PaneId) {
  return paneSelectors[id];
}

/** Bookmarks kept only on this computer (from before Ferry used Globus' own), offered once for copying to Globus. */
function UploadOffer() {
  const offer = useAppStore(collectionsSelectors.uploadOffer);
  const actions = useAppStore(collectionsSelectors.actions);
  if (offer.length === 0) return null;
  return (
    <div className="notice" role="group" aria-label="Bookmarks on this computer">
      <p>
        {formatCount(offer.length, 'bookmark')} {offer.length === 1 ? 'is' : 'are'} kept only on this computer. Copy {offer.length === 1 ? 'it' : 'them'} to your
        Globus bookmarks, where the Globus web app shows {offer.length === 1 ? 'it' : 'them'} too?
      </p>
      <button type="button" className="primary" onClick={() => void actions.answerUploadOffer(true)}>
        Copy to Globus
      </button>{' '}
      <button type="button" onClick={() => void actions.answerUploadOffer(false)}>
        Keep them here
      </button>
    </div>
  );
}
