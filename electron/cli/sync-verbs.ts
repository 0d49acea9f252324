/**
 * `ferry sync` verbs that manage jobs and read the record (add, edit, remove, pause, resume,
 * list, log, files): core does the work (electron/core/sync), this file prints.
 */
import { assertNever } from '../../shared/assert-never';
import { syncRunFilesCsv, type SyncJob, type SyncJobDraft, type SyncRun, type SyncRunFile } from '../../shared/contract/syncs';
import {
  checkLocalFolder,
  draftToInput,
  jobToDraft,
  parseJobDraft,
  SyncJobNameTakenError,
  type SyncEngine,
  type SyncOutcome,
} from '../core/sync';
import type { SyncArgs } from './sync-args';
import { intFlag } from './sync-args';
import { draftFromFlags, inFlagTerms } from './sync-job-flags';
import { fileLine, jobText, summaryText } from './sync-output';

export type Writer = { write(s: string): unknown };

/** A usage error found while a verb runs (no such job, a bad value): exit status 2. */
export class SyncUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncUsageError';
  }
}

/** Exit status of `ferry sync` (see SYNC_USAGE). */
export const syncExit = { succeeded: 0, failed: 1, usage: 2, nothingToDo: 3, warnings: 4 } as const;

export function exitFor(outcome: SyncOutcome): number {
  switch (outcome) {
    case 'succeeded':
    case 'in-progress':
      return syncExit.succeeded;
    case 'succeeded-with-warnings':
      return syncExit.warnings;
    case 'nothing-to-do':
      return syncExit.nothingToDo;
    case 'failed':
      return syncExit.failed;
    default:
      return assertNever(outcome, 'sync outcome');
  }
}

export interface VerbContext {
  readonly engine: SyncEngine;
  readonly args: SyncArgs;
  readonly out: Writer;
  readonly err: Writer;
  readonly json: boolean;
  /** Where a relative --local-path starts. */
  readonly cwd: string;
}

export function writeJson(out: Writer, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The job `--job` names (required unless `optional`). */
export function jobByFlag(c: VerbContext, optional = false): SyncJob | null {
  const name = c.args.values.get('--job');
  if (name === undefined) {
    if (optional) return null;
    throw new SyncUsageError(`ferry sync ${c.args.verb} needs --job NAME (see: ferry sync list)`);
  }
  const job = c.engine.getJob(name);
  if (!job) throw new SyncUsageError(`no job named "${name}" (see: ferry sync list)`);
  return job;
}

/** Core's checks of a draft (the same as the app's form gets); a refusal is a usage error named by flag. */
function checkedDraft(raw: Record<string, unknown> | string): SyncJobDraft {
  if (typeof raw === 'string') throw new SyncUsageError(raw);
  try {
    const draft = parseJobDraft(raw);
    checkLocalFolder(draft.source.localPath);
    return draft;
  } catch (error) {
    const e = error as { kind?: unknown; message?: string; details?: unknown };
    if (e.kind === 'invalid' || e.kind === 'refused') throw new SyncUsageError(inFlagTerms(e.message ?? String(error), e.details));
    throw error;
  }
}

function nameTaken<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SyncJobNameTakenError) throw new SyncUsageError(`${error.message}; choose another --name`);
    throw error;
  }
}

export function listVerb(c: VerbContext): number {
  const summaries = c.engine.summaries();
  if (c.json) writeJson(c.out, summaries);
  else c.out.write(summaryText(summaries));
  return syncExit.succeeded;
}

export function addVerb(c: VerbContext): number {
  const draft = checkedDraft(draftFromFlags(c.args, null, c.cwd));
  const job = nameTaken(() => c.engine.createJob(draftToInput(draft)));
  if (c.json) writeJson(c.out, job);
  else c.out.write(jobText('Created', job));
  return syncExit.succeeded;
}

export function editVerb(c: VerbContext): number {
  const job = jobByFlag(c) as SyncJob;
  const draft = checkedDraft(draftFromFlags(c.args, jobToDraft(job), c.cwd));
  const updated = nameTaken(() => c.engine.updateJob(job.id, draftToInput(draft)));
  if (c.json) writeJson(c.out, updated);
  else c.out.write(jobText('Updated', updated));
  return syncExit.succeeded;
}

export function removeVerb(c: VerbContext): number {
  const job = jobByFlag(c) as SyncJob;
  if (!c.args.switches.has('--yes')) {
    throw new SyncUsageError(`removing "${job.name}" deletes the job, its run history and its state (what it transferred); add --yes to confirm`);
  }
  c.engine.deleteJob(job.id);
  if (c.json) writeJson(c.out, { deleted: true, id: job.id, name: job.name });
  else c.out.write(`Removed sync job "${job.name}" (${job.id}) with its history and state.\n`);
  return syncExit.succeeded;
}

export function pauseVerb(c: VerbContext, pause: boolean): number {
  const job = jobByFlag(c) as SyncJob;
  const updated = pause ? c.engine.pauseJob(job.id) : c.engine.resumeJob(job.id);
  if (c.json) writeJson(c.out, updated);
  else c.out.write(jobText(pause ? 'Paused' : 'Resumed', updated));
  return syncExit.succeeded;
}

/** The run `--run` names, or the job's latest run (`sentFiles`: its latest run that sent files). */
function runByFlags(c: VerbContext, sentFiles: boolean): SyncRun | null {
  const runId = c.args.values.get('--run');
  if (runId !== undefined) {
    const run = c.engine.getRun(runId);
    if (!run) throw new SyncUsageError(`no run with id "${runId}" (see: ferry sync log --job NAME, or the app's run history)`);
    return run;
  }
  const job = jobByFlag(c, true);
  if (!job) throw new SyncUsageError(`ferry sync ${c.args.verb} needs --run RUN_ID or --job NAME`);
  const runs = c.engine.listRuns(job.id, 1000);
  return (sentFiles ? runs.find((r) => r.tasks.some((t) => t.taskId !== null)) : runs[0]) ?? null;
}

export async function logVerb(c: VerbContext): Promise<number> {
  const run = runByFlags(c, false);
  if (!run) {
    c.err.write('ferry sync: this job has not run yet\n');
    return syncExit.nothingToDo;
  }
  if (c.json) writeJson(c.out, { runId: run.id, lines: c.engine.runLog(run.id) });
  else c.out.write(await c.engine.exportRunLog(run.id));
  return syncExit.succeeded;
}

/** Buffers lines and writes them in blocks (a run may have sent millions of files). */
function blockWriter(out: Writer): { add(s: string): void; flush(): void } {
  let buf: string[] = [];
  let size = 0;
  return {
    add(s) {
      buf.push(s);
      size += s.length;
      if (size >= 64 * 1024) this.flush();
    },
    flush() {
      if (buf.length > 0) out.write(buf.join(''));
      buf = [];
      size = 0;
    },
  };
}

export function filesVerb(c: VerbContext): number {
  const csv = c.args.switches.has('--csv');
  if (csv && c.json) throw new SyncUsageError('give --csv or --json, not both');
  const offset = intFlag(c.args, '--offset', 0, Number.MAX_SAFE_INTEGER);
  const limit = intFlag(c.args, '--limit', 1, Number.MAX_SAFE_INTEGER);
  for (const v of [offset, limit]) if (typeof v === 'string') throw new SyncUsageError(v);
  const run = runByFlags(c, true);
  if (!run) {
    c.err.write('ferry sync: no run of this job has sent files yet\n');
    return syncExit.nothingToDo;
  }
  const search = c.args.values.get('--search')?.trim() || null;
  const from = (offset as number | undefined) ?? 0;
  const to = limit === undefined ? Infinity : from + (limit as number);
  const counts = c.engine.runFiles(run.id, { offset: 0, limit: 1, search });
  const w = blockWriter(c.out);
  if (c.json) w.add(`{"runId":${JSON.stringify(run.id)},"label":${JSON.stringify(run.label)},"sent":${counts.sent},"total":${counts.total},"offset":${from},"files":[`);
  if (csv) w.add(syncRunFilesCsv([], true));
  let i = 0;
  let written = 0;
  c.engine.eachRunFile(run.id, search, (f: SyncRunFile) => {
    if (i >= from && i < to) {
      if (c.json) w.add(`${written > 0 ? ',' : ''}\n  ${JSON.stringify(f)}`);
      else w.add(csv ? syncRunFilesCsv([f], false) : fileLine(f));
      written++;
    }
    i++;
    return i < to;
  });
  if (c.json) w.add(`${written > 0 ? '\n' : ''}]}\n`);
  w.flush();
  return syncExit.succeeded;
}

export function sampleFlag(args: SyncArgs): number {
  const n = intFlag(args, '--sample', 0, 10_000);
  if (typeof n === 'string') throw new SyncUsageError(n);
  return n ?? 20;
}
