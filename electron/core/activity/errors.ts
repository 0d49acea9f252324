import type { ErrorKind } from '../../../shared/errors';

/** An error the activity module raises on purpose; `code` is what the UI may branch on. */
export class ActivityError extends Error {
  readonly code: 'TaskNotFound' | 'CannotResubmit' | 'NotSignedIn';
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind;
  constructor(code: ActivityError['code'], message: string) {
    super(message);
    this.name = 'ActivityError';
    this.code = code;
    this.kind = code === 'TaskNotFound' ? 'not-found' : code === 'NotSignedIn' ? 'unauthorized' : 'refused';
  }
}
