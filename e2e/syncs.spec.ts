import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
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

/** Ferry asks about sync tasks every half second here (default 15 s). */
test.use({ serveEnv: { FERRY_SYNC_POLL_MS: '500' } });

/** A detector-like folder: `count` images a few seconds apart in one run folder. */
function makeRun(folder: string, count: number): void {
  mkdirSync(join(folder, 'run_001'), { recursive: true });
  const t0 = Math.floor(Date.now() / 1000) - 600;
  for (let i = 0; i < count; i++) {
    const file = join(folder, 'run_001', `img_${String(i).padStart(4, '0')}.tif`);
    writeFileSync(file, Buffer.alloc(2000 + i, i));
    utimesSync(file, t0 + i * 3, t0 + i * 3);
  }
}

/** Picks a collection by name as a person would: search, then choose it from the matches. */
async function pickCollection(form: Locator, label: 'Source collection' | 'Destination collection', name: string): Promise<void> {
  await form.getByLabel(`${label}: search by name or paste an id`, { exact: true }).fill(name);
  await form.getByRole('button', { name: `Find ${label.toLowerCase()}`, exact: true }).click();
  const matches = form.getByRole('list', { name: `${label}: matches` });
  await matches.getByRole('button', { name, exact: true }).click();
  await expect(matches).toBeHidden();
  await expect(form.getByLabel(`${label}: chosen`, { exact: true })).toHaveText(name);
}

async function openSyncs(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Syncs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Syncs' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sync jobs' })).toBeVisible();
}

test('a person creates a sync job, previews it, runs it now, and sees the AUTO_ task in Activity and the run in the history', async ({ page, serve, emulator }) => {
  test.setTimeout(90_000);
  const sourceRoot = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  const destinationRoot = collectionRoot(emulator, DEMO_DESTINATION_COLLECTION_NAME);
  const folder = join(sourceRoot, 'beamline');
  makeRun(folder, 5);

  await signIn(page, serve);
  await openSyncs(page);
  await expect(page.getByText('No sync jobs yet.')).toBeVisible();

  // Create: the form checks as the person types, then names what is wrong.
  await page.getByRole('button', { name: 'New sync job' }).click();
  const form = page.getByRole('form', { name: 'New sync job' });
  await form.getByLabel('Name', { exact: true }).fill('beamline');
  await pickCollection(form, 'Source collection', DEMO_SOURCE_COLLECTION_NAME);
  await form.getByLabel('Local folder', { exact: true }).fill('beamline');
  await form.getByLabel('Collection path of the local folder', { exact: true }).fill('/beamline');
  await pickCollection(form, 'Destination collection', DEMO_DESTINATION_COLLECTION_NAME);
  await form.getByLabel('Destination folder', { exact: true }).fill('/sync-backup');
  await form.getByRole('button', { name: 'Create job' }).click();
  await expect(form.getByText('The local folder must be an absolute path')).toBeVisible();
  await expect(form.getByRole('alert')).toHaveText('Fix the fields marked above.');
  await form.getByLabel('Local folder', { exact: true }).fill(folder);
  await form.getByRole('radio', { name: 'Only when I say' }).check();
  await form.getByLabel('Exclude globs', { exact: true }).fill('**/*.tmp');
  await form.getByRole('button', { name: 'Create job' }).click();
  await expect(form).toBeHidden();

  const jobs = page.getByRole('table', { name: 'Sync jobs' });
  const row = jobs.getByRole('row').filter({ hasText: 'beamline' });
  await expect(row).toContainText('Manual only');
  await expect(row).toContainText('Never run');
  await expect(row).toContainText('Enabled');
  const detail = page.getByRole('region', { name: 'beamline' });
  await expect(detail.getByText('No runs yet.')).toBeVisible();

  // Preview: a dry run says what would go, and sends nothing.
  await row.getByRole('button', { name: 'Preview beamline' }).click();
  const preview = detail.getByRole('region', { name: 'Preview' });
  await expect(preview.getByRole('status')).toContainText('5 of 5 files would be sent (10.0 KB)');
  await expect(preview.getByRole('table', { name: 'Files that would be sent' }).getByRole('row')).toHaveCount(6);
  await expect(preview.getByRole('cell', { name: 'run_001/img_0004.tif' })).toBeVisible();
  expect(existsSync(join(destinationRoot, 'sync-backup'))).toBe(false);

  // Run now: the run shows in the history with its AUTO_ label and ends Succeeded.
  await row.getByRole('button', { name: 'Run beamline now' }).click();
  const history = detail.getByRole('table', { name: 'Run history' });
  const runRow = history.getByRole('row').filter({ hasText: /AUTO_\d{4}-\d{2}-\d{2}_\d{6}/ });
  await expect(runRow).toHaveCount(1, { timeout: 20_000 });
  await expect(runRow).toContainText('Succeeded', { timeout: 30_000 });
  await expect(runRow).toContainText('5 files');
  const label = (await runRow.textContent())?.match(/AUTO_\d{4}-\d{2}-\d{2}_\d{6}/)?.[0] as string;
  expect(label).toBeTruthy();
  await expect(row).toContainText('Succeeded');
  await expect(row.getByRole('img', { name: 'Files per run: 5' })).toBeVisible();
  for (let i = 0; i < 5; i++) {
    const rel = join('run_001', `img_${String(i).padStart(4, '0')}.tif`);
    expect(readFileSync(join(destinationRoot, 'sync-backup', rel))).toEqual(readFileSync(join(folder, rel)));
  }

  // Its details: the log reads like globus_auto's and exports as a file...
  await runRow.getByRole('button', { name: `Details of ${label}` }).click();
  const log = detail.getByRole('log', { name: 'Run log' });
  await expect(log).toContainText('INFO: Scanning directory..');
  await expect(log).toContainText(`Initiating transfer ${label}`);
  const download = page.waitForEvent('download');
  await detail.getByRole('button', { name: 'Export log' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`beamline-${label}.log`);
  expect(readFileSync(await file.path(), 'utf8')).toContain(`Initiating transfer ${label}`);

  // ...and the files it sent, with the task that carried them, searchable and exported as CSV.
  const sent = detail.getByRole('region', { name: `Files sent by ${label}` });
  const taskId = (await runRow.getByRole('listitem').first().locator('.mono').textContent())?.trim() as string;
  await expect(sent.getByRole('status')).toHaveText('1–5 of 5 files sent');
  await expect(sent.getByRole('table', { name: 'Files sent' }).getByRole('row')).toHaveCount(6);
  await expect(sent.getByRole('row').filter({ hasText: 'run_001/img_0004.tif' })).toContainText(taskId);
  await sent.getByRole('searchbox', { name: 'Search files' }).fill('IMG_0003');
  await expect(sent.getByRole('status')).toHaveText('1–1 of 1 matching "IMG_0003" (of 5 sent)');
  await expect(sent.getByRole('table', { name: 'Files sent' }).getByRole('row')).toHaveCount(2);
  const csv = page.waitForEvent('download');
  await sent.getByRole('button', { name: 'Export CSV' }).click();
  const csvFile = await csv;
  expect(csvFile.suggestedFilename()).toBe(`beamline-${label}-files.csv`);
  const rows = readFileSync(await csvFile.path(), 'utf8').split('\r\n');
  expect(rows).toEqual(['path,size,mtime,task_id', expect.stringMatching(/^run_001\/img_0003\.tif,2003,\d{4}-\d\d-\d\dT[\d:.]+Z,/), '']);
  expect(rows[1]?.endsWith(`,${taskId}`)).toBe(true);

  // A second run finds nothing new.
  await row.getByRole('button', { name: 'Run beamline now' }).click();
  await expect(history.getByRole('row').filter({ hasText: 'No changes' })).toHaveCount(1, { timeout: 20_000 });
  await expect(row.getByRole('img', { name: 'Files per run: 5, 0' })).toBeVisible();

  // An entry that cannot be sent (a FIFO) does not stop the rest: the run succeeds with a warning.
  execFileSync('mkfifo', [join(folder, 'instrument.pipe')]);
  writeFileSync(join(folder, 'run_001', 'img_0005.tif'), Buffer.alloc(100, 5));
  await row.getByRole('button', { name: 'Run beamline now' }).click();
  const warned = history.getByRole('row').filter({ hasText: 'Succeeded with 1 warning' });
  await expect(warned).toHaveCount(1, { timeout: 30_000 });
  await expect(warned).toContainText('1 file');
  await expect(warned).not.toContainText('1 files');
  await expect(row).toContainText('Succeeded with 1 warning');
  expect(readFileSync(join(destinationRoot, 'sync-backup', 'run_001', 'img_0005.tif'))).toEqual(Buffer.alloc(100, 5));

  // The AUTO_ task is in Activity.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Activity' }).click();
  await expect(page.getByRole('row').filter({ hasText: label })).toHaveCount(1);
});

test('pause and resume a job; a local folder that does not exist is refused by name', async ({ page, serve, emulator }) => {
  test.setTimeout(60_000);
  const sourceRoot = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  await signIn(page, serve);
  await openSyncs(page);
  await page.getByRole('button', { name: 'New sync job' }).click();
  const form = page.getByRole('form', { name: 'New sync job' });
  await form.getByLabel('Name', { exact: true }).fill('nightly');
  await pickCollection(form, 'Source collection', DEMO_SOURCE_COLLECTION_NAME);
  await form.getByLabel('Local folder', { exact: true }).fill(join(sourceRoot, 'not-there'));
  await form.getByLabel('Collection path of the local folder', { exact: true }).fill('/not-there');
  await pickCollection(form, 'Destination collection', DEMO_DESTINATION_COLLECTION_NAME);
  await form.getByLabel('Destination folder', { exact: true }).fill('/nightly');
  await form.getByRole('radio', { name: 'On a cron schedule' }).check();
  await form.getByLabel('Cron expression', { exact: true }).fill('0 25 * * *');
  await form.getByRole('button', { name: 'Create job' }).click();
  await expect(form.getByText(/Not a valid cron expression/)).toBeVisible();
  await form.getByLabel('Cron expression', { exact: true }).fill('0 3 * * *');
  await form.getByRole('button', { name: 'Create job' }).click();
  await expect(page.getByText(/does not exist on this machine/)).toBeVisible();

  mkdirSync(join(sourceRoot, 'not-there'), { recursive: true });
  await form.getByRole('button', { name: 'Create job' }).click();
  await expect(form).toBeHidden();
  const row = page.getByRole('table', { name: 'Sync jobs' }).getByRole('row').filter({ hasText: 'nightly' });
  await expect(row).toContainText('Cron 0 3 * * *');
  await row.getByRole('button', { name: 'Pause nightly' }).click();
  await expect(row).toContainText('Paused');
  await expect(row.getByRole('cell').nth(1)).toHaveText('—');
  await row.getByRole('button', { name: 'Resume nightly' }).click();
  await expect(row).toContainText('Enabled');
});

test('a watched folder sends a file within seconds of its writing, and the confirmed verified move deletes it here', async ({ page, serve, emulator }) => {
  test.setTimeout(90_000);
  const sourceRoot = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  const destinationRoot = collectionRoot(emulator, DEMO_DESTINATION_COLLECTION_NAME);
  const folder = join(sourceRoot, 'instrument');
  mkdirSync(join(folder, 'run_001'), { recursive: true });
  await signIn(page, serve);
  await openSyncs(page);
  await page.getByRole('button', { name: 'New sync job' }).click();
  const form = page.getByRole('form', { name: 'New sync job' });
  await form.getByLabel('Name', { exact: true }).fill('instrument');
  await pickCollection(form, 'Source collection', DEMO_SOURCE_COLLECTION_NAME);
  await form.getByLabel('Local folder', { exact: true }).fill(folder);
  await form.getByLabel('Collection path of the local folder', { exact: true }).fill('/instrument');
  await pickCollection(form, 'Destination collection', DEMO_DESTINATION_COLLECTION_NAME);
  await form.getByLabel('Destination folder', { exact: true }).fill('/instrument-backup');
  await form.getByRole('radio', { name: 'When files change' }).check();
  await form.getByLabel('Seconds of quiet before a run', { exact: true }).fill('1');

  // The move needs checksums, and asks before it turns on; "Keep local files" leaves it off.
  const move = form.getByRole('checkbox', { name: /Move: delete local files/ });
  await expect(move).toBeDisabled();
  await form.getByRole('checkbox', { name: /Verify checksums/ }).check();
  await move.click(); // asks first (a modal dialog: the form is out of reach meanwhile); not checked until confirmed
  const ask = page.getByRole('alertdialog', { name: 'Delete files from this machine after each run?' });
  await expect(ask).toContainText('This cannot be undone.');
  await ask.getByRole('button', { name: 'Keep local files' }).click();
  await expect(ask).toBeHidden();
  await expect(move).not.toBeChecked();
  await move.click();
  await ask.getByRole('button', { name: 'Yes, delete after verified transfers' }).click();
  await expect(move).toBeChecked();
  await form.getByRole('button', { name: 'Create job' }).click();
  await expect(form).toBeHidden();
  const row = page.getByRole('table', { name: 'Sync jobs' }).getByRole('row').filter({ hasText: 'instrument' });
  await expect(row).toContainText('On change (1 s quiet; full scan every 60 min)');

  // An instrument writes a file: a run with trigger "watch" sends it, then the move deletes it here.
  const file = join(folder, 'run_001', 'img_0000.tif');
  writeFileSync(file, Buffer.alloc(4096, 7));
  const history = page.getByRole('region', { name: 'instrument' }).getByRole('table', { name: 'Run history' });
  const runRow = history.getByRole('row').filter({ hasText: 'watch' }).filter({ hasText: '1 file' });
  await expect(runRow).toContainText('Succeeded', { timeout: 30_000 });
  expect(readFileSync(join(destinationRoot, 'instrument-backup', 'run_001', 'img_0000.tif'))).toEqual(Buffer.alloc(4096, 7));
  expect(existsSync(file)).toBe(false);
  const label = (await runRow.textContent())?.match(/AUTO_\d{4}-\d{2}-\d{2}_\d{6}(_\d+)?/)?.[0] as string;
  await runRow.getByRole('button', { name: `Details of ${label}` }).click();
  await expect(page.getByRole('log', { name: 'Run log' })).toContainText('Verified move: deleted run_001/img_0000.tif');
});
