/**
 * Contract slice: searching, browsing and bookmarking Globus collections, and starting transfers (`transfers:*`).
 * Channels are named `collections:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import {
  bookmarkInputSchema,
  deleteRequestSchema,
  transferOptionsSchema,
  transferRequestSchema,
  type Bookmark,
  type BookmarkInput,
  type CollectionDetails,
  type ThisComputer,
  type DeleteRequest,
  type Listing,
  type TransferOptionsInput,
  type TransferPreview,
  type TransferRequest,
  type TransferSubmitted,
} from '../collections';
import type { CollectionSummary } from '../globus-types';
import { collectionPathSchema, globusIdSchema } from '../ids';
import { localPathSchema } from '../paths';
import type { HttpsTransfer } from './https-transfers';

/** Local files (paths on this machine) a person dropped on a collection folder. */
export const sendLocalRequestSchema = z.object({
  paths: z.array(localPathSchema('Local file')).min(1, 'drop at least one file').max(10_000),
  /** The collection the pane shows. */
  destination: globusIdSchema,
  /** The folder the pane shows (ends with `/`). */
  folder: collectionPathSchema,
});
export type SendLocalRequest = z.infer<typeof sendLocalRequestSchema>;

/**
 * How dropped local files went: a Globus transfer from this computer's Globus Connect Personal
 * collection (every file under a folder it shares), or an HTTPS upload (the destination allows
 * HTTPS access). When neither is possible the call is refused (`NotShared`) with what to share.
 */
export type SendLocalResult =
  | { readonly via: 'globus'; readonly sourceCollectionId: string; readonly taskId: string; readonly submissionId: string; readonly code: string }
  | { readonly via: 'https'; readonly transfer: HttpsTransfer };

const noArgs = z.tuple([]);

export const collectionsInvoke = {
  'collections:search': { args: z.tuple([z.string().trim().min(1, 'type part of a collection name').max(200)]) },
  'collections:get': { args: z.tuple([globusIdSchema]) },
  /** The whole collection document in plain words, for the details panel. */
  'collections:details': { args: z.tuple([globusIdSchema]) },
  /** This computer's Globus Connect Personal collection, or null when none is installed. */
  'collections:this-computer': { args: noArgs },
  /** The collection and path of a local folder on this computer's collection, or null when it serves no such folder. */
  'collections:this-computer-path': { args: z.tuple([localPathSchema('Local folder')]) },
  'collections:ls': { args: z.tuple([globusIdSchema, collectionPathSchema]) },
  'collections:mkdir': { args: z.tuple([globusIdSchema, collectionPathSchema]) },
  'collections:rename': { args: z.tuple([globusIdSchema, collectionPathSchema, collectionPathSchema]) },
  'collections:list-bookmarks': { args: noArgs },
  'collections:add-bookmark': { args: z.tuple([bookmarkInputSchema]) },
  'collections:remove-bookmark': { args: z.tuple([z.string().min(1).max(100)]) },
  /** Bookmarks kept only on this computer, offered once for copying to Globus (empty: nothing to offer). */
  'collections:bookmark-upload-offer': { args: noArgs },
  /** true: copy them to Globus (and forget them here); false: keep them here. Either way not asked again. */
  'collections:answer-bookmark-upload': { args: z.tuple([z.boolean()]) },
  'transfers:submit': { args: z.tuple([transferRequestSchema]) },
  'transfers:delete': { args: z.tuple([deleteRequestSchema]) },
  'transfers:preview': { args: z.tuple([transferRequestSchema]) },
  /** Dropped local files: a Globus transfer from This computer when it shares them, else HTTPS when the destination allows it. */
  'transfers:send-local': { args: z.tuple([sendLocalRequestSchema]) },
  'transfers:get-defaults': { args: z.tuple([globusIdSchema, globusIdSchema]) },
  'transfers:save-defaults': { args: z.tuple([globusIdSchema, globusIdSchema, transferOptionsSchema]) },
} as const satisfies Record<`collections:${string}` | `transfers:${string}`, { readonly args: z.ZodTuple }>;

export interface CollectionsResults {
  'collections:search': readonly CollectionSummary[];
  'collections:get': CollectionSummary;
  'collections:details': CollectionDetails;
  'collections:this-computer': ThisComputer | null;
  'collections:this-computer-path': { readonly collectionId: string; readonly path: string } | null;
  'collections:ls': Listing;
  'collections:mkdir': { readonly code: string; readonly message: string };
  'collections:rename': { readonly code: string; readonly message: string };
  'collections:list-bookmarks': readonly Bookmark[];
  'collections:add-bookmark': readonly Bookmark[];
  'collections:remove-bookmark': readonly Bookmark[];
  'collections:bookmark-upload-offer': readonly Bookmark[];
  'collections:answer-bookmark-upload': readonly Bookmark[];
  'transfers:submit': TransferSubmitted;
  'transfers:delete': TransferSubmitted;
  'transfers:preview': TransferPreview;
  'transfers:send-local': SendLocalResult;
  /** The options last used from this source to this destination; null when none were saved. */
  'transfers:get-defaults': TransferOptionsInput | null;
  'transfers:save-defaults': TransferOptionsInput;
}

export const collectionsEvents = {} as const satisfies Record<string, z.ZodType>;

export interface CollectionsApi {
  readonly collections: {
    search(text: string): Promise<readonly CollectionSummary[]>;
    get(collectionId: string): Promise<CollectionSummary>;
    details(collectionId: string): Promise<CollectionDetails>;
    thisComputer(): Promise<ThisComputer | null>;
    thisComputerPath(localPath: string): Promise<{ readonly collectionId: string; readonly path: string } | null>;
    ls(collectionId: string, path: string): Promise<Listing>;
    mkdir(collectionId: string, path: string): Promise<{ readonly code: string; readonly message: string }>;
    rename(collectionId: string, oldPath: string, newPath: string): Promise<{ readonly code: string; readonly message: string }>;
    listBookmarks(): Promise<readonly Bookmark[]>;
    addBookmark(bookmark: BookmarkInput): Promise<readonly Bookmark[]>;
    removeBookmark(bookmarkId: string): Promise<readonly Bookmark[]>;
    bookmarkUploadOffer(): Promise<readonly Bookmark[]>;
    answerBookmarkUpload(copy: boolean): Promise<readonly Bookmark[]>;
  };
  readonly transfers: {
    submit(request: TransferRequest): Promise<TransferSubmitted>;
    /** Starts a Globus delete task (it shows in Activity like a transfer). */
    delete(request: DeleteRequest): Promise<TransferSubmitted>;
    /** Lists both sides now: what the transfer would copy and (mirror) delete. */
    preview(request: TransferRequest): Promise<TransferPreview>;
    /** Sends dropped local files to a collection folder (Globus from This computer, or HTTPS). */
    sendLocal(request: SendLocalRequest): Promise<SendLocalResult>;
    getDefaults(source: string, destination: string): Promise<TransferOptionsInput | null>;
    saveDefaults(source: string, destination: string, options: TransferOptionsInput): Promise<TransferOptionsInput>;
  };
}

export function createCollectionsApi(t: Transport): CollectionsApi {
  return {
    collections: {
      search: (text) => t.invoke('collections:search', [text]),
      get: (id) => t.invoke('collections:get', [id]),
      details: (id) => t.invoke('collections:details', [id]),
      thisComputer: () => t.invoke('collections:this-computer', []),
      thisComputerPath: (localPath) => t.invoke('collections:this-computer-path', [localPath]),
      ls: (id, path) => t.invoke('collections:ls', [id, path]),
      mkdir: (id, path) => t.invoke('collections:mkdir', [id, path]),
      rename: (id, oldPath, newPath) => t.invoke('collections:rename', [id, oldPath, newPath]),
      listBookmarks: () => t.invoke('collections:list-bookmarks', []),
      addBookmark: (bookmark) => t.invoke('collections:add-bookmark', [bookmark]),
      removeBookmark: (id) => t.invoke('collections:remove-bookmark', [id]),
      bookmarkUploadOffer: () => t.invoke('collections:bookmark-upload-offer', []),
      answerBookmarkUpload: (copy) => t.invoke('collections:answer-bookmark-upload', [copy]),
    },
    transfers: {
      submit: (request) => t.invoke('transfers:submit', [request]),
      delete: (request) => t.invoke('transfers:delete', [request]),
      preview: (request) => t.invoke('transfers:preview', [request]),
      sendLocal: (request) => t.invoke('transfers:send-local', [request]),
      getDefaults: (source, destination) => t.invoke('transfers:get-defaults', [source, destination]),
      saveDefaults: (source, destination, options) => t.invoke('transfers:save-defaults', [source, destination, options]),
    },
  };
}
