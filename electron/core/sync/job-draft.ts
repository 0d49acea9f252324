/**
 * Jobs as people write them (the contract's draft: the app's form, `ferry sync add|edit`),
 * checked the same way wherever they come from.
 */
import { isAbsolute } from 'node:path';
import { statSync } from 'node:fs';
import { syncJobDraftSchema, type SyncJob, type SyncJobDraft } from '../../../shared/contract/syncs';
import { AppError, formatZodIssues, zodIssueDetails } from '../kernel';
import type { SyncJobInput } from './model';

/** A draft from anywhere (a shell, a file): the contract's schema, or an `invalid` error naming each problem. */
export function parseJobDraft(input: unknown): SyncJobDraft {
  const parsed = syncJobDraftSchema.safeParse(input);
  if (!parsed.success) throw new AppError('invalid', 'InvalidInput', formatZodIssues(parsed.error), zodIssueDetails(parsed.error));
  return parsed.data;
}

/** The draft a job was made from (to edit some of its settings and keep the rest). */
export function jobToDraft(job: SyncJob): SyncJobDraft {
  return {
    name: job.name,
    source: { ...job.source },
    destination: { ...job.destination },
    schedule: { ...job.schedule },
    syncLevel: job.syncLevel,
    include: [...job.include],
    exclude: [...job.exclude],
    symlinks: job.symlinks,
    createEmptyDirs: job.createEmptyDirs,
    enabled: job.enabled,
    maxItemsPerTransfer: job.maxItemsPerTransfer,
    preserveTimestamp: job.preserveTimestamp,
    verifyChecksum: job.verifyChecksum,
    notify: job.notify,
    moveAfterVerify: job.moveAfterVerify,
  };
}

/** The engine's input from a validated draft (absent options keep the engine's defaults). */
export function draftToInput(draft: SyncJobDraft): SyncJobInput {
  const { preserveTimestamp, verifyChecksum, notify, moveAfterVerify, ...rest } = draft;
  return {
    ...rest,
    source: { ...draft.source },
    destination: { ...draft.destination },
    schedule: { ...draft.schedule },
    include: [...draft.include],
    exclude: [...draft.exclude],
    ...(preserveTimestamp !== undefined ? { preserveTimestamp } : {}),
    ...(verifyChecksum !== undefined ? { verifyChecksum } : {}),
    ...(notify !== undefined ? { notify } : {}),
    ...(moveAfterVerify !== undefined ? { moveAfterVerify } : {}),
  };
}

/** The local folder must exist and be a folder on this machine. */
export function checkLocalFolder(path: string): void {
  if (!isAbsolute(path)) {
    throw new AppError('refused', 'InvalidInput', `source.localPath: ${path.slice(0, 200)} is not an absolute path on this machine; give the full path of the folder.`);
  }
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'Ferry may not read it' : code === 'ENAMETOOLONG' ? 'the path is too long' : 'it cannot be read';
    throw new AppError('refused', 'InvalidInput', `source.localPath: ${why} (${path.slice(0, 200)}); choose another folder.`);
  }
  if (!stat) {
    throw new AppError('refused', 'InvalidInput', `source.localPath: the folder ${path} does not exist on this machine; create it or choose another folder.`);
  }
  if (!stat.isDirectory()) {
    throw new AppError('refused', 'InvalidInput', `source.localPath: ${path} is a file, not a folder; choose the folder to sync.`);
  }
}
