/**
 * Contract slice: HTTPS transfers — files moved straight between this computer and a collection
 * that allows HTTPS access (Globus Connect Server's per-collection `https_server`, with a token for
 * the collection's own `https` scope). This is how a laptop without Globus Connect Personal moves
 * files: upload local files to a folder of the collection, download collection files to a local
 * folder, with progress, pause and resume (a download resumes at the byte it reached; an upload
 * restarts the file it was sending, since the server keeps no partial upload, and skips the files
 * already sent). Channels are named `https:<verb>`; ipc-contract.ts assembles every slice.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import { collectionPathSchema, globusIdSchema } from '../ids';
import type { Listener, Unsubscribe } from '../ipc-contract';
import { localPathSchema } from '../paths';

export const httpsDirections = ['upload', 'download'] as const;
export type HttpsDirection = (typeof httpsDirections)[number];

/**
 * queued → running → succeeded | failed; running → paused (a person paused it) or interrupted
 * (the connection dropped or Ferry quit); paused/interrupted/failed → running on resume.
 */
export const httpsTransferStates = ['queued', 'running', 'paused', 'interrupted', 'succeeded', 'failed', 'cancelled'] as const;
export type HttpsTransferState = (typeof httpsTransferStates)[number];

export interface HttpsTransferFile {
  /** Upload: the local file; download: the collection path. */
  readonly source: string;
  /** Upload: the collection path; download: the local file. */
  readonly destination: string;
  readonly bytes: number;
  readonly doneBytes: number;
  readonly done: boolean;
}

export interface HttpsTransfer {
  readonly id: string;
  readonly direction: HttpsDirection;
  readonly collectionId: string;
  /** The collection's name when known, for people. */
  readonly collectionName: string | null;
  readonly state: HttpsTransferState;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly totalBytes: number;
  readonly doneBytes: number;
  readonly fileCount: number;
  readonly filesDone: number;
  /** Bytes per second over the last few seconds while running; null otherwise. */
  readonly bytesPerSecond: number | null;
  /** Why it stopped (failed or interrupted), in words that say what to do. */
  readonly error: string | null;
  readonly files: readonly HttpsTransferFile[];
}

const MAX_FILES = 10_000;

export const httpsUploadRequestSchema = z.object({
  collectionId: globusIdSchema,
  /** The collection folder the files go into (ends with `/`). */
  folder: collectionPathSchema,
  /** Local files or folders (a folder is sent with everything under it). */
  paths: z.array(localPathSchema('Local file')).min(1, 'choose at least one file').max(MAX_FILES),
});
export type HttpsUploadRequest = z.infer<typeof httpsUploadRequestSchema>;

export const httpsDownloadRequestSchema = z.object({
  collectionId: globusIdSchema,
  /** Collection files (folders are not downloaded over HTTPS; transfer them with Globus). */
  paths: z.array(collectionPathSchema).min(1, 'choose at least one file').max(MAX_FILES),
  /** The local folder the files go into. */
  folder: localPathSchema('Download folder'),
});
export type HttpsDownloadRequest = z.infer<typeof httpsDownloadRequestSchema>;

const transferIdSchema = z.string().trim().min(1, 'an HTTPS transfer id is required').max(100);
const text = z.string().max(100_000);
const count = z.number().int().min(0);

const httpsTransferFileSchema = z.object({ source: text, destination: text, bytes: count, doneBytes: count, done: z.boolean() });
export const httpsTransferSchema = z.object({
  id: text,
  direction: z.enum(httpsDirections),
  collectionId: text,
  collectionName: text.nullable(),
  state: z.enum(httpsTransferStates),
  createdAt: count,
  updatedAt: count,
  totalBytes: count,
  doneBytes: count,
  fileCount: count,
  filesDone: count,
  bytesPerSecond: z.number().min(0).nullable(),
  error: text.nullable(),
  files: z.array(httpsTransferFileSchema).max(MAX_FILES).readonly(),
}) satisfies z.ZodType<HttpsTransfer>;

export const httpsTransfersInvoke = {
  /** Starts uploading local files to a folder of a collection that allows HTTPS access. */
  'https:upload': { args: z.tuple([httpsUploadRequestSchema]) },
  /** Starts downloading collection files to a local folder. */
  'https:download': { args: z.tuple([httpsDownloadRequestSchema]) },
  /** Every HTTPS transfer Ferry remembers, newest first. */
  'https:list': { args: z.tuple([]) },
  'https:pause': { args: z.tuple([transferIdSchema]) },
  /** Continues a paused, interrupted or failed transfer where it stopped. */
  'https:resume': { args: z.tuple([transferIdSchema]) },
  'https:cancel': { args: z.tuple([transferIdSchema]) },
  /** Forgets an ended transfer (its files stay where they are). */
  'https:remove': { args: z.tuple([transferIdSchema]) },
} as const satisfies Record<`https:${string}`, { readonly args: z.ZodTuple }>;

export interface HttpsTransfersResults {
  'https:upload': HttpsTransfer;
  'https:download': HttpsTransfer;
  'https:list': readonly HttpsTransfer[];
  'https:pause': HttpsTransfer;
  'https:resume': HttpsTransfer;
  'https:cancel': HttpsTransfer;
  'https:remove': { readonly removed: boolean };
}

export const httpsTransfersEvents = {
  /** One transfer after it changed (progress at most a few times a second). */
  'https:changed': httpsTransferSchema,
} as const satisfies Record<`https:${string}`, z.ZodType>;

export interface HttpsTransfersApi {
  upload(request: HttpsUploadRequest): Promise<HttpsTransfer>;
  download(request: HttpsDownloadRequest): Promise<HttpsTransfer>;
  list(): Promise<readonly HttpsTransfer[]>;
  pause(id: string): Promise<HttpsTransfer>;
  resume(id: string): Promise<HttpsTransfer>;
  cancel(id: string): Promise<HttpsTransfer>;
  remove(id: string): Promise<{ readonly removed: boolean }>;
  onChanged(listener: Listener<HttpsTransfer>): Unsubscribe;
}

export function createHttpsTransfersApi(t: Transport): HttpsTransfersApi {
  return {
    upload: (request) => t.invoke('https:upload', [request]),
    download: (request) => t.invoke('https:download', [request]),
    list: () => t.invoke('https:list', []),
    pause: (id) => t.invoke('https:pause', [id]),
    resume: (id) => t.invoke('https:resume', [id]),
    cancel: (id) => t.invoke('https:cancel', [id]),
    remove: (id) => t.invoke('https:remove', [id]),
    onChanged: (listener) => t.subscribe('https:changed', listener),
  };
}
