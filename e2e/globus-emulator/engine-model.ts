/** The task engine's shared vocabulary: its options, a running task, work units and their outcomes. */
import type { FaultState } from './faults';
import type { FilterRule } from './engine-filters';
import { sleep } from './http-util';
import type { CollectionRow, TaskRow, TaskStore, TransferItemRow } from './state';

export interface EngineOptions {
  readonly store: TaskStore;
  readonly faults: FaultState;
  readonly collection: (id: string) => CollectionRow | undefined;
  /** Bytes per second per running task; null = as fast as the disk goes. */
  readonly bandwidth: () => number | null;
  readonly retryIntervalMs: () => number;
}

export interface Running {
  readonly row: TaskRow;
  readonly abort: AbortController;
  done: Promise<void>;
  lastFlush: number;
  /** successful_transfers rows not yet written (written in batches with the counters). */
  successes: [string | null, string][];
  /** Destination folders known to exist. */
  readonly dirs: Set<string>;
  /** Bandwidth window shared by the task's concurrent files. */
  windowStart: number;
  windowBytes: number;
}

export type Unit =
  | {
      readonly kind: 'item';
      readonly src: string;
      readonly dst: string;
      readonly recursive: boolean;
      readonly rules: readonly FilterRule[];
      readonly deleteExtra: boolean;
    }
  | { readonly kind: 'file'; readonly src: string; readonly dst: string }
  | { readonly kind: 'delete'; readonly path: string };

export type Outcome = { readonly ok: true; readonly expanded?: readonly Unit[] } | { readonly ok: false; readonly code: string; readonly details: string };

export class Aborted extends Error {}

/**
 * A transfer item as the engine stores it: the task-level options the task row has no column for
 * (`filter_rules`, `delete_destination_extra`, `fail_on_quota_errors`, `encrypt_data`) travel with
 * each item, so the task document can read them back from `items`.
 */
export interface EngineTransferItem extends TransferItemRow {
  readonly filter_rules?: readonly FilterRule[];
  readonly delete_destination_extra?: boolean;
  readonly fail_on_quota_errors?: boolean;
  /** Accepted and kept for the task document; the emulator's copies are local, so nothing to encrypt. */
  readonly encrypt_data?: boolean;
}

/** Recomputes the derived subtask counter. */
export function derive(row: TaskRow): void {
  row.subtasks_pending = Math.max(
    0,
    row.subtasks_total - row.subtasks_succeeded - row.subtasks_failed - row.subtasks_canceled - row.subtasks_expired - row.subtasks_skipped_errors,
  );
}

/** Waits while the task is stalled (no progress, slot kept). */
export async function hold(r: Running): Promise<void> {
  while (r.row.stalled && !r.abort.signal.aborted) await sleep(50, r.abort.signal);
  if (r.abort.signal.aborted) throw new Aborted();
}

export function unitPaths(unit: Unit): { src: string; dst: string } {
  return unit.kind === 'delete' ? { src: unit.path, dst: unit.path } : { src: unit.src, dst: unit.dst };
}
