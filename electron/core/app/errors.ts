import { z } from 'zod';
import type { AppErrorShape } from '../../../shared/errors';

/** An error core raises on purpose, with a code the UI may branch on and a message for a person. */
export class AppError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

/** Formats zod issues as `field: message; field: message`. */
export function formatZodIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.filter((p) => typeof p !== 'number' || issue.path.length > 1).join('.');
      const where = [prefix, path].filter(Boolean).join('.');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Turns anything thrown in core into the plain error shape that may cross the contract. */
export function toAppErrorShape(error: unknown): AppErrorShape {
  if (error instanceof z.ZodError) return { code: 'InvalidInput', message: formatZodIssues(error) };
  if (error instanceof Error) {
    const e = error as Error & { code?: unknown; requestId?: unknown; details?: unknown };
    const code = typeof e.code === 'string' ? e.code : e.name && e.name !== 'Error' ? e.name : 'InternalError';
    const shape: { code: string; message: string; requestId?: string; details?: unknown } = {
      code,
      message: e.message || 'Something went wrong',
    };
    if (typeof e.requestId === 'string') shape.requestId = e.requestId;
    if (e.details !== undefined && isPlainJson(e.details)) shape.details = e.details;
    return shape;
  }
  return { code: 'InternalError', message: typeof error === 'string' ? error : 'Something went wrong' };
}

function isPlainJson(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}
