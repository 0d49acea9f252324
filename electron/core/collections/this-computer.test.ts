import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectionPathOf, detectThisComputer, gcpDataDir, parseConfigPaths } from './this-computer';

const ID = '4f2b0c1e-7a3d-4e5f-9b8a-1c2d3e4f5a6b';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function home(files: Record<string, string> = {}): string {
  const h = mkdtempSync(join(tmpdir(), 'ferry-gcp-home-'));
  dirs.push(h);
  const lta = join(h, '.globusonline', 'lta');
  mkdirSync(lta, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(lta, name), text);
  return h;
}

describe('this computer (Globus Connect Personal)', () => {
  it('is found where Globus\u2019 SDK looks, with the folders its config-paths serves', async () => {
    const h = home({ 'client-id.txt': `${ID.toUpperCase()}\n`, 'config-paths': '~/,0,1\n/data/instrument,1,0\n# comment\n\nrelative/path,0,1\n' });
    const found = await detectThisComputer({ home: h, platform: 'linux' });
    expect(found).toEqual({
      collectionId: ID,
      configDir: join(h, '.globusonline', 'lta'),
      folders: [
        { path: h, sharing: false, writable: true },
        { path: '/data/instrument', sharing: true, writable: false },
      ],
    });
  });

  it('serves the home folder when there is no config-paths, and is absent without a client id', async () => {
    const h = home({ 'client-id.txt': ID });
    expect((await detectThisComputer({ home: h, platform: 'linux' }))?.folders).toEqual([{ path: h, writable: true, sharing: false }]);
    expect(await detectThisComputer({ home: home(), platform: 'linux' })).toBeNull();
    expect(await detectThisComputer({ home: home({ 'client-id.txt': 'not an id' }), platform: 'linux' })).toBeNull();
  });

  it('maps a local folder to its collection path only inside a served folder', async () => {
    const install = { collectionId: ID, configDir: '/x', folders: parseConfigPaths('/home/me,0,1\n/data,0,0', '/home/me') };
    expect(collectionPathOf('/home/me/runs/r1', install, 'linux')).toBe('/home/me/runs/r1/');
    expect(collectionPathOf('/data', install, 'linux')).toBe('/data/');
    expect(collectionPathOf('/home/mean', install, 'linux')).toBeNull();
    expect(collectionPathOf('/etc', install, 'linux')).toBeNull();
  });

  it('looks in LOCALAPPDATA on Windows', () => {
    expect(gcpDataDir({ platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' } })).toMatch(/Globus Connect$/);
    expect(gcpDataDir({ platform: 'win32', env: {} })).toBeNull();
  });
});
