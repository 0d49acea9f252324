import { test as base } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ServeHandle {
  /** The URL `ferry serve` printed, with its token. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly dataDir: string;
}

/** Starts the built `ferry serve` on a free port with a data dir of its own and waits for its URL line. */
export async function startServeProcess(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServeHandle & { child: ChildProcess; stop(): Promise<void> }> {
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(process.execPath, ['bin/ferry.mjs', 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /Ferry is running at (\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`ferry serve exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    child,
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const test = base.extend<{ serve: ServeHandle }>({
  // Playwright requires the fixture argument to be destructured even when empty.
  // eslint-disable-next-line no-empty-pattern
  serve: async ({}, use, testInfo) => {
    const dataDir = join(testInfo.outputDir, 'ferry-data');
    const handle = await startServeProcess(dataDir);
    await use(handle);
    await handle.stop();
    rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';

/** One call through `POST /api/invoke`, as a script would make it (setup a person would do in other areas). */
export async function invoke<T>(serve: ServeHandle, channel: string, args: unknown[]): Promise<T> {
  const response = await fetch(`${serve.origin}/api/invoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'invoke', id: 1, channel, args }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.result === undefined) throw new Error(`${channel} failed: ${body.error?.message ?? response.status}`);
  return body.result;
}
