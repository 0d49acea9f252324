/**
 * Why an HTTPS transfer stopped, in words that say what to do: a dropped connection or a failing
 * server interrupts it (Ferry tries again; Resume continues), anything a person must fix first
 * (consent, sign-in, permissions, a missing file, a full disk) fails it.
 */
import { basename, dirname } from 'node:path';
import type { HttpsDirection } from '../../../shared/contract/https-transfers';
import { formatBytes, formatCount } from '../../../shared/format';
import { ConnectionDropped, HttpStatusError } from './http-client';

export interface StopContext {
  readonly direction: HttpsDirection;
  /** The collection's name (or id) for people. */
  readonly name: string;
  /** The file being moved when it stopped, if any. */
  readonly file: { readonly source: string; readonly destination: string; readonly bytes: number; readonly doneBytes: number } | null;
  readonly doneBytes: number;
  readonly totalBytes: number;
  readonly filesDone: number;
}

export interface Stop {
  readonly state: 'interrupted' | 'failed';
  readonly message: string;
  /** Worth trying again by itself (a dropped connection, a failing server). */
  readonly retry: boolean;
}

export const QUIT_MESSAGE = 'Ferry stopped while this transfer was running; Resume continues it.';

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

function dropped(c: StopContext, why: string): string {
  if (c.direction === 'download') {
    return `The connection to ${c.name} ${why} after ${formatBytes(c.doneBytes)} of ${formatBytes(c.totalBytes)}; Resume continues from there.`;
  }
  const file = c.file ? basename(c.file.source) : 'a file';
  const sent = c.file ? ` (${formatBytes(c.file.doneBytes)} of ${formatBytes(c.file.bytes)} sent)` : '';
  const skip = c.filesDone > 0 ? ` and skips the ${formatCount(c.filesDone, 'file')} already sent` : '';
  return `The connection to ${c.name} ${why} while sending ${file}${sent}; Resume sends that file again from its start (a collection keeps no part of an unfinished HTTPS upload)${skip}.`;
}

function statusStop(error: HttpStatusError, c: StopContext): Stop {
  const s = error.status;
  const path = c.file ? (c.direction === 'upload' ? c.file.destination : c.file.source) : 'the file';
  const fail = (message: string): Stop => ({ state: 'failed', message, retry: false });
  if (s === 401) return fail(`${c.name} refused Ferry's sign-in for HTTPS access (401). Sign in to Globus again (Account), then press Resume.`);
  if (s === 403) {
    return c.direction === 'upload'
      ? fail(`${c.name} does not let you write to ${dirname(path)} (403). Ask the collection's managers for write access, or send the files to another folder.`)
      : fail(`${c.name} does not let you read ${path} (403). Ask the collection's managers for access.`);
  }
  if (s === 404) {
    return c.direction === 'upload'
      ? fail(`${c.name} has no folder ${dirname(path)} (404); create it or choose another folder, then press Resume.`)
      : fail(`${path} is not a file on ${c.name} (404): it was moved or deleted, or it is a folder (transfer folders with Globus).`);
  }
  if (s === 413) return fail(`${c.name} refused ${path} as too large (413); transfer it with Globus instead.`);
  if (s === 429 || s >= 500) return { state: 'interrupted', message: `${c.name}'s HTTPS server is failing (HTTP ${s}); Resume tries again.`, retry: true };
  return fail(`${c.name} refused ${path} (HTTP ${s}); press Resume to try again, or transfer it with Globus.`);
}

/** The state and message a stopped transfer shows. `log` hears what only a developer can read. */
export function explainStop(error: unknown, c: StopContext, log: (message: string, error: unknown) => void): Stop {
  if (error instanceof ConnectionDropped) return { state: 'interrupted', message: dropped(c, 'dropped'), retry: true };
  if (error instanceof HttpStatusError) return statusStop(error, c);
  const code = codeOf(error);
  const kind = (error as { kind?: unknown } | null)?.kind;
  const fail = (message: string): Stop => ({ state: 'failed', message, retry: false });
  switch (code) {
    case 'ConsentRequired':
      return fail(`${c.name} needs your consent before Ferry can move files over HTTPS; press Resume to grant it.`);
    case 'SignInRequired':
    case 'SessionExpired':
      return fail('Sign in to Globus (Account), then press Resume.');
    case 'NoHttpsAccess':
      return fail((error as Error).message);
    case 'ENOENT':
      return c.direction === 'upload'
        ? fail(`${c.file?.source ?? 'A file'} is gone (moved or deleted); put it back and press Resume, or remove this transfer.`)
        : fail(`The download folder ${c.file ? dirname(c.file.destination) : ''} is gone; create it again and press Resume.`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return c.direction === 'upload'
        ? fail(`Ferry cannot read ${c.file?.source ?? 'a file'}; check its permissions and press Resume.`)
        : fail(`Ferry cannot write into ${c.file ? dirname(c.file.destination) : 'the download folder'}; check its permissions and press Resume.`);
    case 'ENOSPC':
      return fail(`The disk holding ${c.file ? dirname(c.file.destination) : 'the download folder'} is full; free some space and press Resume.`);
    default:
      break;
  }
  if (kind === 'unavailable') return { state: 'interrupted', message: `Globus could not be reached (${(error as Error).message}); Resume tries again.`, retry: true };
  if (typeof kind === 'string' && kind !== 'internal' && error instanceof Error) return fail(error.message);
  log('HTTPS transfer stopped unexpectedly', error);
  return fail(`The transfer stopped on an unexpected problem${code ? ` (${code})` : ''}; press Resume to try again.`);
}
