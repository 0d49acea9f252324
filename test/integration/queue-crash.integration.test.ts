/**
 * Crash safety for real: the queue runs in a child process against the Globus emulator and is
 * SIGKILLed at random points (during enqueue, planning, between getting a submission id and
 * submitting, between submit and saving the task id, while checking), then started again.
 * In the end every file is at its destination exactly once and no batch became two tasks.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_DEFAULT_CLIENT_ID } from '../../e2e/globus-emulator/index';
import { createQueueStore, type EnqueueItem } from '../../electron/core/queue';
import type { CrashChildConfig } from './support/crash-child';
import { RIG_DEST_A, RIG_SOURCE, startEmulatorRig, writeSmallFiles, type EmulatorRig } from './support/emulator-rig';
import { RIG_CLIENT_ID } from './support/rig-auth';

const KILLS = 20;
const FILES_PER_RUN = 160;
const here = dirname(fileURLToPath(import.meta.url));
const nodeModules = dirname(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')));

let rig: EmulatorRig;
let bundleDir: string;
let childScript: string;

beforeAll(async () => {
  rig = await startEmulatorRig();
  // One bundle of the child (starts in a fraction of the time tsx needs).
  bundleDir = mkdtempSync(join(tmpdir(), 'ferry-queue-child-'));
  childScript = join(bundleDir, 'crash-child.cjs');
  await build({
    entryPoints: [join(here, 'support', 'crash-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: childScript,
    external: ['better-sqlite3'],
    logLevel: 'error',
  });
}, 60_000);

afterAll(async () => {
  await rig?.close();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

/** A small seeded generator, so a failing run can be repeated with QUEUE_CRASH_SEED. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface KillPoint {
  /** Kill after the first output line for which this holds (lines count from 1). */
  readonly when: (line: string, n: number) => boolean;
  readonly delayMs: number;
  readonly what: string;
}

/** Runs the child; with `kill`, SIGKILLs it at that point. */
function runChild(configFile: string, kill?: KillPoint): Promise<'killed' | 'done'> {
  const child = spawn(process.execPath, [childScript, configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_PATH: nodeModules },
  });
  let lines = 0;
  let stderr = '';
  let killing = false;
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not finish in time: ${stderr}`));
    }, 45_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        lines += 1;
        if (kill && !killing && kill.when(line, lines)) {
          killing = true;
          setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('done');
      else reject(new Error(`child exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

describe('transfer queue crash safety (child process, SIGKILL, Globus emulator)', () => {
  it('signs the child in with the emulator client id', () => {
    expect(RIG_CLIENT_ID).toBe(EMULATOR_DEFAULT_CLIENT_ID);
  });

  it(`survives ${KILLS} SIGKILLs at random points: every file arrives exactly once, no batch submitted twice`, { timeout: 150_000 }, async () => {
    const seed = Number(process.env.QUEUE_CRASH_SEED ?? Math.floor(Math.random() * 1_000_000));
    const random = seeded(seed);
    const enqueued: EnqueueItem[] = [];
    const dbFiles: string[] = [];
    const killPoints: string[] = [];
    let kills = 0;
    for (let run = 1; kills < KILLS; run++) {
      const paths = await writeSmallFiles(rig.root(RIG_SOURCE), `crash${run}`, FILES_PER_RUN);
      const items = paths.map((p) => ({
        source: RIG_SOURCE,
        sourcePath: p,
        destination: RIG_DEST_A,
        destinationPath: `/in${p}`,
        size: p.length + 1,
        origin: 'manual' as const,
        originId: `run-${run}`,
      }));
      enqueued.push(...items);
      const config: CrashChildConfig = {
        tokenFile: rig.tokenFile,
        environment: rig.environment,
        dbFile: join(rig.dir, 'ferry', `queue-${run}.db`),
        requestId: `crash-run-${run}`,
        items,
        options: { batchSize: 20, maxActiveTasks: 5, pollIntervalMs: 10 },
        pauseMs: 10,
        answerDelayMs: 15,
      };
      dbFiles.push(config.dbFile);
      const configFile = join(rig.dir, `child-${run}.json`);
      writeFileSync(configFile, JSON.stringify(config));
      for (;;) {
        if (kills >= KILLS) {
          expect(await runChild(configFile)).toBe('done');
          break;
        }
        // The first kill always lands after Globus accepted a task and before the queue saved
        // its id; the others at random output lines, with random delays.
        const afterLine = 1 + Math.floor(random() * 20);
        const point: KillPoint =
          kills === 0
            ? { when: (line) => line.startsWith('submitted'), delayMs: 0, what: 'after an accepted submit' }
            : { when: (_line, n) => n >= afterLine, delayMs: Math.floor(random() * 25), what: `line ${afterLine}` };
        const outcome = await runChild(configFile, point);
        if (outcome === 'done') break;
        kills += 1;
        killPoints.push(`run ${run}: ${point.what} + ${point.delayMs} ms`);
      }
    }
    const context = `seed ${seed}; kills at ${killPoints.join(', ')}`;

    // The queue's view: every item succeeded; every batch is exactly one Globus task.
    const taskIds = new Set<string>();
    let batches = 0;
    let duplicates = 0;
    for (const file of dbFiles) {
      const store = createQueueStore(file);
      try {
        expect(store.counts(), context).toEqual({ queued: 0, batched: 0, submitted: 0, succeeded: FILES_PER_RUN, failed: 0 });
        for (const b of store.listBatches(10_000)) {
          expect(b.state, context).toBe('done');
          taskIds.add(b.taskId ?? '');
          batches += 1;
        }
        duplicates += store.recentLog(10_000).filter((e) => e.kind === 'duplicate-resolved').length;
      } finally {
        store.close();
      }
    }
    expect(taskIds.size, context).toBe(batches);
    // At least the first kill made a restart resubmit an accepted batch: Globus said Duplicate.
    expect(duplicates, context).toBeGreaterThanOrEqual(1);

    // Globus' view: exactly those tasks, and each file transferred by exactly one of them.
    const tasks = await rig.transfer.listTasks({ limit: 1000 });
    expect(tasks.DATA.map((t) => t.task_id).sort(), context).toEqual([...taskIds].sort());
    const arrivals = new Map<string, number>();
    for (const task of tasks.DATA) {
      expect(task.status, context).toBe('SUCCEEDED');
      let marker: string | undefined;
      for (;;) {
        const page = await rig.transfer.successfulTransfers(task.task_id, marker);
        for (const f of page.DATA) arrivals.set(f.destination_path ?? '', (arrivals.get(f.destination_path ?? '') ?? 0) + 1);
        if (!page.has_next_page || !page.next_marker) break;
        marker = page.next_marker;
      }
    }
    expect(arrivals.size, context).toBe(enqueued.length);
    for (const item of enqueued) expect(arrivals.get(item.destinationPath), `${item.destinationPath}; ${context}`).toBe(1);
  });
});
