import { assertNever } from './assert-never';

/**
 * What kind of failure an error is, for every host alike: the HTTP status the browser host
 * answers with, and whether the person can fix it (everything but `internal`).
 */
export const errorKinds = [
  /** The arguments do not match the channel's schema (or the request is not an envelope). */
  'invalid',
  /** Not signed in (to Ferry's host, or to Globus). */
  'unauthorized',
  /** Signed in but not allowed (a foreign sender, a consent or permission missing). */
  'forbidden',
  /** The thing named does not exist (a job, a run, a file, a task). */
  'not-found',
  /** The request clashes with the current state (not cancellable, already running, a duplicate). */
  'conflict',
  /** A body, frame, upload or file is larger than Ferry accepts. */
  'too-large',
  /** Well-formed but refused: an unsafe URL, a folder that does not exist, a config that is wrong. */
  'refused',
  /** Globus (or a peer) did not answer or is failing; try again later. */
  'unavailable',
  /** A bug in Ferry: the message says nothing but a request id that the log has. */
  'internal',
] as const;
export type ErrorKind = (typeof errorKinds)[number];

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (errorKinds as readonly string[]).includes(value);
}

/** The HTTP status the browser host answers with for each kind (500 only for a bug). */
export function httpStatusFor(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'too-large':
      return 413;
    case 'refused':
      return 422;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
    default:
      return assertNever(kind);
  }
}

/**
 * The only error shape that crosses the contract: plain JSON, no classes.
 * `code` is machine-readable (a Globus code such as `ConsentRequired`, or one of ours);
 * `kind` says what sort of failure it is; `message` is written for a person and says what to
 * fix; `requestId` is the Globus request id, or for an internal error the id the log has.
 */
export interface AppErrorShape {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly message: string;
  readonly requestId?: string;
  readonly details?: unknown;
}

export function isAppErrorShape(value: unknown): value is AppErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string' &&
    isErrorKind((value as { kind?: unknown }).kind)
  );
}

/** An Error subclass for the client side of the contract, carrying the code and request id. */
export class RemoteError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly requestId: string | undefined;
  readonly details: unknown;
  constructor(shape: AppErrorShape) {
    super(shape.message);
    this.name = 'RemoteError';
    this.code = shape.code;
    this.kind = shape.kind;
    this.requestId = shape.requestId;
    this.details = shape.details;
  }

  toShape(): AppErrorShape {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      ...(this.requestId ? { requestId: this.requestId } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }
}

/** What a `ConsentRequired` refusal asks a person to grant: collections (data_access) and other scopes. */
export interface ConsentNeeded {
  readonly collectionIds: readonly string[];
  readonly scopes: readonly string[];
}

/** The consent a refused call needs, or null when it was refused for another reason. */
export function consentNeeded(error: unknown): ConsentNeeded | null {
  if (!(error instanceof RemoteError) || error.code !== 'ConsentRequired') return null;
  const details = (error.details ?? {}) as { collectionIds?: unknown; requiredScopes?: unknown };
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return { collectionIds: strings(details.collectionIds), scopes: strings(details.requiredScopes) };
}

/** A shape for a reply that was not one (a host answered with something else). */
export function malformedReplyError(what: string): AppErrorShape {
  return { code: 'InternalError', kind: 'internal', message: `The host sent an answer Ferry cannot read (${what}).` };
}

/** One line a person can read: message, then code and request id to quote in a support request. */
export function describeError(error: Pick<AppErrorShape, 'code' | 'message' | 'requestId'>): string {
  const extra = [error.code, error.requestId ? `request ${error.requestId}` : undefined].filter(Boolean).join(', ');
  return extra ? `${error.message} (${extra})` : error.message;
}

/**
 * Electron's contextBridge keeps only an Error's message, so the preload puts the whole shape
 * in it behind this marker and the renderer's bootstrap turns it back into a RemoteError.
 */
const BRIDGE_MARKER = 'ferry-error:';

export function encodeBridgeError(shape: AppErrorShape): Error {
  return new Error(BRIDGE_MARKER + JSON.stringify(shape));
}

/** The RemoteError a bridged rejection carried, or the value unchanged when it is not one. */
export function decodeBridgeError(error: unknown): unknown {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : undefined;
  if (message === undefined) return error;
  const at = message.indexOf(BRIDGE_MARKER);
  if (at < 0) return error;
  try {
    const shape: unknown = JSON.parse(message.slice(at + BRIDGE_MARKER.length));
    return isAppErrorShape(shape) ? new RemoteError(shape) : error;
  } catch {
    return error;
  }
}
