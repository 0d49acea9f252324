/**
 * Paths of an HTTPS transfer: the URL of a collection file on the collection's `https_server`
 * (every path segment percent-encoded, so spaces, `#`, `%`, `?` and non-ASCII names arrive as
 * they are), the collection paths of uploaded files, and the local names of downloaded ones
 * (`name (1).ext` when `name.ext` is taken).
 */
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import { AppError } from '../kernel';

/** The local file a download writes into before it is complete. */
export const PART_SUFFIX = '.ferry-part';

/** At most this many files in one HTTPS transfer (the contract's limit). */
export const MAX_TRANSFER_FILES = 10_000;

/** `~/a` -> `/~/a`; collection paths are absolute. */
function absoluteCollectionPath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/** The segments of a collection path; `.` and `..` are refused (HTTPS servers would resolve them). */
export function collectionPathSegments(path: string): string[] {
  const segments = absoluteCollectionPath(path).split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new AppError('invalid', 'InvalidPath', `${path} holds "." or ".." as a folder name; name the file by its full path.`);
  }
  return segments;
}

/** `<https_server>/<each segment percent-encoded>`; a trailing `/` of the server is dropped. */
export function collectionFileUrl(httpsServer: string, collectionPath: string): URL {
  const base = httpsServer.replace(/\/+$/, '');
  let encoded: string;
  try {
    encoded = collectionPathSegments(collectionPath).map(encodeURIComponent).join('/');
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('invalid', 'InvalidPath', `${collectionPath} holds a broken character; rename the file and try again.`);
  }
  return new URL(`${base}/${encoded}`);
}

/** A folder path plus a relative posix path: `/data/` + `a/b.txt` -> `/data/a/b.txt`. */
export function joinCollectionPath(folder: string, relativePath: string): string {
  const dir = absoluteCollectionPath(folder);
  return `${dir.endsWith('/') ? dir : `${dir}/`}${relativePath.replace(/^\/+/, '')}`;
}

/** The last segment of a collection path (`/a/b.txt` -> `b.txt`). */
export function collectionBaseName(path: string): string {
  const segments = collectionPathSegments(path);
  const last = path.endsWith('/') ? undefined : segments.at(-1);
  if (!last) throw new AppError('invalid', 'InvalidPath', `${path} is a folder, not a file; choose files to download (transfer folders with Globus).`);
  return last;
}

/** `name.ext` -> `name (n).ext` (n >= 1); a name without extension or a dot file gets ` (n)` at the end. */
export function numberedName(name: string, n: number): string {
  const ext = extname(name);
  const stem = ext && ext !== name ? name.slice(0, -ext.length) : name;
  return ext && ext !== name ? `${stem} (${n})${ext}` : `${name} (${n})`;
}

/** The first of `name`, `name (1)`, `name (2)`… in `folder` that `taken` does not hold. */
export async function freeLocalName(folder: string, name: string, taken: (file: string) => Promise<boolean>): Promise<string> {
  for (let n = 0; n < 100_000; n += 1) {
    const file = join(folder, n === 0 ? name : numberedName(name, n));
    if (!(await taken(file))) return file;
  }
  throw new AppError('conflict', 'NoFreeName', `${folder} already holds too many files named like ${name}; choose another folder.`);
}

export interface UploadFile {
  readonly source: string;
  readonly destination: string;
  readonly bytes: number;
}

/**
 * Every file a dropped list of local files and folders sends, with its collection path below
 * `folder` (a folder keeps its name and everything under it). Missing or unreadable paths are
 * refused by name; more than MAX_TRANSFER_FILES files are refused.
 */
export async function expandUploads(paths: readonly string[], folder: string): Promise<UploadFile[]> {
  const out: UploadFile[] = [];
  const add = (file: UploadFile): void => {
    out.push(file);
    if (out.length > MAX_TRANSFER_FILES) {
      throw new AppError('too-large', 'TooManyFiles', `These folders hold more than ${MAX_TRANSFER_FILES.toLocaleString('en-US')} files; send them with Globus (Globus Connect Personal) instead of HTTPS.`);
    }
  };
  const walk = async (dir: string, top: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
      throw new AppError('refused', 'LocalFileUnreadable', `Ferry cannot read the folder ${dir}; check its permissions and try again.`);
    });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, top);
      else if (entry.isFile()) {
        const info = await stat(full);
        const rel = [basename(top), ...relative(top, full).split(sep)].join('/');
        add({ source: full, destination: joinCollectionPath(folder, rel), bytes: info.size });
      }
      // Symbolic links, sockets and devices are not sent.
    }
  };
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new AppError('invalid', 'LocalFileMissing', `${path} does not exist (it was moved or deleted); drop it again from where it is now.`);
    const readable = await access(path, constants.R_OK).then(
      () => true,
      () => false,
    );
    if (!readable) throw new AppError('refused', 'LocalFileUnreadable', `Ferry cannot read ${path}; check its permissions and try again.`);
    if (info.isDirectory()) await walk(path, path);
    else if (info.isFile()) add({ source: path, destination: joinCollectionPath(folder, basename(path)), bytes: info.size });
    else throw new AppError('invalid', 'NotAFile', `${path} is neither a file nor a folder; choose files or folders to send.`);
  }
  if (out.length === 0) throw new AppError('invalid', 'NothingToSend', `${paths.join(', ')} holds no files; choose files or folders with files in them.`);
  return out;
}

/** The download folder must exist and be writable. */
export async function checkDownloadFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch(() => null);
  if (!info || !info.isDirectory()) throw new AppError('refused', 'FolderMissing', `The download folder ${folder} does not exist; create it or choose another folder.`);
  const writable = await access(folder, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable) throw new AppError('refused', 'FolderNotWritable', `Ferry cannot write to ${folder}; choose a folder you can write to or change its permissions.`);
}
