/** The sync-job form as a person fills it in, and its checks (pure, so they are tested without a DOM). */
import { assertNever } from '../../../shared/assert-never';
import { syncJobDraftSchema, type SyncJob, type SyncJobDraft, type SyncSymlinkPolicy } from '../../../shared/contract/syncs';

export type ScheduleKind = 'manual' | 'interval' | 'cron' | 'watch';
/** `none` = always transfer what changed here (no Globus sync_level). */
export type SyncLevelChoice = 'none' | '0' | '1' | '2' | '3';

export interface SyncForm {
  readonly name: string;
  readonly sourceCollection: string;
  readonly localPath: string;
  readonly collectionPath: string;
  readonly destinationCollection: string;
  readonly destinationPath: string;
  readonly scheduleKind: ScheduleKind;
  readonly minutes: string;
  readonly cron: string;
  /** watch: seconds of quiet before a run, minutes between full scans. */
  readonly quietSeconds: string;
  readonly fullScanMinutes: string;
  readonly syncLevel: SyncLevelChoice;
  /** One glob per line. */
  readonly include: string;
  readonly exclude: string;
  readonly symlinks: SyncSymlinkPolicy;
  readonly createEmptyDirs: boolean;
  readonly maxItems: string;
  readonly enabled: boolean;
  readonly verifyChecksum: boolean;
  /** Verified move: the form asks for confirmation before this turns on. */
  readonly moveAfterVerify: boolean;
}

export type SyncFormField =
  | 'name'
  | 'sourceCollection'
  | 'localPath'
  | 'collectionPath'
  | 'destinationCollection'
  | 'destinationPath'
  | 'minutes'
  | 'cron'
  | 'quietSeconds'
  | 'fullScanMinutes'
  | 'moveAfterVerify'
  | 'syncLevel'
  | 'include'
  | 'exclude'
  | 'symlinks'
  | 'maxItems';
export type SyncFormErrors = Partial<Record<SyncFormField, string>>;

export const emptySyncForm: SyncForm = {
  name: '',
  sourceCollection: '',
  localPath: '',
  collectionPath: '',
  destinationCollection: '',
  destinationPath: '',
  scheduleKind: 'interval',
  minutes: '15',
  cron: '*/15 * * * *',
  quietSeconds: '10',
  fullScanMinutes: '60',
  syncLevel: 'none',
  include: '',
  exclude: '',
  symlinks: 'skip',
  createEmptyDirs: true,
  maxItems: '25000',
  enabled: true,
  verifyChecksum: false,
  moveAfterVerify: false,
};

export function formFromJob(job: SyncJob): SyncForm {
  return {
    name: job.name,
    sourceCollection: job.source.collectionId,
    localPath: job.source.localPath,
    collectionPath: job.source.collectionPath,
    destinationCollection: job.destination.collectionId,
    destinationPath: job.destination.path,
    scheduleKind: job.schedule.kind,
    minutes: job.schedule.kind === 'interval' ? String(job.schedule.minutes) : emptySyncForm.minutes,
    cron: job.schedule.kind === 'cron' ? job.schedule.expression : emptySyncForm.cron,
    quietSeconds: job.schedule.kind === 'watch' ? String(job.schedule.quietSeconds) : emptySyncForm.quietSeconds,
    fullScanMinutes: job.schedule.kind === 'watch' ? String(job.schedule.fullScanMinutes) : emptySyncForm.fullScanMinutes,
    syncLevel: job.syncLevel === null ? 'none' : (String(job.syncLevel) as SyncLevelChoice),
    include: job.include.join('\n'),
    exclude: job.exclude.join('\n'),
    symlinks: job.symlinks,
    createEmptyDirs: job.createEmptyDirs,
    maxItems: String(job.maxItemsPerTransfer),
    enabled: job.enabled,
    verifyChecksum: job.verifyChecksum,
    moveAfterVerify: job.moveAfterVerify ?? false,
  };
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function wholeNumber(text: string): number {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : t === '' ? Number.NaN : Number(t);
}

/** Where a contract issue belongs on the form. */
function fieldOf(path: readonly PropertyKey[]): SyncFormField | null {
  const [a, b] = path;
  if (a === 'name') return 'name';
  if (a === 'source') return b === 'collectionId' ? 'sourceCollection' : b === 'localPath' ? 'localPath' : 'collectionPath';
  if (a === 'destination') return b === 'collectionId' ? 'destinationCollection' : 'destinationPath';
  if (a === 'schedule') return b === 'expression' ? 'cron' : b === 'quietSeconds' ? 'quietSeconds' : b === 'fullScanMinutes' ? 'fullScanMinutes' : 'minutes';
  if (a === 'moveAfterVerify') return 'moveAfterVerify';
  if (a === 'syncLevel') return 'syncLevel';
  if (a === 'include') return 'include';
  if (a === 'exclude') return 'exclude';
  if (a === 'symlinks') return 'symlinks';
  if (a === 'maxItemsPerTransfer') return 'maxItems';
  return null;
}

/** Every problem with the form (as the host would say it), and the draft to send when there is none. */
export function checkSyncForm(form: SyncForm): { readonly errors: SyncFormErrors; readonly draft: SyncJobDraft | null } {
  const schedule =
    form.scheduleKind === 'manual'
      ? { kind: 'manual' as const }
      : form.scheduleKind === 'interval'
        ? { kind: 'interval' as const, minutes: wholeNumber(form.minutes) }
        : form.scheduleKind === 'watch'
          ? { kind: 'watch' as const, quietSeconds: wholeNumber(form.quietSeconds), fullScanMinutes: wholeNumber(form.fullScanMinutes) }
          : { kind: 'cron' as const, expression: form.cron.trim() };
  const draft: SyncJobDraft = {
    name: form.name.trim(),
    source: { collectionId: form.sourceCollection.trim(), localPath: form.localPath.trim(), collectionPath: form.collectionPath.trim() },
    destination: { collectionId: form.destinationCollection.trim(), path: form.destinationPath.trim() },
    schedule,
    syncLevel: form.syncLevel === 'none' ? null : (Number(form.syncLevel) as 0 | 1 | 2 | 3),
    include: lines(form.include),
    exclude: lines(form.exclude),
    symlinks: form.symlinks,
    createEmptyDirs: form.createEmptyDirs,
    enabled: form.enabled,
    maxItemsPerTransfer: wholeNumber(form.maxItems),
    verifyChecksum: form.verifyChecksum,
    moveAfterVerify: form.moveAfterVerify,
  };
  const parsed = syncJobDraftSchema.safeParse(draft);
  if (parsed.success) return { errors: {}, draft };
  const errors: SyncFormErrors = {};
  for (const issue of parsed.error.issues) {
    const field = fieldOf(issue.path);
    if (!field || errors[field]) continue;
    errors[field] =
      (field === 'minutes' || field === 'maxItems' || field === 'quietSeconds' || field === 'fullScanMinutes') && issue.code === 'invalid_type' ? 'Enter a whole number.' : capitalize(issue.message);
  }
  // The collections are picked, not typed: an empty one asks for a choice.
  if (errors.sourceCollection && form.sourceCollection.trim() === '') errors.sourceCollection = 'Choose the source collection: search by name, or paste its Globus id.';
  if (errors.destinationCollection && form.destinationCollection.trim() === '') errors.destinationCollection = 'Choose the destination collection: search by name, or paste its Globus id.';
  return { errors, draft: null };
}

function capitalize(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** "every 15 min", "cron 0 3 * * *", "manual only". */
export function describeSchedule(job: SyncJob): string {
  const s = job.schedule;
  switch (s.kind) {
    case 'manual':
      return 'Manual only';
    case 'interval':
      return s.minutes === 1 ? 'Every minute' : `Every ${s.minutes} min`;
    case 'cron':
      return `Cron ${s.expression}`;
    case 'watch':
      return `On change (${s.quietSeconds} s quiet; full scan every ${s.fullScanMinutes} min)`;
    default:
      return assertNever(s, 'schedule');
  }
}
