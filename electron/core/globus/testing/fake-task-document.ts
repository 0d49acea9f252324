/** Test support (never exported from an index.ts): a whole Globus task document from a few fields. */
import type { TaskDocument } from '../../../../shared/globus-types';

/**
 * A task document with every field Globus sends; `partial` overrides the defaults (an ACTIVE,
 * empty TRANSFER between two named collections, requested 2024-01-01).
 */
export function fakeTaskDocument(partial: Partial<TaskDocument> & { readonly task_id: string }): TaskDocument {
  return {
    DATA_TYPE: 'task',
    type: 'TRANSFER',
    status: 'ACTIVE',
    label: null,
    nice_status: 'Queued',
    source_endpoint_id: 'src-collection',
    destination_endpoint_id: 'dst-collection',
    source_endpoint_display_name: 'Source',
    destination_endpoint_display_name: 'Destination',
    request_time: '2024-01-01T00:00:00+00:00',
    completion_time: null,
    deadline: '2024-01-02T00:00:00+00:00',
    files: 0,
    directories: 0,
    files_transferred: 0,
    files_skipped: 0,
    bytes_transferred: 0,
    effective_bytes_per_second: 0,
    faults: 0,
    subtasks_total: 0,
    subtasks_pending: 0,
    subtasks_retrying: 0,
    subtasks_succeeded: 0,
    subtasks_failed: 0,
    subtasks_canceled: 0,
    subtasks_expired: 0,
    sync_level: null,
    ...partial,
  };
}
