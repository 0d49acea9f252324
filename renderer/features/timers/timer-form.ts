/**
 * The timer form as a pure model: what the fields hold, the draft they make (checked by the
 * contract's own schema, so the messages are the ones core would give), and forms prefilled from
 * a timer or a sync job.
 */
import { timerDraftSchema, timerPatchSchema, timerStartGraceMs, type TimerDetail, type TimerDraft, type TimerEnd, type TimerPatch } from '../../../shared/contract/timers';
import type { SyncJob } from '../../../shared/contract/syncs';
import type { FilterRule } from '../../../shared/collections';
import { defaultTransferForm, formFromOptions, formOptions, type TransferForm } from '../collections/pane-model';

export const intervalUnits = ['minutes', 'hours', 'days', 'weeks'] as const;
export type IntervalUnit = (typeof intervalUnits)[number];
const unitSeconds: Record<IntervalUnit, number> = { minutes: 60, hours: 3600, days: 86_400, weeks: 604_800 };

export interface TimerForm {
  readonly name: string;
  readonly source: string;
  readonly sourcePath: string;
  readonly destination: string;
  readonly destinationPath: string;
  /** The source path is a folder: copy everything in it (recursively). */
  readonly recursive: boolean;
  /** `datetime-local` ('' = now). */
  readonly start: string;
  readonly repeat: boolean;
  readonly every: string;
  readonly unit: IntervalUnit;
  readonly endKind: TimerEnd['kind'];
  /** `datetime-local`. */
  readonly endDate: string;
  readonly endRuns: string;
  /** Every transfer option (the Collections transfer form's model). */
  readonly options: TransferForm;
}

export type TimerFormField = 'name' | 'source' | 'sourcePath' | 'destination' | 'destinationPath' | 'start' | 'every' | 'endDate' | 'endRuns' | 'filterRules' | 'form';

export const emptyTimerForm: TimerForm = {
  name: '',
  source: '',
  sourcePath: '',
  destination: '',
  destinationPath: '',
  recursive: true,
  start: '',
  repeat: true,
  every: '1',
  unit: 'days',
  endKind: 'never',
  endDate: '',
  endRuns: '10',
  options: { ...defaultTransferForm, syncLevel: 3 },
};

/** A `datetime-local` value for an epoch-ms time, in this machine's zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(value: string): number | null {
  if (!value.trim()) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** The interval in seconds the form says, or null when it runs once; NaN when unreadable. */
export function formInterval(form: Pick<TimerForm, 'repeat' | 'every' | 'unit'>): number | null {
  if (!form.repeat) return null;
  const n = Number(form.every.trim());
  return form.every.trim() === '' || !Number.isFinite(n) ? Number.NaN : Math.round(n * unitSeconds[form.unit]);
}

function formEnd(form: TimerForm): TimerEnd | { readonly problem: TimerFormField; readonly message: string } {
  switch (form.endKind) {
    case 'never':
      return { kind: 'never' };
    case 'date': {
      const at = fromLocalInput(form.endDate);
      return at === null ? { problem: 'endDate', message: 'choose the date the timer stops' } : { kind: 'date', at };
    }
    case 'runs': {
      const count = Number(form.endRuns.trim());
      return form.endRuns.trim() === '' || !Number.isFinite(count) ? { problem: 'endRuns', message: 'say after how many runs the timer stops' } : { kind: 'runs', count };
    }
  }
}

const fieldOf = (path: readonly PropertyKey[]): TimerFormField => {
  const [head, , sub] = path;
  if (head === 'items') return sub === 'destinationPath' ? 'destinationPath' : 'sourcePath';
  if (head === 'intervalSeconds') return 'every';
  if (head === 'end') return path[1] === 'count' ? 'endRuns' : 'endDate';
  if (head === 'startAt') return 'start';
  if (head === 'name' || head === 'source' || head === 'destination' || head === 'filterRules') return head;
  return 'form';
};

export interface CheckedTimerForm {
  readonly draft: TimerDraft | null;
  readonly errors: Partial<Record<TimerFormField, string>>;
}

/** The draft a form makes, or the first problem of each field in the contract's words. */
export function checkTimerForm(form: TimerForm, now: number): CheckedTimerForm {
  const errors: Partial<Record<TimerFormField, string>> = {};
  const startAt = fromLocalInput(form.start) ?? now;
  if (form.start.trim() && startAt < now - timerStartGraceMs) errors.start = 'the start is in the past; choose a time from now on (or leave it empty to start now)';
  const end = formEnd(form);
  if ('problem' in end) errors[end.problem] = end.message;
  const interval = formInterval(form);
  if (interval !== null && Number.isNaN(interval)) errors.every = 'say how often the timer runs';
  const candidate = {
    name: form.name,
    source: form.source,
    destination: form.destination,
    items: [{ sourcePath: form.sourcePath.trim(), destinationPath: form.destinationPath.trim(), recursive: form.recursive }],
    startAt,
    intervalSeconds: interval !== null && Number.isNaN(interval) ? 3600 : interval,
    end: 'problem' in end ? ({ kind: 'never' } as const) : end,
    ...formOptions(form.options),
  };
  const parsed = timerDraftSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      errors[field] ??= issue.path[0] === 'source' || issue.path[0] === 'destination' ? 'choose a collection' : issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { draft: null, errors };
  return { draft: candidate, errors };
}

/** What an edit changes: only what differs from the timer (name in place; interval or end replace it). */
export function checkTimerEdit(form: TimerForm, timer: TimerDetail): { readonly patch: TimerPatch | null; readonly errors: Partial<Record<TimerFormField, string>> } {
  const errors: Partial<Record<TimerFormField, string>> = {};
  const end = formEnd(form);
  if ('problem' in end) errors[end.problem] = end.message;
  const interval = formInterval(form);
  if (interval !== null && Number.isNaN(interval)) errors.every = 'say how often the timer runs';
  const patch: { name?: string; intervalSeconds?: number; end?: TimerEnd } = {};
  if (form.name.trim() !== timer.name) patch.name = form.name;
  if (interval !== null && !Number.isNaN(interval) && interval !== timer.intervalSeconds) patch.intervalSeconds = interval;
  if (!('problem' in end) && JSON.stringify(end) !== JSON.stringify(timer.end)) patch.end = end;
  const parsed = timerPatchSchema.safeParse(patch);
  if (!parsed.success) for (const issue of parsed.error.issues) errors[fieldOf(issue.path)] ??= issue.message;
  return Object.keys(errors).length > 0 ? { patch: null, errors } : { patch, errors };
}

function intervalFields(seconds: number | null): Pick<TimerForm, 'repeat' | 'every' | 'unit'> {
  if (seconds === null) return { repeat: false, every: '1', unit: 'days' };
  const unit = [...intervalUnits].reverse().find((u) => seconds % unitSeconds[u] === 0) ?? 'minutes';
  return { repeat: true, every: String(seconds / unitSeconds[unit]), unit };
}

/** The edit form of a timer. */
export function formFromTimer(timer: TimerDetail): TimerForm {
  const first = timer.items[0];
  return {
    ...emptyTimerForm,
    name: timer.name,
    source: timer.source,
    sourcePath: first?.sourcePath ?? '',
    destination: timer.destination,
    destinationPath: first?.destinationPath ?? '',
    recursive: first?.recursive ?? true,
    start: timer.startAt !== null ? toLocalInput(timer.startAt) : '',
    ...intervalFields(timer.intervalSeconds),
    endKind: timer.end.kind,
    endDate: timer.end.kind === 'date' ? toLocalInput(timer.end.at) : '',
    endRuns: timer.end.kind === 'runs' ? String(timer.end.count) : emptyTimerForm.endRuns,
    options: formFromOptions(timer.options),
  };
}

const folder = (path: string) => (path.endsWith('/') ? path : `${path}/`);

/** The last path segment of a sync glob, as a Globus filter rule name (rules match names, not paths). */
function ruleName(glob: string): string {
  const last = glob.split('/').filter((s) => s !== '' && s !== '**').at(-1);
  return last ?? '*';
}

/** A timer doing what a sync job does, run by Globus: same collections, folders, interval, checks and filters. */
export function formFromSyncJob(job: SyncJob): Partial<TimerForm> {
  const rules: FilterRule[] = [
    ...job.exclude.map((g) => ({ method: 'exclude' as const, name: ruleName(g) })),
    ...job.include.map((g) => ({ method: 'include' as const, name: ruleName(g), type: 'file' as const })),
    ...(job.include.length > 0 ? [{ method: 'exclude' as const, name: '*', type: 'file' as const }] : []),
  ];
  return {
    name: `${job.name} (on Globus)`.slice(0, 128),
    source: job.source.collectionId,
    sourcePath: folder(job.source.collectionPath),
    destination: job.destination.collectionId,
    destinationPath: folder(job.destination.path),
    recursive: true,
    ...(job.schedule.kind === 'interval' ? intervalFields(Math.max(60, job.schedule.minutes * 60)) : {}),
    options: {
      ...formFromOptions({
        // A sync sends only what changed here; a timer has no local scan, so Globus compares (mtime by default).
        syncLevel: job.syncLevel ?? 2,
        verifyChecksum: job.verifyChecksum,
        preserveTimestamp: job.preserveTimestamp,
        notifyOnSucceeded: job.notify,
        notifyOnFailed: job.notify,
        notifyOnInactive: job.notify,
      }),
      filterRules: rules,
    },
  };
}
