import type { ActivityOrigin } from '../../../shared/activity';
import type { DeleteSubmission, TransferSubmission } from '../../../shared/globus-types';
import type { TransferService } from './transfer-port';

/** Who asked for a task: Activity shows it, and bulk origins are summarised, not notified one by one. */
export type SubmitOrigin = Exclude<ActivityOrigin, 'account'>;

/** Transfer options as Globus names them in a submission document. */
export interface TransferOptions {
  readonly label?: string;
  readonly syncLevel?: 0 | 1 | 2 | 3;
  readonly verifyChecksum?: boolean;
  readonly preserveTimestamp?: boolean;
  readonly skipSourceErrors?: boolean;
  /** An ISO 8601 time. */
  readonly deadline?: string;
  /** Globus' own e-mails: one switch for succeeded, failed and inactive (absent: Globus' default). */
  readonly notify?: boolean;
  /** Symbolic links inside recursive items: ignored (Globus' default), kept as links, or copied. */
  readonly recursiveSymlinks?: 'ignore' | 'keep' | 'copy';
  /** Encrypt the data channel between the two collections (`encrypt_data`). */
  readonly encrypt?: boolean;
  /** Mirror: delete files at the destination that the source does not have (`delete_destination_extra`). */
  readonly deleteDestinationExtra?: boolean;
  /** End the task at the first quota error instead of retrying until the deadline (`fail_on_quota_errors`). */
  readonly failOnQuotaErrors?: boolean;
  /** Ordered include/exclude rules for recursive items (`filter_rules`); the first that matches decides. */
  readonly filterRules?: readonly TransferFilterRule[];
  /** Globus' own e-mails, one switch each; each overrides `notify` for its kind. */
  readonly notifyOnSucceeded?: boolean;
  readonly notifyOnFailed?: boolean;
  readonly notifyOnInactive?: boolean;
}

/** One of Globus' `filter_rules`: a glob on names, for files, folders or both. */
export interface TransferFilterRule {
  readonly method: 'include' | 'exclude';
  readonly name: string;
  /** Absent: the rule applies to files and folders alike. */
  readonly type?: 'file' | 'dir';
}

/** The transfer document with the fields Globus accepts beyond the shared type. */
export type TransferDocument = TransferSubmission & {
  readonly encrypt_data?: boolean;
  readonly delete_destination_extra?: boolean;
  readonly fail_on_quota_errors?: boolean;
  readonly filter_rules?: readonly { readonly DATA_TYPE: 'filter_rule'; readonly method: 'include' | 'exclude'; readonly name: string; readonly type?: 'file' | 'dir' }[];
};

/** A transfer as callers think of it: plain fields, no document layout, no DATA_TYPE. */
export interface TransferRequestPlain extends TransferOptions {
  readonly source: string;
  readonly destination: string;
  readonly items: readonly { readonly sourcePath: string; readonly destinationPath: string; readonly recursive?: boolean }[];
  /** A submission id the caller saved before submitting (crash-safe resubmission); else a new one. */
  readonly submissionId?: string;
}

export interface DeleteRequestPlain {
  readonly collection: string;
  readonly paths: readonly string[];
  readonly label?: string;
  readonly recursive?: boolean;
  readonly ignoreMissing?: boolean;
  readonly deadline?: string;
  readonly notify?: boolean;
  readonly submissionId?: string;
}

/** One task Globus accepted: what every part of Ferry that cares (Activity) hears once. */
export type TaskSubmitted =
  | {
      readonly type: 'TRANSFER';
      readonly taskId: string;
      readonly submissionId: string;
      /** `Accepted`, or `Duplicate` when the submission id had been used (a repeat after a crash). */
      readonly code: string;
      readonly origin: SubmitOrigin;
      readonly document: TransferSubmission;
    }
  | {
      readonly type: 'DELETE';
      readonly taskId: string;
      readonly submissionId: string;
      readonly code: string;
      readonly origin: SubmitOrigin;
      readonly document: DeleteSubmission;
    };

export type TaskSubmittedListener = (event: TaskSubmitted) => void;

/**
 * The one way Ferry submits a Globus task: it takes a plain request, gets a submission id (or
 * uses the caller's), builds the document once, submits it, and tells every listener.
 */
export interface Submitter {
  newSubmissionId(): Promise<string>;
  transfer(request: TransferRequestPlain, origin: SubmitOrigin): Promise<TaskSubmitted>;
  delete(request: DeleteRequestPlain, origin: SubmitOrigin): Promise<TaskSubmitted>;
  /** A document built elsewhere (Activity's resubmit of a stored one): submitted and announced alike. */
  submitDocument(document: TransferSubmission | DeleteSubmission, origin: SubmitOrigin): Promise<TaskSubmitted>;
  onSubmitted(listener: TaskSubmittedListener): () => void;
}

const notifyFields = (notify: boolean | undefined) =>
  notify === undefined ? {} : { notify_on_succeeded: notify, notify_on_failed: notify, notify_on_inactive: notify };

const notifyEach = (request: TransferOptions) => ({
  ...notifyFields(request.notify),
  ...(request.notifyOnSucceeded !== undefined ? { notify_on_succeeded: request.notifyOnSucceeded } : {}),
  ...(request.notifyOnFailed !== undefined ? { notify_on_failed: request.notifyOnFailed } : {}),
  ...(request.notifyOnInactive !== undefined ? { notify_on_inactive: request.notifyOnInactive } : {}),
});

/** The Globus transfer document for a plain request (DATA_TYPE is added by the service, once). */
export function buildTransferDocument(request: TransferRequestPlain, submissionId: string): TransferDocument {
  return {
    source_endpoint: request.source,
    destination_endpoint: request.destination,
    submission_id: submissionId,
    ...(request.label ? { label: request.label } : {}),
    ...(request.syncLevel !== undefined ? { sync_level: request.syncLevel } : {}),
    ...(request.verifyChecksum !== undefined ? { verify_checksum: request.verifyChecksum } : {}),
    ...(request.preserveTimestamp !== undefined ? { preserve_timestamp: request.preserveTimestamp } : {}),
    ...(request.skipSourceErrors !== undefined ? { skip_source_errors: request.skipSourceErrors } : {}),
    ...(request.deadline !== undefined ? { deadline: new Date(request.deadline).toISOString() } : {}),
    ...notifyEach(request),
    ...(request.recursiveSymlinks !== undefined ? { recursive_symlinks: request.recursiveSymlinks } : {}),
    ...(request.encrypt !== undefined ? { encrypt_data: request.encrypt } : {}),
    ...(request.deleteDestinationExtra !== undefined ? { delete_destination_extra: request.deleteDestinationExtra } : {}),
    ...(request.failOnQuotaErrors !== undefined ? { fail_on_quota_errors: request.failOnQuotaErrors } : {}),
    ...(request.filterRules !== undefined && request.filterRules.length > 0
      ? {
          filter_rules: request.filterRules.map((r) => ({
            DATA_TYPE: 'filter_rule' as const,
            method: r.method,
            name: r.name,
            ...(r.type !== undefined ? { type: r.type } : {}),
          })),
        }
      : {}),
    DATA: request.items.map((i) => ({
      source_path: i.sourcePath,
      destination_path: i.destinationPath,
      ...(i.recursive !== undefined ? { recursive: i.recursive } : {}),
    })),
  };
}

export function buildDeleteDocument(request: DeleteRequestPlain, submissionId: string): DeleteSubmission {
  return {
    endpoint: request.collection,
    submission_id: submissionId,
    ...(request.label ? { label: request.label } : {}),
    ...(request.recursive !== undefined ? { recursive: request.recursive } : {}),
    ...(request.ignoreMissing !== undefined ? { ignore_missing: request.ignoreMissing } : {}),
    ...(request.deadline !== undefined ? { deadline: new Date(request.deadline).toISOString() } : {}),
    ...notifyFields(request.notify),
    DATA: request.paths.map((path) => ({ path })),
  };
}

export function createSubmitter(transfer: () => TransferService): Submitter {
  const listeners = new Set<TaskSubmittedListener>();
  const announce = (event: TaskSubmitted): TaskSubmitted => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error('a task-submitted listener failed', error);
      }
    }
    return event;
  };
  const submitTransferDocument = async (document: TransferSubmission, origin: SubmitOrigin): Promise<TaskSubmitted> => {
    const result = await transfer().submitTransfer(document);
    return announce({ type: 'TRANSFER', taskId: result.task_id, submissionId: result.submission_id, code: result.code, origin, document });
  };
  const submitDeleteDocument = async (document: DeleteSubmission, origin: SubmitOrigin): Promise<TaskSubmitted> => {
    const result = await transfer().submitDelete(document);
    return announce({ type: 'DELETE', taskId: result.task_id, submissionId: result.submission_id, code: result.code, origin, document });
  };
  return {
    newSubmissionId: () => transfer().getSubmissionId(),
    async transfer(request, origin) {
      const submissionId = request.submissionId ?? (await transfer().getSubmissionId());
      return submitTransferDocument(buildTransferDocument(request, submissionId), origin);
    },
    submitDocument: (document, origin) =>
      'endpoint' in document ? submitDeleteDocument(document, origin) : submitTransferDocument(document, origin),
    async delete(request, origin) {
      const submissionId = request.submissionId ?? (await transfer().getSubmissionId());
      return submitDeleteDocument(buildDeleteDocument(request, submissionId), origin);
    },
    onSubmitted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
