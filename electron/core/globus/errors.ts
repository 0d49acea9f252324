import { GlobusApiError } from './transfer-port';

/** Codes this folder raises itself (Globus' own codes, e.g. `ClientError.NotFound`, pass through). */
export const localErrorCodes = [
  'NetworkError',
  'Timeout',
  'ClientIdMissing',
  'SignInRequired',
  'SessionExpired',
  'StateMismatch',
  'LoginTimeout',
  'LoginCancelled',
  'LoginDenied',
  'LoginFailed',
  'ConsentRequired',
  'InvalidResponse',
] as const;
export type LocalErrorCode = (typeof localErrorCodes)[number];

export function localError(code: LocalErrorCode, message: string, details?: Record<string, unknown>): GlobusApiError {
  return new GlobusApiError({ code, message, status: 0, ...(details ? { details } : {}) });
}

/**
 * A call failed because the user has not consented to a collection's data_access scope.
 * `collectionIds` lists the collections to add (`addConsent(collectionIds)`), `requiredScopes`
 * is what Globus asked for.
 */
export class ConsentRequiredError extends GlobusApiError {
  readonly collectionIds: readonly string[];
  readonly requiredScopes: readonly string[];
  constructor(init: {
    message: string;
    status: number;
    requestId?: string;
    body?: unknown;
    collectionIds: readonly string[];
    requiredScopes: readonly string[];
  }) {
    const names = init.collectionIds.join(', ');
    super({
      code: 'ConsentRequired',
      message: names
        ? `Ferry needs your consent to access collection ${names}. Grant it and Ferry will retry. (${init.message})`
        : init.message,
      status: init.status,
      ...(init.requestId ? { requestId: init.requestId } : {}),
      body: init.body,
      details: { collectionIds: [...init.collectionIds], requiredScopes: [...init.requiredScopes] },
    });
    this.name = 'ConsentRequiredError';
    this.collectionIds = init.collectionIds;
    this.requiredScopes = init.requiredScopes;
  }

  /** The first collection that needs consent (most calls name exactly one). */
  get collectionId(): string | undefined {
    return this.collectionIds[0];
  }
}

export function isConsentRequired(error: unknown): error is ConsentRequiredError {
  return error instanceof ConsentRequiredError;
}
