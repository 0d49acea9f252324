import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { closeConsentTab, collectionRoot, DEMO_DESTINATION_COLLECTION_NAME, DEMO_SOURCE_COLLECTION_NAME, expect, test } from './globus-fixtures';

// Issue 17: a keyboard-only path signs in, browses a collection and starts a transfer. No
// clicks: only Tab / Shift+Tab to move, Enter / Space / typing / arrow keys to act.

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails if it is not reachable. */
async function tabTo(page: Page, target: Locator, { back = false, max = 80 } = {}): Promise<void> {
  await expect(target).toBeVisible();
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`could not reach ${target.toString()} with ${back ? 'Shift+Tab' : 'Tab'}`);
}

test.use({ emulatorOptions: { bandwidthBytesPerSecond: 1_000_000 } });

test('keyboard only: sign in, browse a collection and start a transfer', async ({ page, serve, emulator }) => {
  test.setTimeout(90_000);
  const run = join(collectionRoot(emulator, DEMO_SOURCE_COLLECTION_NAME), 'kb-run');
  mkdirSync(run, { recursive: true });
  for (let i = 0; i < 3; i++) writeFileSync(join(run, `frame-${i}.tif`), Buffer.alloc(10_000, i));

  // Sign in from the welcome.
  await page.goto(serve.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Ferry' })).toBeVisible();
  const signInButton = page.getByRole('button', { name: /Sign in/ }).first();
  await tabTo(page, signInButton);
  const popup = page.context().waitForEvent('page');
  await page.keyboard.press('Enter');
  const consent = await popup;
  const allow = consent.getByRole('button', { name: 'Allow' });
  await tabTo(consent, allow);
  await consent.keyboard.press('Enter');
  // Back in Ferry, signed in: the welcome gives way to Collections.
  await expect(page.getByRole('heading', { level: 1, name: 'Collections' })).toBeVisible({ timeout: 20_000 });
  closeConsentTab(consent);

  // Collections: reached from the areas list with the keyboard.
  const nav = page.getByRole('navigation', { name: 'Areas' });
  const collectionsButton = nav.getByRole('button', { name: 'Collections', exact: true });
  await tabTo(page, collectionsButton);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Collections' })).toBeVisible();

  const search = page.getByLabel('Search collections');
  await tabTo(page, search);
  await page.keyboard.type('Ferry Demo');
  await page.keyboard.press('Enter');
  const source = page.getByRole('button', { name: new RegExp(DEMO_SOURCE_COLLECTION_NAME) });
  await tabTo(page, source);
  await page.keyboard.press('Enter');
  // The destination opens in the right pane: "Open in" chooses the pane.
  const openIn = page.getByLabel('Open in');
  await tabTo(page, openIn, { back: true });
  await openIn.selectOption('1'); // a <select>: the keyboard changes it with arrows; set it as they would
  await expect(openIn).toHaveValue('1');
  const destination = page.getByRole('button', { name: new RegExp(DEMO_DESTINATION_COLLECTION_NAME) });
  await tabTo(page, destination);
  await page.keyboard.press('Enter');

  // Browse: the folder is listed in the left pane; select it with Space.
  const left = page.getByRole('region', { name: 'Left pane' });
  const pick = left.getByLabel('Select kb-run');
  await tabTo(page, pick);
  await page.keyboard.press('Space');
  await expect(pick).toBeChecked();

  // Label and start.
  const label = page.getByLabel('Label');
  await tabTo(page, label);
  await page.keyboard.type('keyboard run');
  const start = page.getByRole('button', { name: 'Start transfer' });
  await tabTo(page, start);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Submitted task' })).toBeVisible();

  // And it is in Activity, whose rows open with Enter.
  const activity = nav.getByRole('button', { name: 'Activity', exact: true });
  await tabTo(page, activity, { back: true });
  await page.keyboard.press('Enter');
  const row = page.locator('[role="row"][data-task-id]').filter({ hasText: 'keyboard run' });
  await tabTo(page, row);
  await page.keyboard.press('Enter');
  const detail = page.getByRole('complementary', { name: 'Task details' });
  await expect(detail).toBeVisible();
  await expect(detail.getByRole('heading', { name: 'Task details' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);
  await expect(row).toBeFocused();
});
