/**
 * "This computer": the Globus Connect Personal collection installed for this user, found where
 * Globus' own SDK looks (globus-sdk `LocalGlobusConnectPersonal`): `~/.globusonline/lta/client-id.txt`
 * (Windows: `%LOCALAPPDATA%\Globus Connect\client-id.txt`), and the folders it shares from its
 * `config-paths` file (one `path,sharing,writable` line per folder; default: the home folder).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface GcpFolder {
  /** Absolute local folder. */
  readonly path: string;
  readonly writable: boolean;
  readonly sharing: boolean;
}

export interface ThisComputerInstall {
  readonly collectionId: string;
  /** The folders Globus Connect Personal serves (its `config-paths`), absolute. */
  readonly folders: readonly GcpFolder[];
  readonly configDir: string;
}

export interface DetectOptions {
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Overrides the platform's config folder (tests; GCP's `-dir` option). */
  readonly configDir?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where Globus Connect Personal keeps its state on this platform, or null (Windows without LOCALAPPDATA). */
export function gcpDataDir(o: DetectOptions = {}): string | null {
  const platform = o.platform ?? process.platform;
  if (o.configDir) return platform === 'win32' ? o.configDir : join(o.configDir, 'lta');
  if (platform === 'win32') {
    const appData = (o.env ?? process.env)['LOCALAPPDATA'];
    return appData ? join(appData, 'Globus Connect') : null;
  }
  return join(o.home ?? homedir(), '.globusonline', 'lta');
}

/** The installed Globus Connect Personal, or null when there is none for this user. */
export async function detectThisComputer(o: DetectOptions = {}): Promise<ThisComputerInstall | null> {
  const dir = gcpDataDir(o);
  if (!dir) return null;
  const id = (await readFile(join(dir, 'client-id.txt'), 'utf8').catch(() => '')).trim();
  if (!UUID.test(id)) return null;
  const home = o.home ?? homedir();
  const text = await readFile(join(dir, 'config-paths'), 'utf8').catch(() => null);
  const folders = text === null ? [{ path: home, writable: true, sharing: false }] : parseConfigPaths(text, home);
  return { collectionId: id.toLowerCase(), folders, configDir: dir };
}

/** `config-paths`: `path,sharing,rw` per line (`~` is the home folder); blank and `#` lines skipped. */
export function parseConfigPaths(text: string, home: string): GcpFolder[] {
  const out: GcpFolder[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(',');
    // The path itself may hold commas: the last two fields are the flags.
    const flags = parts.length >= 3 ? parts.slice(-2) : [];
    const pathText = parts.length >= 3 ? parts.slice(0, -2).join(',') : line;
    const expanded = pathText === '~' || pathText.startsWith('~/') ? join(home, pathText.slice(1)) : pathText;
    if (!isAbsolute(expanded)) continue;
    out.push({ path: resolve(expanded), sharing: flags[0]?.trim() === '1', writable: flags.length === 0 || flags[1]?.trim() === '1' });
  }
  return out;
}

/**
 * The collection path of a local folder on this computer's collection (Globus Connect Personal
 * serves local paths as they are: `/home/me/data/`; on Windows `/C/Users/me/data/`), or null when
 * no folder it serves holds `local`.
 */
export function collectionPathOf(local: string, install: ThisComputerInstall, platform: NodeJS.Platform = process.platform): string | null {
  const abs = resolve(local);
  const inside = install.folders.some((f) => {
    const rel = relative(f.path, abs);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
  if (!inside) return null;
  const posix = platform === 'win32' ? `/${abs.replace(/^([A-Za-z]):/, '$1').split(sep).join('/')}` : abs;
  return posix.endsWith('/') ? posix : `${posix}/`;
}
