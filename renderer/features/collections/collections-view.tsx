import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../app/store-context';
import { formatBytes, formatExact, formatRelative } from '../../../shared/format';
import { accountSelectors } from '../account/account-slice';
import { collectionsSelectors, type PaneId } from './collections-slice';
import './collections.css';

export function CollectionsView() {
  const signedIn = useAppStore(accountSelectors.signedIn);
  const go = useAppStore((s) => s.nav.go);
  const consent = useAppStore(collectionsSelectors.consent);
  const actions = useAppStore(collectionsSelectors.actions);
  const lastSubmitted = useAppStore(collectionsSelectors.lastSubmitted);
  const consentName = useAppStore((s) => {
    const c = s.collections.consent;
    const shown = c ? s.collections.panes[c.pane].collection : null;
    return shown && c && shown.id === c.collectionId ? shown.display_name : null;
  });
  const sourceReady = useAppStore((s) => s.collections.panes[0].collection !== null && s.collections.panes[1].collection !== null);
  const [label, setLabel] = useState('');
  const [direction, setDirection] = useState<PaneId>(0);

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
    if (await actions.transfer(direction, label)) setLabel('');
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
        <label htmlFor="transfer-direction">Send selected</label>
        <select id="transfer-direction" value={direction} onChange={(e) => setDirection(Number(e.target.value) as PaneId)}>
          <option value={0}>left → right</option>
          <option value={1}>right → left</option>
        </select>
        <label htmlFor="transfer-label">Label</label>
        <input id="transfer-label" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="optional" maxLength={128} />
        <button type="submit" className="primary" disabled={!sourceReady}>
          Start transfer
        </button>
        {lastSubmitted && (
          <span role="status" className="muted">
            Submitted task <span className="mono">{lastSubmitted.taskId}</span>.{' '}
            <button type="button" className="link-button" onClick={() => go('activity')}>
              Watch it in Activity
            </button>
          </span>
        )}
      </form>
    </div>
  );
}

function SearchBar() {
  const results = useAppStore(collectionsSelectors.results);
  const searching = useAppStore(collectionsSelectors.searching);
  const bookmarks = useAppStore(collectionsSelectors.bookmarks);
  const actions = useAppStore(collectionsSelectors.actions);
  const [text, setText] = useState('');
  const [target, setTarget] = useState<PaneId>(0);
  return (
    <section className="panel search" aria-label="Find collections">
      <form
        className="search-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) void actions.search(text.trim());
        }}
      >
        <input aria-label="Search collections" placeholder="Search collections by name, owner or id" value={text} onChange={(e) => setText(e.target.value)} />
        <select aria-label="Open in" value={target} onChange={(e) => setTarget(Number(e.target.value) as PaneId)}>
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
      {bookmarks.length > 0 && (
        <div className="bookmarks" aria-label="Bookmarks">
          {bookmarks.map((b) => (
            <span key={b.id} className="chip">
              <button type="button" className="link-button" onClick={() => void actions.openBookmark(target, b)} title={b.path}>
                ★ {b.displayName} <span className="muted">{b.path}</span>
              </button>
              <button type="button" className="icon-button" aria-label={`Remove bookmark ${b.displayName} ${b.path}`} onClick={() => void actions.removeBookmark(b.id)}>
                ×
              </button>
            </span>
          ))}
        </div>
      )}
    </section>
  );
}

function Pane({ id }: { id: PaneId }) {
  const pane = useAppStore(paneSelector(id));
  const actions = useAppStore(collectionsSelectors.actions);
  const [path, setPath] = useState<string | null>(null);
  const [folder, setFolder] = useState<string | null>(null);
  const side = id === 0 ? 'Left' : 'Right';

  if (!pane.collection) {
    return (
      <section className="pane panel empty" aria-label={`${side} pane`}>
        <p className="muted">Search for a collection above and open it here.</p>
      </section>
    );
  }
  const shownPath = path ?? pane.path;
  return (
    <section className="pane panel" aria-label={`${side} pane`}>
      <header className="pane-header">
        <strong>{pane.collection.display_name ?? pane.collection.id}</strong>
        <button type="button" className="icon-button" title="Bookmark this folder" aria-label={`Bookmark ${side.toLowerCase()} folder`} onClick={() => void actions.bookmark(id)}>
          ☆
        </button>
      </header>
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
        <button type="button" onClick={() => setFolder('')}>
          New folder
        </button>
      </form>
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
      {pane.error && (
        <p className="field-error" role="alert">
          {pane.error}
        </p>
      )}
      {pane.loading ? (
        <p className="muted">Listing…</p>
      ) : (
        <table className="listing" aria-label={`${side} listing`}>
          <thead>
            <tr>
              <th scope="col" aria-label="Select" />
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Modified</th>
            </tr>
          </thead>
          <tbody>
            {pane.entries.length === 0 && !pane.error && (
              <tr>
                <td colSpan={4} className="muted">
                  This folder is empty.
                </td>
              </tr>
            )}
            {pane.entries.map((e) => (
              <tr key={e.name} className={pane.selected.includes(e.name) ? 'selected' : undefined}>
                <td>
                  <input type="checkbox" aria-label={`Select ${e.name}`} checked={pane.selected.includes(e.name)} onChange={() => actions.toggle(id, e.name)} />
                </td>
                <td>
                  {e.type === 'dir' ? (
                    <button type="button" className="link-button" onClick={() => void actions.list(id, `${pane.path.replace(/\/?$/, '/')}${e.name}/`)}>
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
    </section>
  );
}

const paneSelectors = [collectionsSelectors.pane(0), collectionsSelectors.pane(1)] as const;
function paneSelector(id: PaneId) {
  return paneSelectors[id];
}
