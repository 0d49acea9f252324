import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectionRoot, DEMO_DESTINATION_COLLECTION_NAME, DEMO_SOURCE_COLLECTION_NAME, expect, signIn, test } from './globus-fixtures';

// Slow enough that the first transfer is still running when the second is sent.
test.use({ emulatorOptions: { bandwidthBytesPerSecond: 50_000 } });

test('a transfer Globus refuses for identical paths names the task that blocks it', async ({ page, serve, emulator }) => {
  const run = join(collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME), 'run-7');
  mkdirSync(run, { recursive: true });
  for (let i = 0; i < 4; i++) writeFileSync(join(run, `frame-${i}.tif`), Buffer.alloc(200_000, i));
  await signIn(page, serve);

  const nav = page.getByRole('navigation', { name: 'Areas' });
  await nav.getByRole('button', { name: 'Collections' }).click();
  await page.getByLabel('Search collections').fill('Ferry Demo');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: new RegExp(DEMO_SOURCE_COLLECTION_NAME) }).click();
  await page.getByLabel('Open in').selectOption('1');
  await page.getByRole('button', { name: new RegExp(DEMO_DESTINATION_COLLECTION_NAME) }).click();

  const left = page.getByRole('region', { name: 'Left pane' });
  await left.getByLabel('Select run-7').check();
  await page.getByLabel('Label').fill('first pass');
  await page.getByRole('button', { name: 'Start transfer' }).click();
  const submitted = page.getByRole('status').filter({ hasText: 'Submitted task' });
  await expect(submitted).toBeVisible();

  await left.getByLabel('Select run-7').check();
  await page.getByLabel('Label').fill('second pass');
  await page.getByRole('button', { name: 'Start transfer' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'task "first pass"' })).toContainText('is still moving the same paths');
});
