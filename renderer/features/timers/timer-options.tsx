import { useId } from 'react';
import { FilterRulesEditor } from '../collections/filter-rules-editor';
import type { TransferForm } from '../collections/pane-model';

/*
 * The Collections transfer form's options, for a form that owns its own state. The model
 * (TransferForm, formOptions) is the Collections one; the Collections `TransferOptions` component
 * is bound to its own slice, so the same choices are laid out here over props; the filter-rule
 * editor is the Collections one.
 */

const syncChoices: readonly { readonly value: string; readonly title: string }[] = [
  { value: '', title: 'Copy every file, every run' },
  { value: '0', title: 'Only files missing at the destination' },
  { value: '1', title: 'Files missing or of a different size' },
  { value: '2', title: 'Files missing or newer at the source' },
  { value: '3', title: 'Files missing or whose checksum differs' },
];

type Switch = 'verifyChecksum' | 'preserveTimestamp' | 'encrypt' | 'deleteDestinationExtra' | 'failOnQuotaErrors' | 'skipSourceErrors';
const switches: readonly { readonly key: Switch; readonly title: string; readonly help: string }[] = [
  { key: 'verifyChecksum', title: 'Verify file integrity', help: 'Globus compares a checksum of each file at both ends after copying and copies again any that differ.' },
  { key: 'preserveTimestamp', title: 'Keep modification times', help: 'Copies get the source files\u2019 modification times instead of the time they arrived.' },
  { key: 'encrypt', title: 'Encrypt the data', help: 'File contents are encrypted while they travel between the two collections.' },
  { key: 'deleteDestinationExtra', title: 'Delete files at the destination that the source does not have', help: 'Each run makes the destination folder a mirror of the source. Only for folders.' },
  { key: 'failOnQuotaErrors', title: 'Stop when the destination is full', help: 'A run fails at the first quota error instead of retrying.' },
  { key: 'skipSourceErrors', title: 'Skip files that cannot be read', help: 'Unreadable source files are skipped and listed, instead of retried.' },
];

const notifyChoices: readonly { readonly key: 'notifyOnSucceeded' | 'notifyOnFailed' | 'notifyOnInactive'; readonly title: string }[] = [
  { key: 'notifyOnSucceeded', title: 'a run succeeds' },
  { key: 'notifyOnFailed', title: 'a run fails' },
  { key: 'notifyOnInactive', title: 'a run needs attention' },
];

export function TimerOptions({ form, onChange, ruleError }: { form: TransferForm; onChange: (patch: Partial<TransferForm>) => void; ruleError?: string | undefined }) {
  const uid = useId();
  return (
    <details className="tm-options">
      <summary>Transfer options</summary>
      <div className="tm-option-grid">
        <label htmlFor={`${uid}-sync`}>Which files each run copies</label>
        <div>
          <select
            id={`${uid}-sync`}
            value={form.syncLevel === null ? '' : String(form.syncLevel)}
            onChange={(e) => onChange({ syncLevel: e.target.value === '' ? null : (Number(e.target.value) as 0 | 1 | 2 | 3) })}
          >
            {syncChoices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.title}
              </option>
            ))}
          </select>
          <p className="muted small">A repeating timer usually copies only what is new or changed since the last run.</p>
        </div>
        {switches.map((s) => (
          <div key={s.key} className="tm-option-switch">
            <label>
              <input type="checkbox" checked={form[s.key]} onChange={(e) => onChange({ [s.key]: e.target.checked })} /> {s.title}
            </label>
            <p className="muted small">{s.help}</p>
          </div>
        ))}
        <FilterRulesEditor rules={form.filterRules} onChange={(filterRules) => onChange({ filterRules })} error={ruleError} className="tm-option-switch" listClassName="tm-rules" />
        <fieldset className="tm-option-switch">
          <legend>E-mail from Globus when</legend>
          {notifyChoices.map((n) => (
            <label key={n.key} className="inline">
              <input type="checkbox" checked={form[n.key]} onChange={(e) => onChange({ [n.key]: e.target.checked })} /> {n.title}
            </label>
          ))}
        </fieldset>
      </div>
    </details>
  );
}
