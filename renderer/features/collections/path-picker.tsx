import { useState } from 'react';
import { useAppStore } from '../../app/store-context';
import { collectionsSelectors, joinPath, parentPath } from './collections-slice';
import './collections.css';

export interface PathPickerProps {
  /** What the path is for, e.g. "Destination folder". */
  readonly label: string;
  /** The collection to browse ('' when none is chosen yet: the picker is then disabled). */
  readonly collectionId: string;
  /** Where browsing starts (the path typed so far, or the home folder). */
  readonly value: string;
  readonly onChange: (path: string) => void;
}

/** Browse the folders of a collection and choose one, next to a path field. */
export function PathPicker({ label, collectionId, value, onChange }: PathPickerProps) {
  const actions = useAppStore(collectionsSelectors.actions);
  const [at, setAt] = useState<string | null>(null);
  const [folders, setFolders] = useState<readonly string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const go = async (path: string) => {
    setBusy(true);
    setProblem(null);
    try {
      const listing = await actions.browseFolders(collectionId, path);
      setAt(listing.path);
      setFolders(listing.folders);
    } catch (error) {
      setAt(path);
      setFolders([]);
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  if (at === null) {
    return (
      <button
        type="button"
        className="link-button"
        disabled={!collectionId}
        title={collectionId ? undefined : 'Choose the collection first'}
        onClick={() => void go(value.trim().startsWith('/') ? value.trim() : '/~/')}
      >
        Browse folders for {label.toLowerCase()}
      </button>
    );
  }
  return (
    <div className="path-picker" role="group" aria-label={`${label}: browse folders`}>
      <div className="path-row">
        <span className="mono small">{at}</span>
        <button type="button" disabled={busy || at === '/'} onClick={() => void go(parentPath(at))}>
          Up
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => {
            onChange(at);
            setAt(null);
          }}
        >
          Use this folder
        </button>
        <button type="button" onClick={() => setAt(null)}>
          Close
        </button>
      </div>
      {problem && <p className="field-error">{problem}</p>}
      <ul className="result-list">
        {!problem && folders.length === 0 && <li className="muted">{busy ? 'Listing…' : 'No folders here.'}</li>}
        {folders.map((name) => (
          <li key={name}>
            <button type="button" className="link-button" onClick={() => void go(joinPath(at, name))}>
              <span className="folder-icon" aria-hidden="true" />
              {name}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
