import { useState, type DragEvent } from 'react';
import { formatCount } from '../../../shared/format';
import { Tooltip } from '../../app/ui/tooltip';
import { useAppStore } from '../../app/store-context';
import { CollectionDetailsButton } from './collection-details';
import { collectionsSelectors, type PaneId } from './collections-slice';
import { dropKind, itemsDragSource, LOCAL_DROP_ZONE, type DropKind } from './pane-drop';
import { PaneListing } from './pane-listing';
import { breadcrumbs, folderKey } from './pane-model';
import { PaneNoticeView } from './pane-notice';
import { PaneToolbar } from './pane-toolbar';

const paneSelectors = [collectionsSelectors.pane(0), collectionsSelectors.pane(1)] as const;

/**
 * One side of the Collections area: a collection folder to browse. It takes two kinds of drop:
 * items dragged from the other pane (a Globus transfer) and files from this computer (sent to
 * this folder with Globus from This computer, or over HTTPS).
 */
export function Pane({ id }: { readonly id: PaneId }) {
  const pane = useAppStore(paneSelectors[id]);
  const actions = useAppStore(collectionsSelectors.actions);
  const [path, setPath] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [dropping, setDropping] = useState<DropKind | null>(null);
  const side = id === 0 ? 'Left' : 'Right';

  if (!pane.collection) {
    return (
      <section className="pane panel empty" aria-label={`${side} pane`}>
        <p className="muted">Search for a collection above and open it here.</p>
      </section>
    );
  }
  const collectionName = pane.collection.display_name ?? pane.collection.id;
  const shownPath = path ?? pane.path;
  const kindOf = (event: DragEvent) => dropKind(id, Array.from(event.dataTransfer.types));

  return (
    <section
      className={`pane panel${dropping ? ' drop-target' : ''}`}
      aria-label={`${side} pane`}
      {...{ [LOCAL_DROP_ZONE]: '' }}
      onDragOver={(event) => {
        const kind = kindOf(event);
        if (!kind) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDropping(kind);
      }}
      onDragLeave={(event) => {
        if (!(event.relatedTarget instanceof Node) || !event.currentTarget.contains(event.relatedTarget)) setDropping(null);
      }}
      onDrop={(event) => {
        setDropping(null);
        const kind = kindOf(event);
        if (!kind) return;
        event.preventDefault();
        if (kind === 'local') {
          void actions.sendDropped(id, event.dataTransfer.getData('text/uri-list'), Array.from(event.dataTransfer.files));
          return;
        }
        const from = itemsDragSource();
        if (from === null) return;
        actions.setDirection(from);
        void actions.transfer(from);
      }}
    >
      {dropping === 'local' && (
        <div className="pane-drop-hint" role="status">
          Drop to send to {collectionName} <span className="mono">{folderKey(pane.path)}</span>
        </div>
      )}
      <header className="pane-header">
        <strong>{collectionName}</strong>
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
      <PaneToolbar id={id} side={side} confirmDelete={confirmDelete} setConfirmDelete={setConfirmDelete} />
      <PaneNoticeView id={id} />
      {pane.error && (
        <p className="field-error" role="alert">
          {pane.error}
        </p>
      )}
      <PaneListing id={id} side={side} onDelete={() => setConfirmDelete(true)} />
      {pane.selected.length > 0 && <p className="muted small">{formatCount(pane.selected.length, 'item')} selected</p>}
      <p className="muted small pane-drop-help">Drop files from this computer here to send them to this folder.</p>
    </section>
  );
}
