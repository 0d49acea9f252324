import { useId } from 'react';
import type { FilterRule } from '../../../shared/collections';
import type { TransferForm } from '../collections/pane-model';

/*
 * The Collections transfer form's options, for a form that owns its own state. The model
 * (TransferForm, formOptions) is the Collections one; the Collections `TransferOptions` component
 * is bound to its own slice, so the same choices are laid out here over props.
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
  const setRule = (i: number, patch: Partial<FilterRule>) => onChange({ filterRules: form.filterRules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const moveRule = (i: number, by: -1 | 1) => {
    const rules = [...form.filterRules];
    const [rule] = rules.splice(i, 1);
    if (rule) rules.splice(i + by, 0, rule);
    onChange({ filterRules: rules });
  };
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
        <fieldset className="tm-option-switch">
          <legend>Rules for what a folder transfer includes</legend>
          <p className="muted small">Checked in order for each file and folder name; the first rule that matches decides. Patterns use * and ?.</p>
          <ol className="tm-rules">
            {form.filterRules.map((r, i) => (
              <li key={i}>
                <select aria-label={`Rule ${i + 1} action`} value={r.method} onChange={(e) => setRule(i, { method: e.target.value as FilterRule['method'] })}>
                  <option value="include">include</option>
                  <option value="exclude">exclude</option>
                </select>
                <select aria-label={`Rule ${i + 1} applies to`} value={r.type ?? ''} onChange={(e) => setRule(i, e.target.value ? { type: e.target.value as 'file' | 'dir' } : { type: undefined })}>
                  <option value="">files and folders</option>
                  <option value="file">files</option>
                  <option value="dir">folders</option>
                </select>
                <input aria-label={`Rule ${i + 1} pattern`} value={r.name} maxLength={200} placeholder="*.tmp" onChange={(e) => setRule(i, { name: e.target.value })} />
                <button type="button" className="icon-button" aria-label={`Move rule ${i + 1} up`} disabled={i === 0} onClick={() => moveRule(i, -1)}>
                  ↑
                </button>
                <button type="button" className="icon-button" aria-label={`Move rule ${i + 1} down`} disabled={i === form.filterRules.length - 1} onClick={() => moveRule(i, 1)}>
                  ↓
                </button>
                <button type="button" className="icon-button" aria-label={`Remove rule ${i + 1}`} onClick={() => onChange({ filterRules: form.filterRules.filter((_, j) => j !== i) })}>
                  ×
                </button>
              </li>
            ))}
          </ol>
          {ruleError && <p className="field-error">{ruleError}</p>}
          <button type="button" disabled={form.filterRules.length >= 100} onClick={() => onChange({ filterRules: [...form.filterRules, { method: 'exclude', name: '' }] })}>
            Add rule
          </button>
        </fieldset>
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
