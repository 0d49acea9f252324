import AxeBuilder from '@axe-core/playwright';
import { invoke } from './fixtures';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ServeHandle } from './fixtures';
import {
  collectionRoot,
  DEMO_DESTINATION_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_NAME,
  expect,
  signIn,
  test,
} from './globus-fixtures';

/** Submits one transfer item per file, as the Collections view does for a selection of files. */
async function submitFiles(serve: ServeHandle, label: string, paths: readonly string[]): Promise<string> {
  const submitted = await invoke<{ taskId: string }>(serve, 'transfers:submit', [
    {
      source: DEMO_SOURCE_COLLECTION_ID,
      destination: DEMO_DESTINATION_COLLECTION_ID,
      items: paths.map((p) => ({ sourcePath: p, destinationPath: p.replace('/calib/', '/calib-out/'), recursive: false })),
      label,
    },
  ]);
  return submitted.taskId;
}

function makeFiles(root: string, names: readonly string[]): void {
  const dir = join(root, 'calib');
  mkdirSync(dir, { recursive: true });
  for (const name of names) writeFileSync(join(dir, name), Buffer.alloc(2000, 1));
}

async function openActivity(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
}

test('a task whose file is missing needs attention within one poll, says why, and is cancelled from there', async ({ page, serve, emulator }) => {
  test.setTimeout(90_000);
  makeFiles(collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME), ['good-1.dat', 'bad.dat']);
  // The file goes missing on the way: Globus counts a fault, logs FILE_NOT_FOUND and retries until the deadline.
  await emulator.control.failFiles({ pathContains: 'bad.dat', errorCode: 'FILE_NOT_FOUND' });
  await signIn(page, serve);
  await openActivity(page);

  const taskId = await submitFiles(serve, 'Calibration', ['/calib/good-1.dat', '/calib/bad.dat']);
  const row = page.locator(`[role="row"][data-task-id="${taskId}"]`);
  // Fast polling runs every 1–1.5 s while Ferry's task runs: flagged within a poll of the fault.
  await expect(row.getByText('Needs attention')).toBeVisible({ timeout: 10_000 });
  await expect(row.getByText('Active')).toBeVisible();

  // The alert, with its badge in the sidebar.
  const alerts = page.getByRole('list', { name: 'Alerts' });
  await expect(alerts.getByText('Transfer needs attention: Calibration')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Activity 1 alert' })).toBeVisible();

  await row.click();
  const detail = page.getByRole('complementary', { name: 'Task details' });
  const box = detail.getByRole('region', { name: 'Needs attention: File not found' });
  await expect(box).toBeVisible();
  await expect(box).toContainText('FILE_NOT_FOUND');
  await expect(box).toContainText('550-GridFTP-Error-String: No such file or directory');
  await expect(box).toContainText('File: /calib/bad.dat');
  await expect(box).toContainText('Likely cause: The source path does not exist');
  await expect(box).toContainText('What to do: Fix the source path and resubmit');
  await page.screenshot({ path: test.info().outputPath('needs-attention.png') });
  // The alerts list, the badge and the box pass an axe audit (no serious or critical finding).
  const audit = await new AxeBuilder({ page })
    .include('.act-attention-box')
    .include('.act-alerts')
    .include('nav.sidebar')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(audit.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  await box.getByRole('button', { name: 'Cancel this task' }).click();
  await expect(row.getByText('Cancelled')).toBeVisible({ timeout: 20_000 });
  await expect(row.getByText('Needs attention')).toHaveCount(0);
  await expect(box).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Alerts' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Activity', exact: true })).toBeVisible();
});

test('a person fixes the failing path and resubmits; the new task succeeds', async ({ page, serve, emulator }) => {
  test.setTimeout(90_000);
  makeFiles(collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME), ['good-1.dat', 'bad.dat', 'good-2.dat']);
  await emulator.control.failFiles({ pathContains: 'bad.dat', errorCode: 'FILE_NOT_FOUND' });
  await signIn(page, serve);
  await openActivity(page);

  const taskId = await submitFiles(serve, 'Calibration', ['/calib/good-1.dat', '/calib/bad.dat']);
  const row = page.locator(`[role="row"][data-task-id="${taskId}"]`);
  await expect(row.getByText('Needs attention')).toBeVisible({ timeout: 10_000 });
  await row.click();
  const detail = page.getByRole('complementary', { name: 'Task details' });
  const box = detail.getByRole('region', { name: 'Needs attention: File not found' });
  await box.getByRole('button', { name: 'Fix the path and resubmit' }).click();
  const form = box.getByRole('form', { name: 'Fix the path and resubmit' });
  // The failing item is picked and its paths filled in.
  await expect(form.getByLabel('Source path')).toHaveValue('/calib/bad.dat');
  await form.getByLabel('Source path').fill('/calib/good-2.dat');
  await form.getByLabel('Destination path').fill('/calib-out/good-2.dat');
  await form.getByRole('button', { name: 'Cancel and resubmit' }).click();

  await expect(row.getByText('Cancelled')).toBeVisible({ timeout: 20_000 });
  // The detail follows the new task, which carries the fixed item and succeeds.
  await expect(detail).not.toContainText(taskId, { timeout: 20_000 });
  await expect(detail.getByTitle('/calib/good-1.dat → /calib-out/good-1.dat (+1 more)')).toBeVisible();
  const fresh = page.locator('[role="row"][data-task-id]').filter({ hasText: 'Succeeded' }).filter({ hasText: 'Calibration' });
  await expect(fresh).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByRole('list', { name: 'Alerts' })).toHaveCount(0);
});
