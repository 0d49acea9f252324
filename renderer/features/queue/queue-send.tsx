import { useId, useState, type FormEvent } from 'react';
import { formatCount } from '../../../shared/format';
import { UUID_PATTERN } from '../../../shared/ids';
import type { CollectionSummary } from '../../../shared/globus-types';
import { useAppStore } from '../../app/store-context';
import { queueSelectors } from './queue-slice';
import { parsePaths, validateSend, type CollectionChoice } from './send-form';

/** A person's "send these files to collection X" without the API. */
export function SendFilesForm({ names }: { names: ReadonlyMap<string, string> }) {
  const actions = useAppStore(queueSelectors.actions);
  const sending = useAppStore(queueSelectors.sending);
  const [source, setSource] = useState<CollectionChoice | null>(null);
  const [destination, setDestination] = useState<CollectionChoice | null>(null);
  const [pathsText, setPathsText] = useState('');
  const [folder, setFolder] = useState('/');
  const [tried, setTried] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const paths = parsePaths(pathsText);
  const errors = validateSend({ source, paths, destination, folder });
  const shown = tried ? errors : null;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setMessage(null);
    if (errors || !source || !destination) return;
    const result = await actions.send({
      source: source.id,
      destination: destination.id,
      destinationFolder: folder.trim(),
      files: paths.map((path) => ({ path })),
    });
    if (!result) return;
    const where = destination.name ?? names.get(destination.id) ?? destination.id;
    setMessage(
      result.duplicate
        ? 'This request was already in the queue; nothing was added again.'
        : `Added ${formatCount(result.inserted, 'file')} for ${where} to the queue.`,
    );
    setPathsText('');
    setTried(false);
  };

  return (
    <section className="q-panel" aria-labelledby="q-send-title">
      <h2 id="q-send-title">Send files</h2>
      <form className="form q-send" aria-labelledby="q-send-title" noValidate onSubmit={(e) => void onSubmit(e)}>
        <CollectionField label="Source collection" value={source} onChange={setSource} error={shown?.source} />
        <div className="q-field">
          <label htmlFor="q-paths">Files and folders</label>
          <textarea
            id="q-paths"
            rows={4}
            value={pathsText}
            placeholder={'/data/run1/image-001.tif\n/data/run2/'}
            aria-invalid={shown?.paths !== undefined}
            aria-describedby="q-paths-help"
            onChange={(e) => setPathsText(e.target.value)}
          />
          <p id="q-paths-help" className="help">
            One path per line on the source collection. End a folder with / to send every file in it.
          </p>
          {shown?.paths && <p className="field-error">{shown.paths}</p>}
        </div>
        <CollectionField label="Destination collection" value={destination} onChange={setDestination} error={shown?.destination} />
        <div className="q-field">
          <label htmlFor="q-folder">Destination folder</label>
          <input id="q-folder" type="text" value={folder} aria-invalid={shown?.folder !== undefined} onChange={(e) => setFolder(e.target.value)} />
          {shown?.folder && <p className="field-error">{shown.folder}</p>}
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={sending}>
            {sending ? 'Adding…' : 'Add to queue'}
          </button>
          {message && (
            <p role="status" className="q-sent">
              {message}
            </p>
          )}
        </div>
      </form>
    </section>
  );
}

function CollectionField({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: CollectionChoice | null;
  onChange: (choice: CollectionChoice | null) => void;
  error: string | undefined;
}) {
  const actions = useAppStore(queueSelectors.actions);
  const id = useId();
  const [text, setText] = useState('');
  const [results, setResults] = useState<readonly CollectionSummary[] | null>(null);
  const [searching, setSearching] = useState(false);

  const find = async () => {
    const q = text.trim();
    if (q.length === 0) return;
    setSearching(true);
    setResults(await actions.findCollections(q));
    setSearching(false);
  };

  return (
    <div className="q-field">
      <label htmlFor={id}>{label}</label>
      <div className="q-find">
        <input
          id={id}
          type="text"
          value={text}
          placeholder="Collection name or id"
          aria-invalid={error !== undefined}
          onChange={(e) => {
            const next = e.target.value;
            setText(next);
            setResults(null);
            onChange(UUID_PATTERN.test(next.trim()) ? { id: next.trim(), name: null } : null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void find();
            }
          }}
        />
        <button type="button" aria-label={`Find ${label.toLowerCase()}`} disabled={searching || text.trim().length === 0} onClick={() => void find()}>
          {searching ? 'Finding…' : 'Find'}
        </button>
      </div>
      {results !== null && (
        <ul className="q-matches" aria-label={`${label} matches`}>
          {results.length === 0 && <li className="muted">No collection matches “{text.trim()}”.</li>}
          {results.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  onChange({ id: c.id, name: c.display_name });
                  setText(c.display_name ?? c.id);
                  setResults(null);
                }}
              >
                {c.display_name ?? c.id}
              </button>
              {c.owner_string && <span className="q-sub"> {c.owner_string}</span>}
            </li>
          ))}
        </ul>
      )}
      {value && (
        <p className="help">
          Chosen: {value.name ? `${value.name} ` : ''}
          <span className="mono">{value.id}</span>
        </p>
      )}
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
