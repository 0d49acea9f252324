import { useId, useMemo, useState } from 'react';
import { FormField } from '../../app/ui/form-field';
import { syncSymlinkPolicies, type SyncJob, type SyncSymlinkPolicy } from '../../../shared/contract/syncs';
import { useAppStore } from '../../app/store-context';
import type { AppState } from '../../store/types';
import { CollectionPicker } from '../collections/collection-picker';
import { servedFolders } from '../collections/pane-model';
import { PathPicker } from '../collections/path-picker';
import { MoveSettings } from './move-settings';
import { checkSyncForm, emptySyncForm, formFromJob, type ScheduleKind, type SyncForm, type SyncFormField, type SyncLevelChoice } from './sync-form';
import { syncsSelectors } from './syncs-slice';

const symlinkLabels: Record<SyncSymlinkPolicy, string> = {
  skip: 'Skip them (and say so in the log)',
  follow: 'Follow them (send what they point to; loops are reported)',
  keep: 'Keep them as links on the destination',
};

const levelLabels: Record<SyncLevelChoice, string> = {
  none: 'Always send what changed here',
  '0': '0 – only if missing on the destination',
  '1': '1 – if the size differs',
  '2': '2 – if newer on the source (mtime)',
  '3': '3 – if checksums differ',
};

const endpointRows = (s: AppState) => s.connectors.globusEndpointRows;

/** Create or edit a sync job: inline checks with the contract's own messages. */
export function SyncJobForm({ job }: { job: SyncJob | null }) {
  const actions = useAppStore(syncsSelectors.actions);
  const saving = useAppStore(syncsSelectors.saving);
  const [form, setForm] = useState<SyncForm>(() => (job ? formFromJob(job) : emptySyncForm));
  const [tried, setTried] = useState(false);
  const checked = useMemo(() => checkSyncForm(form), [form]);
  const errors = tried ? checked.errors : {};
  const title = job ? `Edit sync job ${job.name}` : 'New sync job';
  const headingId = useId();
  const put = <K extends keyof SyncForm>(key: K, value: SyncForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const rows = useAppStore(endpointRows);
  const served = servedFolders(rows ?? [], form.sourceCollection);

  return (
    <form
      className="sy-panel sy-form"
      aria-labelledby={headingId}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (checked.draft) void actions.save(checked.draft);
      }}
    >
      <h2 id={headingId}>{title}</h2>
      <div className="sy-grid">
        <Field label="Name" field="name" errors={errors} help="Also what `ferry sync run --job NAME` takes.">
          {(props) => <input type="text" {...props} value={form.name} onChange={(e) => put('name', e.target.value)} />}
        </Field>
      </div>

      <fieldset className="sy-fieldset">
        <legend>Source (this machine)</legend>
        <div className="sy-grid">
          <div className="sy-field">
            <CollectionPicker label="Source collection" value={form.sourceCollection} error={errors.sourceCollection} onChange={(c) => put('sourceCollection', c.id)} />
            <p className="help">The Globus collection that serves the local folder.</p>
            {served.map((f) => (
              <button
                key={`${f.localPath}|${f.endpointPath}`}
                type="button"
                className="link-button"
                onClick={() => setForm((old) => ({ ...old, localPath: f.localPath, collectionPath: f.endpointPath }))}
              >
                Use {f.localPath} (the collection's {f.endpointPath})
              </button>
            ))}
          </div>
          <Field label="Local folder" field="localPath" errors={errors} help="The absolute path of the folder on this machine that is scanned.">
            {(props) => <input type="text" className="mono" {...props} value={form.localPath} onChange={(e) => put('localPath', e.target.value)} />}
          </Field>
          <Field label="Collection path of the local folder" field="collectionPath" errors={errors} help="The same folder as the source collection sees it, e.g. /data/detector.">
            {(props) => <input type="text" className="mono" {...props} value={form.collectionPath} onChange={(e) => put('collectionPath', e.target.value)} />}
          </Field>
          <PathPicker label="Collection path of the local folder" collectionId={form.sourceCollection} value={form.collectionPath} onChange={(p) => put('collectionPath', p)} />
        </div>
      </fieldset>

      <fieldset className="sy-fieldset">
        <legend>Destination</legend>
        <div className="sy-grid">
          <CollectionPicker
            label="Destination collection"
            value={form.destinationCollection}
            error={errors.destinationCollection}
            onChange={(c) => put('destinationCollection', c.id)}
          />
          <Field label="Destination folder" field="destinationPath" errors={errors} help="Files keep their place below the local folder, under this folder.">
            {(props) => <input type="text" className="mono" {...props} value={form.destinationPath} onChange={(e) => put('destinationPath', e.target.value)} />}
          </Field>
          <PathPicker label="Destination folder" collectionId={form.destinationCollection} value={form.destinationPath} onChange={(p) => put('destinationPath', p)} />
        </div>
      </fieldset>

      <fieldset className="sy-fieldset">
        <legend>Schedule</legend>
        <div className="sy-radio-row" role="radiogroup" aria-label="Schedule">
          {(
            [
              ['interval', 'Every N minutes'],
              ['cron', 'On a cron schedule'],
              ['watch', 'When files change'],
              ['manual', 'Only when I say'],
            ] as const
          ).map(([kind, label]) => (
            <label key={kind} className="sy-check">
              <input type="radio" name="schedule" checked={form.scheduleKind === kind} onChange={() => put('scheduleKind', kind as ScheduleKind)} />
              {label}
            </label>
          ))}
        </div>
        {form.scheduleKind === 'interval' && (
          <Field label="Minutes between runs" field="minutes" errors={errors}>
            {(props) => <input type="number" min={1} className="sy-narrow" {...props} value={form.minutes} onChange={(e) => put('minutes', e.target.value)} />}
          </Field>
        )}
        {form.scheduleKind === 'watch' && (
          <div className="sy-grid">
            <Field label="Seconds of quiet before a run" field="quietSeconds" errors={errors} help="A run starts once no file has changed for this long (at the latest 6 times this after the first change).">
              {(props) => <input type="number" min={1} className="sy-narrow" {...props} value={form.quietSeconds} onChange={(e) => put('quietSeconds', e.target.value)} />}
            </Field>
            <Field label="Full scan every N minutes" field="fullScanMinutes" errors={errors} help="The safety net: finds what file events missed (and is all a tree with too many folders to watch gets).">
              {(props) => <input type="number" min={1} className="sy-narrow" {...props} value={form.fullScanMinutes} onChange={(e) => put('fullScanMinutes', e.target.value)} />}
            </Field>
          </div>
        )}
        {form.scheduleKind === 'cron' && (
          <Field label="Cron expression" field="cron" errors={errors} help="minute hour day month weekday, e.g. 0 3 * * * runs at 03:00 every day.">
            {(props) => <input type="text" className="mono" {...props} value={form.cron} onChange={(e) => put('cron', e.target.value)} />}
          </Field>
        )}
      </fieldset>

      <fieldset className="sy-fieldset">
        <legend>What to send</legend>
        <div className="sy-grid">
          <Field label="Include globs" field="include" errors={errors} help="One per line, relative to the local folder (e.g. **/*.tif). Empty: everything.">
            {(props) => <textarea rows={3} className="mono" {...props} value={form.include} onChange={(e) => put('include', e.target.value)} />}
          </Field>
          <Field label="Exclude globs" field="exclude" errors={errors} help="One per line (e.g. **/*.tmp).">
            {(props) => <textarea rows={3} className="mono" {...props} value={form.exclude} onChange={(e) => put('exclude', e.target.value)} />}
          </Field>
          <Field label="Symbolic links" field="symlinks" errors={errors}>
            {(props) => (
              <select {...props} value={form.symlinks} onChange={(e) => put('symlinks', e.target.value as SyncSymlinkPolicy)}>
                {syncSymlinkPolicies.map((p) => (
                  <option key={p} value={p}>
                    {symlinkLabels[p]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Sync level" field="syncLevel" errors={errors} help="What Globus checks before it copies a file.">
            {(props) => (
              <select {...props} value={form.syncLevel} onChange={(e) => put('syncLevel', e.target.value as SyncLevelChoice)}>
                {(Object.keys(levelLabels) as SyncLevelChoice[]).map((l) => (
                  <option key={l} value={l}>
                    {levelLabels[l]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Most items per transfer" field="maxItems" errors={errors} help="A larger run is split into several tasks.">
            {(props) => <input type="number" min={1} className="sy-narrow" {...props} value={form.maxItems} onChange={(e) => put('maxItems', e.target.value)} />}
          </Field>
        </div>
        <label className="sy-check">
          <input type="checkbox" checked={form.createEmptyDirs} onChange={(e) => put('createEmptyDirs', e.target.checked)} />
          Create empty folders on the destination
        </label>
        <label className="sy-check">
          <input type="checkbox" checked={form.enabled} onChange={(e) => put('enabled', e.target.checked)} />
          Enabled (runs on its schedule)
        </label>
      </fieldset>

      <MoveSettings form={form} error={errors.moveAfterVerify} put={put} />

      <div className="sy-actions">
        <button type="submit" className="primary" disabled={saving}>
          {job ? 'Save changes' : 'Create job'}
        </button>
        <button type="button" onClick={() => actions.closeEditor()}>
          Cancel
        </button>
        {tried && !checked.draft && (
          <p className="field-error" role="alert">
            Fix the fields marked above.
          </p>
        )}
      </div>
    </form>
  );
}

/** This form's field: the shared FormField with this form's look. */
function Field(props: Omit<Parameters<typeof FormField<SyncFormField>>[0], 'className'>) {
  return <FormField<SyncFormField> className="sy-field" {...props} />;
}
