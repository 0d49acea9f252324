import { useId } from 'react';
import { useAppStore } from '../../app/store-context';
import { collectionsSelectors } from './collections-slice';
import { FilterRulesEditor } from './filter-rules-editor';
import type { TransferForm } from './pane-model';

const syncChoices: readonly { readonly value: string; readonly title: string }[] = [
  { value: '', title: 'Copy every file' },
  { value: '0', title: 'Only files missing at the destination' },
  { value: '1', title: 'Files missing or of a different size' },
  { value: '2', title: 'Files missing or newer at the source' },
  { value: '3', title: 'Files missing or whose checksum differs' },
];

const switches: readonly { readonly key: keyof TransferForm; readonly title: string; readonly help: string }[] = [
  { key: 'verifyChecksum', title: 'Verify file integrity', help: 'Globus compares a checksum of each file at both ends after copying and copies again any that differ.' },
  { key: 'preserveTimestamp', title: 'Keep modification times', help: 'Copies get the source files\u2019 modification times instead of the time they arrived.' },
  { key: 'encrypt', title: 'Encrypt the data', help: 'File contents are encrypted while they travel between the two collections.' },
  {
    key: 'deleteDestinationExtra',
    title: 'Delete files at the destination that the source does not have',
    help: 'Makes the destination folder a mirror of the source. Only for folders; what goes is decided by Globus when the task runs.',
  },
  { key: 'failOnQuotaErrors', title: 'Stop when the destination is full', help: 'The task fails at the first quota error instead of retrying until the deadline.' },
  { key: 'skipSourceErrors', title: 'Skip files that cannot be read', help: 'Unreadable source files are skipped and listed, instead of retried until the deadline.' },
];

const notifyChoices: readonly { readonly key: 'notifyOnSucceeded' | 'notifyOnFailed' | 'notifyOnInactive'; readonly title: string }[] = [
  { key: 'notifyOnSucceeded', title: 'it succeeds' },
  { key: 'notifyOnFailed', title: 'it fails' },
  { key: 'notifyOnInactive', title: 'it needs attention (paused, credentials expired)' },
];

/** Every Globus transfer option, each saying in plain words what it does; remembered per collection pair. */
export function TransferOptions() {
  const form = useAppStore(collectionsSelectors.form);
  const actions = useAppStore(collectionsSelectors.actions);
  const uid = useId();
  return (
    <details className="transfer-options">
      <summary>Transfer options</summary>
      <div className="option-grid">
        <label htmlFor={`${uid}-sync`}>Which files to copy</label>
        <div>
          <select id={`${uid}-sync`} value={form.syncLevel === null ? '' : String(form.syncLevel)} onChange={(e) => actions.setForm({ syncLevel: e.target.value === '' ? null : (Number(e.target.value) as 0 | 1 | 2 | 3) })}>
            {syncChoices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.title}
              </option>
            ))}
          </select>
          <p className="muted small">Files already at the destination that match the way chosen here are skipped; comparing checksums is the surest and the slowest.</p>
        </div>
        {switches.map((s) => (
          <div key={s.key} className="option-switch">
            <label>
              <input type="checkbox" checked={form[s.key] as boolean} onChange={(e) => actions.setForm({ [s.key]: e.target.checked })} /> {s.title}
            </label>
            <p className="muted small">{s.help}</p>
          </div>
        ))}
        <FilterRulesEditor rules={form.filterRules} onChange={(filterRules) => actions.setForm({ filterRules })} className="option-switch" listClassName="filter-rules" />
        <label htmlFor={`${uid}-deadline`}>Give up after</label>
        <div>
          <input id={`${uid}-deadline`} type="datetime-local" value={form.deadline} onChange={(e) => actions.setForm({ deadline: e.target.value })} />
          <p className="muted small">If the task has not finished by then, Globus stops it. Empty: 24 hours from now.</p>
        </div>
        <fieldset className="option-switch">
          <legend>E-mail from Globus when</legend>
          {notifyChoices.map((n) => (
            <label key={n.key} className="inline">
              <input type="checkbox" checked={form[n.key]} onChange={(e) => actions.setForm({ [n.key]: e.target.checked })} /> {n.title}
            </label>
          ))}
        </fieldset>
      </div>
      <p className="muted small">These choices are remembered for this pair of collections.</p>
    </details>
  );
}
