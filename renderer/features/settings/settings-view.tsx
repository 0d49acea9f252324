import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { settingsSchema, themes, type Settings } from '../../../shared/settings';
import { useAppStore } from '../../app/store-context';
import { appSelectors } from '../../store/app-slice';
import { environmentOf } from '../../store/environment';
import { settingsSelectors } from '../../store/settings-slice';
import { effectiveSettings, inUseSentence, sourceWords, type EffectiveValue } from '../../store/effective-settings';
import { AlertsFields } from './alerts-fields';
import './settings.css';
import { ActionButton } from '../../app/ui/action-button';

type FieldErrors = Partial<Record<string, string>>;

function validate(draft: Settings): FieldErrors {
  const result = settingsSchema.safeParse(draft);
  if (result.success) return {};
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.');
    errors[key] ??= issue.message;
  }
  return errors;
}

const themeLabels = { system: 'Follow the system', light: 'Light', dark: 'Dark' } as const;

/** "In use: … — from …" under a setting that the environment can set or override. */
function InUse({ label, value }: { label: string; value: EffectiveValue }) {
  return (
    <p className={`source-note source-${value.source}`} role="note" aria-label={label}>
      {inUseSentence(value)}
    </p>
  );
}

function clientIdHelp(clientId: EffectiveValue | null): string {
  if (clientId === null) {
    return 'Empty: Ferry uses FERRY_GLOBUS_CLIENT_ID from its environment if that is set. Otherwise register a "native app" at app.globus.org/settings/developers and paste its client id.';
  }
  if (clientId.source === 'environment') return 'Leave this empty to keep using the client id from the environment; one entered here overrides it.';
  if (clientId.source === 'file') return 'Clear this to use FERRY_GLOBUS_CLIENT_ID from the environment, if it is set.';
  return 'None set yet: register a "native app" at app.globus.org/settings/developers and paste its client id here (or set FERRY_GLOBUS_CLIENT_ID).';
}

export function SettingsView() {
  const saved = useAppStore(settingsSelectors.data);
  const revision = useAppStore(settingsSelectors.revision);
  const saving = useAppStore(settingsSelectors.saving);
  const actions = useAppStore(settingsSelectors.actions);
  const info = useAppStore(appSelectors.info);
  const effective = useMemo(() => (saved ? effectiveSettings(saved, info) : null), [saved, info]);
  const settingsFile = environmentOf(info)?.settingsFile;
  const [draft, setDraft] = useState<Settings | null>(saved);
  const [dirty, setDirty] = useState(false);
  const [status, setStatus] = useState<string>('');

  // A change made elsewhere (another window, the CLI) replaces the form unless it holds unsaved edits.
  useEffect(() => {
    if (!dirty) setDraft(saved);
  }, [revision, saved, dirty]);

  const errors = useMemo(() => (draft ? validate(draft) : {}), [draft]);
  if (!draft) return <p className="muted">Loading settings…</p>;

  const edit = (next: Settings) => {
    setDraft(next);
    setDirty(true);
    setStatus('');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (Object.keys(errors).length > 0) return;
    const ok = await actions.save(draft);
    if (ok) {
      setDirty(false);
      setStatus('Settings saved.');
    }
  };

  const custom = draft.globus.kind === 'custom' ? draft.globus : null;
  const globus = effective?.globus ?? null;
  const clientId = effective?.clientId ?? null;
  return (
    <form className="panel form" onSubmit={submit} noValidate aria-label="Settings">
      {settingsFile && (
        <p className="help settings-file">
          Saved in <span className="mono">{settingsFile}</span>. Values that Ferry's environment sets are marked where they apply.
        </p>
      )}
      <fieldset>
        <legend>Appearance</legend>
        <label htmlFor="theme">Theme</label>
        <select id="theme" value={draft.theme} onChange={(e) => edit({ ...draft, theme: e.target.value as Settings['theme'] })}>
          {themes.map((t) => (
            <option key={t} value={t}>
              {themeLabels[t]}
            </option>
          ))}
        </select>
      </fieldset>

      <fieldset>
        <legend>Storage</legend>
        <label htmlFor="dataDir">
          Data folder {effective?.dataDir && <span className="source-badge">{sourceWords(effective.dataDir)}</span>}
        </label>
        <input
          id="dataDir"
          value={draft.dataDir}
          spellCheck={false}
          aria-invalid={errors.dataDir ? true : undefined}
          aria-describedby="dataDir-help"
          onChange={(e) => edit({ ...draft, dataDir: e.target.value })}
        />
        <p id="dataDir-help" className={errors.dataDir ? 'field-error' : 'help'}>
          {errors.dataDir ??
            `History, queue and sync state live here. A change applies after Ferry restarts${info ? ` (now using ${info.dataDir})` : ''}.`}
        </p>
        <label htmlFor="uploadLimitMb">Largest dropped file (MB)</label>
        <input
          id="uploadLimitMb"
          type="number"
          min={1}
          step={1}
          value={Number.isFinite(draft.uploadLimitMb) ? draft.uploadLimitMb : ''}
          aria-invalid={errors.uploadLimitMb ? true : undefined}
          aria-describedby="uploadLimitMb-help"
          onChange={(e) => edit({ ...draft, uploadLimitMb: e.target.valueAsNumber })}
        />
        <p id="uploadLimitMb-help" className={errors.uploadLimitMb ? 'field-error' : 'help'}>
          {errors.uploadLimitMb ?? 'In the browser host, a file dropped on the page is copied to the data folder first; larger files are refused.'}
        </p>
      </fieldset>

      <fieldset>
        <legend>Globus environment</legend>
        {globus && <InUse label="Globus in use" value={globus} />}
        <div className="radio-row" role="radiogroup" aria-label="Globus environment">
          <label>
            <input type="radio" name="env" checked={draft.globus.kind === 'production'} onChange={() => edit({ ...draft, globus: { kind: 'production' } })} />
            Production (globus.org)
            {globus?.source === 'environment' && <span className="source-badge source-overridden">overridden by the environment</span>}
          </label>
          <label>
            <input
              type="radio"
              name="env"
              checked={draft.globus.kind === 'custom'}
              onChange={() => edit({ ...draft, globus: { kind: 'custom', authUrl: custom?.authUrl ?? '', transferUrl: custom?.transferUrl ?? '' } })}
            />
            Custom service URLs
          </label>
        </div>
        {custom && (
          <>
            <label htmlFor="authUrl">Auth service URL</label>
            <input id="authUrl" value={custom.authUrl} spellCheck={false} placeholder="https://auth.globus.org" onChange={(e) => edit({ ...draft, globus: { ...custom, authUrl: e.target.value } })} />
            {errors['globus.authUrl'] && <p className="field-error">{errors['globus.authUrl']}</p>}
            <label htmlFor="transferUrl">Transfer service URL</label>
            <input id="transferUrl" value={custom.transferUrl} spellCheck={false} placeholder="https://transfer.api.globus.org" onChange={(e) => edit({ ...draft, globus: { ...custom, transferUrl: e.target.value } })} />
            {errors['globus.transferUrl'] && <p className="field-error">{errors['globus.transferUrl']}</p>}
          </>
        )}
        <label htmlFor="clientId">Native app client id</label>
        {clientId && clientId.value !== '' && <InUse label="Client id in use" value={clientId} />}
        <input
          id="clientId"
          value={draft.globusClientId}
          spellCheck={false}
          placeholder={
            clientId === null
              ? 'Empty: FERRY_GLOBUS_CLIENT_ID from the environment, if set'
              : clientId.source === 'environment'
                ? `Empty: uses ${clientId.value} from the environment`
                : 'Register one at app.globus.org → Settings → Developers'
          }
          aria-describedby="clientId-help"
          onChange={(e) => edit({ ...draft, globusClientId: e.target.value })}
        />
        <p id="clientId-help" className={errors.globusClientId ? 'field-error' : 'help'}>
          {errors.globusClientId ?? clientIdHelp(clientId)}
        </p>
      </fieldset>

      <fieldset>
        <legend>Notifications</legend>
        <label className="check">
          <input type="checkbox" checked={draft.notifications.taskEnded} onChange={(e) => edit({ ...draft, notifications: { ...draft.notifications, taskEnded: e.target.checked } })} />
          Notify me when a transfer Ferry submitted ends
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.notifications.globusEmailsForBulkTasks}
            onChange={(e) => edit({ ...draft, notifications: { ...draft.notifications, globusEmailsForBulkTasks: e.target.checked } })}
          />
          Let Globus e-mail me for every task of queued and synced batches
        </label>
      </fieldset>

      <AlertsFields draft={draft} errors={errors} edit={edit} />

      <div className="form-actions">
        <ActionButton
          type="submit"
          className="primary"
          disabled={saving}
          disabledReason={!dirty ? 'Nothing changed yet.' : Object.keys(errors).length > 0 ? 'Fix the fields marked above to save.' : null}
        >
          {saving ? 'Saving…' : 'Save settings'}
        </ActionButton>
        <button
          type="button"
          disabled={!dirty}
          onClick={() => {
            setDraft(saved);
            setDirty(false);
          }}
        >
          Discard changes
        </button>
        <span role="status" className="muted">
          {status}
        </span>
      </div>
    </form>
  );
}
