import { useId, useState, type FormEvent } from 'react';
import { ActionButton, ActionReason } from '../../app/ui/action-button';
import { useAppStore } from '../../app/store-context';
import { collectionsSelectors, type PaneId } from './collections-slice';
import { TransferOptions } from './transfer-options';
import { PreviewPanel } from './transfer-preview';

const MIRROR_NEEDS_PREVIEW = 'Preview what the mirror copies and deletes before starting it.';

/** Direction, label, Start transfer and Preview (each saying why it cannot run), and the transfer options. */
export function TransferBar() {
  const go = useAppStore((s) => s.nav.go);
  const actions = useAppStore(collectionsSelectors.actions);
  const lastSubmitted = useAppStore(collectionsSelectors.lastSubmitted);
  const direction = useAppStore(collectionsSelectors.direction);
  const label = useAppStore(collectionsSelectors.label);
  const blocker = useAppStore(collectionsSelectors.transferBlocker);
  const needsPreview = useAppStore(collectionsSelectors.needsPreview);
  const preview = useAppStore(collectionsSelectors.preview);
  const [sending, setSending] = useState(false);
  const reasonId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    try {
      await actions.transfer(direction);
    } finally {
      setSending(false);
    }
  };
  const startReason = blocker ?? (needsPreview ? MIRROR_NEEDS_PREVIEW : null);

  return (
    <form className="transfer-bar panel" onSubmit={submit} aria-label="Start a transfer">
      <div className="transfer-row">
        <label htmlFor="transfer-direction">Send selected</label>
        <select id="transfer-direction" value={direction} onChange={(e) => actions.setDirection(Number(e.target.value) as PaneId)}>
          <option value={0}>left → right</option>
          <option value={1}>right → left</option>
        </select>
        <label htmlFor="transfer-label">Label</label>
        <input id="transfer-label" value={label} onChange={(e) => actions.setLabel(e.target.value)} placeholder="optional" maxLength={128} />
        <ActionButton type="submit" className="primary" disabled={sending} disabledReason={startReason} reasonId={reasonId}>
          Start transfer
        </ActionButton>
        <ActionButton
          className={needsPreview ? 'primary' : undefined}
          disabled={preview?.loading === true}
          disabledReason={blocker}
          reasonId={reasonId}
          onClick={() => void actions.previewTransfer(direction)}
        >
          {needsPreview ? 'Preview mirror' : 'Preview'}
        </ActionButton>
        <ActionReason id={reasonId} reason={startReason} />
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
  );
}
