import { mkdirSync } from 'node:fs';
import { invoke } from './fixtures';
import { join } from 'node:path';
import {
  collectionRoot,
  DEMO_DESTINATION_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_NAME,
  expect,
  signIn,
  test,
} from './globus-fixtures';

// A watchdog hour of 100 ms: a 24-hour period passes in 2.4 s.
test.use({ serveEnv: { FERRY_WATCHDOG_HOUR_MS: '100' } });

test('a sync job that moves nothing for the watchdog period raises an alarm with a badge, and a person dismisses it', async ({ page, serve, emulator }) => {
  test.setTimeout(60_000);
  // An instrument folder that stays empty: the job runs on its schedule but never has anything to send.
  const folder = join(collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME), 'detector');
  mkdirSync(folder, { recursive: true });
  await signIn(page, serve);
  const nav = page.getByRole('navigation', { name: 'Areas' });
  await expect(nav.getByRole('button', { name: 'Activity', exact: true })).toBeVisible();

  // Settings → Alerts: the watchdog period, with its help; 2 hours (0.2 s here).
  await nav.getByRole('button', { name: 'Settings' }).click();
  const hours = page.getByLabel('Watchdog: alarm after this many quiet hours');
  await expect(hours).toHaveValue('24');
  await expect(page.getByText('moved nothing for this long raises an alarm in Activity')).toBeVisible();
  await hours.fill('0');
  await expect(page.getByText('The watchdog period must be at least 1 hour')).toBeVisible();
  await hours.fill('2');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();

  await invoke(serve, 'syncs:create', [
    {
      name: 'detector',
      source: { collectionId: DEMO_SOURCE_COLLECTION_ID, localPath: folder, collectionPath: '/detector' },
      destination: { collectionId: DEMO_DESTINATION_COLLECTION_ID, path: '/detector-backup' },
      schedule: { kind: 'interval', minutes: 60 },
      syncLevel: null,
      include: [],
      exclude: [],
      symlinks: 'skip',
      createEmptyDirs: false,
      enabled: true,
      maxItemsPerTransfer: 1000,
    },
  ]);

  // The alarm appears without reloading, once the period has passed, and the badge counts it
  // (with any other alert: Health also warns about the collections' missing consents).
  const badge = page.getByTestId('alerts-badge');
  await expect(badge).toHaveText(/^\d+ alerts?$/, { timeout: 15_000 });
  await nav.getByRole('button', { name: /^Activity \d+ alerts?$/ }).click();
  const alerts = page.getByRole('list', { name: 'Alerts' });
  const alarm = alerts.getByRole('listitem').filter({ hasText: 'Sync job "detector" moved nothing for 2 hours' });
  await expect(alarm).toBeVisible({ timeout: 15_000 });
  await expect(alarm).toContainText('It is expected to send data, but Ferry has not seen it move any data in the last 2 hours.');
  const badgeMatchesList = async () => {
    const n = await alerts.getByRole('listitem').count();
    if (n === 0) await expect(badge).toHaveCount(0);
    else await expect(badge).toHaveText(`${n} alert${n === 1 ? '' : 's'}`);
  };
  await expect(badgeMatchesList).toPass();

  // Dismissed, it goes, the badge counts one fewer (and it stays quiet until the job moves data again).
  await alarm.getByRole('button', { name: 'Dismiss: Sync job "detector" moved nothing for 2 hours' }).click();
  await expect(alarm).toHaveCount(0);
  await expect(badgeMatchesList).toPass();
});
