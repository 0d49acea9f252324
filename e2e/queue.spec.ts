import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import {
  DEMO_DESTINATION_COLLECTION_NAME,
  DEMO_SOURCE_COLLECTION_NAME,
  expect,
  signIn,
  collectionRoot,
  test,
} from './globus-fixtures';

/** Ferry polls its queue tasks every half second here (default 10 s). */
test.use({ serveEnv: { FERRY_QUEUE_POLL_MS: '500' } });

/** Writes `count` small files under `folder` of a collection root. */
function makeFiles(root: string, folder: string, count: number): void {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `file-${String(i).padStart(3, '0')}.dat`), Buffer.alloc(1000 + i, i));
}

async function openQueue(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Queue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Queue' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

/** Types a collection's name, asks Ferry to find it and picks it from the matches. */
async function chooseCollection(page: Page, label: 'Source collection' | 'Destination collection', name: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Send files' });
  await form.getByLabel(`${label}: search by name or paste an id`, { exact: true }).fill(name);
  await form.getByRole('button', { name: `Find ${label.toLowerCase()}` }).click();
  const matches = form.getByRole('list', { name: `${label}: matches` });
  await matches.getByRole('button', { name, exact: true }).click();
  await expect(matches).toBeHidden();
  await expect(form.getByLabel(`${label}: chosen`, { exact: true })).toHaveText(name);
}

/** Fills "Send files" and adds it to the queue; waits for Ferry to say how many files it added. */
async function send(page: Page, from: string, paths: readonly string[], to: string, folder: string, files: number): Promise<void> {
  const form = page.getByRole('form', { name: 'Send files' });
  await chooseCollection(page, 'Source collection', from);
  await form.getByLabel('Files and folders').fill(paths.join('\n'));
  await chooseCollection(page, 'Destination collection', to);
  await form.getByLabel('Destination folder').fill(folder);
  await form.getByRole('button', { name: 'Add to queue' }).click();
  await expect(form.getByRole('status')).toHaveText(`Added ${files} files for ${to} to the queue.`);
}

function count(page: Page, label: 'Queued' | 'Batched' | 'At Globus' | 'Succeeded' | 'Failed'): Locator {
  return page.getByRole('group', { name: label, exact: true });
}

test('a person sends a folder through the queue and sees every file succeed, in batches of N, in Activity too', async ({ page, serve, emulator }) => {
  test.setTimeout(90_000);
  const source = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  const destination = collectionRoot(emulator, DEMO_DESTINATION_COLLECTION_NAME);
  makeFiles(source, 'run1', 12);
  await signIn(page, serve);
  await openQueue(page);
  await expect(page.getByRole('status').filter({ hasText: 'Sending.' })).toBeVisible();

  // Five files per Globus task: twelve files make three tasks.
  const limits = page.getByRole('form', { name: 'Queue limits' });
  await limits.getByLabel('Files per task (N)').fill('5');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await expect(limits.getByRole('button', { name: 'Save limits' })).toBeDisabled();

  await send(page, DEMO_SOURCE_COLLECTION_NAME, ['/run1/'], DEMO_DESTINATION_COLLECTION_NAME, '/inbox/', 12);

  await expect(count(page, 'Succeeded')).toHaveText('Succeeded 12', { timeout: 45_000 });
  await expect(count(page, 'Queued')).toHaveText('Queued 0');
  await expect(count(page, 'Failed')).toHaveText('Failed 0');
  const meter = page.getByRole('meter', { name: 'Active Globus tasks' });
  await expect(meter).toHaveAttribute('aria-valuemax', '90');
  await expect(meter).toHaveAttribute('aria-valuenow', '0');
  for (let i = 0; i < 12; i++) {
    expect(existsSync(join(destination, 'inbox', 'run1', `file-${String(i).padStart(3, '0')}.dat`))).toBe(true);
  }
  // The items table lists each file with its state.
  const items = page.getByRole('table', { name: 'Queue items' });
  await expect(items.getByRole('row').filter({ hasText: '/run1/file-011.dat' })).toContainText('Succeeded');

  // The three tasks the queue submitted are in Activity.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Activity' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Ferry queue batch' })).toHaveCount(3);
});

test('a disabled destination holds its files until enabled; pause and resume', async ({ page, serve, emulator }) => {
  test.setTimeout(90_000);
  const source = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  const destination = collectionRoot(emulator, DEMO_DESTINATION_COLLECTION_NAME);
  makeFiles(source, 'held', 4);
  makeFiles(source, 'free', 3);
  await signIn(page, serve);
  await openQueue(page);

  // Paused: files wait in the queue, nothing goes to Globus.
  await page.getByRole('button', { name: 'Pause sending' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Paused' })).toBeVisible();
  await send(page, DEMO_SOURCE_COLLECTION_NAME, ['/held/'], DEMO_DESTINATION_COLLECTION_NAME, '/held-inbox/', 4);
  await expect(count(page, 'Queued')).toHaveText('Queued 4');

  // Turn the destination off while paused, then send other files to another destination.
  const toDestination = page.getByRole('switch', { name: `Send to ${DEMO_DESTINATION_COLLECTION_NAME}` });
  await toDestination.click();
  await expect(toDestination).not.toBeChecked();
  const destinationRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(DEMO_DESTINATION_COLLECTION_NAME) }) });
  await expect(destinationRow).toContainText('4 held');
  await send(page, DEMO_SOURCE_COLLECTION_NAME, ['/free/'], DEMO_SOURCE_COLLECTION_NAME, '/copies/', 3);
  await expect(count(page, 'Queued')).toHaveText('Queued 7');

  await page.getByRole('button', { name: 'Resume sending' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sending.' })).toBeVisible();
  // The enabled destination's files go; the disabled one's stay held.
  await expect(count(page, 'Succeeded')).toHaveText('Succeeded 3', { timeout: 30_000 });
  await expect(count(page, 'Queued')).toHaveText('Queued 4');
  await expect(destinationRow).toContainText('4 held');
  expect(existsSync(join(source, 'copies', 'free', 'file-002.dat'))).toBe(true);
  expect(existsSync(join(destination, 'held-inbox'))).toBe(false);

  // Turned on again, the held files go.
  await toDestination.click();
  await expect(toDestination).toBeChecked();
  await expect(count(page, 'Succeeded')).toHaveText('Succeeded 7', { timeout: 30_000 });
  await expect(count(page, 'Queued')).toHaveText('Queued 0');
  expect(existsSync(join(destination, 'held-inbox', 'held', 'file-003.dat'))).toBe(true);
});
