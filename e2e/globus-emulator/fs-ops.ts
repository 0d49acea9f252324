/**
 * Collection paths on this disk: Globus paths are absolute within a collection (`/`, `/~/` = the
 * collection root), and must never reach outside the collection's root folder.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Stats } from 'node:fs';
import { lsTime } from './http-util';

/** `/~/a/b`, `~/a`, `/a/../b` -> the normalized absolute collection path (`/a/b`, `/b`). */
export function normalizeGlobusPath(path: string): string {
  let p = path.trim();
  if (p === '~' || p.startsWith('~/')) p = `/${p}`;
  if (p === '/~' || p.startsWith('/~/')) p = p.slice(2) || '/';
  if (!p.startsWith('/')) p = `/${p}`;
  const normalized = posix.normalize(p);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** The file on disk for a collection path; `posix.normalize` of an absolute path never climbs above `/`. */
export function diskPath(collectionRoot: string, globusPath: string): string {
  const normalized = normalizeGlobusPath(globusPath);
  return normalized === '/' ? collectionRoot : join(collectionRoot, ...normalized.slice(1).split('/'));
}

export function joinGlobusPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

export async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch {
    return null;
  }
}

export async function lstatOrNull(file: string): Promise<Stats | null> {
  try {
    return await lstat(file);
  } catch {
    return null;
  }
}

export interface LsEntry {
  readonly DATA_TYPE: 'file';
  readonly name: string;
  readonly type: 'file' | 'dir' | 'invalid_symlink';
  readonly link_target: string | null;
  readonly permissions: string;
  readonly size: number;
  readonly user: string;
  readonly group: string;
  readonly last_modified: string;
}

function permissions(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** Lists a directory the way Transfer's `ls` describes entries. */
export async function listDirectory(dir: string): Promise<LsEntry[]> {
  const dirents = await readdir(dir, { withFileTypes: true });
  const entries = await Promise.all(
    dirents.map(async (d): Promise<LsEntry | null> => {
      const full = join(dir, d.name);
      const l = await lstatOrNull(full);
      if (!l) return null;
      let linkTarget: string | null = null;
      let s: Stats | null = l;
      if (l.isSymbolicLink()) {
        linkTarget = await readlink(full).catch(() => null);
        s = await statOrNull(full);
      }
      const type = s === null ? 'invalid_symlink' : s.isDirectory() ? 'dir' : 'file';
      const info = s ?? l;
      return {
        DATA_TYPE: 'file',
        name: d.name,
        type,
        link_target: linkTarget,
        permissions: permissions(info.mode),
        size: type === 'dir' ? 4096 : info.size,
        user: 'researcher',
        group: 'researcher',
        last_modified: lsTime(info.mtimeMs),
      };
    }),
  );
  return entries.filter((e): e is LsEntry => e !== null).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface TreeEntry {
  /** Path relative to the walked root, with `/` separators. */
  readonly rel: string;
  readonly isDir: boolean;
  readonly size: number;
}

/** Every directory and file below `root` (depth first, sorted, symlinks followed as files). */
export async function walkTree(root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  async function visit(dir: string, rel: string): Promise<void> {
    const dirents = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const d of dirents) {
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      const full = join(dir, d.name);
      if (d.isDirectory()) {
        out.push({ rel: childRel, isDir: true, size: 0 });
        await visit(full, childRel);
      } else {
        const s = await statOrNull(full);
        if (s?.isDirectory()) {
          out.push({ rel: childRel, isDir: true, size: 0 });
          await visit(full, childRel);
        } else if (s) {
          out.push({ rel: childRel, isDir: false, size: s.size });
        }
      }
    }
  }
  await visit(root, '');
  return out;
}

export async function md5File(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
