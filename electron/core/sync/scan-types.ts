/**
 * What the main thread and the scan workers exchange (scanner.ts <-> scan-worker.ts): types only,
 * plus the warning kinds.
 */
import type { SyncSymlinkPolicy } from '../../../shared/contract/syncs';

export interface GlobRule {
  readonly source: string;
  readonly flags: string;
  /** The pattern has no `/`: test it against the entry's name instead of its relative path. */
  readonly base: boolean;
}

export interface WorkerInit {
  readonly type: 'init';
  readonly policy: SyncSymlinkPolicy;
  readonly include: readonly GlobRule[];
  readonly exclude: readonly GlobRule[];
  /** `pending`: encode changes for the pending record; `preview`: counts and samples only. */
  readonly mode: 'pending' | 'preview';
  readonly sampleSize: number;
  /** Errors to raise at the filesystem calls (tests only: permissions do not bite as root). */
  readonly faults?: readonly FsFault[];
}

/** An error a filesystem call raises for one path (the scan's fault-injection seam, for tests). */
export interface FsFault {
  readonly op: 'readdir' | 'lstat' | 'stat';
  /** Absolute path, as the scan spells it. */
  readonly path: string;
  /** The errno code to throw, e.g. `EIO`. */
  readonly code: string;
}

export interface DirTask {
  readonly type: 'dir';
  readonly id: number;
  readonly abs: string;
  readonly rel: string;
  readonly state: Uint8Array | null;
  /** `dev:ino` of the directories above (follow policy only), for loop detection. */
  readonly chain: readonly string[] | null;
}

export const scanWarningKinds = ['symlink-skipped', 'symlink-loop', 'dangling-symlink', 'unreadable', 'special-file'] as const;

/** Something about one entry the scan skipped; `unreadable`: a filesystem call failed on it. */
export interface ScanWarning {
  readonly kind: (typeof scanWarningKinds)[number];
  /** Relative to the job's folder (`.` for the folder itself). */
  readonly path: string;
  readonly detail: string;
  /** For `unreadable`: the error in a few words, e.g. `EACCES: permission denied`. */
  readonly reason?: string;
}

export interface SampleEntry {
  readonly path: string;
  readonly size: number;
  /** Microseconds since the epoch. */
  readonly mtime: number;
}

export interface DirResult {
  readonly type: 'dir';
  readonly id: number;
  readonly rel: string;
  readonly subdirs: readonly { readonly abs: string; readonly rel: string; readonly chain: readonly string[] | null }[];
  /** Encoded changed entries (files, kept links, new subdirectories), or null when none. */
  readonly changes: Uint8Array | null;
  /** Encoded names that were in the state but are gone, or null. */
  readonly removed: Uint8Array | null;
  /** Int32 (platform order) per changed entry: its index in the old state, -1 when new. */
  readonly oldIndex: Uint8Array | null;
  /** crc32 of the state blob the diff was made against (null: none). */
  readonly stateCrc: number | null;
  readonly changedFiles: number;
  readonly changedBytes: number;
  readonly removedCount: number;
  readonly files: number;
  readonly bytes: number;
  readonly isNew: boolean;
  readonly empty: boolean;
  /** A new folder of regular files only (no subfolder, link or special file): one recursive
   * transfer item carries exactly what was scanned (when the job has no include/exclude). */
  readonly whole: boolean;
  /** The folder itself could not be listed (or scanned): nothing of it is recorded. */
  readonly unreadable: boolean;
  readonly sample: readonly SampleEntry[];
  /** The first warnings of this folder (at most 50; `warningCount` has them all). */
  readonly warnings: readonly ScanWarning[];
  /** Every warning of this folder but skipped symlinks (policy skip), which `skippedLinks` counts. */
  readonly warningCount: number;
  readonly skippedLinks: number;
}
