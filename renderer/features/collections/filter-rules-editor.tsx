import type { FilterRule } from '../../../shared/collections';
import { ActionButton } from '../../app/ui/action-button';
import { Tooltip } from '../../app/ui/tooltip';

/**
 * Globus' ordered include/exclude filter rules, edited in place: one row per rule (action, what it
 * applies to, pattern), moved up and down, removed, added. Used by the transfer form and the timer form.
 */
export function FilterRulesEditor({
  rules,
  onChange,
  error,
  className,
  listClassName,
}: {
  rules: readonly FilterRule[];
  onChange: (rules: FilterRule[]) => void;
  error?: string | undefined;
  className: string;
  listClassName: string;
}) {
  const setRule = (i: number, patch: Partial<FilterRule>) => onChange(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const moveRule = (i: number, by: -1 | 1) => {
    const next = [...rules];
    const [rule] = next.splice(i, 1);
    if (rule) next.splice(i + by, 0, rule);
    onChange(next);
  };
  return (
    <fieldset className={className}>
      <legend>Rules for what a folder transfer includes</legend>
      <p className="muted small">Checked in order for each file and folder; the first rule whose pattern matches the name decides. Patterns use * and ?.</p>
      <ol className={listClassName}>
        {rules.map((r, i) => (
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
            <Tooltip text="Move this rule up (rules apply in order)">
              <button type="button" className="icon-button" aria-label={`Move rule ${i + 1} up`} disabled={i === 0} onClick={() => moveRule(i, -1)}>
                ↑
              </button>
            </Tooltip>
            <Tooltip text="Move this rule down">
              <button type="button" className="icon-button" aria-label={`Move rule ${i + 1} down`} disabled={i === rules.length - 1} onClick={() => moveRule(i, 1)}>
                ↓
              </button>
            </Tooltip>
            <Tooltip text="Remove this rule">
              <button type="button" className="icon-button" aria-label={`Remove rule ${i + 1}`} onClick={() => onChange(rules.filter((_, j) => j !== i))}>
                ×
              </button>
            </Tooltip>
          </li>
        ))}
      </ol>
      {error && <p className="field-error">{error}</p>}
      <ActionButton disabledReason={rules.length >= 100 ? 'Globus takes at most 100 rules.' : null} onClick={() => onChange([...rules, { method: 'exclude', name: '' }])}>
        Add rule
      </ActionButton>
    </fieldset>
  );
}
