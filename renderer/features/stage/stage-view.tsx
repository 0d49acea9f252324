import { useState, type ChangeEvent, type ReactNode } from 'react';
import { formatBytes, formatCount } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import type { StoredKey } from '../../../shared/contract/connectors';
import { parseList } from '../../app/list-text';
import { connectorsSelectors } from '../connectors/connectors-slice';
import { routeWords } from '../connectors/route-words';
import { copyKeyText, keyText, matchPastedKey, type PastedKeyMatch } from './proxystore-keys';
import { keyStatusId, stageSelectors, type StageItem } from './stage-slice';
import './stage.css';

function percent(done: number, total: number): number {
  if (total <= 0) return done > 0 ? 100 : 0;
  return Math.min(100, Math.round((done / total) * 100));
}

/** Drop or pick files, see where each would go, put them with progress, then use their keys. */
export function StageView() {
  const stage = useAppStore(stageSelectors.items);
  const overall = useAppStore(stageSelectors.overall);
  const putting = useAppStore(stageSelectors.putting);
  const tags = useAppStore(stageSelectors.tags);
  const keys = useAppStore(stageSelectors.keys);
  const actions = useAppStore(stageSelectors.actions);
  const go = useAppStore((s) => s.nav.go);
  const savedDrafts = useAppStore(connectorsSelectors.draftsSaved);
  const draftsDirty = useAppStore(connectorsSelectors.draftsDirty);
  const draftsCheck = useAppStore(connectorsSelectors.draftsCheck);
  const [subsetText, setSubsetText] = useState('');
  const [supersetText, setSupersetText] = useState('');

  const picked = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.target;
    const files = Array.from(input.files ?? []);
    await actions.stageFiles(files);
    input.value = '';
  };
  const ready = stage.filter((i) => i.error === null && i.progress?.state !== 'done');
  const needsSignIn = ready.some((i) => i.needsSignIn);
  // Why a file has nowhere to go, reason first; the check's size bounds hold for the saved connectors only while nothing is edited.
  const nowhere = (item: StageItem) =>
    routeWords(item.route, { size: formatBytes(item.sizeBytes), ...tags }, savedDrafts, draftsDirty ? null : draftsCheck).headline;

  return (
    <div className="st-stage">
      <section className="panel st-stage-panel" aria-labelledby="st-stage-title">
        <div className="st-toolbar">
          <h2 id="st-stage-title" className="st-title">
            Staged files
          </h2>
          <span className="st-spacer" />
          <label className="st-button-like" htmlFor="st-stage-pick">
            Add files…
          </label>
          <input id="st-stage-pick" type="file" multiple className="visually-hidden" aria-label="Add files to the stage" onChange={(e) => void picked(e)} />
          <button type="button" onClick={() => actions.clearStage()} disabled={stage.length === 0 || putting}>
            Clear
          </button>
        </div>
        <p className="help">Drop files anywhere on the window, or add them here. Each goes to the connector its size and tags pick.</p>
        <div className="st-grid st-stage-tags">
          <div className="st-field">
            <label htmlFor="st-stage-subset">Tags</label>
            <input
              id="st-stage-subset"
              value={subsetText}
              placeholder="comma separated"
              onChange={(e) => {
                setSubsetText(e.target.value);
                actions.setTags({ ...tags, subsetTags: parseList(e.target.value) });
              }}
            />
          </div>
          <div className="st-field">
            <label htmlFor="st-stage-superset">Required tags</label>
            <input
              id="st-stage-superset"
              value={supersetText}
              placeholder="comma separated"
              onChange={(e) => {
                setSupersetText(e.target.value);
                actions.setTags({ ...tags, supersetTags: parseList(e.target.value) });
              }}
            />
          </div>
        </div>

        {stage.length === 0 ? (
          <div className="empty-state st-drop-hint">
            <p>Drop files anywhere on the window to put them through a connector.</p>
          </div>
        ) : (
          <table className="st-table" aria-label="Staged files">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Size</th>
                <th scope="col">Connector</th>
                <th scope="col">Progress</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {stage.map((item) => (
                <StagedRow key={item.id} item={item} nowhere={nowhere} busy={putting} onRemove={() => actions.unstage(item.id)} />
              ))}
            </tbody>
          </table>
        )}

        {needsSignIn && (
          <p className="note warn st-note" role="alert">
            Some files would go through a GlobusConnector: sign in to Globus to put them.{' '}
            <button type="button" className="link-button" onClick={() => go('account')}>
              Go to Account
            </button>
          </p>
        )}

        {overall && (
          <div className="st-overall">
            <span>
              Overall: {formatCount(overall.done)} of {formatCount(overall.count, 'file')} put
              {overall.failed > 0 ? `, ${formatCount(overall.failed)} failed` : ''} ({formatBytes(overall.doneBytes)} of {formatBytes(overall.totalBytes)})
            </span>
            <ProgressBar label="Overall progress" value={percent(overall.doneBytes, overall.totalBytes)} failed={overall.failed > 0} />
          </div>
        )}

        <div className="form-actions st-actions">
          <span className="st-spacer" />
          <button type="button" className="primary" disabled={ready.length === 0 || putting} onClick={() => void actions.putAll()}>
            {putting ? 'Putting…' : ready.length === 0 ? 'Nothing to put' : `Put ${formatCount(ready.length, 'file')}`}
          </button>
        </div>
      </section>
      <KeysPanel keys={keys} />
    </div>
  );
}

function ProgressBar({ label, value, failed = false }: { label: string; value: number; failed?: boolean }) {
  return (
    <div className={`st-progress${failed ? ' st-progress-failed' : ''}`} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value}>
      <div className="st-progress-fill" style={{ width: `${value}%` }} />
    </div>
  );
}

function StagedRow({ item, nowhere, busy, onRemove }: { item: StageItem; nowhere(item: StageItem): string; busy: boolean; onRemove(): void }) {
  const p = item.progress;
  const value = p ? (p.state === 'done' ? 100 : percent(p.doneBytes, p.totalBytes || item.sizeBytes)) : 0;
  let connector: ReactNode;
  if (item.error) connector = <span className="field-error">{item.error}</span>;
  else if (item.route.chosen)
    connector = (
      <>
        <strong>{item.route.chosen}</strong>
        {item.needsSignIn && <span className="st-badge st-badge-warn">needs Globus sign-in</span>}
      </>
    );
  else
    connector = (
      <span className="field-error" title={item.route.message}>
        {nowhere(item)}
      </span>
    );
  return (
    <tr data-testid="staged-row">
      <td className="mono" title={item.path}>
        {item.name}
      </td>
      <td>{formatBytes(item.sizeBytes)}</td>
      <td>{connector}</td>
      <td className="st-progress-cell">
        <ProgressBar label={`Progress of ${item.name}`} value={value} failed={p?.state === 'failed'} />
        <span className="muted st-progress-text">
          {p === null ? 'staged' : p.state === 'failed' ? (p.error ?? 'failed') : p.state === 'done' ? 'done' : p.state === 'queued' ? 'waiting' : `${value}%`}
        </span>
      </td>
      <td>
        <button type="button" className="link-button" aria-label={`Remove ${item.name} from the stage`} onClick={onRemove} disabled={busy}>
          Remove
        </button>
      </td>
    </tr>
  );
}

/** Paste a key from Python (its repr, e.g. `MultiKey(connector_name=…, connector_key=GlobusKey(…))`) to find its object. */
function PasteKey({ keys }: { keys: readonly StoredKey[] }) {
  const [text, setText] = useState('');
  const [match, setMatch] = useState<PastedKeyMatch | null>(null);
  const actions = useAppStore(stageSelectors.actions);
  const found = match?.ok ? match.stored : null;
  return (
    <form
      className="st-paste-key"
      onSubmit={(e) => {
        e.preventDefault();
        setMatch(matchPastedKey(text, keys));
      }}
    >
      <label htmlFor="st-paste-key">Paste a ProxyStore key</label>
      <textarea
        id="st-paste-key"
        className="mono"
        rows={2}
        value={text}
        placeholder="MultiKey(connector_name='globus', connector_key=GlobusKey(filename='…', task_id=('…',)))"
        onChange={(e) => {
          setText(e.target.value);
          setMatch(null);
        }}
      />
      <button type="submit" disabled={text.trim() === ''}>
        Find key
      </button>
      {match && !match.ok && <p className="field-error">{match.error}</p>}
      {match?.ok && found && (
        <div className="st-key-buttons" role="status">
          <span>
            This is <span className="mono">{found.name}</span>.
          </span>
          <button type="button" onClick={() => void actions.checkExists(found.id)}>
            Exists?
          </button>
          <button type="button" onClick={() => void actions.getToFile(found.id, null)}>
            Get to file
          </button>
          <button type="button" onClick={() => void actions.evict(found.id)}>
            Evict
          </button>
        </div>
      )}
      {match?.ok && !found && <PastedKeyActions text={text} readAs={keyText(match.key)} />}
    </form>
  );
}

/** Exists / get / evict for a pasted key Ferry holds no record of (an object Python put). */
function PastedKeyActions({ text, readAs }: { text: string; readAs: string }) {
  const ref = { pasted: text };
  const status = useAppStore((s) => s.stage.keyStatus[keyStatusId(ref)]);
  const actions = useAppStore(stageSelectors.actions);
  return (
    <div className="st-pasted" role="group" aria-label="The pasted key">
      <p className="help">
        Read as <span className="mono">{readAs}</span>. Ferry did not put this object; it asks the connector the key names.
      </p>
      <div className="st-key-buttons">
        <button type="button" disabled={status?.busy} onClick={() => void actions.checkExists(ref)}>
          Exists?
        </button>
        {status?.exists === true && <span className="st-badge st-badge-ok">exists</span>}
        {status?.exists === false && <span className="st-badge st-badge-warn">missing</span>}
        <button type="button" disabled={status?.busy} onClick={() => void actions.getToFile(ref, null)}>
          Get to file
        </button>
        <button type="button" disabled={status?.busy} onClick={() => void actions.evict(ref)}>
          Evict
        </button>
      </div>
      {status?.gotTo && (
        <p role="status">
          Written to <span className="mono">{status.gotTo}</span>
        </p>
      )}
      {status?.error && <p className="field-error">{status.error}</p>}
    </div>
  );
}

function KeysPanel({ keys }: { keys: readonly StoredKey[] }) {
  return (
    <section className="panel st-keys" aria-labelledby="st-keys-title">
      <h2 id="st-keys-title" className="st-title">
        Keys
      </h2>
      <PasteKey keys={keys} />
      {keys.length === 0 ? (
        <p className="muted">Objects you put appear here with their keys.</p>
      ) : (
        <table className="st-table" aria-label="Keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Connector</th>
              <th scope="col">Key</th>
              <th scope="col">Size</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <KeyRow key={k.id} stored={k} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function KeyRow({ stored }: { stored: StoredKey }) {
  const status = useAppStore((s) => s.stage.keyStatus[stored.id]);
  const actions = useAppStore(stageSelectors.actions);
  const [dest, setDest] = useState('');
  const [copied, setCopied] = useState<boolean | null>(null);
  const id = `st-dest-${stored.id}`;
  const whole = keyText(stored.key);
  return (
    <tr data-testid="key-row">
      <td className="mono">{stored.name}</td>
      <td>
        {stored.connectorName} <span className="muted">({stored.connectorType})</span>
      </td>
      <td className="st-key">
        <code className="mono st-key-text" data-testid="key-text">
          {whole}
        </code>
        <button
          type="button"
          onClick={() => void copyKeyText(whole).then(setCopied)}
          aria-label={`Copy the ProxyStore key of ${stored.name}`}
        >
          Copy key
        </button>
        {copied === true && <span className="muted"> copied</span>}
        {copied === false && <span className="field-error"> the clipboard refused; select the key and copy it</span>}
      </td>
      <td>{formatBytes(stored.sizeBytes)}</td>
      <td className="st-key-actions">
        <div className="st-key-buttons">
          <button type="button" disabled={status?.busy} onClick={() => void actions.checkExists(stored.id)} aria-label={`Check that ${stored.name} exists`}>
            Exists?
          </button>
          {status?.exists === true && <span className="st-badge st-badge-ok">exists</span>}
          {status?.exists === false && <span className="st-badge st-badge-warn">missing</span>}
          <button type="button" disabled={status?.busy} onClick={() => void actions.evict(stored.id)} aria-label={`Evict ${stored.name}`}>
            Evict
          </button>
        </div>
        <form
          className="st-get"
          onSubmit={(e) => {
            e.preventDefault();
            void actions.getToFile(stored.id, dest.trim() === '' ? null : dest.trim());
          }}
        >
          <label htmlFor={id} className="visually-hidden">
            Destination for {stored.name}
          </label>
          <input id={id} className="mono" value={dest} placeholder="default: the downloads folder" onChange={(e) => setDest(e.target.value)} />
          <button type="submit" disabled={status?.busy} aria-label={`Get ${stored.name} to a file`}>
            Get to file
          </button>
        </form>
        {status?.gotTo && (
          <p className="help" role="status">
            Saved to <span className="mono">{status.gotTo}</span>
          </p>
        )}
        {status?.error && <p className="field-error">{status.error}</p>}
      </td>
    </tr>
  );
}
