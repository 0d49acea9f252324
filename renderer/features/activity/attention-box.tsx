import { useEffect, useId, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TaskAttention } from '../../../shared/contract/activity';
import type { TransferItem } from '../../../shared/globus-types';
import { formatCount, formatExact } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { activitySelectors } from './activity-slice';
import { attentionSelectors } from './attention-slice';

function pathProblem(path: string, what: string): string | null {
  const p = path.trim();
  if (!p) return `Enter the ${what}.`;
  if (!p.startsWith('/') && !p.startsWith('~')) return `The ${what} must start with / (or ~ for a home folder).`;
  return null;
}

/**
 * "Needs attention" in the task detail: the newest error event, what it likely means and what
 * to do, with cancel and "fix the path and resubmit".
 */
export function AttentionBox() {
  const attention = useAppStore(attentionSelectors.detailAttention);
  const [fixOpen, setFixOpen] = useState(false);
  const actions = useAppStore(useShallow((s) => ({ cancel: s.activity.cancel })));
  const busy = useAppStore((s) => s.activity.detail?.busy ?? null);
  const taskId = attention?.taskId ?? null;
  useEffect(() => setFixOpen(false), [taskId]);
  if (!attention) return null;
  const { explanation, event } = attention;
  return (
    <section className="act-attention-box" aria-labelledby="act-attention-title">
      <h3 id="act-attention-title">Needs attention: {explanation.title}</h3>
      {event ? (
        <p className="act-sub act-attention-event">
          <span className="act-strong">{event.code}</span> {event.description}
          {event.details && <span className="act-block act-break act-pre">{event.details}</span>}
          <span className="act-block" title={event.time}>
            {formatExact(event.time)} · {formatCount(attention.faults, 'fault')}
          </span>
        </p>
      ) : (
        <p className="act-sub">{formatCount(attention.faults, 'fault')}; Globus has not listed the error event yet.</p>
      )}
      <p>
        <span className="act-strong">Likely cause: </span>
        {explanation.cause}
      </p>
      <p>
        <span className="act-strong">What to do: </span>
        {explanation.action}
        {explanation.retries ? ' Until then Globus keeps retrying, up to the task\'s deadline.' : ''}
      </p>
      <div className="act-detail-actions">
        <button type="button" onClick={() => void actions.cancel(attention.taskId)} disabled={busy !== null}>
          {busy === 'cancel' ? 'Cancelling…' : 'Cancel this task'}
        </button>
        {attention.canFixPath && (
          <button type="button" aria-expanded={fixOpen} onClick={() => setFixOpen((o) => !o)}>
            Fix the path and resubmit
          </button>
        )}
      </div>
      {fixOpen && attention.canFixPath && <FixPathForm attention={attention} onDone={() => setFixOpen(false)} />}
    </section>
  );
}

function FixPathForm({ attention, onDone }: { readonly attention: TaskAttention; readonly onDone: () => void }) {
  const detail = useAppStore(activitySelectors.detail);
  const fixing = useAppStore(attentionSelectors.fixingTaskId);
  const actions = useAppStore(useShallow((s) => ({ resubmitFixed: s.activity.resubmitFixed, openDetail: s.activity.openDetail })));
  const submission = detail?.data?.submission;
  const items: readonly TransferItem[] = submission && 'destination_endpoint' in submission ? submission.DATA : [];
  const first = attention.item?.index ?? 0;
  const [index, setIndex] = useState(first);
  const itemAt = (i: number) => items[i] ?? (attention.item && attention.item.index === i ? { source_path: attention.item.sourcePath, destination_path: attention.item.destinationPath } : null);
  const [source, setSource] = useState(itemAt(first)?.source_path ?? '');
  const [destination, setDestination] = useState(itemAt(first)?.destination_path ?? '');
  const [tried, setTried] = useState(false);
  const id = useId();
  const sourceProblem = pathProblem(source, 'source path');
  const destinationProblem = pathProblem(destination, 'destination path');
  const current = itemAt(index);
  const unchanged = current !== null && current.source_path === source.trim() && current.destination_path === destination.trim();

  const pick = (i: number) => {
    setIndex(i);
    setSource(itemAt(i)?.source_path ?? '');
    setDestination(itemAt(i)?.destination_path ?? '');
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (sourceProblem || destinationProblem || unchanged) return;
    const newId = await actions.resubmitFixed(attention.taskId, { itemIndex: index, sourcePath: source.trim(), destinationPath: destination.trim() });
    if (newId) {
      onDone();
      void actions.openDetail(newId);
    }
  };

  return (
    <form className="act-fix-form" aria-label="Fix the path and resubmit" onSubmit={(e) => void submit(e)} noValidate>
      {items.length > 1 && (
        <>
          <label htmlFor={`${id}-item`}>Item</label>
          <select id={`${id}-item`} value={index} onChange={(e) => pick(Number(e.target.value))}>
            {items.map((item, i) => (
              <option key={i} value={i}>
                {item.source_path} → {item.destination_path}
                {i === attention.item?.index ? ' (the one failing)' : ''}
              </option>
            ))}
          </select>
        </>
      )}
      <label htmlFor={`${id}-source`}>Source path</label>
      <input id={`${id}-source`} value={source} spellCheck={false} aria-invalid={tried && sourceProblem ? true : undefined} onChange={(e) => setSource(e.target.value)} />
      {tried && sourceProblem && <p className="field-error">{sourceProblem}</p>}
      <label htmlFor={`${id}-destination`}>Destination path</label>
      <input
        id={`${id}-destination`}
        value={destination}
        spellCheck={false}
        aria-invalid={tried && destinationProblem ? true : undefined}
        onChange={(e) => setDestination(e.target.value)}
      />
      {tried && destinationProblem && <p className="field-error">{destinationProblem}</p>}
      {tried && unchanged && <p className="field-error">Change the source or destination path first.</p>}
      <p className="help">The running task is cancelled first (Globus refuses a second transfer of the same paths while one runs), then the task is submitted again with this item changed.</p>
      <div className="act-detail-actions">
        <button type="submit" className="primary" disabled={fixing !== null}>
          {fixing === attention.taskId ? 'Resubmitting…' : 'Cancel and resubmit'}
        </button>
        <button type="button" onClick={onDone}>
          Close
        </button>
      </div>
    </form>
  );
}
