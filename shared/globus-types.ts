/**
 * Globus Transfer API v0.10 document shapes Ferry reads and shows (plain JSON, as the API
 * sends them; snake_case kept on purpose so nothing is lost in translation).
 */
export const taskStatuses = ['ACTIVE', 'INACTIVE', 'SUCCEEDED', 'FAILED'] as const;
export type TaskStatus = (typeof taskStatuses)[number];
export type TaskType = 'TRANSFER' | 'DELETE';

export interface TaskDocument {
  readonly DATA_TYPE?: 'task';
  readonly task_id: string;
  readonly type: TaskType;
  readonly status: TaskStatus;
  readonly label: string | null;
  readonly nice_status: string | null;
  readonly nice_status_short_description?: string | null;
  readonly source_endpoint_id: string | null;
  readonly destination_endpoint_id: string | null;
  readonly source_endpoint_display_name?: string | null;
  readonly destination_endpoint_display_name?: string | null;
  readonly owner_id?: string;
  readonly request_time: string;
  readonly completion_time: string | null;
  readonly deadline: string;
  readonly files: number;
  readonly directories: number;
  readonly files_transferred: number;
  readonly files_skipped: number;
  readonly bytes_transferred: number;
  readonly bytes_checksummed?: number;
  readonly effective_bytes_per_second: number;
  readonly faults: number;
  readonly subtasks_total: number;
  readonly subtasks_pending: number;
  readonly subtasks_retrying: number;
  readonly subtasks_succeeded: number;
  readonly subtasks_failed: number;
  readonly subtasks_canceled: number;
  readonly subtasks_expired: number;
  readonly subtasks_skipped_errors?: number;
  readonly sync_level: number | null;
  readonly verify_checksum?: boolean;
  readonly delete_destination_extra?: boolean;
  readonly is_ok?: boolean | null;
  readonly canceled_by_admin?: string | null;
  readonly fatal_error?: { readonly code: string; readonly description: string } | null;
}

export interface TransferItem {
  readonly DATA_TYPE?: 'transfer_item';
  readonly source_path: string;
  readonly destination_path: string;
  readonly recursive?: boolean;
}

export interface TransferSubmission {
  readonly source_endpoint: string;
  readonly destination_endpoint: string;
  readonly submission_id: string;
  readonly label?: string;
  readonly sync_level?: 0 | 1 | 2 | 3;
  readonly verify_checksum?: boolean;
  readonly preserve_timestamp?: boolean;
  readonly skip_source_errors?: boolean;
  readonly deadline?: string;
  readonly notify_on_succeeded?: boolean;
  readonly notify_on_failed?: boolean;
  readonly notify_on_inactive?: boolean;
  /** What Globus does with symbolic links inside recursive items. */
  readonly recursive_symlinks?: 'ignore' | 'keep' | 'copy';
  readonly DATA: readonly TransferItem[];
}

export interface DeleteSubmission {
  readonly endpoint: string;
  readonly submission_id: string;
  readonly label?: string;
  readonly recursive?: boolean;
  readonly ignore_missing?: boolean;
  readonly deadline?: string;
  readonly notify_on_succeeded?: boolean;
  readonly notify_on_failed?: boolean;
  readonly notify_on_inactive?: boolean;
  readonly DATA: readonly { readonly DATA_TYPE?: 'delete_item'; readonly path: string }[];
}

export interface SubmitResult {
  readonly task_id: string;
  readonly submission_id: string;
  /** `Accepted` for a new task, `Duplicate` when the submission id was already used. */
  readonly code: 'Accepted' | 'Duplicate' | string;
  readonly message?: string;
  readonly request_id?: string;
}

export interface CancelResult {
  /** `Canceled`, or `TaskComplete` when the task had already ended (not an HTTP error). */
  readonly code: 'Canceled' | 'TaskComplete' | string;
  readonly message: string;
  readonly request_id?: string;
}

export interface TaskEvent {
  readonly code: string;
  readonly is_error: boolean;
  readonly description: string;
  readonly details: string;
  readonly time: string;
}

export interface FileRecord {
  readonly source_path: string | null;
  readonly destination_path: string | null;
  readonly error_code?: string;
  readonly error_details?: string;
  readonly error_time?: string;
}

export interface DirEntry {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'link' | string;
  readonly size: number;
  readonly last_modified: string | null;
  readonly permissions?: string;
  readonly link_target?: string | null;
}

export interface CollectionSummary {
  readonly id: string;
  readonly display_name: string | null;
  readonly owner_string?: string;
  readonly description?: string | null;
  readonly entity_type?: string;
}

export interface Paged<T> {
  readonly DATA: readonly T[];
  readonly total?: number;
  readonly offset?: number;
  readonly limit?: number;
  readonly has_next_page?: boolean;
  readonly next_marker?: string | null;
}
