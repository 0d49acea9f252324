import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('ferry-emulator CLI', () => {
  it('prints its URL and the SDK environment, serves, and stops cleanly on SIGTERM', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ferry-emulator-cli-'));
    dirs.push(root);
    const collections = join(root, 'collections.json');
    await writeFile(collections, JSON.stringify([{ id: '11111111-2222-4333-8444-555555555555', display_name: 'Scratch', root: 'scratch' }]));
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'cli.ts'), '--port', '0', '--root', root, '--collections', collections, '--bandwidth', '1000000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    const ready = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /^Globus emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (m?.[1] && out.includes('GLOBUS_SDK_SERVICE_URL_TRANSFER=')) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`CLI exited early (${String(code)}): ${out}`)));
    });
    const url = await ready;
    expect(out.split('\n')[0]).toBe(`Globus emulator listening on ${url}`);
    expect(out).toContain(`GLOBUS_SDK_SERVICE_URL_AUTH=${url}`);
    const state = (await (await fetch(`${url}/_emulator/state`)).json()) as { collections: { display_name: string; root: string }[]; settings: { bandwidthBytesPerSecond: number } };
    expect(state.collections.map((c) => c.display_name)).toEqual(['Scratch']);
    expect(state.collections[0]?.root).toBe(join(root, 'scratch'));
    expect(state.settings.bandwidthBytesPerSecond).toBe(1_000_000);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });
});
