import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, startServeProcess, test as base, type ServeHandle } from './fixtures';
import { DEMO_DESTINATION_COLLECTION_NAME, openCollection, signIn, test as globusTest } from './globus-fixtures';

// Issue 17: dialogs and tabs come from an accessible primitives library (Radix). What a keyboard
// user relies on: a confirmation traps the focus, starts on the safe button, closes with Escape
// and gives the focus back to whatever opened it; tabs move with the arrow keys; a popover and a
// type-ahead work from the keyboard. What is open passes the same axe audit as every area.

/** Serious or critical axe violations (WCAG 2.1 A and AA) on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** `ferry serve` with a ProxyStore home of its own, so an object store can be made and removed. */
const test = base.extend<{ psServe: ServeHandle }>({
  // eslint-disable-next-line no-empty-pattern
  psServe: async ({}, use, testInfo) => {
    const dataDir = join(testInfo.outputDir, 'ferry-data');
    const home = join(testInfo.outputDir, 'proxystore-home');
    mkdirSync(home, { recursive: true });
    const handle = await startServeProcess(dataDir, { PROXYSTORE_HOME: home });
    await use(handle);
    await handle.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  },
});

/** Chromium's reports of anything the Content-Security-Policy refused (inline styles of the primitives …). */
function cspRefusals(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return refused;
}

async function openArea(page: Page, serve: ServeHandle, name: string): Promise<void> {
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('a confirmation traps the focus, closes with Escape and returns the focus to its button', async ({ page, psServe }) => {
  const refused = cspRefusals(page);
  await openArea(page, psServe, 'Object stores');
  const form = page.getByRole('form', { name: 'Create an object store' });
  await form.getByLabel('Name').fill('scratch');
  await form.getByRole('button', { name: 'Create object store' }).click();
  await expect(form.getByRole('status')).toHaveText('Created scratch. Start it from the table.');

  const row = page.getByRole('row', { name: 'scratch', exact: true });
  const remove = row.getByRole('button', { name: 'Remove scratch' });
  await remove.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('alertdialog', { name: 'Remove scratch?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('This cannot be undone.');
  // It starts on the safe button, and Tab / Shift+Tab stay inside the dialog.
  const cancel = dialog.getByRole('button', { name: 'Cancel' });
  const confirm = dialog.getByRole('button', { name: 'Remove object store' });
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(confirm).toBeFocused();
  // The rest of the page is out of reach while it is open.
  await expect(page.getByRole('navigation', { name: 'Areas' })).toHaveCount(0);
  // In both themes the open dialog passes axe (contrast of the danger button included).
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    expect(await seriousViolations(page)).toEqual([]);
  }

  // Escape leaves everything as it was and gives the focus back.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(remove).toBeFocused();
  await expect(row).toBeVisible();

  // Saying yes with the keyboard does it.
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText('No object stores yet.')).toBeVisible();
  expect(refused).toEqual([]);
});

test('a confirmation opened by a checkbox returns the focus to the checkbox, which stays off', async ({ page, serve }) => {
  await openArea(page, serve, 'Syncs');
  await page.getByRole('button', { name: 'New sync job' }).click();
  const form = page.getByRole('form', { name: 'New sync job' });
  await form.getByRole('checkbox', { name: /Verify checksums/ }).check();
  const move = form.getByRole('checkbox', { name: /Move: delete local files/ });
  await move.focus();
  await page.keyboard.press('Space');
  const ask = page.getByRole('alertdialog', { name: 'Delete files from this machine after each run?' });
  await expect(ask.getByRole('button', { name: 'Keep local files' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(ask).toHaveCount(0);
  await expect(move).toBeFocused();
  await expect(move).not.toBeChecked();
});

test('tabs move and select with the arrow keys, Home and End', async ({ page, serve }) => {
  await openArea(page, serve, 'Connectors');
  const tabs = page.getByRole('tablist', { name: 'Connector settings' });
  const first = tabs.getByRole('tab', { name: 'Connectors and policies' });
  const second = tabs.getByRole('tab', { name: 'Globus endpoints file' });
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: 'Connectors and policies' })).toBeVisible();

  await first.focus();
  await page.keyboard.press('ArrowRight');
  await expect(second).toBeFocused();
  await expect(second).toHaveAttribute('aria-selected', 'true');
  await expect(first).toHaveAttribute('aria-selected', 'false');
  await expect(page.getByRole('tabpanel', { name: 'Globus endpoints file' })).toBeVisible();
  // One tab stop: the unselected tab is not in the Tab order.
  await expect(first).toHaveAttribute('tabindex', '-1');

  await page.keyboard.press('ArrowRight'); // wraps around
  await expect(first).toBeFocused();
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(second).toBeFocused();
  await page.keyboard.press('Home');
  await expect(first).toBeFocused();
  await expect(page.getByRole('tabpanel', { name: 'Connectors and policies' })).toBeVisible();
});

globusTest('the collection details popover opens from the keyboard, closes with Escape and gives the focus back', async ({ page, serve }) => {
  const refused = cspRefusals(page);
  await signIn(page, serve);
  await openCollection(page, DEMO_DESTINATION_COLLECTION_NAME);

  const about = page.getByRole('button', { name: 'About the left collection' });
  await about.focus();
  // The icon button's hint is a tooltip on focus too, and describes the button.
  await expect(page.getByRole('tooltip')).toHaveText('About this collection');
  await expect(about).toHaveAccessibleDescription('About this collection');
  await page.keyboard.press('Enter');
  await expect(about).toHaveAttribute('aria-expanded', 'true');
  const details = page.getByRole('dialog', { name: 'About the left collection' });
  await expect(details).toContainText('Mapped collection (Globus Connect Server 5)');
  // The focus moved into it.
  await expect(details).toBeFocused();
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    expect(await seriousViolations(page)).toEqual([]);
  }
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await expect(about).toBeFocused();
  await expect(about).toHaveAttribute('aria-expanded', 'false');
  expect(refused).toEqual([]);
});

globusTest('the group type-ahead follows the combobox pattern: arrows choose, Enter picks, Escape closes', async ({ page, serve }) => {
  await signIn(page, serve);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Sharing' }).click();
  await page.getByRole('radio', { name: 'A group' }).check();
  const field = page.getByRole('combobox', { name: 'Group name (or paste a group id)' });
  await expect(field).toHaveAttribute('aria-expanded', 'false');
  await field.fill('Example');
  const list = page.getByRole('listbox', { name: 'Matching groups' });
  const lab = list.getByRole('option', { name: 'Example Research Lab' });
  await expect(lab).toBeVisible();
  await expect(field).toHaveAttribute('aria-expanded', 'true');
  await expect(field).toHaveAttribute('aria-controls', (await list.getAttribute('id')) ?? 'no list');
  expect(await seriousViolations(page)).toEqual([]);

  // Escape closes the list and keeps what was typed; Down opens it again on the first option.
  await page.keyboard.press('Escape');
  await expect(list).toBeHidden();
  await expect(field).toHaveValue('Example');
  await page.keyboard.press('ArrowDown');
  await expect(lab).toHaveAttribute('aria-selected', 'true');
  await expect(field).toHaveAttribute('aria-activedescendant', (await lab.getAttribute('id')) ?? 'no option');
  await expect(field).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(list).toBeHidden();
  await expect(field).toHaveValue('Example Research Lab');
  await expect(page.getByText('Chosen: Example Research Lab')).toBeVisible();
});
