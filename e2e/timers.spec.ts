import AxeBuilder from '@axe-core/playwright';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { advanceClock, revokeConsent } from './globus-emulator';
import { closeConsentTab, collectionRoot, DEMO_DESTINATION_COLLECTION_ID, DEMO_DESTINATION_COLLECTION_NAME, DEMO_SOURCE_COLLECTION_ID, DEMO_SOURCE_COLLECTION_NAME, expect, signIn, test } from './globus-fixtures';

/** Ferry reads the timers list every second here (default a minute). */
test.use({ serveEnv: { FERRY_TIMERS_POLL_MS: '1000' } });

async function openTimers(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Timers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Timers' })).toBeVisible();
}

/** Serious or critical WCAG 2.1 A/AA problems on the page now (rule ids). */
async function axeProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ') ?? ''}`);
}

/** Clicks `button`, then "Allow" on the Globus consent page that opens. */
async function consentVia(page: Page, button: string): Promise<void> {
  const popup = page.context().waitForEvent('page');
  await page.getByRole('button', { name: button }).click();
  const consent = await popup;
  await consent.getByRole('button', { name: 'Allow' }).click();
  closeConsentTab(consent);
}

/** Types a collection's name in a picker of the timer form, finds it and picks it. */
async function chooseCollection(page: Page, label: 'Source collection' | 'Destination collection', name: string): Promise<void> {
  const form = page.getByRole('form', { name: 'New timer' });
  await form.getByLabel(`${label}: search by name or paste an id`, { exact: true }).fill(name);
  await form.getByRole('button', { name: `Find ${label.toLowerCase()}` }).click();
  const matches = form.getByRole('list', { name: `${label}: matches` });
  await matches.getByRole('button', { name, exact: true }).click();
  await expect(form.getByLabel(`${label}: chosen`, { exact: true })).toHaveText(name);
}

test('a person creates a Globus timer, sees its runs in Activity, and repairs it after a consent is revoked', async ({ page, serve, emulator }) => {
  test.setTimeout(120_000);
  const source = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  const destination = collectionRoot(emulator, DEMO_DESTINATION_COLLECTION_NAME);
  mkdirSync(join(source, 'lab'), { recursive: true });
  writeFileSync(join(source, 'lab', 'reading-1.csv'), 'a,b\n1,2\n');
  await signIn(page, serve);
  await openTimers(page);

  // Ferry asks Globus for the Timers consent once.
  await consentVia(page, 'Allow Ferry to use Globus Timers');
  await expect(page.getByText('No timers yet.')).toBeVisible();

  // A timer from the pickers: every hour, from now, with a filter rule.
  await page.getByRole('button', { name: 'New timer' }).click();
  const form = page.getByRole('form', { name: 'New timer' });
  await form.getByLabel('Name', { exact: true }).fill('Lab mirror');
  await chooseCollection(page, 'Source collection', DEMO_SOURCE_COLLECTION_NAME);
  await form.getByLabel('Source path', { exact: true }).fill('/lab/');
  await chooseCollection(page, 'Destination collection', DEMO_DESTINATION_COLLECTION_NAME);
  await form.getByLabel('Destination path', { exact: true }).fill('/mirror/');
  // Globus' limit is said before anything is sent.
  await form.getByLabel('Unit', { exact: true }).selectOption('minutes');
  await form.getByLabel('Every', { exact: true }).fill('0.5');
  await form.getByRole('button', { name: 'Create timer' }).click();
  await expect(form.getByText('Globus runs a timer at most once a minute: choose an interval of at least 1 minute')).toBeVisible();
  await form.getByLabel('Every', { exact: true }).fill('1');
  await form.getByLabel('Unit', { exact: true }).selectOption('hours');

  await form.getByText('Transfer options').click();
  await form.getByRole('button', { name: 'Add rule' }).click();
  await form.getByLabel('Rule 1 pattern').fill('*.tmp');
  expect(await axeProblems(page)).toEqual([]);

  // Creating asks the data_access consent of the two collections under the Timers scope.
  await consentVia(page, 'Create timer');
  const timers = page.getByRole('table').first();
  const row = timers.getByRole('row').filter({ hasText: 'Lab mirror' });
  await expect(row).toContainText('Every 1 h');
  await expect(row).toContainText('/lab/ → /mirror/');

  // Its first run starts now: the timer's chart plots the file it moved.
  await expect(row).not.toContainText('Not yet', { timeout: 20_000 });
  await row.getByRole('button', { name: 'Lab mirror' }).click();
  const plot = page.getByRole('figure', { name: /^Files and bytes moved per run/ });
  await expect(plot).toHaveAccessibleName('Files and bytes moved per run, last 1 run: 1 file, 8 B in all; latest run 1 file, 8 B.', { timeout: 20_000 });

  // A new reading, and an hour later (the emulator's clock) the second run copies it.
  writeFileSync(join(source, 'lab', 'reading-2.csv'), 'a,b\n3,4\n5,6\n');
  await advanceClock(emulator.url, 3600);
  const runs = page.getByRole('table', { name: 'Runs' });
  await expect(runs.getByRole('row')).toHaveCount(3, { timeout: 20_000 });
  await expect(plot).toHaveAccessibleName('Files and bytes moved per run, last 2 runs: 2 files, 20 B in all; latest run 1 file, 12 B.', { timeout: 20_000 });
  await expect(plot.locator('figcaption')).toHaveText('Files and bytes moved per run, last 2 runs: 2 files, 20 B in all; latest run 1 file, 12 B.');
  await expect(plot.locator('canvas')).toHaveCount(1);
  expect((await plot.locator('canvas').boundingBox())?.width ?? 0).toBeGreaterThan(150);
  await plot.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(process.cwd(), '.tmp', 't17-plots', 'timer.png') });

  // Both runs are Transfer tasks in Activity; one opens from the timer.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Activity' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Timer: Lab mirror' })).toHaveCount(2, { timeout: 30_000 });
  expect(existsSync(join(destination, 'mirror', 'reading-1.csv'))).toBe(true);
  await openTimers(page);
  await row.getByRole('button', { name: 'Lab mirror' }).click();
  await runs.getByRole('button', { name: 'Show task in Activity' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
  const taskDetail = page.getByRole('complementary', { name: 'Task details' });
  await expect(taskDetail).toContainText('Timer: Lab mirror');
  // …and links back to its timer.
  await expect(taskDetail).toContainText('A run of the Globus timer Lab mirror');

  // The data_access consent is revoked at Globus: the next run makes the timer inactive.
  await revokeConsent(emulator.url, DEMO_SOURCE_COLLECTION_ID);
  await advanceClock(emulator.url, 3600);
  await openTimers(page);
  await expect(row.getByText('Needs consent')).toBeVisible({ timeout: 20_000 });
  await row.getByRole('button', { name: 'Lab mirror' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Needs consent.' })).toBeVisible();
  expect(await axeProblems(page)).toEqual([]);

  // One click: the consent Globus names, then the timer resumes with the new credentials.
  await consentVia(page, 'Grant consent and resume');
  await expect(row.getByText('Scheduled')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'Needs consent.' })).toBeHidden();

  // Resumed with the new consent, it makes the run it missed: a third task in Activity.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Activity' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Timer: Lab mirror' })).toHaveCount(3, { timeout: 30_000 });

  // Deleted after a confirmation that names it; its runs stay in Activity.
  await openTimers(page);
  await row.getByRole('button', { name: 'Lab mirror' }).click();
  await page.getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete the timer Lab mirror?' });
  await expect(confirm.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Delete timer' }).click();
  await expect(row).toHaveCount(0, { timeout: 20_000 });
});

test('a sync job whose source Globus reaches by itself offers to run on Globus instead, prefilled', async ({ page, serve, emulator }) => {
  const source = collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME);
  mkdirSync(join(source, 'detector'), { recursive: true });
  // A sync job made earlier (set up through Ferry's API, as the Syncs form would).
  const response = await fetch(`${serve.origin}/api/invoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke',
      id: 1,
      channel: 'syncs:create',
      args: [
        {
          name: 'Detector',
          source: { collectionId: DEMO_SOURCE_COLLECTION_ID, localPath: join(source, 'detector'), collectionPath: '/detector' },
          destination: { collectionId: DEMO_DESTINATION_COLLECTION_ID, path: '/archive' },
          schedule: { kind: 'interval', minutes: 30 },
          syncLevel: null,
          include: [],
          exclude: ['**/*.tmp'],
          symlinks: 'skip',
          createEmptyDirs: false,
          enabled: false,
          maxItemsPerTransfer: 1000,
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
  await signIn(page, serve);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Syncs' }).click();
  await page.getByRole('button', { name: 'Detector', exact: true }).click();
  await expect(page.getByText('Globus reaches the source collection on its own')).toBeVisible();
  await page.getByRole('button', { name: 'Run on Globus instead (Timer)' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Timers' })).toBeVisible();
  await consentVia(page, 'Allow Ferry to use Globus Timers');
  const form = page.getByRole('form', { name: 'New timer' });
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('Detector (on Globus)');
  await expect(form.getByLabel('Source path', { exact: true })).toHaveValue('/detector/');
  await expect(form.getByLabel('Destination path', { exact: true })).toHaveValue('/archive/');
  await expect(form.getByLabel('Every', { exact: true })).toHaveValue('30');
  // The picker names a collection it has not looked up by its id.
  await expect(form.getByLabel('Source collection: chosen', { exact: true })).toHaveText(DEMO_SOURCE_COLLECTION_ID);
  await form.getByText('Transfer options').click();
  await expect(form.getByLabel('Rule 1 pattern')).toHaveValue('*.tmp');
});
