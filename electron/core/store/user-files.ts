import { stat } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import type { ErrorKind } from '../../../shared/errors';
import { writeFileAtomic } from './atomic-file';

/**
 * A file or folder a person named on this machine that Ferry cannot use, said so that they know
 * what to fix. Raised instead of Node's errno errors, whose text never reaches the UI.
 */
export class LocalPathError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly path: string;
  constructor(kind: ErrorKind, code: string, path: string, message: string) {
    super(message);
    this.name = 'LocalPathError';
    this.kind = kind;
    this.code = code;
    this.path = path;
  }
}

const shown = (path: string) => (path.length > 300 ? `${path.slice(0, 300)}…` : path);

/**
 * Refuses a path that is not absolute on THIS machine: the contract accepts Windows forms
 * (C:\…, \\server\…) for every platform, which on Linux would land relative to the working folder.
 */
export function checkLocalPath(path: string, what = 'The path'): void {
  if (path.includes('\u0000')) throw new LocalPathError('invalid', 'InvalidPath', path, `${what} may not contain a NUL character.`);
  if (!isAbsolute(path)) {
    throw new LocalPathError('refused', 'NotAbsolute', path, `${what} ${shown(path)} is not an absolute path on this machine; give the full path (it starts with ${process.platform === 'win32' ? 'a drive letter' : '/'}).`);
  }
}

/** Node's errno errors on `path` as a LocalPathError; anything else is returned unchanged. */
export function explainFsError(error: unknown, path: string, doing: 'read' | 'write' | 'remove'): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string') return error;
  const p = shown(path);
  switch (code) {
    case 'ENOENT':
      return new LocalPathError('not-found', 'FileNotFound', path, `${p} does not exist (or a folder on its way is missing); check the path.`);
    case 'ENOTDIR':
      return new LocalPathError('refused', 'NotAFolder', path, `A part of ${p} is a file, not a folder; check the path.`);
    case 'EISDIR':
      return new LocalPathError('refused', 'IsAFolder', path, `${p} is a folder; name a file inside it.`);
    case 'EACCES':
    case 'EPERM':
      return new LocalPathError('refused', 'PermissionDenied', path, `Ferry may not ${doing} ${p}; change its permissions or choose another place.`);
    case 'EROFS':
      return new LocalPathError('refused', 'ReadOnly', path, `${p} is on a read-only disk; choose another place.`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new LocalPathError('refused', 'DiskFull', path, `There is no space left to ${doing} ${p}; free some space and try again.`);
    case 'ENAMETOOLONG':
      return new LocalPathError('refused', 'PathTooLong', path, `${p} is too long a path for this machine.`);
    case 'ELOOP':
      return new LocalPathError('refused', 'SymlinkLoop', path, `${p} goes through a loop of symbolic links.`);
    case 'EEXIST':
      return new LocalPathError('conflict', 'AlreadyExists', path, `${p} already exists.`);
    default:
      return code.startsWith('E') ? new LocalPathError('refused', 'FileError', path, `Ferry could not ${doing} ${p} (${code}).`) : error;
  }
}

/**
 * Writes a file a person chose (an export, a save-as): absolute on this machine, not a folder,
 * in a folder that exists; written atomically; failures said in words.
 */
export async function writeUserFile(path: string, data: string | Uint8Array, what = 'The file'): Promise<void> {
  checkLocalPath(path, what);
  const target = await stat(path).catch(() => null);
  if (target?.isDirectory()) throw new LocalPathError('refused', 'IsAFolder', path, `${what} ${shown(path)} is a folder; name a file inside it.`);
  const parent = await stat(dirname(path)).catch(() => null);
  if (!parent?.isDirectory()) {
    throw new LocalPathError('not-found', 'FolderNotFound', path, `The folder ${shown(dirname(path))} does not exist; create it or choose another place.`);
  }
  try {
    await writeFileAtomic(path, data);
  } catch (error) {
    throw explainFsError(error, path, 'write');
  }
}
