import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isErrorKind, type AppErrorShape, type ErrorKind } from '../../../shared/errors';

/**
 * An error core raises on purpose: a kind (which sets the HTTP status), a code the UI may
 * branch on, and a message for a person that says what to fix.
 */
export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly details: unknown;
  constructor(kind: ErrorKind, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

/** Formats zod issues as `field: message; field: message`. */
export function formatZodIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 20)
    .map((issue) => {
      const path = issue.path.filter((p) => typeof p !== 'number' || issue.path.length > 1).map(String).join('.');
      const where = [prefix, path].filter(Boolean).join('.');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Zod issues as plain JSON for `details`: the path of each problem and what is wrong there. */
export function zodIssueDetails(error: z.ZodError): { readonly issues: readonly { readonly path: string; readonly message: string }[] } {
  return {
    issues: error.issues.slice(0, 20).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  };
}

/** Node's system errors carry an errno code (ENOENT, EACCES…): never shown as they are. */
function isSystemError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (/^E[A-Z0-9]+$/.test(code) || code.startsWith('ERR_'));
}

export interface InternalErrorLog {
  (requestId: string, error: unknown): void;
}

const logInternal: InternalErrorLog = (requestId, error) => {
  console.error(`Ferry internal error (request ${requestId}):`, error);
};

/**
 * Turns anything thrown in core into the plain error shape that may cross the contract.
 * Errors raised on purpose keep their code and message; anything else is a bug: it is logged
 * with a request id and only that id goes out (never a stack, an errno string or file content).
 */
export function toAppErrorShape(error: unknown, log: InternalErrorLog = logInternal): AppErrorShape {
  if (error instanceof z.ZodError) {
    return { code: 'InvalidInput', kind: 'invalid', message: formatZodIssues(error), details: zodIssueDetails(error) };
  }
  if (error instanceof Error && !isSystemError(error)) {
    const e = error as Error & { code?: unknown; kind?: unknown; requestId?: unknown; details?: unknown };
    if (isErrorKind(e.kind) && e.kind !== 'internal') {
      const code = typeof e.code === 'string' ? e.code : e.name && e.name !== 'Error' ? e.name : 'Refused';
      return {
        code,
        kind: e.kind,
        message: e.message || code,
        ...(typeof e.requestId === 'string' ? { requestId: e.requestId } : {}),
        ...(e.details !== undefined && isPlainJson(e.details) ? { details: e.details } : {}),
      };
    }
  }
  const requestId = randomUUID();
  log(requestId, error);
  return {
    code: 'InternalError',
    kind: 'internal',
    message: `Ferry hit an unexpected problem and did not finish this request. The log has the details under request ${requestId}.`,
    requestId,
  };
}

function isPlainJson(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}
