/**
 * Test support: collections that are folders on this machine, so a fake task really copies
 * (or removes) files and a test can look at the result on disk.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { DirEntry, Paged } from '../../../../shared/globus-types';
import { GlobusApiError } from '../transfer-port';

/** What landing one transfer item did: the destination paths written (a folder: each entry below it) and bytes. */
export interface Landed {
  readonly paths: readonly string[];
  readonly bytes: number;
}

export class LocalCollections {
  /** `roots`: collection id -> the folder that is the collection's `/`. */
  constructor(private readonly roots: Readonly<Record<string, string>>) {}

  has(collection: string): boolean {
    return this.roots[collection] !== undefined;
  }

  /** The local path of a collection path; 404 for a collection this fake does not hold. */
  localPath(collection: string, path: string): string {
    const root = this.roots[collection];
    if (root === undefined) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `No collection ${collection}`, status: 404 });
    return join(root, path);
  }

  /** Copies one item (a file, a link kept as a link, or a folder with everything below it). Throws when it cannot. */
  copy(source: string, destination: string, item: { readonly source: string; readonly destination: string }, keepLinks: boolean): Landed {
    const src = this.localPath(source, item.source);
    const dst = this.localPath(destination, item.destination);
    mkdirSync(dirname(dst), { recursive: true });
    const st = lstatSync(src);
    if (st.isDirectory()) {
      cpSync(src, dst, { recursive: true });
      const below = readdirSync(src, { recursive: true }) as string[];
      return { paths: below.map((f) => `${item.destination}/${f}`), bytes: 0 };
    }
    rmSync(dst, { force: true });
    if (keepLinks && st.isSymbolicLink()) {
      symlinkSync(readlinkSync(src), dst);
      return { paths: [item.destination], bytes: 0 };
    }
    copyFileSync(src, dst);
    return { paths: [item.destination], bytes: statSync(dst).size };
  }

  remove(collection: string, path: string, recursive: boolean): void {
    rmSync(this.localPath(collection, path), { recursive, force: true });
  }

  /** Globus' mkdir: one level, refused when the path exists or its parent does not. */
  mkdir(collection: string, path: string): { readonly code: string; readonly message: string } {
    const dir = this.localPath(collection, path);
    if (existsSync(dir)) throw new GlobusApiError({ code: 'ExternalError.MkdirFailed.Exists', message: `Path already exists: ${path}`, status: 502 });
    if (!existsSync(dirname(dir))) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `No parent for ${path}`, status: 404 });
    mkdirSync(dir);
    return { code: 'DirectoryCreated', message: `The directory ${path} was created successfully` };
  }

  rename(collection: string, oldPath: string, newPath: string): { readonly code: string; readonly message: string } {
    const from = this.localPath(collection, oldPath);
    if (!existsSync(from)) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `No such path ${oldPath}`, status: 404 });
    renameSync(from, this.localPath(collection, newPath));
    return { code: 'FileRenamed', message: 'File or directory renamed successfully' };
  }

  ls(collection: string, path: string): Paged<DirEntry> & { readonly path: string } {
    const dir = this.localPath(collection, path);
    if (!existsSync(dir)) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `Directory '${path}' not found`, status: 404 });
    const DATA = readdirSync(dir, { withFileTypes: true }).map((d): DirEntry => {
      const st = lstatSync(join(dir, d.name));
      const type = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'file';
      return { name: d.name, type, size: type === 'file' ? st.size : 0, last_modified: st.mtime.toISOString() };
    });
    return { DATA, path };
  }
}
