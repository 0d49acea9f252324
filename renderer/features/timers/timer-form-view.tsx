import { useId, useMemo, useState } from 'react';
import { FormField } from '../../app/ui/form-field';
import type { TimerDetail } from '../../../shared/contract/timers';
import { useAppStore } from '../../app/store-context';
import { CollectionPicker } from '../collections/collection-picker';
import { PathPicker } from '../collections/path-picker';
import { checkTimerEdit, checkTimerForm, emptyTimerForm, formFromTimer, intervalUnits, type TimerForm, type TimerFormField } from './timer-form';
import { TimerOptions } from './timer-options';
import { timersSelectors } from './timers-selectors';

const unitLabels: Record<(typeof intervalUnits)[number], string> = { minutes: 'minutes', hours: 'hours', days: 'days', weeks: 'weeks' };

/**
 * Create a timer (route from the collection and path pickers, schedule, every transfer option) or
 * edit one: Globus changes a name in place; a new interval or end replaces the timer.
 */
export function TimerFormView({ timer, prefill }: { timer: TimerDetail | null; prefill: Partial<TimerForm> | null }) {
  const actions = useAppStore(timersSelectors.actions);
  const saving = useAppStore(timersSelectors.saving);
  const saveError = useAppStore(timersSelectors.saveError);
  const waiting = useAppStore(timersSelectors.waiting);
  const waitingHere = waiting !== null && (waiting.action === 'create' || waiting.action === 'update');
  const [form, setForm] = useState<TimerForm>(() => (timer ? formFromTimer(timer) : { ...emptyTimerForm, ...prefill }));
  const [tried, setTried] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const created = useMemo(() => checkTimerForm(form, now), [form, now]);
  const edited = useMemo(() => (timer ? checkTimerEdit(form, timer) : null), [form, timer]);
  const errors = tried ? (edited ? edited.errors : created.errors) : {};
  const headingId = useId();
  const put = <K extends keyof TimerForm>(key: K, value: TimerForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const editing = timer !== null;

  return (
    <form
      className="tm-panel tm-form"
      aria-labelledby={headingId}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        const at = Date.now();
        setNow(at);
        if (timer) {
          const patch = edited?.patch;
          if (patch) void actions.update(timer.id, patch);
          return;
        }
        const checked = checkTimerForm(form, at);
        if (checked.draft) void actions.create(checked.draft);
      }}
    >
      <h2 id={headingId}>{editing ? `Edit timer ${timer.name}` : 'New timer'}</h2>
      <Field label="Name" field="name" errors={errors}>
        {(props) => <input type="text" maxLength={128} {...props} value={form.name} onChange={(e) => put('name', e.target.value)} />}
      </Field>

      <fieldset className="tm-fieldset" disabled={editing}>
        <legend>What Globus copies</legend>
        {editing && <p className="help">Globus cannot change a timer’s collections or paths: create a new timer for another route.</p>}
        <div className="tm-grid">
          <div className="tm-field">
            <CollectionPicker label="Source collection" value={form.source} error={errors.source} onChange={(c) => put('source', c.id)} />
          </div>
          <Field label="Source path" field="sourcePath" errors={errors} help="A folder (ending in /) or a file on the source collection.">
            {(props) => <input type="text" className="mono" {...props} value={form.sourcePath} onChange={(e) => put('sourcePath', e.target.value)} />}
          </Field>
          <PathPicker label="Source path" collectionId={form.source} value={form.sourcePath} onChange={(p) => setForm((f) => ({ ...f, sourcePath: p.endsWith('/') ? p : `${p}/`, recursive: true }))} />
          <label className="tm-check">
            <input type="checkbox" checked={form.recursive} onChange={(e) => put('recursive', e.target.checked)} /> The source path is a folder: copy everything in it
          </label>
          <div className="tm-field">
            <CollectionPicker label="Destination collection" value={form.destination} error={errors.destination} onChange={(c) => put('destination', c.id)} />
          </div>
          <Field label="Destination path" field="destinationPath" errors={errors}>
            {(props) => <input type="text" className="mono" {...props} value={form.destinationPath} onChange={(e) => put('destinationPath', e.target.value)} />}
          </Field>
          <PathPicker label="Destination path" collectionId={form.destination} value={form.destinationPath} onChange={(p) => put('destinationPath', p.endsWith('/') ? p : `${p}/`)} />
        </div>
      </fieldset>

      <fieldset className="tm-fieldset">
        <legend>When</legend>
        {!editing && (
          <Field label="Start" field="start" errors={errors} help="Empty: start now. Globus starts a timer at most a year ahead.">
            {(props) => <input type="datetime-local" {...props} value={form.start} onChange={(e) => put('start', e.target.value)} />}
          </Field>
        )}
        {(!editing || timer.intervalSeconds === null) && (
          <label className="tm-check">
            <input
              type="checkbox"
              checked={form.repeat}
              onChange={(e) => setForm((f) => ({ ...f, repeat: e.target.checked, endKind: e.target.checked ? f.endKind : 'never' }))}
            />{' '}
            Repeat
          </label>
        )}
        {form.repeat && (
          <div className="tm-row">
            <Field label="Every" field="every" errors={errors} help="At least once a minute, at most once a year (Globus' limits).">
              {(props) => <input type="number" min={1} className="tm-narrow" {...props} value={form.every} onChange={(e) => put('every', e.target.value)} />}
            </Field>
            <div className="tm-field">
              <label htmlFor={`${headingId}-unit`}>Unit</label>
              <select id={`${headingId}-unit`} value={form.unit} onChange={(e) => put('unit', e.target.value as TimerForm['unit'])}>
                {intervalUnits.map((u) => (
                  <option key={u} value={u}>
                    {unitLabels[u]}
                  </option>
                ))}
              </select>
            </div>
          </div>
        )}
        {form.repeat && (
          <div className="tm-radio-row" role="radiogroup" aria-label="Ends">
            {(
              [
                ['never', 'Never'],
                ['date', 'On a date'],
                ['runs', 'After a number of runs'],
              ] as const
            ).map(([kind, label]) => (
              <label key={kind} className="tm-check">
                <input type="radio" name={`${headingId}-end`} checked={form.endKind === kind} onChange={() => put('endKind', kind)} /> {label}
              </label>
            ))}
          </div>
        )}
        {form.repeat && form.endKind === 'date' && (
          <Field label="End date" field="endDate" errors={errors}>
            {(props) => <input type="datetime-local" {...props} value={form.endDate} onChange={(e) => put('endDate', e.target.value)} />}
          </Field>
        )}
        {form.repeat && form.endKind === 'runs' && (
          <Field label="Number of runs" field="endRuns" errors={errors} help={editing ? 'Counted anew from the change: runs already made do not count.' : undefined}>
            {(props) => <input type="number" min={1} className="tm-narrow" {...props} value={form.endRuns} onChange={(e) => put('endRuns', e.target.value)} />}
          </Field>
        )}
        {editing && <p className="help">A new interval or end replaces the timer at Globus (same transfer, next run as planned); a new name changes it in place.</p>}
      </fieldset>

      {!editing && <TimerOptions form={form.options} ruleError={errors.filterRules} onChange={(patch) => setForm((f) => ({ ...f, options: { ...f.options, ...patch } }))} />}

      <div className="tm-actions">
        <button type="submit" className="primary" disabled={saving || waitingHere}>
          {editing ? 'Save changes' : 'Create timer'}
        </button>
        <button type="button" onClick={() => actions.closeEditor()}>
          Cancel
        </button>
        {tried && (errors.form || (edited ? !edited.patch : !created.draft)) && (
          <p className="field-error" role="alert">
            {errors.form ?? (edited && Object.keys(edited.errors).length === 0 ? 'Nothing changed.' : 'Fix the fields marked above.')}
          </p>
        )}
        {waitingHere && (
          <p className="muted" role="status">
            Waiting for your consent on the Globus page that opened; the timer is {editing ? 'changed' : 'created'} once you allow it.
          </p>
        )}
        {saveError && (
          <p className="field-error" role="alert">
            {saveError}
          </p>
        )}
      </div>
    </form>
  );
}

/** This form's field: the shared FormField with this form's look. */
function Field(props: Omit<Parameters<typeof FormField<TimerFormField>>[0], 'className'>) {
  return <FormField<TimerFormField> className="tm-field" {...props} />;
}
