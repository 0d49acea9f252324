/**
 * Globus emulator copy throughput: a recursive transfer of a directory tree through @globus/sdk
 * (submit, then poll the task until SUCCEEDED), as a ratio of throughputs to `cp -r` of the same
 * tree on the same disk in the same run. ratio = cp time / emulator time (1 = as fast as cp).
 * Two trees: many small files (per-file overhead) and a few large ones (bytes).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transfer } from '@globus/sdk';
import { startEmulator } from '../e2e/globus-emulator/index';
import { signIn } from '../e2e/globus-emulator/test-harness';
import type { BenchResult } from './types';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'aaaaaaaa-0000-4000-8000-000000000002';

interface TreeSpec {
  readonly name: string;
  readonly dirs: number;
  readonly filesPerDir: number;
  readonly fileBytes: number;
}

const trees: readonly TreeSpec[] = [
  { name: 'small files', dirs: 20, filesPerDir: 100, fileBytes: 4 * 1024 },
  { name: 'large files', dirs: 2, filesPerDir: 8, fileBytes: 16 * 1024 * 1024 },
];

function buildTree(root: string, spec: TreeSpec): number {
  const block = randomBytes(spec.fileBytes);
  for (let d = 0; d < spec.dirs; d++) {
    const dir = join(root, `d${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < spec.filesPerDir; f++) writeFileSync(join(dir, `f${f}.bin`), block);
  }
  return spec.dirs * spec.filesPerDir * spec.fileBytes;
}

export async function run(): Promise<readonly BenchResult[]> {
  const base = mkdtempSync(join(tmpdir(), 'ferry-bench-emucopy-'));
  const results: BenchResult[] = [];
  const emulator = await startEmulator({
    root: join(base, 'emulator'),
    collections: [
      { id: SRC, display_name: 'Bench source', root: join(base, 'src') },
      { id: DST, display_name: 'Bench destination', root: join(base, 'dst') },
    ],
  });
  try {
    Object.assign(process.env, emulator.env);
    const { manager } = await signIn();
    for (const [i, spec] of trees.entries()) {
      const tree = `tree${i}`;
      const bytes = buildTree(join(base, 'src', tree), spec);
      const files = spec.dirs * spec.filesPerDir;

      // Reference: cp -r of the same tree to the same disk.
      const cpTarget = join(base, 'cp', tree);
      mkdirSync(join(base, 'cp'), { recursive: true });
      const cpStart = process.hrtime.bigint();
      execFileSync('cp', ['-r', join(base, 'src', tree), cpTarget]);
      const cpMs = Number(process.hrtime.bigint() - cpStart) / 1e6;

      const start = process.hrtime.bigint();
      const submitted = await transfer.taskSubmission.submitTransfer(
        {
          payload: {
            submission_id: randomUUID(),
            source_endpoint: SRC,
            destination_endpoint: DST,
            DATA: [{ DATA_TYPE: 'transfer_item', source_path: `/${tree}`, destination_path: `/${tree}`, recursive: true }],
          } as never,
        },
        { manager },
      );
      const taskId = String(((await submitted.json()) as { task_id?: string }).task_id);
      let status = 'ACTIVE';
      let transferred = 0;
      while (status === 'ACTIVE') {
        const task = (await (await transfer.task.get(taskId, {}, { manager })).json()) as { status: string; bytes_transferred: number };
        status = task.status;
        transferred = task.bytes_transferred;
        if (status === 'ACTIVE') await new Promise((r) => setTimeout(r, 5));
      }
      const emuMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (status !== 'SUCCEEDED' || transferred !== bytes) throw new Error(`emulator task ended ${status} with ${transferred}/${bytes} bytes`);
      const mb = bytes / 1e6;
      results.push({
        name: `emulator copy vs cp -r (${spec.name}: ${files} files, ${mb.toFixed(1)} MB)`,
        ratio: cpMs / emuMs,
        detail: `throughput ratio emulator/cp (higher is better): emulator ${emuMs.toFixed(0)} ms (${(mb / (emuMs / 1000)).toFixed(0)} MB/s, incl. SDK submit + 5 ms polling), cp -r ${cpMs.toFixed(0)} ms (${(mb / (cpMs / 1000)).toFixed(0)} MB/s)`,
      });
    }
  } finally {
    await emulator.close();
    rmSync(base, { recursive: true, force: true });
  }
  return results;
}
