import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The same folder Electron uses as `userData` for an app named Ferry, so the desktop app,
 * `ferry serve` and the `ferry` CLI share settings and state by default.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.FERRY_DATA_DIR) return env.FERRY_DATA_DIR;
  switch (platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Ferry');
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Ferry');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Ferry');
  }
}

/** Finds the package root (the folder holding Ferry's package.json) from a file inside it. */
export function findPackageRoot(fromFile: string): { root: string; version: string } {
  let dir = dirname(fromFile);
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ferry') return { root: dir, version: pkg.version ?? '0.0.0' };
    } catch {
      // keep walking up
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`Cannot find Ferry's package.json above ${fromFile}`);
    dir = up;
  }
}
