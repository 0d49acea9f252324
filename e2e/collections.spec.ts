import type { Page } from '@playwright/test';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';
import { collectionRoot, DEMO_DESTINATION_COLLECTION_ID, DEMO_DESTINATION_COLLECTION_NAME, DEMO_SOURCE_COLLECTION_ID, DEMO_SOURCE_COLLECTION_NAME, expect, openCollection, signIn, test } from './globus-fixtures';
import { invoke } from './fixtures';

async function openBoth(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Collections' }).click();
  await page.getByLabel('Search collections').fill('Ferry Demo');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: new RegExp(DEMO_SOURCE_COLLECTION_NAME) }).click();
  await page.getByLabel('Open in').selectOption('1');
  await page.getByRole('button', { name: new RegExp(DEMO_DESTINATION_COLLECTION_NAME) }).click();
}

test('a transfer lands in the destination pane without a click, with its options, and the panes survive a trip to Activity', async ({ page, serve, emulator }) => {
  const source = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  const destination = collectionRoot(emulator, DEMO_DESTINATION_COLLECTION_NAME);
  mkdirSync(join(source, 'batch'), { recursive: true });
  writeFileSync(join(source, 'batch', 'keep.h5'), Buffer.alloc(2000, 1));
  writeFileSync(join(source, 'batch', 'skip.tmp'), Buffer.alloc(2000, 2));
  await signIn(page, serve);
  await openBoth(page);

  const left = page.getByRole('region', { name: 'Left pane' });
  const right = page.getByRole('region', { name: 'Right pane' });
  const start = page.getByRole('button', { name: 'Start transfer' });
  await expect(start).toBeDisabled();
  await expect(page.getByText('Select the files or folders to send.')).toBeVisible();

  await left.getByLabel('Select batch').check();
  await expect(start).toBeEnabled();
  await page.getByText('Transfer options').click();
  await page.getByLabel('Which files to copy').selectOption({ label: 'Files missing or whose checksum differs' });
  await page.getByLabel('Keep modification times').check();
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Rule 1 pattern').fill('*.tmp');
  await page.getByLabel('Label').fill('batch with rules');
  await start.click();
  await expect(page.getByRole('status').filter({ hasText: 'Submitted task' })).toBeVisible();

  // The destination pane lists the folder that arrived, without any click.
  await expect(right.getByRole('button', { name: 'batch', exact: true })).toBeVisible({ timeout: 20_000 });
  expect(existsSync(join(destination, 'batch', 'keep.h5'))).toBe(true);

  // A refresh button lists what changed behind Ferry's back.
  writeFileSync(join(destination, 'notes.txt'), 'hello');
  await right.getByRole('button', { name: 'Refresh right pane' }).click();
  await expect(right.getByText('notes.txt')).toBeVisible();

  // State survives moving between areas: search, "open in", each pane's folder, selection and filter.
  await right.getByLabel('Right filter by name').fill('notes');
  await right.getByLabel('Select notes.txt').check();
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Activity' }).click();
  await expect(page.getByText('batch with rules').first()).toBeVisible();
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Collections' }).click();
  await expect(page.getByLabel('Search collections')).toHaveValue('Ferry Demo');
  await expect(page.getByLabel('Open in')).toHaveValue('1');
  await expect(right.getByLabel('Right filter by name')).toHaveValue('notes');
  await expect(right.getByLabel('Select notes.txt')).toBeChecked();
  await expect(right.getByRole('button', { name: 'batch', exact: true })).toHaveCount(0);
  await expect(left.getByRole('button', { name: 'batch', exact: true })).toBeVisible();

  // The pair's options are remembered for the next transfer.
  await expect(page.getByLabel('Which files to copy')).toHaveValue('3');
  await expect(page.getByLabel('Keep modification times')).toBeChecked();
  await expect(page.getByLabel('Rule 1 pattern')).toHaveValue('*.tmp');
});

test('file operations: new folder, rename, filter, hidden files, select all, and a delete task that shows in Activity', async ({ page, serve, emulator }) => {
  const source = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  mkdirSync(join(source, 'old-run'), { recursive: true });
  writeFileSync(join(source, 'old-run', 'frame.tif'), Buffer.alloc(1000, 1));
  writeFileSync(join(source, 'draft.txt'), 'x');
  writeFileSync(join(source, '.secret'), 'y');
  await signIn(page, serve);
  await openBoth(page);
  const left = page.getByRole('region', { name: 'Left pane' });

  // Hidden files only on request.
  await expect(left.getByText('draft.txt')).toBeVisible();
  await expect(left.getByText('.secret')).toHaveCount(0);
  await left.getByLabel('Show hidden').check();
  await expect(left.getByText('.secret')).toBeVisible();
  await left.getByLabel('Show hidden').uncheck();

  // New folder, then rename a file.
  await left.getByRole('button', { name: 'New folder' }).click();
  await left.getByLabel('Left new folder name').fill('fresh');
  await left.getByRole('button', { name: 'Create' }).click();
  await expect(left.getByRole('button', { name: 'fresh', exact: true })).toBeVisible();
  await left.getByLabel('Select draft.txt').check();
  await left.getByRole('button', { name: 'Rename' }).click();
  await left.getByLabel('Left new name for draft.txt').fill('final.txt');
  await left.getByRole('button', { name: 'Rename' }).last().click();
  await expect(left.getByText('final.txt')).toBeVisible();
  expect(existsSync(join(source, 'final.txt'))).toBe(true);

  // Sort by any column: size, largest first (folders stay on top).
  const names = () => left.getByRole('row').locator('td:nth-child(2)').allInnerTexts();
  writeFileSync(join(source, 'big.bin'), Buffer.alloc(5000, 3));
  await left.getByRole('button', { name: 'Refresh left pane' }).click();
  await left.getByRole('button', { name: 'Size' }).click();
  await left.getByRole('button', { name: 'Size' }).click();
  await expect(left.getByRole('columnheader', { name: /Size/ })).toHaveAttribute('aria-sort', 'descending');
  expect((await names()).slice(-2)).toEqual(['big.bin', 'final.txt']);

  // Breadcrumbs: into a folder, back to the top.
  await left.getByRole('button', { name: 'old-run', exact: true }).click();
  await expect(left.getByText('frame.tif')).toBeVisible();
  await left.getByRole('navigation', { name: 'Left breadcrumbs' }).getByRole('button').first().click();
  await expect(left.getByText('final.txt')).toBeVisible();

  // Filter by name and select all of what is shown.
  await left.getByLabel('Left filter by name').fill('run');
  await left.getByLabel('Select all in left pane').check();
  await expect(left.getByLabel('Select old-run')).toBeChecked();
  await expect(left.getByText('1 item selected')).toBeVisible();

  // Delete: the confirmation names what goes; a Globus delete task runs and the folder goes from the pane.
  await left.getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('alertdialog', { name: /^Delete 1 item from .+\?$/ });
  await expect(confirm).toContainText('old-run');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Delete 1 item' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Submitted delete task' })).toBeVisible();
  await left.getByLabel('Left filter by name').fill('');
  await expect(left.getByRole('button', { name: 'old-run', exact: true })).toHaveCount(0, { timeout: 20_000 });
  expect(existsSync(join(source, 'old-run'))).toBe(false);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Activity' }).click();
  await expect(page.getByText('Delete old-run').first()).toBeVisible();
});

test('dragging the selection onto the other pane starts a transfer there', async ({ page, serve, emulator }) => {
  const source = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  const destination = collectionRoot(emulator, DEMO_DESTINATION_COLLECTION_NAME);
  writeFileSync(join(source, 'one.dat'), Buffer.alloc(100, 1));
  writeFileSync(join(source, 'two.dat'), Buffer.alloc(100, 2));
  writeFileSync(join(source, 'three.dat'), Buffer.alloc(100, 3));
  await signIn(page, serve);
  await openBoth(page);
  const left = page.getByRole('region', { name: 'Left pane' });
  const right = page.getByRole('region', { name: 'Right pane' });
  // The keyboard moves the selection.
  await left.getByRole('table', { name: 'Left listing' }).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(left.getByText('2 items selected')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(left.getByText(/items? selected/)).toHaveCount(0);
  // Click one, shift-click another: a range.
  await left.getByText('one.dat').click();
  await left.getByText('two.dat').click({ modifiers: ['Shift'] });
  await expect(left.getByText('3 items selected')).toBeVisible();
  await left.getByText('three.dat').click({ modifiers: ['ControlOrMeta'] });
  await expect(left.getByText('2 items selected')).toBeVisible();
  await left.getByText('one.dat').dragTo(right.getByRole('table', { name: 'Right listing' }));
  await expect(page.getByRole('status').filter({ hasText: 'Submitted task' })).toBeVisible();
  await expect(right.getByText('two.dat')).toBeVisible({ timeout: 20_000 });
  await expect(right.getByText('one.dat')).toBeVisible();
  await expect(right.getByText('three.dat')).toHaveCount(0);
  expect(existsSync(join(destination, 'one.dat'))).toBe(true);
});

/** Every file below `root`, relative to it, sorted. */
function filesUnder(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath, d.name)))
    .sort();
}

test('a mirror with an exclude rule copies, deletes the extras and leaves excluded names alone', async ({ page, serve, emulator }) => {
  const source = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  const destination = collectionRoot(emulator, DEMO_DESTINATION_COLLECTION_NAME);
  mkdirSync(join(source, 'mirror', 'sub'), { recursive: true });
  writeFileSync(join(source, 'mirror', 'a.dat'), Buffer.alloc(300, 1));
  writeFileSync(join(source, 'mirror', 'b.dat'), Buffer.alloc(300, 2));
  writeFileSync(join(source, 'mirror', 'sub', 'c.dat'), Buffer.alloc(300, 3));
  writeFileSync(join(source, 'mirror', 'scratch.tmp'), 'not sent');
  mkdirSync(join(destination, 'mirror', 'gone'), { recursive: true });
  writeFileSync(join(destination, 'mirror', 'a.dat'), 'stale');
  writeFileSync(join(destination, 'mirror', 'extra.dat'), 'extra');
  writeFileSync(join(destination, 'mirror', 'gone', 'x.dat'), 'x');
  writeFileSync(join(destination, 'mirror', 'local.tmp'), 'excluded, so kept');
  await signIn(page, serve);
  await openBoth(page);
  const left = page.getByRole('region', { name: 'Left pane' });

  await left.getByLabel('Select mirror').check();
  await page.getByText('Transfer options').click();
  await page.getByLabel('Delete files at the destination that the source does not have').check();
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Rule 1 pattern').fill('*.tmp');
  await page.getByRole('button', { name: 'Preview mirror' }).click();
  const preview = page.getByRole('region', { name: 'Transfer preview' });
  await expect(preview).toContainText('delete 2 items');
  await page.getByRole('button', { name: 'Start transfer' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Submitted task' })).toBeVisible();

  await expect.poll(() => filesUnder(join(destination, 'mirror')), { timeout: 20_000 }).toEqual(['a.dat', 'b.dat', 'local.tmp', join('sub', 'c.dat')]);
  expect(existsSync(join(destination, 'mirror', 'gone'))).toBe(false);
  expect(readFileSync(join(destination, 'mirror', 'a.dat'))).toEqual(Buffer.alloc(300, 1));
});

test('a collection\u2019s details; a bookmark is one of the person\u2019s Globus bookmarks: kept at Globus, not in Ferry\u2019s data folder, and gone when removed', async ({ page, serve, emulator }) => {
  await signIn(page, serve);
  await openCollection(page, DEMO_DESTINATION_COLLECTION_NAME);
  // What the collection is, before trusting it with data.
  await page.getByRole('button', { name: 'About the left collection' }).click();
  const about = page.getByRole('dialog', { name: 'About the left collection' });
  await expect(about).toContainText('KindMapped collection (Globus Connect Server 5)');
  await expect(about).toContainText('Example Research Lab');
  // Globus serves it without a consent today: nothing to grant.
  await expect(about).not.toContainText('data_access consent');
  await page.getByRole('button', { name: 'About the left collection' }).click();
  await expect(about).toHaveCount(0);
  // Once the collection asks for a data_access consent, its details say so.
  await emulator.control.requireConsent(DEMO_DESTINATION_COLLECTION_ID);
  await page.getByRole('button', { name: 'About the left collection' }).click();
  await expect(about).toContainText('Needs your data_access consent before Ferry can read or write it');
  await page.keyboard.press('Escape');
  await expect(about).toHaveCount(0);

  await page.getByRole('button', { name: 'Bookmark left folder' }).click();
  const bookmarks = page.getByLabel('Bookmarks');
  const chip = bookmarks.getByRole('button', { name: new RegExp(`★ ${DEMO_DESTINATION_COLLECTION_NAME}`) });
  await expect(chip).toBeVisible();
  await expect(chip).not.toContainText('this computer');
  // Where it is kept shows in a tooltip on hover and on keyboard focus, which describes the button.
  await chip.focus();
  await expect(page.getByRole('tooltip')).toContainText('a Globus bookmark');
  await expect(chip).toHaveAccessibleDescription(/a Globus bookmark/);

  // Kept at Globus (app.globus.org lists it too), not in Ferry's data folder.
  const localFile = join(serve.dataDir, 'bookmarks.json');
  expect(existsSync(localFile) ? readFileSync(localFile, 'utf8') : '').not.toContain('"collectionId"');
  await page.reload();
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Collections' }).click();
  await expect(chip).toBeVisible();
  await bookmarks.getByRole('button', { name: new RegExp(`Remove bookmark ${DEMO_DESTINATION_COLLECTION_NAME}`) }).click();
  await expect(bookmarks).toHaveCount(0);
});

test('bookmarks kept on this computer from before are offered once for copying to Globus', async ({ page, serve }) => {
  writeFileSync(
    join(serve.dataDir, 'bookmarks.json'),
    JSON.stringify({ version: 1, bookmarks: [{ id: 'old-1', collectionId: DEMO_DESTINATION_COLLECTION_ID, displayName: 'Old runs', path: '/runs/' }] }),
  );
  await signIn(page, serve);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Collections' }).click();
  const offer = page.getByRole('group', { name: 'Bookmarks on this computer' });
  await expect(offer).toContainText('1 bookmark is kept only on this computer');
  await offer.getByRole('button', { name: 'Copy to Globus' }).click();
  await expect(offer).toHaveCount(0);
  const chip = page.getByLabel('Bookmarks').getByRole('button', { name: /★ Old runs/ });
  await expect(chip).toBeVisible();
  await expect(chip).not.toContainText('this computer');
  await page.reload();
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Collections' }).click();
  await expect(page.getByLabel('Bookmarks').getByRole('button', { name: /★ Old runs/ })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Bookmarks on this computer' })).toHaveCount(0);
});

test('every transfer option a person sets reaches the Globus task document', async ({ page, serve, emulator }) => {
  const source = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  mkdirSync(join(source, 'opts'), { recursive: true });
  writeFileSync(join(source, 'opts', 'a.h5'), Buffer.alloc(500, 1));
  writeFileSync(join(source, 'opts', 'b.tmp'), Buffer.alloc(500, 2));
  await signIn(page, serve);
  await openBoth(page);
  const left = page.getByRole('region', { name: 'Left pane' });
  await left.getByLabel('Select opts').check();
  await page.getByText('Transfer options').click();
  await page.getByLabel('Which files to copy').selectOption({ label: 'Files missing or of a different size' });
  for (const option of ['Keep modification times', 'Encrypt the data', 'Stop when the destination is full', 'Skip files that cannot be read']) {
    await page.getByLabel(option).check();
  }
  const verify = page.getByLabel('Verify file integrity');
  if (!(await verify.isChecked())) await verify.check();
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Rule 1 pattern').fill('*.tmp');
  await page.getByLabel('Rule 1 applies to').selectOption({ index: 1 });
  const deadline = new Date(Date.now() + 3 * 24 * 3600 * 1000);
  const local = new Date(deadline.getTime() - deadline.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await page.getByLabel('Give up after').fill(local);
  await page.getByLabel('Label').fill('every option');
  await page.getByRole('button', { name: 'Start transfer' }).click();
  const status = page.getByRole('status').filter({ hasText: 'Submitted task' });
  await expect(status).toBeVisible();
  const taskId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec((await status.textContent()) ?? '')?.[0] ?? '';

  const detail = await invoke<{ task: Record<string, unknown> | null }>(serve, 'activity:detail', [taskId]);
  expect(detail.task).toMatchObject({
    label: 'every option',
    sync_level: 1,
    verify_checksum: true,
    preserve_timestamp: true,
    encrypt_data: true,
    fail_on_quota_errors: true,
    skip_source_errors: true,
    delete_destination_extra: false,
    filter_rules: [{ DATA_TYPE: 'filter_rule', method: 'exclude', name: '*.tmp', type: 'file' }],
  });
  const sentDeadline = Date.parse(String(detail.task?.['deadline']));
  expect(Math.abs(sentDeadline - Math.floor(deadline.getTime() / 60_000) * 60_000)).toBeLessThan(61_000);
});

test('an action that cannot run is disabled and says why beside it', async ({ page, serve, emulator }) => {
  const source = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  mkdirSync(join(source, 'run-3'), { recursive: true });
  writeFileSync(join(source, 'one.txt'), '1');
  writeFileSync(join(source, 'two.txt'), '2');
  await signIn(page, serve);
  await openBoth(page);
  const left = page.getByRole('region', { name: 'Left pane' });
  const tools = left.getByRole('toolbar', { name: 'Left pane actions' });
  const start = page.getByRole('button', { name: 'Start transfer' });

  // Nothing selected: the transfer, rename, delete and download each say what to do first.
  await expect(start).toBeDisabled();
  await expect(start).toHaveAccessibleDescription('Select the files or folders to send.');
  await expect(page.getByRole('button', { name: 'Preview', exact: true })).toHaveAccessibleDescription('Select the files or folders to send.');
  await expect(tools.getByText('Select an item to rename, delete, link or download it.')).toBeVisible();
  for (const name of ['Rename', 'Delete', 'Copy link', 'Download…']) {
    await expect(tools.getByRole('button', { name, exact: true })).toBeDisabled();
    await expect(tools.getByRole('button', { name, exact: true })).toHaveAccessibleDescription('Select an item to rename, delete, link or download it.');
  }

  // Two files: rename wants exactly one; delete and download can run.
  await left.getByLabel('Select one.txt').check();
  await left.getByLabel('Select two.txt').check();
  await expect(start).toBeEnabled();
  await expect(tools.getByRole('button', { name: 'Rename', exact: true })).toBeDisabled();
  await expect(tools.getByText('Select exactly one item to rename.')).toBeVisible();
  await expect(tools.getByRole('button', { name: 'Delete', exact: true })).toBeEnabled();
  await expect(tools.getByRole('button', { name: 'Download…', exact: true })).toBeEnabled();
  // A link is for one file.
  await expect(tools.getByRole('button', { name: 'Copy link', exact: true })).toHaveAccessibleDescription('Select one file to copy its link.');
  await left.getByLabel('Select two.txt').uncheck();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await tools.getByRole('button', { name: 'Copy link', exact: true }).click();
  const link = `${emulator.url}/https/${DEMO_SOURCE_COLLECTION_ID}/one.txt`;
  await expect(left.getByRole('status').filter({ hasText: 'Copied' })).toContainText(link);
  // Runs in the page (the e2e project has no DOM types).
  expect(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(link);
  await left.getByLabel('Select two.txt').check();

  // A folder is not downloaded over HTTPS.
  await left.getByLabel('Select run-3').check();
  await expect(tools.getByRole('button', { name: 'Download…', exact: true })).toBeDisabled();
  await expect(tools.getByText('Folders are not downloaded over HTTPS; transfer them with Globus.')).toBeVisible();

  // Both panes on the same folder: nothing to send.
  await page.getByLabel('Open in').selectOption('1');
  await page.getByRole('button', { name: new RegExp(DEMO_SOURCE_COLLECTION_NAME) }).click();
  await expect(start).toBeDisabled();
  await expect(page.getByText('Both panes show the same folder; open another folder on one side.')).toBeVisible();
});
