import type { Migration } from '../store';

/**
 * Queue schema. Every item belongs to a batch from the moment it is enqueued: the open batch of
 * its (source, destination) pair, which takes items until it holds N. An item's state follows
 * from its batch (open: queued, planned: batched, active: submitted, ended: succeeded) unless
 * the item itself failed (`failed_reason`). So planning closes batches (one row each) and only
 * failures and requeues write per item; `batches.files` / `failed` keep the counts.
 */
export const queueMigrations: readonly Migration[] = [
  {
    version: 1,
    up: (db) => {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE destinations (
          collection TEXT PRIMARY KEY,
          enabled INTEGER NOT NULL DEFAULT 1
        ) WITHOUT ROWID;
        CREATE TABLE pairs (
          id INTEGER PRIMARY KEY,
          source TEXT NOT NULL,
          destination TEXT NOT NULL,
          UNIQUE (source, destination)
        );
        CREATE TABLE enqueue_requests (
          request_id TEXT PRIMARY KEY,
          at INTEGER NOT NULL,
          items INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE batches (
          id INTEGER PRIMARY KEY,
          pair_id INTEGER NOT NULL REFERENCES pairs(id),
          state TEXT NOT NULL,
          files INTEGER NOT NULL DEFAULT 0,
          bytes INTEGER NOT NULL DEFAULT 0,
          failed INTEGER NOT NULL DEFAULT 0,
          submission_id TEXT,
          task_id TEXT,
          created_at INTEGER NOT NULL,
          planned_at INTEGER,
          submitted_at INTEGER,
          finished_at INTEGER,
          bytes_transferred INTEGER NOT NULL DEFAULT 0,
          files_transferred INTEGER NOT NULL DEFAULT 0,
          stalled_polls INTEGER NOT NULL DEFAULT 0,
          unseen_polls INTEGER NOT NULL DEFAULT 0,
          last_checked_at INTEGER,
          next_attempt_at INTEGER NOT NULL DEFAULT 0,
          blocked_by TEXT,
          last_error TEXT,
          task_status TEXT,
          cancel_kind TEXT
        );
        CREATE INDEX batches_unfinished ON batches(state, pair_id) WHERE state IN ('open', 'planned', 'active');
        CREATE TABLE items (
          id INTEGER PRIMARY KEY,
          pair_id INTEGER NOT NULL,
          batch_id INTEGER NOT NULL,
          source_path TEXT NOT NULL,
          destination_path TEXT NOT NULL,
          size INTEGER NOT NULL,
          origin TEXT NOT NULL,
          origin_id TEXT,
          enqueued_at INTEGER NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          failed_reason TEXT
        );
        CREATE INDEX items_by_batch ON items(batch_id);
        CREATE TABLE reconciliations (
          id INTEGER PRIMARY KEY,
          at INTEGER NOT NULL,
          kind TEXT NOT NULL,
          batch_id INTEGER,
          task_id TEXT,
          detail TEXT NOT NULL
        );
      `);
    },
  },
];
