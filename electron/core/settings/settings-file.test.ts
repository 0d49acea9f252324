import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSettingsService } from './settings-service';
import { dataFolderProblem, openSettingsBackend } from './settings-file';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-settings-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const backups = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('settings.json.bad-'));

describe('a settings file that is bad on disk never stops startup', () => {
  it.each([
    ['truncated', '{"theme": "dark", "dataDir": "/tm'],
    ['not an object', '[1, 2, 3]'],
    ['empty', ''],
    ['binary', '\u0000\u0001\u0002'],
  ])('%s: starts with defaults and keeps the file beside', (_name, content) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), content);
    const { backend, notice } = openSettingsBackend(dir);
    const settings = createSettingsService(backend, dir);
    expect(settings.get()).toMatchObject({ theme: 'system', dataDir: dir });
    expect(notice).toMatch(/settings\.json\.bad-/);
    const kept = backups(dir);
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0] ?? ''), 'utf8')).toBe(content);
    // The store works again: an update is saved and read back.
    settings.update({ theme: 'dark' });
    expect(createSettingsService(openSettingsBackend(dir).backend, dir).get().theme).toBe('dark');
  });

  it('a hand-edited bad field (a NUL in the data folder) falls back to the default for that field only', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ theme: 'dark', dataDir: '/a\u0000b' }));
    const { backend, notice } = openSettingsBackend(dir);
    const settings = createSettingsService(backend, dir);
    expect(settings.get()).toMatchObject({ theme: 'dark', dataDir: dir });
    expect(notice).toMatch(/invalid values for dataDir/);
    expect(backups(dir)).toHaveLength(1);
  });

  it('a good file gives no notice and no backup', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ theme: 'light' }));
    expect(openSettingsBackend(dir).notice).toBeNull();
    expect(backups(dir)).toHaveLength(0);
  });
});

describe('values that would stop the next start are refused', () => {
  const service = () => {
    const dir = tempDir();
    const { backend } = openSettingsBackend(dir);
    return { dir, settings: createSettingsService(backend, dir) };
  };

  it.each([
    ['a NUL', '/a\u0000b', /NUL/],
    ['a lone surrogate', '/data/\uD800x', /not valid text/],
    ['200 KB', `/${'a'.repeat(200_000)}`, /longer than 4096 bytes/],
    ['4097 bytes of multi-byte text', `/${'é'.repeat(2048)}`, /longer than 4096 bytes/],
  ])('a data folder with %s', (_what, dataDir, message) => {
    const { dir, settings } = service();
    const before = existsSync(join(dir, 'settings.json')) ? readFileSync(join(dir, 'settings.json'), 'utf8') : null;
    expect(() => settings.update({ dataDir })).toThrow(message);
    expect(settings.get().dataDir).toBe(dir);
    const after = existsSync(join(dir, 'settings.json')) ? readFileSync(join(dir, 'settings.json'), 'utf8') : null;
    expect(after).toBe(before);
  });

  it('a data folder inside a file cannot be created: refused with kind refused', () => {
    const { dir, settings } = service();
    writeFileSync(join(dir, 'a-file'), 'x');
    let thrown: unknown;
    try {
      settings.update({ dataDir: join(dir, 'a-file', 'data') });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ kind: 'refused', code: 'DataFolderUnusable', message: expect.stringMatching(/choose another folder/) });
    expect(dataFolderProblem(join(dir, 'a-file', 'data'))).toMatch(/inside a file/);
  });
});
