import type { ErrorKind } from '../../../shared/errors';
import type {
  CancelResult,
  CollectionSummary,
  DeleteSubmission,
  DirEntry,
  FileRecord,
  Paged,
  SubmitResult,
  TaskDocument,
  TaskEvent,
  TransferSubmission,
} from '../../../shared/globus-types';

export interface TaskListQuery {
  /** Globus filter syntax, e.g. `status:ACTIVE,INACTIVE/type:TRANSFER`. */
  readonly filter?: string;
  readonly limit?: number;
  readonly offset?: number;
  readonly orderby?: string;
  readonly fields?: string;
}

/**
 * What the rest of core needs from the Globus Transfer service. The real implementation
 * (over @globus/sdk) lives in this folder; queue, sync, activity and connectors take this
 * interface so their tests can use the emulator or a fake.
 */
export interface TransferService {
  getSubmissionId(): Promise<string>;
  submitTransfer(doc: TransferSubmission): Promise<SubmitResult>;
  submitDelete(doc: DeleteSubmission): Promise<SubmitResult>;
  getTask(taskId: string): Promise<TaskDocument>;
  listTasks(query?: TaskListQuery): Promise<Paged<TaskDocument>>;
  cancelTask(taskId: string): Promise<CancelResult>;
  taskEvents(taskId: string, page?: { limit?: number; offset?: number }): Promise<Paged<TaskEvent>>;
  successfulTransfers(taskId: string, marker?: string): Promise<Paged<FileRecord>>;
  skippedErrors(taskId: string, marker?: string): Promise<Paged<FileRecord>>;
  getCollection(collectionId: string): Promise<CollectionSummary>;
  searchCollections(text: string, limit?: number): Promise<Paged<CollectionSummary>>;
  ls(collectionId: string, path: string): Promise<Paged<DirEntry> & { readonly path: string }>;
  mkdir(collectionId: string, path: string): Promise<{ readonly code: string; readonly message: string }>;
  rename(collectionId: string, oldPath: string, newPath: string): Promise<{ readonly code: string; readonly message: string }>;
}

/**
 * A Globus API error with what a person needs: code, message, HTTP status, request id.
 * `status` is 0 when no HTTP answer came (network error, timeout, a local sign-in failure).
 * `details` is plain JSON safe to send to the UI (the app's error mapper copies it);
 * `body` is the raw response document and stays in core.
 */
export class GlobusApiError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind;
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly body: unknown;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(init: {
    code: string;
    message: string;
    status: number;
    requestId?: string;
    body?: unknown;
    details?: Readonly<Record<string, unknown>>;
  }) {
    super(init.message);
    this.name = 'GlobusApiError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.body = init.body;
    this.details = { status: init.status, ...init.details };
    this.kind = globusKind(init.code, init.status);
  }
}

/**
 * The kind of a Globus failure, seen from Ferry's contract: Globus refusing a request whose
 * arguments were well-formed is a refusal (422), not a bad request to Ferry.
 */
function globusKind(code: string, s: number): ErrorKind {
  switch (code) {
    case 'NetworkError':
    case 'Timeout':
    case 'InvalidResponse':
      return 'unavailable';
    case 'SignInRequired':
    case 'SessionExpired':
      return 'unauthorized';
    case 'ConsentRequired':
      return 'forbidden';
    default:
      break;
  }
  if (s === 401) return 'unauthorized';
  if (s === 403) return 'forbidden';
  if (s === 404) return 'not-found';
  if (s === 409) return 'conflict';
  if (s === 413) return 'too-large';
  if (s === 429 || s >= 500) return 'unavailable';
  return 'refused';
}


