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
  /** Fingerprints ignore size and mtime (tests only: forces fingerprint collisions). */
  readonly weak?: boolean;
  /** Workers of the scan: a folder of `splitMin` entries or more is split in this many parts (1: never). */
  readonly parts: number;
  readonly splitMin: number;
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
  /** The folder's stored record (fingerprint.ts), or null when it has none. */
  readonly state: Uint8Array | null;
  /** `dev:ino` of the directories above (follow policy only), for loop detection. */
  readonly chain: readonly string[] | null;
}

/** The scan is over: the worker drops its scratch columns and collects its garbage while it waits for the next. */
export interface WorkerIdle {
  readonly type: 'idle';
}

/** Folders handed to a worker at once (the main thread batches to keep hand-offs few). */
export interface DirBatch {
  readonly type: 'batch';
  readonly tasks: readonly DirTask[];
  /** Sample entries the scan still wants (at most `sampleSize` per folder): none once it has them all. */
  readonly sample: number;
}

export interface ResultBatch {
  readonly type: 'batch';
  /** The result of a folder scanned in parts, sent once its parts are in (not the answer to a batch). */
  readonly merged?: boolean;
  readonly results: readonly DirResult[];
  /**
   * Folders where nothing changed and nothing was said (the common case), as columns: a few
   * arrays clone far faster than a full result object per folder. In the order of the tasks,
   * after `results` is irrelevant: every folder is one or the other.
   */
  readonly quiet: QuietColumns;
}

export interface QuietColumns {
  readonly ids: number[];
  readonly rels: string[];
  readonly files: number[];
  readonly bytes: number[];
  readonly subdirs: DirResult['subdirs'][];
  readonly chains: DirResult['chain'][];
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
  /**
   * Names of the subfolders to walk, in listing order (the walk's frontier keeps names, not an
   * object and two full paths per folder: a tree of many small folders has a big frontier).
   */
  readonly subdirs: readonly string[];
  /** `dev:ino` of this folder and those above (follow policy only): what its subfolders carry. */
  readonly chain: readonly string[] | null;
  /** Encoded changed entries (files and kept links, codec.ts), or null when none. */
  readonly changes: Uint8Array | null;
  /** The folder's record must be rewritten (something in its listing changed, or it is new). */
  readonly write: boolean;
  /** Fingerprints (8 bytes: lo, hi little-endian) of every file listed, when `write` (pending mode). */
  readonly fps: Uint8Array | null;
  /** Stored fingerprints no file matched while some entry could not be read: kept as they are. */
  readonly keep: Uint8Array | null;
  /** The listing's digests as a record without fingerprints (fingerprint.ts), when `write`. */
  readonly digests: Uint8Array | null;
  /** The set of subfolders differs from the stored one: the engine looks for gone ones. */
  readonly dirsChanged: boolean;
  /** Every fingerprint matched but the file digest did not: a collision, the whole folder is sent. */
  readonly collision: boolean;
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

/**
 * What the scan of a range of a folder's entries found (scan-dir.ts): the sums and lists whole
 * folders need, in listing order. Parts of a folder combine exactly (sums add, lists concatenate).
 */
export interface RangeScan {
  /** Files (kept links included) found: their columns are the range's first `n`. */
  n: number;
  fd0: number;
  fd1: number;
  dd0: number;
  dd1: number;
  subdirCount: number;
  entries: number;
  failures: number;
  /** Only regular files. */
  plain: boolean;
  files: number;
  bytes: number;
  subdirs: string[];
  /** The first 50 warnings. */
  warnings: ScanWarning[];
  warningCount: number;
  skippedLinks: number;
}

/** A range's scan with its own columns (the first `n` used; two numbers per file for `fps` and `dig`). */
export interface PartScan extends RangeScan {
  fileAt: Int32Array;
  kinds: Uint8Array;
  mtimes: Float64Array;
  sizes: Float64Array;
  fps: Uint32Array;
}

/** A worker listed a big folder: the main thread hands these parts to the other workers. */
export interface SplitRequest {
  readonly type: 'split';
  readonly id: number;
  readonly parts: readonly PartTask[];
}

/** One range of a big folder's (sorted) listing to scan. */
export interface PartTask {
  readonly type: 'part';
  readonly id: number;
  readonly index: number;
  readonly abs: string;
  readonly rel: string;
  readonly chain: readonly string[] | null;
  /** Position of the part's first name in the folder's listing. */
  readonly from: number;
  /**
   * The part's names joined by NUL (no name holds one), as UTF-8: one buffer, handed over (not
   * copied) by the worker that listed the folder and by the main thread.
   */
  readonly names: Uint8Array;
  readonly types: Uint8Array;
}

/** A part's scan (or why it failed), from the worker that did it, forwarded to the folder's owner. */
export interface PartReply {
  readonly type: 'part-done';
  readonly id: number;
  readonly index: number;
  /** The part's first entry in the folder's listing. */
  readonly from: number;
  /**
   * The part's totals, with its columns (`PartScan`) unless `placed`: the folder's owner scanned
   * it straight into the folder's columns.
   */
  readonly scan: PartScan | RangeScan | null;
  readonly placed: boolean;
  readonly error: string | null;
}
