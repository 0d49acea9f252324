import { z } from 'zod';

/** Globus ids (collections, tasks, identities) are UUIDs; accept any version, any case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const globusIdSchema = z.string().trim().regex(UUID_PATTERN, 'must be a Globus id (a UUID such as 6c54cade-bde5-45c1-bdea-f4bd71dba2cc)');

/** A path on a Globus collection: absolute, or home-relative with `~`. */
export const collectionPathSchema = z
  .string()
  .min(1, 'path is required')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => p.startsWith('/') || p.startsWith('~'), 'path must start with / (or ~ for your home folder)')
  .refine((p) => !p.includes('\u0000'), 'path may not contain NUL');
