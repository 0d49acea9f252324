import type { Migration } from '../store';

/**
 * History schema. One row per task; the columns are what the list view sorts and filters on,
 * `raw_json` is the latest task document, `submission_json` the document Ferry submitted.
 * Add a migration at the end to change it; never edit one that has shipped.
 */
export const activityMigrations: readonly Migration[] = [
  {
    version: 1,
    up: (db) => {
      db.exec(`
        CREATE TABLE tasks (
          task_id TEXT PRIMARY KEY,
          status TEXT NOT NULL,
          type TEXT NOT NULL,
          label TEXT,
          source_id TEXT,
          source_name TEXT,
          destination_id TEXT,
          destination_name TEXT,
          paths TEXT,
          files INTEGER NOT NULL DEFAULT 0,
          files_transferred INTEGER NOT NULL DEFAULT 0,
          files_skipped INTEGER NOT NULL DEFAULT 0,
          bytes_transferred INTEGER NOT NULL DEFAULT 0,
          effective_bytes_per_second INTEGER NOT NULL DEFAULT 0,
          faults INTEGER NOT NULL DEFAULT 0,
          nice_status TEXT,
          request_time TEXT NOT NULL,
          request_ms INTEGER NOT NULL,
          completion_time TEXT,
          completion_ms INTEGER,
          submitted_by_ferry INTEGER NOT NULL DEFAULT 0,
          origin TEXT NOT NULL,
          search_text TEXT NOT NULL DEFAULT '',
          raw_json TEXT,
          submission_json TEXT,
          updated_ms INTEGER NOT NULL
        );
        CREATE INDEX tasks_request_ms ON tasks(request_ms);
        CREATE INDEX tasks_status ON tasks(status);
        CREATE TABLE collection_names (
          id TEXT PRIMARY KEY,
          display_name TEXT,
          fetched_ms INTEGER NOT NULL
        );
        CREATE TABLE meta (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `);
    },
  },
];
