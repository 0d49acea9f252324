import { useState, type FormEvent } from 'react';
import { formatCount } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { CollectionPicker } from '../collections/collection-picker';
import { PathPicker } from '../collections/path-picker';
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
        <CollectionPicker
          label="Source collection"
          value={source?.id ?? ''}
          error={shown?.source}
          onChange={(c) => setSource({ id: c.id, name: c.display_name })}
        />
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
          <PathPicker
            label="Files and folders"
            collectionId={source?.id ?? ''}
            value="/~/"
            onChange={(p) => setPathsText((t) => `${t.trim() ? `${t.trimEnd()}\n` : ''}${p.endsWith('/') ? p : `${p}/`}`)}
          />
        </div>
        <CollectionPicker
          label="Destination collection"
          value={destination?.id ?? ''}
          error={shown?.destination}
          onChange={(c) => setDestination({ id: c.id, name: c.display_name })}
        />
        <div className="q-field">
          <label htmlFor="q-folder">Destination folder</label>
          <input id="q-folder" type="text" value={folder} aria-invalid={shown?.folder !== undefined} onChange={(e) => setFolder(e.target.value)} />
          {shown?.folder && <p className="field-error">{shown.folder}</p>}
          <PathPicker label="Destination folder" collectionId={destination?.id ?? ''} value={folder} onChange={setFolder} />
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
