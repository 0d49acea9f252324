/**
 * Test-only convenience over @globus/sdk's transfer service: every call is the SDK's own, this
 * only unwraps `{ status, body }` so assertions stay short.
 */
import { transfer, type authorization } from '@globus/sdk';
import { randomUUID } from 'node:crypto';

export type Doc = Record<string, unknown>;
export interface Answer {
  readonly status: number;
  readonly body: Doc;
}

async function unwrap(response: Promise<Response>): Promise<Answer> {
  const res = await response;
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Doc };
}

export interface TransferItemInput {
  readonly source_path: string;
  readonly destination_path: string;
  readonly recursive?: boolean;
}

export interface SubmitInput {
  readonly source: string;
  readonly destination: string;
  readonly items: readonly TransferItemInput[];
  readonly submissionId?: string;
  readonly label?: string;
  readonly sync_level?: 0 | 1 | 2 | 3;
  readonly preserve_timestamp?: boolean;
  readonly verify_checksum?: boolean;
  readonly skip_source_errors?: boolean;
  readonly deadline?: string;
}

/**
 * The SDK's POST helpers (submitTransfer, mkdir, rename, ...) rebuild their options and drop a
 * `manager` given there, so it goes in the SDK options (second argument) for every call.
 */
export function sdkClient(manager: authorization.AuthorizationManager) {
  const o = { manager };
  return {
    submissionId: async (): Promise<string> => String((await unwrap(transfer.taskSubmission.submissionId({}, o))).body['value']),
    submit: async (input: SubmitInput): Promise<Answer> =>
      unwrap(
        transfer.taskSubmission.submitTransfer(
          {
          payload: {
            submission_id: input.submissionId ?? randomUUID(),
            source_endpoint: input.source,
            destination_endpoint: input.destination,
            ...(input.label ? { label: input.label } : {}),
            ...(input.sync_level !== undefined ? { sync_level: input.sync_level } : {}),
            ...(input.preserve_timestamp ? { preserve_timestamp: true } : {}),
            ...(input.verify_checksum ? { verify_checksum: true } : {}),
            ...(input.skip_source_errors ? { skip_source_errors: true } : {}),
            ...(input.deadline ? { deadline: input.deadline } : {}),
            DATA: input.items.map((i) => ({ DATA_TYPE: 'transfer_item', ...i })),
          } as never,
          },
          o,
        ),
      ),
    submitDelete: async (endpoint: string, paths: readonly string[], extra: Doc = {}): Promise<Answer> =>
      unwrap(
        transfer.taskSubmission.submitDelete(
          { payload: { submission_id: randomUUID(), endpoint, DATA: paths.map((path) => ({ DATA_TYPE: 'delete_item', path })), ...extra } as never },
          o,
        ),
      ),
    task: async (id: string): Promise<Doc> => (await unwrap(transfer.task.get(id, {}, o))).body,
    taskList: async (query: Record<string, string | number> = {}): Promise<Answer> => unwrap(transfer.task.getAll({ query: query as never }, o)),
    cancel: async (id: string): Promise<Answer> => unwrap(transfer.task.cancel(id, {}, o)),
    events: async (id: string, query: Record<string, string | number> = {}): Promise<Answer> => unwrap(transfer.task.getEventList(id, { query: query as never }, o)),
    successful: async (id: string, query: Record<string, string | number> = {}): Promise<Answer> =>
      unwrap(transfer.task.getSuccessfulTransfers(id, { query: query as never }, o)),
    skipped: async (id: string): Promise<Answer> => unwrap(transfer.task.getSkippedErrors(id, {}, o)),
    ls: async (collection: string, path: string): Promise<Answer> => unwrap(transfer.fileOperations.ls(collection, { query: { path } as never }, o)),
    mkdir: async (collection: string, path: string): Promise<Answer> => unwrap(transfer.fileOperations.mkdir(collection, { payload: { path } as never }, o)),
    rename: async (collection: string, oldPath: string, newPath: string): Promise<Answer> =>
      unwrap(transfer.fileOperations.rename(collection, { payload: { old_path: oldPath, new_path: newPath } as never }, o)),
    endpoint: async (id: string): Promise<Answer> => unwrap(transfer.endpoint.get(id, {}, o)),
    search: async (text: string): Promise<Answer> => unwrap(transfer.endpointSearch({ query: { filter_fulltext: text } as never }, o)),
  };
}

export type SdkClient = ReturnType<typeof sdkClient>;

const FINAL = new Set(['SUCCEEDED', 'FAILED']);

/** Polls the task through the SDK until it has ended (bounded). */
export async function waitForTask(client: SdkClient, id: string, timeoutMs = 15_000): Promise<Doc> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`Not a task id: ${id}`);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const task = await client.task(id);
    if (FINAL.has(String(task['status']))) return task;
    if (Date.now() > end) throw new Error(`Task ${id} still ${String(task['status'])} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
