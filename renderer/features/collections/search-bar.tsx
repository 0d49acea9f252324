import { ActionButton } from '../../app/ui/action-button';
import { Tooltip } from '../../app/ui/tooltip';
import { useAppStore } from '../../app/store-context';
import { formatCount } from '../../../shared/format';
import { CollectionResult } from './collection-picker';
import { collectionsSelectors, type PaneId } from './collections-slice';

/** Search for collections, the pane a result opens in, and the bookmarks. */
export function SearchBar() {
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
        <ActionButton type="submit" disabled={searching} disabledReason={text.trim() ? null : 'Type a name, owner or id first.'}>
          {searching ? 'Searching…' : 'Search'}
        </ActionButton>
      </form>
      {results.length > 0 && (
        <ul className="result-list" aria-label="Search results">
          {results.map((c) => (
            <li key={c.id}>
              <CollectionResult collection={c} onChoose={(chosen) => void actions.open(target, chosen)} />
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
