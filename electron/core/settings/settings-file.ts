import { accessSync, constants, copyFileSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import Conf from 'conf';
import { settingsSchema } from '../../../shared/settings';
import type { SettingsBackend } from './settings-service';

/** A settings file larger than this is not one Ferry wrote: it is set aside, not parsed. */
const MAX_SETTINGS_BYTES = 1024 * 1024;

/**
 * Checks `<dir>/<name>` before a settings store opens it, so a hand-edited or truncated file
 * never stops Ferry from starting. A file that is not a JSON object is moved aside as
 * `<name>.bad-<time>` (the store then starts from defaults); a file with some bad fields is
 * copied there (the service repairs those fields from defaults). Returns a sentence for the UI,
 * or null when the file was fine.
 */
export function recoverSettingsFile(dir: string, name = 'settings.json', now = new Date()): string | null {
  const file = join(dir, name);
  let size: number;
  try {
    const info = statSync(file, { throwIfNoEntry: false });
    if (!info) return null;
    size = info.isFile() ? info.size : -1;
  } catch {
    return null; // unreadable folder: the store reports it when it opens
  }
  const backup = `${file}.bad-${now.toISOString().replace(/[:.]/g, '-')}`;
  const setAside = (why: string): string => {
    try {
      renameSync(file, backup);
      return `${file} ${why}; Ferry started with default settings and kept the file as ${backup}.`;
    } catch {
      return `${file} ${why}, and Ferry could not move it aside; fix or delete it.`;
    }
  };
  if (size < 0) return setAside('is not a file');
  if (size > MAX_SETTINGS_BYTES) return setAside(`is larger than ${MAX_SETTINGS_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return setAside('is not valid JSON (hand-edited or cut short)');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return setAside('does not hold a JSON object');
  const bad = Object.keys(settingsSchema.shape).filter((key) => {
    const value = (raw as Record<string, unknown>)[key];
    return value !== undefined && !settingsSchema.shape[key as keyof typeof settingsSchema.shape].safeParse(value).success;
  });
  if (bad.length === 0) return null;
  try {
    copyFileSync(file, backup);
  } catch {
    return `${file} had invalid values for ${bad.join(', ')}; Ferry uses the defaults for them.`;
  }
  return `${file} had invalid values for ${bad.join(', ')}; Ferry uses the defaults for them and kept the original as ${backup}.`;
}

/** Why a folder cannot hold Ferry's data (created if missing), or null when it can. */
export function dataFolderProblem(dir: string): string | null {
  if (!isAbsolute(dir)) return `${dir} is not an absolute path on this machine`;
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.R_OK);
    if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    switch (code) {
      case 'EACCES':
      case 'EPERM':
      case 'EROFS':
        return `Ferry may not write to ${dir}`;
      case 'ENOTDIR':
      case 'EEXIST':
        return `${dir} is inside a file, not a folder`;
      case 'ENAMETOOLONG':
        return `${dir} is too long a path`;
      default:
        return `${dir} cannot be created (${typeof code === 'string' ? code : 'unknown error'})`;
    }
  }
}

/**
 * The settings file every non-Electron process opens (`ferry serve`, `ferry sync`): recovered
 * first, then opened as a `conf` store. `notice` is null unless the file had to be repaired.
 */
export function openSettingsBackend(dir: string): { readonly backend: SettingsBackend; readonly notice: string | null } {
  const notice = recoverSettingsFile(dir);
  const backend = new Conf<Record<string, unknown>>({ cwd: dir, configName: 'settings', projectName: 'ferry' });
  return { backend, notice };
}
