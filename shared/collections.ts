import { z } from 'zod';
import type { DirEntry } from './globus-types';
import { collectionPathSchema, globusIdSchema } from './ids';

export interface Bookmark {
  readonly id: string;
  readonly collectionId: string;
  readonly displayName: string;
  readonly path: string;
  /** `globus`: one of the person's Globus bookmarks (the web app shows it too); `ferry`: kept on this computer. */
  readonly origin: 'globus' | 'ferry';
}

/** This computer's own collection (Globus Connect Personal), when it is installed for this user. */
export interface ThisComputer {
  readonly collectionId: string;
  /** The collection's name at Globus, when Globus could be asked. */
  readonly displayName: string | null;
  /** The local folders it serves (its config-paths), absolute. */
  readonly folders: readonly { readonly path: string; readonly writable: boolean }[];
}

/** The descriptive fields of a collection document, as its managers wrote them (Transfer's names, camel-cased). */
export interface CollectionAbout {
  readonly description: string | null;
  readonly organization: string | null;
  readonly department: string | null;
  readonly contactEmail: string | null;
  readonly contactInfo: string | null;
  readonly infoLink: string | null;
  readonly keywords: string | null;
  readonly gcsVersion: string | null;
  /** For a guest collection: the mapped collection it shares from. */
  readonly mappedCollectionId: string | null;
  readonly isGlobusConnect: boolean;
  /** The collection's HTTPS server (for browser uploads and downloads), when it has one. */
  readonly httpsServer: string | null;
  readonly forceEncryption: boolean;
  /** The managers' message to users, and its link. */
  readonly userMessage: string | null;
  readonly userMessageLink: string | null;
  /** The GridFTP server (its host is the collection's domain). */
  readonly tlsftpServer: string | null;
  /** Globus Connect Personal only: whether it is connected to Globus now, and whether its owner paused it. */
  readonly gcpConnected: boolean | null;
  readonly gcpPaused: boolean | null;
}

/** What the collection details panel shows: the collection document in plain words. */
export interface CollectionDetails extends CollectionAbout {
  readonly id: string;
  readonly displayName: string | null;
  /** Globus' entity type, e.g. GCSv5_mapped_collection, GCSv5_guest_collection, GCP_mapped_collection. */
  readonly entityType: string | null;
  readonly ownerString: string | null;
  /** The person is an administrator (or manager) of this collection. */
  readonly youManage: boolean;
  readonly highAssurance: boolean;
  /** Minutes a login satisfies this collection; null: no limit. */
  readonly loginTimeoutMinutes: number | null;
  readonly defaultDirectory: string | null;
  /** Whether Globus asks for a data_access consent here, and whether this sign-in has given it. */
  readonly consent: 'not-needed' | 'granted' | 'needed';
}

export const bookmarkInputSchema = z.object({
  collectionId: globusIdSchema,
  displayName: z.string().trim().min(1, 'name is required').max(200),
  path: collectionPathSchema,
});
export type BookmarkInput = z.infer<typeof bookmarkInputSchema>;

export interface Listing {
  readonly collectionId: string;
  readonly path: string;
  readonly entries: readonly DirEntry[];
}

const deadlineSchema = z
  .string()
  .max(40, 'deadline must be an ISO 8601 time, such as 2026-11-24T12:00:00Z')
  .refine((d) => !Number.isNaN(Date.parse(d)), 'deadline must be an ISO 8601 time, such as 2026-11-24T12:00:00Z');

const labelSchema = z
  .string()
  .trim()
  .max(128, 'label is at most 128 characters')
  .refine((l) => ![...l].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'label may not contain control characters');

/** One of Globus' `filter_rules`: a glob on names; the first rule that matches decides. */
export const filterRuleSchema = z.object({
  method: z.enum(['include', 'exclude']),
  name: z.string().trim().min(1, 'a filter rule needs a name pattern').max(200),
  type: z.enum(['file', 'dir']).optional(),
});
export type FilterRule = z.infer<typeof filterRuleSchema>;

/** Every Globus transfer option a person can choose in the transfer form (all optional: absent is Globus' default). */
export const transferOptionsSchema = z.object({
  /** 0 exists, 1 size, 2 modification time, 3 checksum: skip files whose copy already matches that way. */
  syncLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
  verifyChecksum: z.boolean().optional(),
  preserveTimestamp: z.boolean().optional(),
  encrypt: z.boolean().optional(),
  deleteDestinationExtra: z.boolean().optional(),
  failOnQuotaErrors: z.boolean().optional(),
  /** Skip source files that cannot be read instead of retrying them until the deadline. */
  skipSourceErrors: z.boolean().optional(),
  filterRules: z.array(filterRuleSchema).max(100, 'at most 100 filter rules').optional(),
  notifyOnSucceeded: z.boolean().optional(),
  notifyOnFailed: z.boolean().optional(),
  notifyOnInactive: z.boolean().optional(),
});
export type TransferOptionsInput = z.infer<typeof transferOptionsSchema>;

export const transferRequestSchema = transferOptionsSchema.extend({
  source: globusIdSchema,
  destination: globusIdSchema,
  items: z
    .array(
      z.object({
        sourcePath: collectionPathSchema,
        destinationPath: collectionPathSchema,
        recursive: z.boolean(),
      }),
    )
    .min(1, 'choose at least one file or folder')
    .max(10_000, 'at most 10,000 items per transfer; use the queue for more'),
  label: labelSchema.optional(),
  /** ISO 8601 time after which Globus gives up (default: 24 hours). */
  deadline: deadlineSchema.optional(),
});
export type TransferRequest = z.infer<typeof transferRequestSchema>;

export interface TransferSubmitted {
  readonly taskId: string;
  readonly submissionId: string;
  readonly code: string;
}

/** A Globus delete task for files and folders of one collection. */
export const deleteRequestSchema = z.object({
  collection: globusIdSchema,
  paths: z.array(collectionPathSchema).min(1, 'choose at least one file or folder').max(10_000, 'at most 10,000 paths per delete'),
  label: labelSchema.optional(),
});
export type DeleteRequest = z.infer<typeof deleteRequestSchema>;

/** One file a preview lists. */
export interface PreviewFile {
  readonly path: string;
  readonly size: number;
}

/**
 * What a transfer would do, from listings of both sides taken now: files to copy, and with
 * "delete destination extras" the files and folders that would go. Globus decides at run time.
 */
export interface TransferPreview {
  readonly copy: readonly PreviewFile[];
  readonly copyCount: number;
  readonly copyBytes: number;
  readonly remove: readonly (PreviewFile & { readonly type: 'file' | 'dir' })[];
  readonly removeCount: number;
  readonly removeBytes: number;
  /** Files the sync level skips because the destination already matches. */
  readonly unchangedCount: number;
  /** True when the walk stopped at its limit: the counts are a lower bound. */
  readonly truncated: boolean;
}
