import type { DeleteSubmission, TaskDocument, TaskEvent, TransferSubmission } from '../../../shared/globus-types';
import type { TaskAttention } from '../../../shared/contract/activity';
import { explainTransferError } from '../../../shared/transfer-errors';
import { GlobusApiError, type TransferService } from '../globus';

type Submission = TransferSubmission | DeleteSubmission;

export interface AttentionOptions {
  readonly now: () => number;
  /** The document Ferry submitted for a task, if it keeps one. */
  readonly submission: (taskId: string) => Submission | null;
  /** Event-list requests one poll makes at most (the rest wait for the next poll). Default 10. */
  readonly maxChecksPerPoll?: number;
  /** Newest events read per check. Default 5. */
  readonly eventsPerCheck?: number;
}

export type AttentionListener = (list: readonly TaskAttention[]) => void;

interface Seen {
  readonly faults: number;
  readonly nice: string | null;
}

function isRunning(doc: TaskDocument): boolean {
  return doc.status === 'ACTIVE' || doc.status === 'INACTIVE';
}

function isTransfer(s: Submission): s is TransferSubmission {
  return 'destination_endpoint' in s;
}

/**
 * The item of a submission an error names: the one whose source or destination path the event's
 * text contains (the longest such path: a file inside a folder item names the folder), else the
 * only item. Null for deletes and when nothing fits.
 */
export function failingItem(submission: Submission | null, event: Pick<TaskEvent, 'description' | 'details'> | null): TaskAttention['item'] {
  if (!submission || !isTransfer(submission)) return null;
  const text = event ? `${event.description}\n${event.details}` : '';
  let index = submission.DATA.length === 1 ? 0 : -1;
  let longest = 0;
  submission.DATA.forEach((item, i) => {
    for (const p of [item.source_path, item.destination_path]) {
      const trimmed = p.replace(/\/+$/, '');
      if (trimmed.length > longest && text.includes(trimmed)) {
        index = i;
        longest = trimmed.length;
      }
    }
  });
  const item = submission.DATA[index];
  return item ? { index, sourcePath: item.source_path, destinationPath: item.destination_path } : null;
}

/**
 * Which running tasks need a person. After each poll it looks at the task documents that poll
 * read; only a task whose `faults` rose (or that Globus marks not OK with a new `nice_status`)
 * costs one `event_list` request (newest events, a handful), and at most `maxChecksPerPoll` of
 * them per poll, so a quiet account costs nothing and a noisy one stays bounded.
 */
export class AttentionTracker {
  private readonly seen = new Map<string, Seen>();
  private readonly items = new Map<string, TaskAttention>();
  private readonly listeners = new Set<AttentionListener>();
  private readonly maxChecks: number;
  private readonly eventsPerCheck: number;

  constructor(private readonly options: AttentionOptions) {
    this.maxChecks = Math.max(1, options.maxChecksPerPoll ?? 10);
    this.eventsPerCheck = Math.min(20, Math.max(1, options.eventsPerCheck ?? 5));
  }

  list(): readonly TaskAttention[] {
    return [...this.items.values()].sort((a, b) => b.since - a.since || a.taskId.localeCompare(b.taskId));
  }

  get(taskId: string): TaskAttention | undefined {
    return this.items.get(taskId);
  }

  onChange(listener: AttentionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets tasks (removed from the history, or cancelled here). */
  forget(taskIds: readonly string[]): void {
    let changed = false;
    for (const id of taskIds) {
      this.seen.delete(id);
      changed = this.items.delete(id) || changed;
    }
    if (changed) this.emit();
  }

  /** Looks at the documents one poll read; fetches the newest events of the few that changed. Never throws. */
  async update(t: TransferService, docs: readonly TaskDocument[]): Promise<void> {
    let changed = false;
    const candidates: { doc: TaskDocument; rose: boolean }[] = [];
    for (const doc of docs) {
      const id = doc.task_id;
      if (!isRunning(doc)) {
        this.seen.delete(id);
        changed = this.items.delete(id) || changed;
        continue;
      }
      const faults = typeof doc.faults === 'number' ? doc.faults : 0;
      const prev = this.seen.get(id);
      const rose = faults > (prev?.faults ?? 0);
      const newNotOk = doc.is_ok === false && (prev === undefined || prev.nice !== (doc.nice_status ?? null));
      if (rose || newNotOk) {
        candidates.push({ doc, rose });
        continue;
      }
      this.seen.set(id, { faults, nice: doc.nice_status ?? null });
      // Globus says it is fine again (the file went through on a retry): no longer needs a person.
      if (doc.is_ok === true && this.items.has(id)) changed = this.items.delete(id) || changed;
    }
    candidates.sort((a, b) => (b.doc.faults ?? 0) - (a.doc.faults ?? 0));
    for (const { doc, rose } of candidates.slice(0, this.maxChecks)) {
      const result = await this.check(t, doc, rose);
      if (result === 'retry') continue; // asked again next poll
      this.seen.set(doc.task_id, { faults: doc.faults ?? 0, nice: doc.nice_status ?? null });
      changed = result || changed;
    }
    if (changed) this.emit();
  }

  /** true: the list changed; false: it did not; 'retry': the events could not be read now. */
  private async check(t: TransferService, doc: TaskDocument, rose: boolean): Promise<boolean | 'retry'> {
    let events: readonly TaskEvent[];
    try {
      events = (await t.taskEvents(doc.task_id, { offset: 0, limit: this.eventsPerCheck })).DATA;
    } catch (error) {
      if (error instanceof GlobusApiError && (error.status === 404 || error.status === 403)) return false;
      return 'retry';
    }
    const newest = events[0];
    const error = events.find((e) => e.is_error) ?? null;
    const needs = newest?.is_error === true || (rose && error !== null) || (rose && events.length === 0);
    const id = doc.task_id;
    if (!needs) return this.items.delete(id);
    const submission = this.options.submission(id);
    const explanation = explainTransferError(error ?? { code: doc.nice_status ?? 'FAULT', description: `${doc.faults ?? 0} faults`, details: '' });
    const next: TaskAttention = {
      taskId: id,
      label: doc.label ?? null,
      faults: doc.faults ?? 0,
      event: error ? { code: error.code, is_error: error.is_error, description: error.description, details: error.details, time: error.time } : null,
      explanation,
      since: this.items.get(id)?.since ?? this.options.now(),
      item: failingItem(submission, error),
      canFixPath: submission !== null && isTransfer(submission),
    };
    const before = this.items.get(id);
    this.items.set(id, next);
    return !before || JSON.stringify(before) !== JSON.stringify(next);
  }

  private emit(): void {
    const list = this.list();
    for (const l of [...this.listeners]) {
      try {
        l(list);
      } catch (error) {
        console.error('attention listener failed', error);
      }
    }
  }
}
