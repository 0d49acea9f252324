/**
 * Integration rig: the real Globus emulator (e2e/globus-emulator) with three collections on
 * disk, signed in through the real sign-in service (the consent page's Allow clicked the way a
 * browser would), and the real TransferService over @globus/sdk.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../e2e/globus-emulator/index';
import { createTransferService, type GlobusAuth, type TransferService } from '../../../electron/core/globus';
import { openAuth, type RigEnvironment } from './rig-auth';

export const RIG_SOURCE = '1e0c6a1e-5b7d-4c39-9a51-0d2f6b8e4a01';
export const RIG_DEST_A = '2f1d7b2f-6c8e-4d4a-8b62-1e3a7c9f5b02';
export const RIG_DEST_B = '3a2e8c3a-7d9f-4e5b-9c73-2f4b8d0a6c03';

export interface EmulatorRig {
  readonly emulator: RunningEmulator;
  readonly auth: GlobusAuth;
  readonly transfer: TransferService;
  readonly dir: string;
  readonly tokenFile: string;
  readonly environment: RigEnvironment;
  /** Folder on disk behind a collection. */
  root(collection: string): string;
  close(): Promise<void>;
}

export async function startEmulatorRig(): Promise<EmulatorRig> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-queue-emu-'));
  const roots = new Map([
    [RIG_SOURCE, join(dir, 'collections', 'source')],
    [RIG_DEST_A, join(dir, 'collections', 'dest-a')],
    [RIG_DEST_B, join(dir, 'collections', 'dest-b')],
  ]);
  const emulator = await startEmulator({
    root: join(dir, 'emulator'),
    retryIntervalMs: 100,
    collections: [...roots].map(([id, root], i) => ({ id, root, display_name: `Queue test ${i}` })),
  });
  const environment = { kind: 'custom' as const, authUrl: emulator.authBaseUrl, transferUrl: emulator.transferBaseUrl };
  const tokenFile = join(dir, 'ferry', 'globus-tokens.json');
  const auth = openAuth(tokenFile, environment);
  await auth.login();
  const transfer = createTransferService({ auth, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
  return {
    emulator,
    auth,
    transfer,
    dir,
    tokenFile,
    environment,
    root: (collection) => roots.get(collection) ?? '',
    close: async () => {
      await auth.dispose();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `count` small files `/<prefix>/f<i>` below a collection's folder, a few at a time. */
export async function writeSmallFiles(root: string, prefix: string, count: number): Promise<string[]> {
  const paths = Array.from({ length: count }, (_, i) => `/${prefix}/d${Math.floor(i / 1000)}/f${i}`);
  const dirs = new Set(paths.map((p) => dirname(join(root, p))));
  for (const d of dirs) await mkdir(d, { recursive: true });
  for (let i = 0; i < paths.length; i += 256) {
    await Promise.all(paths.slice(i, i + 256).map((p) => writeFile(join(root, p), `${p}\n`)));
  }
  return paths;
}
