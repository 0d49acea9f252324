import { transfer } from '@globus/sdk';
import type { SDKOptions } from '@globus/sdk/services/types';
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
import { withSdkEnvironment } from './environment';
import { localError } from './errors';
import {
  defaultRetryPolicy,
  hasAuthorizationRequirements,
  isRecord,
  readJson,
  realSleep,
  requestOptions,
  sendSdk,
  withRetry,
  type RetryPolicy,
  type Sleep,
} from './http';
import { TRANSFER_RESOURCE_SERVER } from './scopes';
import { tokenAccessKey, type HasTokenAccess, type TokenAccess } from './token-access';
import type { TaskListQuery, TransferService } from './transfer-port';

export interface TransferServiceOptions {
  /** The sign-in service (`createGlobusAuth`): the only source of Authorization headers. */
  readonly auth: HasTokenAccess;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-request timeout. Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** For tests: how backoff waits. */
  readonly sleep?: Sleep;
}

type Headers = Record<string, string>;
type Call = (headers: Headers, sdk: SDKOptions) => Promise<Response>;

/** The Transfer API over @globus/sdk, with token refresh, bounded retries and typed errors. */
export function createTransferService(options: TransferServiceOptions): TransferService {
  return createTransferServiceWith(options.auth[tokenAccessKey], options);
}

/** Same, from a raw TokenAccess (tests). Not exported from index.ts. */
export function createTransferServiceWith(
  tokens: TokenAccess,
  options: Omit<TransferServiceOptions, 'auth'> = {},
): TransferService {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const sleep = options.sleep ?? realSleep;
  const timeoutMs = options.requestTimeoutMs ?? 60_000;

  /** One attempt: header, send; on a plain 401, refresh once and send again. */
  const attempt = async (call: Call, context?: { collectionId?: string }): Promise<unknown> => {
    const send = (header: string): Promise<Response> => {
      const env = tokens.environment();
      return sendSdk('Transfer', () => withSdkEnvironment(env, () => call({ Authorization: header }, requestOptions(timeoutMs))));
    };
    const header = await tokens.authorization(TRANSFER_RESOURCE_SERVER);
    let response = await send(header);
    if (response.status === 401 && !(await asksForAuthorization(response))) {
      const renewed = await tokens.refreshAfter401(TRANSFER_RESOURCE_SERVER, header);
      response = await send(renewed);
    }
    return readJson('Transfer', response, context);
  };

  const request = <T>(call: Call, context?: { collectionId?: string }): Promise<T> =>
    withRetry(() => attempt(call, context), policy, sleep) as Promise<T>;

  const q = (entries: Record<string, string | number | undefined>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = String(value);
    return out;
  };

  return {
    async getSubmissionId() {
      const doc = await request<unknown>((headers, sdk) => transfer.taskSubmission.submissionId({ headers }, sdk));
      if (!isRecord(doc) || typeof doc.value !== 'string') {
        throw localError('InvalidResponse', 'Globus Transfer sent no submission id.');
      }
      return doc.value;
    },

    async submitTransfer(doc: TransferSubmission) {
      const payload = {
        ...doc,
        DATA: doc.DATA.map((item) => ({ DATA_TYPE: 'transfer_item', ...item })),
      };
      const result = await request<unknown>((headers, sdk) =>
        transfer.taskSubmission.submitTransfer({ payload: payload as never, headers }, sdk),
      );
      return submitResult(result, doc.submission_id);
    },

    async submitDelete(doc: DeleteSubmission) {
      const payload = {
        ...doc,
        DATA: doc.DATA.map((item) => ({ DATA_TYPE: 'delete_item', ...item })),
      };
      const result = await request<unknown>((headers, sdk) =>
        transfer.taskSubmission.submitDelete({ payload: payload as never, headers }, sdk),
      );
      return submitResult(result, doc.submission_id);
    },

    getTask(taskId) {
      return request<TaskDocument>((headers, sdk) => transfer.task.get(taskId, { headers }, sdk));
    },

    listTasks(query: TaskListQuery = {}) {
      return request<Paged<TaskDocument>>((headers, sdk) =>
        transfer.task.getAll(
          { headers, query: q({ filter: query.filter, limit: query.limit, offset: query.offset, orderby: query.orderby, fields: query.fields }) as never },
          sdk,
        ),
      );
    },

    async cancelTask(taskId) {
      const doc = await request<unknown>((headers, sdk) => transfer.task.cancel(taskId, { headers }, sdk));
      return codeAndMessage(doc) as CancelResult;
    },

    taskEvents(taskId, page = {}) {
      return request<Paged<TaskEvent>>((headers, sdk) =>
        transfer.task.getEventList(taskId, { headers, query: q({ limit: page.limit, offset: page.offset }) as never }, sdk),
      );
    },

    successfulTransfers(taskId, marker) {
      return request<Paged<FileRecord>>((headers, sdk) =>
        transfer.task.getSuccessfulTransfers(taskId, { headers, query: q({ marker }) as never }, sdk),
      );
    },

    skippedErrors(taskId, marker) {
      return request<Paged<FileRecord>>((headers, sdk) =>
        transfer.task.getSkippedErrors(taskId, { headers, query: q({ marker }) as never }, sdk),
      );
    },

    async getCollection(collectionId) {
      const doc = await request<unknown>((headers, sdk) => transfer.endpoint.get(collectionId, { headers }, sdk), { collectionId });
      return collectionSummary(doc);
    },

    async searchCollections(text, limit = 25) {
      const doc = await request<unknown>((headers, sdk) =>
        transfer.endpointSearch({ headers, query: q({ filter_fulltext: text, limit }) as never }, sdk),
      );
      const record = isRecord(doc) ? doc : {};
      const data = Array.isArray(record.DATA) ? record.DATA : [];
      return {
        DATA: data.map(collectionSummary),
        ...pageFields(record),
      };
    },

    async ls(collectionId, path) {
      const doc = await request<unknown>(
        (headers, sdk) => transfer.fileOperations.ls(collectionId, { headers, query: q({ path }) as never }, sdk),
        { collectionId },
      );
      const record = isRecord(doc) ? doc : {};
      const data = Array.isArray(record.DATA) ? record.DATA : [];
      return {
        DATA: data.map(dirEntry),
        path: typeof record.absolute_path === 'string' ? record.absolute_path : typeof record.path === 'string' ? record.path : path,
        ...pageFields(record),
      };
    },

    async mkdir(collectionId, path) {
      const doc = await request<unknown>(
        (headers, sdk) => transfer.fileOperations.mkdir(collectionId, { payload: { path }, headers }, sdk),
        { collectionId },
      );
      return codeAndMessage(doc);
    },

    async rename(collectionId, oldPath, newPath) {
      const doc = await request<unknown>(
        (headers, sdk) =>
          transfer.fileOperations.rename(collectionId, { payload: { old_path: oldPath, new_path: newPath }, headers }, sdk),
        { collectionId },
      );
      return codeAndMessage(doc);
    },
  };
}

async function asksForAuthorization(response: Response): Promise<boolean> {
  try {
    return hasAuthorizationRequirements(await response.clone().json());
  } catch {
    return false;
  }
}

function submitResult(doc: unknown, submissionId: string): SubmitResult {
  const record = isRecord(doc) ? doc : {};
  if (typeof record.task_id !== 'string') throw localError('InvalidResponse', 'Globus Transfer accepted the task but sent no task id.');
  return {
    task_id: record.task_id,
    submission_id: typeof record.submission_id === 'string' ? record.submission_id : submissionId,
    code: typeof record.code === 'string' ? record.code : 'Accepted',
    ...(typeof record.message === 'string' ? { message: record.message } : {}),
    ...(typeof record.request_id === 'string' ? { request_id: record.request_id } : {}),
  };
}

function codeAndMessage(doc: unknown): { readonly code: string; readonly message: string; readonly request_id?: string } {
  const record = isRecord(doc) ? doc : {};
  return {
    code: typeof record.code === 'string' ? record.code : 'OK',
    message: typeof record.message === 'string' ? record.message : '',
    ...(typeof record.request_id === 'string' ? { request_id: record.request_id } : {}),
  };
}

function pageFields(record: Record<string, unknown>): Omit<Paged<never>, 'DATA'> {
  const out: { total?: number; offset?: number; limit?: number; has_next_page?: boolean } = {};
  if (typeof record.total === 'number') out.total = record.total;
  if (typeof record.offset === 'number') out.offset = record.offset;
  if (typeof record.limit === 'number') out.limit = record.limit;
  if (typeof record.has_next_page === 'boolean') out.has_next_page = record.has_next_page;
  return out;
}

function collectionSummary(value: unknown): CollectionSummary {
  const r = isRecord(value) ? value : {};
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    id: str(r.id) ?? '',
    display_name: str(r.display_name) ?? str(r.canonical_name) ?? str(r.name),
    ...(typeof r.owner_string === 'string' ? { owner_string: r.owner_string } : {}),
    description: str(r.description),
    ...(typeof r.entity_type === 'string' ? { entity_type: r.entity_type } : {}),
  };
}

function dirEntry(value: unknown): DirEntry {
  const r = isRecord(value) ? value : {};
  return {
    name: typeof r.name === 'string' ? r.name : '',
    type: typeof r.type === 'string' ? r.type : 'file',
    size: typeof r.size === 'number' ? r.size : 0,
    last_modified: typeof r.last_modified === 'string' ? r.last_modified : null,
    ...(typeof r.permissions === 'string' ? { permissions: r.permissions } : {}),
    ...(r.link_target === null || typeof r.link_target === 'string' ? { link_target: r.link_target } : {}),
  };
}
