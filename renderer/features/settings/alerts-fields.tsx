import type { Settings } from '../../../shared/settings';

/** A whole number from a number input (NaN while it is empty or half typed: the schema says why). */
const whole = (value: number) => (Number.isFinite(value) ? value : Number.NaN);

/** Settings → Alerts: warnings before things fail, the watchdog, the daily summary. */
export function AlertsFields({
  draft,
  errors,
  edit,
}: {
  readonly draft: Settings;
  readonly errors: Partial<Record<string, string>>;
  readonly edit: (next: Settings) => void;
}) {
  const alerts = draft.alerts;
  const set = (patch: Partial<Settings['alerts']>) => edit({ ...draft, alerts: { ...alerts, ...patch } });
  const warnError = errors['alerts.warnDaysBefore'];
  const watchdogError = errors['alerts.watchdogHours'];
  return (
    <fieldset>
      <legend>Alerts</legend>
      <label htmlFor="warnDaysBefore">Warn this many days before something expires</label>
      <input
        id="warnDaysBefore"
        type="number"
        min={1}
        max={90}
        step={1}
        value={Number.isFinite(alerts.warnDaysBefore) ? alerts.warnDaysBefore : ''}
        aria-invalid={warnError ? true : undefined}
        aria-describedby="warnDaysBefore-help"
        onChange={(e) => set({ warnDaysBefore: whole(e.target.valueAsNumber) })}
      />
      <p id="warnDaysBefore-help" className={warnError ? 'field-error' : 'help'}>
        {warnError ?? 'An alert (and a notification) this long before a collection consent, your Globus session or a sharing rule stops working, so transfers and timers do not fail unannounced.'}
      </p>
      <label htmlFor="watchdogHours">Watchdog: alarm after this many quiet hours</label>
      <input
        id="watchdogHours"
        type="number"
        min={1}
        max={720}
        step={1}
        value={Number.isFinite(alerts.watchdogHours) ? alerts.watchdogHours : ''}
        aria-invalid={watchdogError ? true : undefined}
        aria-describedby="watchdogHours-help"
        onChange={(e) => set({ watchdogHours: whole(e.target.valueAsNumber) })}
      />
      <p id="watchdogHours-help" className={watchdogError ? 'field-error' : 'help'}>
        {watchdogError ??
          'A sync job, timer or queue destination that should be sending data (enabled, scheduled, files waiting) but moved nothing for this long raises an alarm in Activity, with a notification. Set it a little longer than the longest normal gap between new data.'}
      </p>
      <label className="check">
        <input type="checkbox" checked={alerts.dailySummary} aria-describedby="dailySummary-help" onChange={(e) => set({ dailySummary: e.target.checked })} />
        Send me a daily summary
      </label>
      <p id="dailySummary-help" className="help">
        Once a day, one local notification of what moved (transfers ended, files, bytes) and what failed, instead of an e-mail from Globus for every task. Nothing is sent on a day when no transfer ended.
      </p>
    </fieldset>
  );
}
