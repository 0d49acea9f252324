import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { alertSchema, type Alert, type AlertNotification } from '../../../shared/contract/alerts';
import { writeFileAtomic } from '../store';
import type { AlertInput } from './types';

const stateSchema = z.object({
  alerts: z.array(alertSchema).max(10_000),
  /** Ids a person dismissed whose condition has not cleared since: raising them again stays quiet. */
  dismissed: z.array(z.string().max(500)).max(10_000),
  /** Epoch ms of the last daily summary (null: none yet). */
  lastSummaryAt: z.number().nullable(),
});
type State = z.infer<typeof stateSchema>;

export interface AlertListOptions {
  /** JSON file the list lives in (null: memory only). */
  readonly file: string | null;
  readonly now: () => number;
  /** The list after each change, newest first. */
  readonly onChanged: (alerts: readonly Alert[]) => void;
  /** A new alert asks for a desktop notification. */
  readonly onNotify: (notification: AlertNotification) => void;
}

function load(file: string | null): State {
  const empty: State = { alerts: [], dismissed: [], lastSummaryAt: null };
  if (!file) return empty;
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : empty;
  } catch {
    return empty; // missing or unreadable: start empty (alerts are raised again by whoever watches)
  }
}

/**
 * The alerts a person has not dismissed, kept in a small JSON file so a restart neither loses
 * them nor notifies twice. Raising an id that is listed updates it quietly; raising an id the
 * person dismissed stays quiet until `resolve` says its condition cleared.
 */
export class AlertList {
  private state: State;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: AlertListOptions) {
    this.state = load(options.file);
  }

  list(): readonly Alert[] {
    return [...this.state.alerts].sort((a, b) => b.raisedAt - a.raisedAt || a.id.localeCompare(b.id));
  }

  has(id: string): boolean {
    return this.state.alerts.some((a) => a.id === id);
  }

  /** Adds or updates an alert; returns it, or null when the person dismissed it and it has not cleared since. */
  raise(input: AlertInput): Alert | null {
    if (this.state.dismissed.includes(input.id)) return null;
    const existing = this.state.alerts.find((a) => a.id === input.id);
    const alert: Alert = {
      id: input.id,
      kind: input.kind,
      severity: input.severity,
      title: input.title,
      body: input.body,
      raisedAt: existing?.raisedAt ?? this.options.now(),
      subject: input.subject ?? null,
    };
    if (existing && JSON.stringify(existing) === JSON.stringify(alert)) return existing;
    this.state = { ...this.state, alerts: [...this.state.alerts.filter((a) => a.id !== input.id), alert] };
    this.changed();
    if (!existing && input.notify !== false) this.options.onNotify({ title: alert.title, body: alert.body, tag: `ferry-alert-${alert.id}` });
    return alert;
  }

  /** The condition behind `id` is gone: the alert goes, and a later one with that id may notify again. */
  resolve(id: string): boolean {
    const listed = this.has(id);
    const dismissed = this.state.dismissed.includes(id);
    if (!listed && !dismissed) return false;
    this.state = { ...this.state, alerts: this.state.alerts.filter((a) => a.id !== id), dismissed: this.state.dismissed.filter((d) => d !== id) };
    if (listed) this.changed();
    else this.save();
    return listed;
  }

  /** A person dismissed it: gone from the list, and quiet until its condition clears. */
  dismiss(id: string): boolean {
    if (!this.has(id)) return false;
    this.state = {
      ...this.state,
      alerts: this.state.alerts.filter((a) => a.id !== id),
      dismissed: [...this.state.dismissed.filter((d) => d !== id), id].slice(-10_000),
    };
    this.changed();
    return true;
  }

  /** Ids listed or dismissed whose id starts with `prefix` (the watchdog clears what no longer applies). */
  idsWithPrefix(prefix: string): readonly string[] {
    const ids = new Set<string>();
    for (const a of this.state.alerts) if (a.id.startsWith(prefix)) ids.add(a.id);
    for (const d of this.state.dismissed) if (d.startsWith(prefix)) ids.add(d);
    return [...ids];
  }

  get lastSummaryAt(): number | null {
    return this.state.lastSummaryAt;
  }

  set lastSummaryAt(at: number | null) {
    this.state = { ...this.state, lastSummaryAt: at };
    this.save();
  }

  /** Resolves once every change so far is on disk. */
  flush(): Promise<void> {
    return this.writing;
  }

  private changed(): void {
    this.save();
    this.options.onChanged(this.list());
  }

  private save(): void {
    const file = this.options.file;
    if (!file) return;
    const text = JSON.stringify(this.state);
    this.writing = this.writing
      .then(() => writeFileAtomic(file, text, 0o600))
      .catch((error: unknown) => console.error('alerts could not be saved', error));
  }
}
