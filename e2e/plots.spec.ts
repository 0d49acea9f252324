import { mkdirSync, writeFileSync } from 'node:fs';
import { invoke } from './fixtures';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
  DEMO_DESTINATION_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_NAME,
  collectionRoot,
  expect,
  signIn,
  test,
} from './globus-fixtures';

const shots = join(process.cwd(), '.tmp', 't17-plots');

function makeFiles(root: string, folder: string, count: number, size: number): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `file-${String(i).padStart(3, '0')}.dat`), Buffer.alloc(size, i));
  return dir;
}

async function go(page: Page, area: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: area }).click();
  await expect(page.getByRole('heading', { level: 1, name: area })).toBeVisible();
}

test.describe('throughput in a task detail', () => {
  // 12 files of 100 kB at 250 kB/s: about five seconds, several live deltas while the detail is open.
  test.use({ emulatorOptions: { bandwidthBytesPerSecond: 250_000 } });

  test('a person opens a running task and sees its throughput plotted, with a summary that names the values', async ({ page, serve, emulator }) => {
    test.setTimeout(60_000);
    await page.setViewportSize({ width: 1280, height: 860 });
    makeFiles(collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME), 'plots', 12, 100_000);
    await signIn(page, serve);
    await go(page, 'Activity');

    const { taskId } = await invoke<{ taskId: string }>(serve, 'transfers:submit', [
      {
        source: DEMO_SOURCE_COLLECTION_ID,
        destination: DEMO_DESTINATION_COLLECTION_ID,
        items: [{ sourcePath: '/plots/', destinationPath: '/plots/', recursive: true }],
        label: 'Plotted run',
      },
    ]);
    const row = page.locator(`[role="row"][data-task-id="${taskId}"]`);
    await expect(row.getByText('Active')).toBeVisible();
    await row.click();
    const detail = page.getByRole('complementary', { name: 'Task details' });
    await expect(detail).toContainText(taskId);
    await expect(row.getByText('Succeeded')).toBeVisible({ timeout: 30_000 });

    const plot = detail.getByTestId('task-throughput');
    await expect(plot).toHaveAttribute('aria-label', /^Throughput: 1\.2 MB moved in [\d.]+ (s|ms), average [\d.]+ [KM]B\/s, peak [\d.]+ [KM]B\/s \(\d+ points\)\.$/);
    const label = (await plot.getAttribute('aria-label')) ?? '';
    // Live samples between the request and the end: more than the two end points.
    expect(Number(label.match(/\((\d+) points\)/)?.[1] ?? 0)).toBeGreaterThan(2);
    await expect(plot.locator('canvas')).toHaveCount(1);
    await expect(plot.locator('figcaption')).toHaveText(label);
    const box = await plot.locator('canvas').boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(150);
    await plot.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'task-detail.png') });

    // The overview: bytes moved per day, from the rows already shown.
    await page.getByRole('button', { name: 'Close task details' }).click();
    await page.getByText('Bytes moved per day').click();
    const days = page.getByTestId('activity-bytes-per-day');
    await expect(days).toHaveAttribute('aria-label', /^Bytes moved per day, last 14 days: 1\.2 MB in all; busiest .+ with 1\.2 MB\.$/);
    await expect(days.locator('canvas')).toHaveCount(1);
    await page.screenshot({ path: join(shots, 'activity-overview.png') });
  });
});

test.describe('files and bytes per sync run', () => {
  test.use({ serveEnv: { FERRY_SYNC_POLL_MS: '500' } });

  test('a sync job with two runs plots the files and bytes of each', async ({ page, serve, emulator }) => {
    test.setTimeout(90_000);
    await page.setViewportSize({ width: 1280, height: 860 });
    const folder = makeFiles(collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME), 'plot-sync', 3, 2000);
    await signIn(page, serve);
    const job = await invoke<{ id: string }>(serve, 'syncs:create', [
      {
        name: 'plotted',
        source: { collectionId: DEMO_SOURCE_COLLECTION_ID, localPath: folder, collectionPath: '/plot-sync' },
        destination: { collectionId: DEMO_DESTINATION_COLLECTION_ID, path: '/plot-sync-backup' },
        schedule: { kind: 'manual' },
        syncLevel: null,
        include: [],
        exclude: [],
        symlinks: 'skip',
        createEmptyDirs: false,
        enabled: true,
        maxItemsPerTransfer: 1000,
      },
    ]);
    await go(page, 'Syncs');
    const jobRow = page.getByRole('table', { name: 'Sync jobs' }).getByRole('row').filter({ hasText: 'plotted' });
    await jobRow.getByRole('button', { name: 'Run plotted now' }).click();
    const detail = page.getByRole('region', { name: 'plotted' });
    const history = detail.getByRole('table', { name: 'Run history' });
    await expect(history.getByRole('row').filter({ hasText: 'Succeeded' })).toHaveCount(1, { timeout: 30_000 });

    // A second run with one more file.
    writeFileSync(join(folder, 'extra.dat'), Buffer.alloc(4200, 7));
    await invoke(serve, 'syncs:run-now', [job.id]);
    await expect(history.getByRole('row').filter({ hasText: 'Succeeded' })).toHaveCount(2, { timeout: 30_000 });

    const plot = detail.getByTestId('sync-runs-chart');
    await expect(plot).toHaveAttribute('aria-label', 'Files and bytes sent per run, last 2 runs: 4 files, 10.2 KB in all; latest run 1 file, 4.2 KB.');
    await expect(plot.locator('canvas')).toHaveCount(1);
    await plot.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'sync-job.png') });
  });
});
