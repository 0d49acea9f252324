import { useId } from 'react';
import type { HttpsTransfer } from '../../../shared/contract/https-transfers';
import { formatBytes, formatCount, formatRate, formatRelative } from '../../../shared/format';
import { ActionButton, ActionReason } from '../../app/ui/action-button';
import { useAppStore } from '../../app/store-context';
import { actionBlocker, percentDone, stateLabel, type HttpsAction } from './https-transfer-model';
import { httpsTransfersSelectors } from './https-transfers-slice';
import './https-transfers.css';

const actionLabels: readonly (readonly [HttpsAction, string])[] = [
  ['pause', 'Pause'],
  ['resume', 'Resume'],
  ['cancel', 'Cancel'],
  ['remove', 'Remove'],
];

/** Files moved straight between this computer and a collection over HTTPS; shown only while there are some. */
export function HttpsTransfersPanel() {
  const items = useAppStore(httpsTransfersSelectors.items);
  if (items.length === 0) return null;
  return (
    <section className="panel https-transfers" aria-label="HTTPS transfers">
      <h2>HTTPS transfers</h2>
      <p className="muted small">Files moved straight between this computer and a collection that allows HTTPS access, without Globus Connect Personal.</p>
      <ConsentOffer />
      <ul className="https-list">
        {items.map((t) => (
          <HttpsTransferRow key={t.id} transfer={t} />
        ))}
      </ul>
    </section>
  );
}

function describe(t: HttpsTransfer): string {
  const where = t.collectionName ?? t.collectionId;
  const first = t.files[0];
  const what = t.fileCount === 1 && first ? baseName(first.source) : formatCount(t.fileCount, 'file');
  return t.direction === 'upload' ? `Upload ${what} to ${where}` : `Download ${what} from ${where}`;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

function HttpsTransferRow({ transfer: t }: { readonly transfer: HttpsTransfer }) {
  const pending = useAppStore(httpsTransfersSelectors.pending).includes(t.id);
  const { run } = useAppStore(httpsTransfersSelectors.actions);
  const reasonBase = useId();
  const reasons = [...new Set(actionLabels.map(([action]) => actionBlocker(action, t.state)).filter((r): r is string => r !== null))];
  const percent = percentDone(t);
  const title = describe(t);
  return (
    <li className={`https-row state-${t.state}`} aria-label={title}>
      <div className="https-head">
        <strong>{title}</strong>
        <span className={`https-state state-${t.state}`} role="status">
          {stateLabel(t.state)}
        </span>
      </div>
      <progress
        className="https-progress"
        max={100}
        value={percent ?? undefined}
        aria-label={`${title}: progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={percent === null ? 'Starting' : `${percent}%`}
      />
      <div className="https-facts muted small">
        <span>
          {formatBytes(t.doneBytes)} of {formatBytes(t.totalBytes)}
          {percent !== null ? ` (${percent}%)` : ''}
        </span>
        <span>
          {formatCount(t.filesDone)} of {formatCount(t.fileCount, 'file')}
        </span>
        {t.state === 'running' && <span>{formatRate(t.bytesPerSecond)}</span>}
        <span title={new Date(t.updatedAt).toISOString()}>{formatRelative(t.updatedAt)}</span>
      </div>
      {t.error && (
        <p className="field-error small" role="alert">
          {t.error}
        </p>
      )}
      <div className="https-actions" role="group" aria-label={`${title}: actions`}>
        {actionLabels.map(([action, label]) => {
          const reason = actionBlocker(action, t.state);
          return (
            <ActionButton key={action} disabled={pending} disabledReason={reason} reasonId={reason ? `${reasonBase}-${reasons.indexOf(reason)}` : undefined} onClick={() => void run(action, t.id)}>
              {label}
            </ActionButton>
          );
        })}
        {/* Buttons blocked for the same reason share one text. */}
        {reasons.map((reason, i) => (
          <ActionReason key={reason} id={`${reasonBase}-${i}`} reason={reason} />
        ))}
      </div>
    </li>
  );
}

/** A resume that waits for the person's consent to the collection's HTTPS access. */
function ConsentOffer() {
  const consent = useAppStore(httpsTransfersSelectors.consent);
  const actions = useAppStore(httpsTransfersSelectors.actions);
  if (!consent) return null;
  return (
    <div className="note warn pane-notice" role="alert">
      <span>{consent.message}</span>
      <button type="button" className="primary" disabled={consent.requested} onClick={() => void actions.grantConsent()}>
        {consent.requested ? 'Waiting for consent…' : 'Give consent'}
      </button>
    </div>
  );
}
