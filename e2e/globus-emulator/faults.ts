/**
 * Fault switches set through `/_emulator/...`. They live in memory (a restart clears them);
 * task-level switches (stall, INACTIVE) are stored on the task itself.
 */
import { randomUUID } from 'node:crypto';

/** Per-file error codes, as Transfer's task events name them. */
export const fileErrorCodes = [
  'PERMISSION_DENIED',
  'FILE_NOT_FOUND',
  'CONNECTION_RESET',
  'QUOTA_EXCEEDED',
  'CHECKSUM_MISMATCH',
  'FILE_SIZE_CHANGED',
] as const;
export type FileErrorCode = (typeof fileErrorCodes)[number];

/** Errors that `skip_source_errors` skips instead of retrying (Transfer's documented set). */
export const skippableErrorCodes: ReadonlySet<string> = new Set(['PERMISSION_DENIED', 'FILE_NOT_FOUND']);

export interface RequestFailureRule {
  /** How many more matching requests fail. */
  remaining: number;
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Only requests whose path starts with this (e.g. `/v0.10/task_list`). */
  readonly pathPrefix: string | undefined;
}

export interface DelayRule {
  readonly ms: number;
  /** How many more requests are delayed; null = until reset. */
  remaining: number | null;
  readonly pathPrefix: string | undefined;
}

export interface FileFaultRule {
  readonly id: string;
  /** Matches when the source or destination collection path contains this text. */
  readonly pathContains: string;
  readonly collectionId: string | undefined;
  readonly errorCode: FileErrorCode;
  /** How many more times the file fails; null = until cleared (the task then retries until its deadline). */
  remaining: number | null;
}

export class FaultState {
  requestFailures: RequestFailureRule[] = [];
  delays: DelayRule[] = [];
  fileFaults: FileFaultRule[] = [];
  /** data_access consent switched on/off per collection (overrides the collection's own setting). */
  readonly consentOverrides = new Map<string, boolean>();

  reset(): void {
    this.requestFailures = [];
    this.delays = [];
    this.fileFaults = [];
    this.consentOverrides.clear();
  }

  /** Returns the failure to answer this request with, consuming one use of the rule. */
  takeRequestFailure(path: string): RequestFailureRule | undefined {
    const rule = this.requestFailures.find((r) => r.remaining > 0 && (!r.pathPrefix || path.startsWith(r.pathPrefix)));
    if (rule) rule.remaining -= 1;
    this.requestFailures = this.requestFailures.filter((r) => r.remaining > 0);
    return rule;
  }

  takeDelay(path: string): number {
    const rule = this.delays.find((r) => (r.remaining === null || r.remaining > 0) && (!r.pathPrefix || path.startsWith(r.pathPrefix)));
    if (!rule) return 0;
    if (rule.remaining !== null) rule.remaining -= 1;
    this.delays = this.delays.filter((r) => r.remaining === null || r.remaining > 0);
    return rule.ms;
  }

  addFileFault(init: Omit<FileFaultRule, 'id'>): FileFaultRule {
    const rule: FileFaultRule = { ...init, id: randomUUID() };
    this.fileFaults.push(rule);
    return rule;
  }

  /** The fault a file hits now, if any, consuming one use of the rule. */
  takeFileFault(collectionIds: readonly (string | null)[], paths: readonly string[]): FileErrorCode | undefined {
    const rule = this.fileFaults.find(
      (r) =>
        (r.remaining === null || r.remaining > 0) &&
        (!r.collectionId || collectionIds.includes(r.collectionId)) &&
        paths.some((p) => p.includes(r.pathContains)),
    );
    if (!rule) return undefined;
    if (rule.remaining !== null) rule.remaining -= 1;
    return rule.errorCode;
  }
}
