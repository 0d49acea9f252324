import { useId, useState } from 'react';
import { useAppStore } from '../../app/store-context';
import type { CollectionSummary } from '../../../shared/globus-types';
import type { AppState } from '../../store/types';
import { collectionsSelectors } from './collections-slice';
import { servedFolders } from './pane-model';
import './collections.css';

export interface CollectionPickerProps {
  /** What the field is for, e.g. "Destination collection". */
  readonly label: string;
  /** The chosen collection's id ('' for none). */
  readonly value: string;
  readonly onChange: (collection: CollectionSummary) => void;
  /** A problem with the choice, shown under the field. */
  readonly error?: string | undefined;
}

const endpointRows = (s: AppState) => s.connectors.globusEndpointRows;

/** One collection in a list of matches: its name, owner and id; `named`: the button's name is the collection's alone. */
export function CollectionResult({ collection: c, onChoose, named = false }: { readonly collection: CollectionSummary; readonly onChoose: (c: CollectionSummary) => void; readonly named?: boolean }) {
  return (
    <button type="button" className="result" aria-label={named ? (c.display_name ?? c.id) : undefined} onClick={() => onChoose(c)}>
      <strong>{c.display_name ?? c.id}</strong>
      <span className="muted">{c.owner_string ?? ''}</span>
      <span className="mono muted small">{c.id}</span>
    </button>
  );
}

/**
 * One collection picker for every form: search by name, a bookmark, a recent collection, or a
 * pasted id or Globus web app link. Nobody types a UUID by hand unless they want to. When Ferry
 * knows which folder of this machine the chosen collection serves (the Globus endpoints file), it
 * says so.
 */
export function CollectionPicker({ label, value, onChange, error }: CollectionPickerProps) {
  const uid = useId();
  const bookmarks = useAppStore(collectionsSelectors.bookmarks);
  const recent = useAppStore(collectionsSelectors.recent);
  const actions = useAppStore(collectionsSelectors.actions);
  const rows = useAppStore(endpointRows);
  const here = useAppStore(collectionsSelectors.thisComputer);
  const [text, setText] = useState('');
  const [found, setFound] = useState<readonly CollectionSummary[] | null>(null);
  const [picked, setPicked] = useState<CollectionSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const hereSummary: CollectionSummary | null = here ? { id: here.collectionId, display_name: here.displayName ?? 'This computer' } : null;
  const known = [...(hereSummary ? [hereSummary] : []), ...recent, ...bookmarks.map((b) => ({ id: b.collectionId, display_name: b.displayName }))];
  const chosen = (picked?.id === value ? picked : null) ?? known.find((c) => c.id === value) ?? found?.find((c) => c.id === value);
  const served = value ? servedFolders(rows ?? [], value) : [];
  const choose = (c: CollectionSummary) => {
    setPicked(c);
    onChange(c);
    setFound(null);
    setText('');
  };
  const find = async () => {
    setBusy(true);
    try {
      setFound(await actions.findCollections(text));
    } finally {
      setBusy(false);
    }
  };
  const shortcuts = known.filter((c, i) => known.findIndex((k) => k.id === c.id) === i).slice(0, 8);
  return (
    <div className="collection-picker" role="group" aria-labelledby={`${uid}-label`}>
      <span id={`${uid}-label`}>{label}</span>
      <span className="muted small" aria-label={`${label}: chosen`}>
        {value ? (chosen?.display_name ?? value) : 'none chosen'}
      </span>
      {here && value === here.collectionId && (
        <span className="muted small" aria-label={`${label}: this computer`}>
          This computer (Globus Connect Personal), serving {here.folders.map((f) => f.path).join(', ')}
        </span>
      )}
      {served.map((s) => (
        <span key={`${s.endpointPath}|${s.localPath}`} className="muted small" aria-label={`${label}: local folder`}>
          Serves <span className="mono">{s.localPath}</span> on this machine as <span className="mono">{s.endpointPath}</span> (Globus endpoints file)
        </span>
      ))}
      <div className="search-row">
        <input
          aria-label={`${label}: search by name or paste an id`}
          aria-invalid={error !== undefined}
          value={text}
          placeholder="Search by name, or paste an id or link"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              if (text.trim()) void find();
            }
          }}
        />
        <button type="button" aria-label={`Find ${label.toLowerCase()}`} disabled={busy || !text.trim()} onClick={() => void find()}>
          {busy ? 'Finding…' : 'Find'}
        </button>
      </div>
      {found !== null && (
        <ul className="result-list" aria-label={`${label}: matches`}>
          {found.length === 0 && <li className="muted">No collection matches.</li>}
          {found.map((c) => (
            <li key={c.id}>
              <CollectionResult collection={c} onChoose={choose} named />
            </li>
          ))}
        </ul>
      )}
      {shortcuts.length > 0 && (
        <div className="bookmarks" aria-label={`${label}: recent and bookmarked`}>
          {shortcuts.map((c) => (
            <button key={c.id} type="button" className="chip" aria-pressed={c.id === value} onClick={() => choose(c)}>
              {here && c.id === here.collectionId ? (here.displayName ? `This computer · ${here.displayName}` : 'This computer') : (c.display_name ?? c.id)}
            </button>
          ))}
        </div>
      )}
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
