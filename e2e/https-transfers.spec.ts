import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { collectionRoot, DEMO_DESTINATION_COLLECTION_ID, DEMO_DESTINATION_COLLECTION_NAME, dropLocalFiles, expect, giveConsent, openCollection, signIn, test } from './globus-fixtures';

// A laptop without Globus Connect Personal: an empty home, so the only way for local files is HTTPS.
test.use({ serveEnv: { HOME: mkdtempSync(join(tmpdir(), 'ferry-e2e-home-')) } });

const SIZE = 50 * 1024 * 1024;
const shots = join(process.cwd(), '.tmp', 'shots18');

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function openDestination(page: Page): Promise<Locator> {
  await openCollection(page, DEMO_DESTINATION_COLLECTION_NAME);
  const pane = page.getByRole('region', { name: 'Left pane' });
  await expect(pane.getByRole('table', { name: 'Left listing' })).toBeVisible();
  return pane;
}

test('a local file dropped on a pane goes up over HTTPS with progress, survives a dropped connection, and comes back down byte for byte', async ({ page, serve, emulator }, testInfo) => {
  test.setTimeout(180_000);
  mkdirSync(shots, { recursive: true });
  const local = join(testInfo.outputDir, 'local');
  mkdirSync(local, { recursive: true });
  const original = join(local, 'scan-0042.bin');
  writeFileSync(original, randomBytes(SIZE));
  const destinationRoot = collectionRoot(emulator, DEMO_DESTINATION_COLLECTION_NAME);

  // The first try loses its connection 20 MB in.
  await emulator.control.dropHttps({ method: 'PUT', afterBytes: 20 * 1024 * 1024, collectionId: DEMO_DESTINATION_COLLECTION_ID, pathContains: 'scan-0042' });

  await signIn(page, serve);
  const pane = await openDestination(page);

  // Dragging over the pane says where the files go; dropping sends them.
  await dropLocalFiles(pane, [original], {
    before: async () => {
      await expect(pane.getByText(`Drop to send to ${DEMO_DESTINATION_COLLECTION_NAME}`)).toBeVisible();
      await page.screenshot({ path: join(shots, 'drop-hint.png') });
    },
  });
  const panel = page.getByRole('region', { name: 'HTTPS transfers' });
  const row = panel.getByRole('listitem', { name: `Upload scan-0042.bin to ${DEMO_DESTINATION_COLLECTION_NAME}` });
  // The first HTTPS use asks for the collection's HTTPS consent; once given, the upload starts by itself.
  const give = pane.getByRole('button', { name: 'Give consent' });
  await expect(pane.getByRole('alert')).toContainText('Globus needs your consent before Ferry can move these files over HTTPS');
  await giveConsent(page, give);
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(give).toHaveCount(0);
  const progress = row.getByRole('progressbar');
  await row.screenshot({ path: join(shots, 'upload-started.png') });
  await expect(progress).toHaveAccessibleName(`Upload scan-0042.bin to ${DEMO_DESTINATION_COLLECTION_NAME}: progress`);

  // The connection drops: the transfer says so and why (an upload restarts the file it was sending).
  await expect(row.getByRole('status')).toHaveText('Interrupted', { timeout: 30_000 });
  await expect(row.getByRole('alert')).toContainText('scan-0042.bin');
  await page.screenshot({ path: join(shots, 'upload-interrupted.png') });
  await expect(row.getByRole('button', { name: 'Resume' })).toBeEnabled();
  await expect(row.getByRole('button', { name: 'Cancel' })).toBeEnabled();
  await expect(row.getByRole('button', { name: 'Remove' })).toBeEnabled();

  // Resume: it runs to the end and the file shows in the pane without a click.
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row.getByRole('status')).toHaveText('Succeeded', { timeout: 60_000 });
  await expect(progress).toHaveAttribute('aria-valuenow', '100');
  await page.screenshot({ path: join(shots, 'upload-succeeded.png') });
  // Finished: nothing to pause, resume or cancel, and each button says why.
  await expect(row.getByRole('button', { name: 'Pause' })).toBeDisabled();
  await expect(row.getByRole('button', { name: 'Resume' })).toHaveAccessibleDescription('It has finished.');
  await expect(pane.getByRole('table', { name: 'Left listing' }).getByRole('cell', { name: 'scan-0042.bin', exact: true })).toBeVisible();
  expect(sha256(join(destinationRoot, 'scan-0042.bin'))).toBe(sha256(original));

  // Download it to a folder of this computer; the connection drops 20 MB in, the bar stays where
  // it got to, and Resume carries on from that byte.
  await emulator.control.dropHttps({ method: 'GET', afterBytes: 20 * 1024 * 1024, collectionId: DEMO_DESTINATION_COLLECTION_ID, pathContains: 'scan-0042' });
  const downloads = join(testInfo.outputDir, 'downloads');
  mkdirSync(downloads, { recursive: true });
  await pane.getByLabel('Select scan-0042.bin').check();
  await pane.getByRole('button', { name: 'Download…' }).click();
  await pane.getByLabel('Download 1 file to').fill(downloads);
  await pane.getByRole('button', { name: 'Download', exact: true }).click();
  const down = panel.getByRole('listitem', { name: `Download scan-0042.bin from ${DEMO_DESTINATION_COLLECTION_NAME}` });
  const downBar = down.getByRole('progressbar');
  await expect(down.getByRole('status')).toHaveText('Interrupted', { timeout: 30_000 });
  await page.screenshot({ path: join(shots, 'download-interrupted.png') });
  const reached = Number(await downBar.getAttribute('aria-valuenow'));
  expect(reached).toBeGreaterThan(0);
  expect(reached).toBeLessThan(100);
  await expect(down).toContainText(/[1-9][\d.]* MB of 52\.4 MB/);
  await down.getByRole('button', { name: 'Resume' }).click();
  await expect(down.getByRole('status')).toHaveText('Succeeded', { timeout: 60_000 });
  await expect(downBar).toHaveAttribute('aria-valuenow', '100');
  await page.screenshot({ path: join(shots, 'download-succeeded.png') });
  expect(sha256(join(downloads, 'scan-0042.bin'))).toBe(sha256(original));
  // The second GET asked only for the rest of the file.
  const gets = (await emulator.control.httpsRequests()).filter((r) => r.method === 'GET' && r.path.includes('scan-0042'));
  expect(gets.at(-1)?.range).toMatch(/^bytes=[1-9]\d*-/);

  // An ended transfer can be removed from the list.
  await down.getByRole('button', { name: 'Remove' }).click();
  await expect(down).toHaveCount(0);
});
