/**
 * The only error shape that crosses the contract: plain JSON, no classes.
 * `code` is machine-readable (a Globus code such as `ConsentRequired`, or one of ours);
 * `message` is written for a person; `requestId` is the Globus request id when there is one.
 */
export interface AppErrorShape {
  readonly code: string;
  readonly message: string;
  readonly requestId?: string;
  readonly details?: unknown;
}

export function isAppErrorShape(value: unknown): value is AppErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** An Error subclass for the client side of the contract, carrying the code and request id. */
export class RemoteError extends Error {
  readonly code: string;
  readonly requestId: string | undefined;
  readonly details: unknown;
  constructor(shape: AppErrorShape) {
    super(shape.message);
    this.name = 'RemoteError';
    this.code = shape.code;
    this.requestId = shape.requestId;
    this.details = shape.details;
  }
}

/** One line a person can read: message, then code and request id to quote in a support request. */
export function describeError(error: AppErrorShape): string {
  const extra = [error.code, error.requestId ? `request ${error.requestId}` : undefined].filter(Boolean).join(', ');
  return extra ? `${error.message} (${extra})` : error.message;
}
