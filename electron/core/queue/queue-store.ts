import type { Statement } from 'better-sqlite3';
import { assertNever } from '../../../shared/assert-never';
import type {
  QueueBatchRow,
  QueueBatchState,
  QueueItemRow,
  QueueItemState,
  QueueReconciliation,
  QueueReconciliationKind,
} from '../../../shared/contract/queue';
import { openDatabase, type SqliteDatabase } from '../store';
import {
  batchColumns,
  fileKey,
  itemStateSql,
  pairKey,
  stateCondition,
  toBatch,
  toItem,
  validateItem,
  type BatchFile,
  type BatchRow,
  type ItemOutcome,
  type ItemRow,
  type OpenSlot,
  type ProgressUpdate,
  type SettleBatch,
} from './queue-rows';
import { queueMigrations } from './schema';
import type { EnqueueItem, EnqueueOptions, EnqueueResult, ItemQuery } from './types';

export { fileKey, InvalidQueueItemError, toBatch, type BatchFile, type BatchRow, type ItemOutcome, type ProgressUpdate, type SettleBatch } from './queue-rows';

/**
 * Synchronous persistence of the queue; every change is one SQLite transaction, so a crash
 * leaves either the state before or the state after it.
 */
export class QueueStore {
  readonly #db: SqliteDatabase;
  readonly #pairIds = new Map<string, number>();
  readonly #pairs = new Map<number, { readonly source: string; readonly destination: string }>();
  readonly #cache = new Map<string, Statement>();
  readonly #stmt;
  /** N: the most items an open batch takes. */
  batchSize = 1000;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      insertItem: db.prepare(
        `INSERT INTO items (pair_id, batch_id, source_path, destination_path, size, origin, origin_id, enqueued_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      findRequest: db.prepare('SELECT 1 FROM enqueue_requests WHERE request_id = ?').pluck(),
      insertRequest: db.prepare('INSERT INTO enqueue_requests (request_id, at, items) VALUES (?, ?, ?)'),
      insertPair: db.prepare('INSERT INTO pairs (source, destination) VALUES (?, ?)'),
      insertDestination: db.prepare('INSERT OR IGNORE INTO destinations (collection, enabled) VALUES (?, 1)'),
      lastOpen: db.prepare(
        `SELECT id, files, bytes FROM batches WHERE state = 'open' AND pair_id = ? ORDER BY id DESC LIMIT 1`,
      ),
      insertOpen: db.prepare(`INSERT INTO batches (pair_id, state, created_at) VALUES (?, 'open', ?)`),
      setSize: db.prepare('UPDATE batches SET files = ?, bytes = ? WHERE id = ?'),
      addSize: db.prepare('UPDATE batches SET files = files + ?, bytes = bytes + ?, failed = failed + ? WHERE id = ?'),
      plannable: db.prepare(
        `SELECT o.id FROM (
           SELECT id, pair_id, row_number() OVER (PARTITION BY pair_id ORDER BY id) AS rank
           FROM batches WHERE state = 'open' AND files > 0) o
         JOIN pairs p ON p.id = o.pair_id
         LEFT JOIN destinations d ON d.collection = p.destination
         WHERE coalesce(d.enabled, 1) = 1
         ORDER BY o.rank, o.id LIMIT ?`,
      ).pluck(),
      plan: db.prepare(`UPDATE batches SET state = 'planned', planned_at = ? WHERE id = ? AND state = 'open'`),
      reopen: db.prepare(`UPDATE batches SET state = 'open', planned_at = NULL WHERE id = ? AND state = 'planned' AND submission_id IS NULL`),
      unfinished: db.prepare(
        `SELECT ${batchColumns} FROM batches b JOIN pairs p ON p.id = b.pair_id
         WHERE b.state IN ('planned', 'active') ORDER BY b.id`,
      ),
      batchById: db.prepare(`SELECT ${batchColumns} FROM batches b JOIN pairs p ON p.id = b.pair_id WHERE b.id = ?`),
      setSubmissionId: db.prepare('UPDATE batches SET submission_id = ? WHERE id = ? AND submission_id IS NULL'),
      batchFiles: db.prepare(
        `SELECT id, source_path, destination_path, size, failed_reason FROM items WHERE batch_id = ? ORDER BY id`,
      ),
      accept: db.prepare(
        `UPDATE batches SET state = 'active', task_id = ?, submitted_at = ?, blocked_by = NULL, last_error = NULL,
           stalled_polls = 0, unseen_polls = 0 WHERE id = ? AND state = 'planned'`,
      ),
      retryAt: db.prepare('UPDATE batches SET next_attempt_at = ?, blocked_by = ?, last_error = ? WHERE id = ?'),
      reject: db.prepare(
        `UPDATE batches SET state = 'rejected', finished_at = ?, last_error = ?, failed = files WHERE id = ? AND state = 'planned'`,
      ),
      rejectItems: db.prepare('UPDATE items SET failed_reason = ? WHERE batch_id = ?'),
      progress: db.prepare(
        `UPDATE batches SET bytes_transferred = ?, files_transferred = ?, stalled_polls = ?, unseen_polls = ?,
           task_status = ? WHERE id = ?`,
      ),
      cancelKind: db.prepare(`UPDATE batches SET cancel_kind = ? WHERE id = ? AND state = 'active'`),
      checked: db.prepare('UPDATE batches SET last_checked_at = ? WHERE id = ?'),
      settle: db.prepare(
        `UPDATE batches SET state = ?, finished_at = ?, task_status = ?, bytes_transferred = ? WHERE id = ? AND state = 'active'`,
      ),
      failItem: db.prepare('UPDATE items SET failed_reason = ? WHERE id = ? AND failed_reason IS NULL'),
      moveItem: db.prepare(
        'UPDATE items SET batch_id = ?, failed_reason = NULL, attempts = attempts + 1 WHERE id = ?',
      ),
      failedItems: db.prepare(
        'SELECT id, pair_id, batch_id, size FROM items WHERE failed_reason IS NOT NULL ORDER BY id',
      ),
      itemById: db.prepare('SELECT id, pair_id, batch_id, size, failed_reason FROM items WHERE id = ?'),
      log: db.prepare('INSERT INTO reconciliations (at, kind, batch_id, task_id, detail) VALUES (?, ?, ?, ?, ?)'),
      recentLog: db.prepare('SELECT id, at, kind, batch_id, task_id, detail FROM reconciliations ORDER BY id DESC LIMIT ?'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      destinations: db.prepare('SELECT collection, enabled FROM destinations ORDER BY collection'),
      setEnabled: db.prepare(
        `INSERT INTO destinations (collection, enabled) VALUES (?, ?)
         ON CONFLICT (collection) DO UPDATE SET enabled = excluded.enabled`,
      ),
      counts: db.prepare('SELECT state, sum(files) AS files, sum(failed) AS failed FROM batches GROUP BY state'),
      perPair: db.prepare(
        `SELECT pair_id, state, sum(files) AS files, count(*) AS batches FROM batches
         WHERE state IN ('open', 'planned', 'active') GROUP BY pair_id, state`,
      ),
    };
    for (const row of db.prepare('SELECT id, source, destination FROM pairs').all() as {
      id: number;
      source: string;
      destination: string;
    }[]) {
      this.#pairIds.set(pairKey(row.source, row.destination), row.id);
      this.#pairs.set(row.id, { source: row.source, destination: row.destination });
    }
  }

  /** Adds items in one transaction. Throws (inserting nothing) if any item is malformed. */
  enqueue(items: readonly EnqueueItem[], options: EnqueueOptions = {}, now = Date.now()): EnqueueResult {
    for (const item of items) validateItem(item);
    return this.#db.transaction((): EnqueueResult => {
      if (options.requestId !== undefined) {
        if (this.#stmt.findRequest.get(options.requestId) !== undefined) return { inserted: 0, duplicate: true };
        this.#stmt.insertRequest.run(options.requestId, now, items.length);
      }
      const slots = new Map<number, OpenSlot>();
      const insert = this.#stmt.insertItem;
      let lastSource: string | undefined;
      let lastDestination: string | undefined;
      let pairId = 0;
      let slot: OpenSlot | undefined;
      for (const item of items) {
        if (item.source !== lastSource || item.destination !== lastDestination) {
          pairId = this.#pairId(item.source, item.destination);
          lastSource = item.source;
          lastDestination = item.destination;
          slot = undefined;
        }
        slot = this.#slot(slots, pairId, slot, now);
        insert.run(pairId, slot.id, item.sourcePath, item.destinationPath, item.size, item.origin, item.originId ?? null, now);
        slot.files += 1;
        slot.bytes += item.size;
      }
      this.#flush(slots);
      return { inserted: items.length, duplicate: false };
    })();
  }

  /** The open batch of a pair with room for one more item (creating one when full or none). */
  #slot(slots: Map<number, OpenSlot>, pairId: number, current: OpenSlot | undefined, now: number): OpenSlot {
    let slot = current ?? slots.get(pairId);
    if (!slot) {
      const row = this.#stmt.lastOpen.get(pairId) as { id: number; files: number; bytes: number } | undefined;
      if (row) slot = { id: row.id, files: row.files, bytes: row.bytes, dirty: false };
    }
    if (!slot || slot.files >= this.batchSize) {
      if (slot) this.#stmt.setSize.run(slot.files, slot.bytes, slot.id);
      const id = Number(this.#stmt.insertOpen.run(pairId, now).lastInsertRowid);
      slot = { id, files: 0, bytes: 0, dirty: true };
    }
    slot.dirty = true;
    slots.set(pairId, slot);
    return slot;
  }

  #flush(slots: Map<number, OpenSlot>): void {
    for (const s of slots.values()) if (s.dirty) this.#stmt.setSize.run(s.files, s.bytes, s.id);
  }

  #pairId(source: string, destination: string): number {
    const key = pairKey(source, destination);
    const known = this.#pairIds.get(key);
    if (known !== undefined) return known;
    this.#stmt.insertDestination.run(destination);
    const id = Number(this.#stmt.insertPair.run(source, destination).lastInsertRowid);
    this.#pairIds.set(key, id);
    this.#pairs.set(id, { source, destination });
    return id;
  }

  /**
   * Closes up to `maxBatches` open batches for sending, taking the oldest of each
   * (source, destination) pair in turn so no destination starves another. Batches of disabled
   * destinations stay open. Returns the planned batch ids.
   */
  plan(maxBatches: number, now = Date.now()): number[] {
    if (maxBatches <= 0) return [];
    const limit = Math.min(maxBatches, Number.MAX_SAFE_INTEGER);
    return this.#db.transaction((): number[] => {
      const ids = this.#stmt.plannable.all(limit) as number[];
      for (const id of ids) this.#stmt.plan.run(now, id);
      return ids;
    })();
  }

  /** Planned batches of `destination` that hold no submission id go back to open (queued). */
  reopenUnsubmitted(destination?: string): number {
    const batches = this.unfinishedBatches().filter(
      (b) => b.state === 'planned' && b.submission_id === null && (destination === undefined || b.destination === destination),
    );
    this.#db.transaction(() => {
      for (const b of batches) this.#stmt.reopen.run(b.id);
    })();
    return batches.length;
  }

  /** Planned and active batches, oldest first. */
  unfinishedBatches(): BatchRow[] {
    return this.#stmt.unfinished.all() as BatchRow[];
  }

  batch(batchId: number): BatchRow | undefined {
    return this.#stmt.batchById.get(batchId) as BatchRow | undefined;
  }

  /** Records the submission id before anything is sent. Keeps an id already recorded. */
  setSubmissionId(batchId: number, submissionId: string): void {
    this.#stmt.setSubmissionId.run(submissionId, batchId);
  }

  batchFiles(batchId: number): BatchFile[] {
    return this.#stmt.batchFiles.all(batchId) as BatchFile[];
  }

  markAccepted(batchId: number, taskId: string, now = Date.now()): void {
    this.#stmt.accept.run(taskId, now, batchId);
  }

  /** Leaves the batch planned (same submission id) and tries again at `retryAt`. */
  markRetry(batchId: number, retryAt: number, error: string, blockedBy: string | null = null): void {
    this.#stmt.retryAt.run(retryAt, blockedBy, error, batchId);
  }

  /** Globus refused the batch for good: all its items fail with the reason. */
  markRejected(batchId: number, reason: string, now = Date.now()): void {
    this.#db.transaction(() => {
      if (this.#stmt.reject.run(now, reason, batchId).changes > 0) this.#stmt.rejectItems.run(reason, batchId);
    })();
  }

  recordProgress(updates: readonly ProgressUpdate[]): void {
    if (updates.length === 0) return;
    this.#db.transaction(() => {
      for (const u of updates) {
        this.#stmt.progress.run(u.bytesTransferred, u.filesTransferred, u.stalledPolls, u.unseenPolls, u.taskStatus, u.batchId);
      }
    })();
  }

  markCancelRequested(batchId: number, kind: QueueReconciliationKind): void {
    this.#stmt.cancelKind.run(kind, batchId);
  }

  markChecked(batchId: number, now = Date.now()): void {
    this.#stmt.checked.run(now, batchId);
  }

  /**
   * Ends an active batch. Each unfinished item takes its exception's outcome or the default:
   * succeeded items stay, failed ones keep the reason, queued ones move to an open batch.
   */
  settle(batchId: number, how: SettleBatch, now = Date.now()): void {
    const current = this.batch(batchId);
    if (!current || current.state !== 'active') return;
    this.#db.transaction(() => {
      this.#stmt.settle.run(how.batchState, now, how.taskStatus, how.bytesTransferred ?? current.bytes_transferred, batchId);
      const exceptions = how.exceptions ?? new Map<string, ItemOutcome>();
      if (exceptions.size === 0 && how.outcome.state === 'succeeded') return;
      const slots = new Map<number, OpenSlot>();
      let failed = 0;
      let movedFiles = 0;
      let movedBytes = 0;
      for (const file of this.batchFiles(batchId)) {
        if (file.failed_reason !== null) continue;
        const outcome = exceptions.get(fileKey(file.source_path, file.destination_path)) ?? how.outcome;
        switch (outcome.state) {
          case 'succeeded':
            break;
          case 'failed':
            failed += this.#stmt.failItem.run(outcome.reason, file.id).changes;
            break;
          case 'queued': {
            const slot = this.#slot(slots, current.pair_id, slots.get(current.pair_id), now);
            this.#stmt.moveItem.run(slot.id, file.id);
            slot.files += 1;
            slot.bytes += file.size;
            movedFiles += 1;
            movedBytes += file.size;
            break;
          }
          default:
            assertNever(outcome, 'outcome');
        }
      }
      this.#flush(slots);
      this.#stmt.addSize.run(-movedFiles, -movedBytes, failed, batchId);
    })();
  }

  /** Failed items back to the queue (into open batches): the given ones, or all. Returns how many. */
  retryFailed(itemIds?: readonly number[], now = Date.now()): number {
    return this.#db.transaction((): number => {
      const rows: { id: number; pair_id: number; batch_id: number; size: number }[] = [];
      if (itemIds === undefined) {
        rows.push(...(this.#stmt.failedItems.all() as typeof rows));
      } else {
        for (const id of itemIds) {
          const row = this.#stmt.itemById.get(id) as (typeof rows)[number] & { failed_reason: string | null } | undefined;
          if (row && row.failed_reason !== null) rows.push(row);
        }
      }
      const slots = new Map<number, OpenSlot>();
      for (const row of rows) {
        const slot = this.#slot(slots, row.pair_id, slots.get(row.pair_id), now);
        this.#stmt.moveItem.run(slot.id, row.id);
        this.#stmt.addSize.run(-1, -row.size, -1, row.batch_id);
        slot.files += 1;
        slot.bytes += row.size;
      }
      this.#flush(slots);
      return rows.length;
    })();
  }

  log(kind: QueueReconciliationKind, batchId: number | null, taskId: string | null, detail: string, now = Date.now()): void {
    this.#stmt.log.run(now, kind, batchId, taskId, detail);
  }

  recentLog(limit: number): QueueReconciliation[] {
    const rows = this.#stmt.recentLog.all(limit) as {
      id: number;
      at: number;
      kind: QueueReconciliationKind;
      batch_id: number | null;
      task_id: string | null;
      detail: string;
    }[];
    return rows.map((r) => ({ id: r.id, at: r.at, kind: r.kind, batchId: r.batch_id, taskId: r.task_id, detail: r.detail }));
  }

  getMeta(key: string): string | undefined {
    return this.#stmt.getMeta.get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.#stmt.setMeta.run(key, value);
  }

  enabledMap(): Map<string, boolean> {
    const rows = this.#stmt.destinations.all() as { collection: string; enabled: number }[];
    return new Map(rows.map((r) => [r.collection, r.enabled === 1]));
  }

  setDestinationEnabled(collection: string, enabled: boolean): void {
    this.#stmt.setEnabled.run(collection, enabled ? 1 : 0);
  }

  /** Items per state, from the per-batch counts (no scan of the items). */
  counts(): Record<QueueItemState, number> {
    const out: Record<QueueItemState, number> = { queued: 0, batched: 0, submitted: 0, succeeded: 0, failed: 0 };
    const rows = this.#stmt.counts.all() as { state: QueueBatchState; files: number; failed: number }[];
    for (const r of rows) {
      out.failed += r.failed;
      const live = r.files - r.failed;
      switch (r.state) {
        case 'open':
          out.queued += live;
          break;
        case 'planned':
          out.batched += live;
          break;
        case 'active':
          out.submitted += live;
          break;
        case 'done':
        case 'cancelled':
        case 'lost':
          out.succeeded += live;
          break;
        case 'rejected':
          break;
        default:
          assertNever(r.state, 'batch state');
      }
    }
    return out;
  }

  /** Per destination: items queued (in open batches) and active batches. */
  perDestination(): Map<string, { queued: number; active: number }> {
    const out = new Map<string, { queued: number; active: number }>();
    for (const pair of this.#pairs.values()) out.set(pair.destination, { queued: 0, active: 0 });
    const rows = this.#stmt.perPair.all() as { pair_id: number; state: QueueBatchState; files: number; batches: number }[];
    for (const r of rows) {
      const p = this.#pairs.get(r.pair_id);
      const entry = p && out.get(p.destination);
      if (!entry) continue;
      if (r.state === 'open') entry.queued += r.files;
      if (r.state === 'active') entry.active += r.batches;
    }
    return out;
  }

  listItems(query: ItemQuery = {}): QueueItemRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.state !== undefined) where.push(stateCondition[query.state]);
    if (query.destination !== undefined) {
      where.push('p.destination = ?');
      params.push(query.destination);
    }
    const limit = Math.max(0, Math.min(query.limit ?? 500, 100_000));
    const offset = Math.max(0, query.offset ?? 0);
    const rows = this.#sql(
      `SELECT i.id, p.source, i.source_path, p.destination, i.destination_path, i.size, i.origin, i.origin_id,
         ${itemStateSql} AS state, i.batch_id, i.failed_reason, i.attempts, i.enqueued_at
       FROM items i JOIN batches b ON b.id = i.batch_id JOIN pairs p ON p.id = i.pair_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY i.id LIMIT ? OFFSET ?`,
    ).all(...params, limit, offset) as ItemRow[];
    return rows.map(toItem);
  }

  listBatches(limit = 100): QueueBatchRow[] {
    const rows = this.#sql(
      `SELECT ${batchColumns} FROM batches b JOIN pairs p ON p.id = b.pair_id ORDER BY b.id DESC LIMIT ?`,
    ).all(limit) as BatchRow[];
    return rows.map(toBatch);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #sql(sql: string): Statement {
    let stmt = this.#cache.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#cache.set(sql, stmt);
    }
    return stmt;
  }
}

/** Opens (creating if needed) a queue database file, or ':memory:'. */
export function createQueueStore(file: string): QueueStore {
  return new QueueStore(openDatabase(file, queueMigrations));
}

