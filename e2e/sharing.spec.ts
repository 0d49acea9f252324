import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { COLLEAGUE_IDENTITY, DEMO_GUEST_COLLECTION_NAME } from './globus-emulator';
import { collectionRoot, expect, signIn, test } from './globus-fixtures';

test('a person shares a folder of their guest collection with a colleague by username, sees the rule, dates it, then removes it', async ({ page, serve, emulator }) => {
  mkdirSync(join(collectionRoot(emulator, DEMO_GUEST_COLLECTION_NAME), 'results'), { recursive: true });
  await signIn(page, serve);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Sharing' }).click();

  await expect(page.getByLabel('Guest collection')).toHaveValue(/.+/);
  await expect(page.getByLabel('Guest collection').locator('option:checked')).toHaveText(DEMO_GUEST_COLLECTION_NAME);
  await expect(page.getByText(`Nobody else has access to ${DEMO_GUEST_COLLECTION_NAME} yet.`)).toBeVisible();

  // Share /results/ read-write with the colleague, found by username.
  await page.getByLabel('Globus username or e-mail').fill(COLLEAGUE_IDENTITY.username);
  await page.getByRole('textbox', { name: 'Folder', exact: true }).fill('/results/');
  await page.getByRole('combobox', { name: 'Access', exact: true }).selectOption({ label: 'Read and write' });
  await page.getByRole('button', { name: 'Share', exact: true }).click();

  const rules = page.getByRole('table', { name: 'Access rules' });
  const row = rules.getByRole('row').filter({ hasText: COLLEAGUE_IDENTITY.username });
  await expect(row).toContainText('/results/');
  await expect(row).toContainText('Read and write');
  await expect(row).toContainText('Never');
  // What a person sees here passes an accessibility audit (WCAG 2.1 A/AA, serious or critical).
  const audit = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(audit.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);

  // Give the access an end date.
  await row.getByRole('button', { name: `Change the expiry for ${COLLEAGUE_IDENTITY.username} on /results/` }).click();
  await row.getByLabel(`Expiry for ${COLLEAGUE_IDENTITY.username} on /results/`).fill('2099-12-31');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row).toContainText('2099-12-31');

  // Removing asks first, naming who loses access; afterwards the list is empty again, also after a reload.
  await row.getByRole('button', { name: `Remove access for ${COLLEAGUE_IDENTITY.username} to /results/` }).click();
  const ask = page.getByRole('alertdialog', { name: `Remove ${COLLEAGUE_IDENTITY.username}'s access to /results/?` });
  await expect(ask).toContainText(`${COLLEAGUE_IDENTITY.username} will lose read-write access to /results/`);
  await ask.getByRole('button', { name: 'Remove access' }).click();
  await expect(ask).toBeHidden();
  await expect(page.getByText(`Nobody else has access to ${DEMO_GUEST_COLLECTION_NAME} yet.`)).toBeVisible();
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByText(`Nobody else has access to ${DEMO_GUEST_COLLECTION_NAME} yet.`)).toBeVisible();
});
