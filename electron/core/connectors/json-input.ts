/**
 * Reading a ProxyStore JSON file (or the text of one) that a person hands to Ferry, with errors
 * a person can act on and that never carry the file's content:
 *
 * - no file at the path: `not-found` FileNotFound; a folder, a device or an unreadable file:
 *   `refused` NotAFile / FileUnreadable (never Node's errno text);
 * - more than MAX_JSON_FILE_BYTES: `too-large` FileTooLarge, read no further than that;
 * - not UTF-8 JSON: `refused` NotJson with line and column, quoting nothing of the text;
 * - nested deeper than MAX_JSON_DEPTH: `too-large` TooDeep;
 * - JSON of the wrong shape: `refused` InvalidFile naming the exact place (`<uuid>.host_regex`).
 */
import { constants } from 'node:fs';
import { checkLocalPath } from '../store/index';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { ErrorKind } from '../../../shared/errors';
import type { JsonSource } from '../../../shared/contract/connectors';
import { ExactJsonDepthError, ExactJsonSyntaxError, parseExactJson, type ExactJson, type ExactParseOptions } from './exact-json';
import { atPath, formatJsonPath, type JsonProblem } from './json-paths';

/** The most bytes Ferry reads of a ProxyStore JSON file (the contract takes as much text). */
export const MAX_JSON_FILE_BYTES = 5_000_000;
const MAX_JSON_FILE_TEXT = '5 MB';

export type JsonInputErrorCode = 'FileNotFound' | 'NotAFile' | 'FileUnreadable' | 'FileTooLarge' | 'NotJson' | 'TooDeep' | 'InvalidFile';

/** A file or text that cannot be imported; `kind` and `code` cross the contract as they are. */
export class JsonInputError extends Error {
  readonly kind: ErrorKind;
  readonly code: JsonInputErrorCode;
  readonly details: Readonly<Record<string, string | number>> | undefined;
  constructor(kind: ErrorKind, code: JsonInputErrorCode, message: string, details?: Readonly<Record<string, string | number>>) {
    super(message);
    this.name = 'JsonInputError';
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

/** What is being imported, for messages: "a ProxyStore GlobusEndpoints file". */
export interface JsonInputKind {
  readonly what: string;
}

/** A few words for Node's system error codes; never Node's own message (it quotes paths, errno text). */
export function systemErrorPhrase(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'the path loops through symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EEXIST':
      return 'something already exists there';
    default:
      return /^E[A-Z0-9]+$/.test(code) || code.startsWith('ERR_') ? `system error ${code}` : null;
  }
}

/** A person's version of a failure to read `path`; anything but a system error is passed on as it is (a bug). */
function fileError(path: string, error: unknown): unknown {
  if (error instanceof JsonInputError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const phrase = systemErrorPhrase(error);
  if (typeof code !== 'string' || phrase === null) return error;
  const errno = { errno: code };
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new JsonInputError('not-found', 'FileNotFound', `There is no file at ${path}: check the path, or choose the file again.`, errno);
    case 'EISDIR':
      return notAFile(path, true);
    case 'EACCES':
    case 'EPERM':
      return new JsonInputError(
        'refused',
        'FileUnreadable',
        `${path} cannot be read (permission denied): allow Ferry to read it, or copy it somewhere readable and import the copy.`,
        errno,
      );
    default: {
      const why = phrase.startsWith('system error') ? '' : ` (${phrase})`;
      return new JsonInputError('refused', 'FileUnreadable', `${path} could not be read${why}: copy it somewhere readable and import the copy.`, errno);
    }
  }
}

function notAFile(path: string, folder: boolean): JsonInputError {
  return new JsonInputError(
    'refused',
    'NotAFile',
    folder ? `${path} is a folder, not a file: choose the JSON file itself.` : `${path} is not a regular file (a device, pipe or socket): choose a JSON file.`,
  );
}

function tooLarge(path: string): JsonInputError {
  return new JsonInputError(
    'too-large',
    'FileTooLarge',
    `${path} is larger than ${MAX_JSON_FILE_TEXT}, the most Ferry reads of a ProxyStore JSON file: choose the right file.`,
    { maxBytes: MAX_JSON_FILE_BYTES },
  );
}

/**
 * The bytes of a regular file, at most `maxBytes` (a larger file is refused without being read
 * further). Opened non-blocking so a FIFO swapped in after the check cannot hang the read.
 */
export async function readBoundedFile(path: string, maxBytes: number = MAX_JSON_FILE_BYTES): Promise<Uint8Array> {
  checkLocalPath(path, 'The file');
  let handle: FileHandle | undefined;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw notAFile(path, info.isDirectory());
    if (info.size > maxBytes) throw tooLarge(path);
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const opened = await handle.stat();
    if (!opened.isFile()) throw notAFile(path, opened.isDirectory());
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1 << 16, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(path);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    throw fileError(path, error);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** UTF-8 text of `bytes` (a leading byte-order mark dropped), or NotJson. */
function decodeUtf8(bytes: Uint8Array, label: string, kind: JsonInputKind): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new JsonInputError('refused', 'NotJson', `${label} is not JSON (it is not UTF-8 text): choose ${kind.what}.`);
  }
}

/**
 * Parses JSON text given by a person; errors name `label` (the path, or "The imported text"),
 * where the text is wrong, and what to choose instead, and never quote the text.
 */
export function parseJsonInput(text: string, label: string, kind: JsonInputKind, options: ExactParseOptions = {}): ExactJson {
  try {
    return parseExactJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, options);
  } catch (error) {
    if (error instanceof ExactJsonSyntaxError) {
      throw new JsonInputError(
        'refused',
        'NotJson',
        `${label} is not JSON (${error.reason.charAt(0).toLowerCase()}${error.reason.slice(1)} at line ${error.line}, column ${error.column}): choose ${kind.what}.`,
        { line: error.line, column: error.column },
      );
    }
    if (error instanceof ExactJsonDepthError) {
      throw new JsonInputError(
        'too-large',
        'TooDeep',
        `${label} is nested more than ${error.maxDepth} levels deep (at line ${error.line}, column ${error.column}): ${kind.what} is never that deep, so choose the right file.`,
        { line: error.line, column: error.column, maxDepth: error.maxDepth },
      );
    }
    throw error;
  }
}

/** How a source is named in messages: its path, or "The imported text". */
export function sourceLabel(source: JsonSource): string {
  return 'path' in source ? source.path : 'The imported text';
}

/** Reads and parses a file or the text of one, within the size and depth limits. */
export async function readJsonSource(source: JsonSource, kind: JsonInputKind, options: ExactParseOptions = {}): Promise<ExactJson> {
  const label = sourceLabel(source);
  if ('text' in source) {
    if (source.text.length > MAX_JSON_FILE_BYTES) throw tooLarge(label);
    return parseJsonInput(source.text, label, kind, options);
  }
  const bytes = await readBoundedFile(source.path);
  return parseJsonInput(decodeUtf8(bytes, label, kind), label, kind, options);
}

/** `label` is not `kind.what`: the problem at its exact place in the JSON. */
export function invalidFile(label: string, kind: JsonInputKind, problem: JsonProblem): JsonInputError {
  return new JsonInputError('refused', 'InvalidFile', `${label} is not ${kind.what}: ${atPath(problem.path, problem.message)}`, {
    path: formatJsonPath(problem.path),
  });
}
