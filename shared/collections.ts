import { z } from 'zod';
import type { DirEntry } from './globus-types';
import { collectionPathSchema, globusIdSchema } from './ids';

export interface Bookmark {
  readonly id: string;
  readonly collectionId: string;
  readonly displayName: string;
  readonly path: string;
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

export const transferRequestSchema = z.object({
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
  label: z
    .string()
    .trim()
    .max(128, 'label is at most 128 characters')
    .refine((l) => ![...l].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'label may not contain control characters')
    .optional(),
  syncLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
  verifyChecksum: z.boolean().optional(),
  /** Skip source files that cannot be read instead of retrying them until the deadline. */
  skipSourceErrors: z.boolean().optional(),
  /** ISO 8601 time after which Globus gives up (default: 24 hours). */
  deadline: z
    .string()
    .max(40, 'deadline must be an ISO 8601 time, such as 2026-11-24T12:00:00Z')
    .refine((d) => !Number.isNaN(Date.parse(d)), 'deadline must be an ISO 8601 time, such as 2026-11-24T12:00:00Z')
    .optional(),
});
export type TransferRequest = z.infer<typeof transferRequestSchema>;

export interface TransferSubmitted {
  readonly taskId: string;
  readonly submissionId: string;
  readonly code: string;
}
