import AxeBuilder from '@axe-core/playwright';
import { DEMO_DESTINATION_COLLECTION_ID, DEMO_DESTINATION_COLLECTION_NAME, expect, openCollection, signIn, test } from './globus-fixtures';

test('the Health panel shows a collection in use whose consent is missing, with the fix; after the fix it says OK', async ({ page, serve, emulator }) => {
  await signIn(page, serve);

  // Ferry starts using the destination collection: bookmark a folder of it.
  await openCollection(page, DEMO_DESTINATION_COLLECTION_NAME);
  await page.getByRole('button', { name: 'Bookmark left folder' }).click();
  await expect(page.getByRole('region', { name: 'Bookmarks' }).or(page.getByLabel('Bookmarks'))).toContainText(DEMO_DESTINATION_COLLECTION_NAME);

  // Like a real GCSv5 mapped collection, it asks for a data_access consent the person has not given.
  await emulator.control.requireConsent(DEMO_DESTINATION_COLLECTION_ID);

  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Account' }).click();
  const health = page.getByRole('region', { name: 'Health' });
  await health.getByRole('button', { name: 'Check now' }).click();
  const item = health.getByRole('listitem', { name: `${DEMO_DESTINATION_COLLECTION_NAME}: Failing` });
  await expect(item).toContainText('needs your data_access consent');
  await expect(item).toContainText('Starts failing: Since');
  await expect(item).toContainText(`Bookmark ${DEMO_DESTINATION_COLLECTION_NAME}`);
  const audit = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(audit.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);

  // The fix: grant the consent on Globus' page; the panel checks again by itself.
  const consentPage = page.context().waitForEvent('page');
  await item.getByRole('button', { name: `Grant consent for ${DEMO_DESTINATION_COLLECTION_NAME}` }).click();
  const globus = await consentPage;
  await globus.getByRole('button', { name: 'Allow' }).click();
  await expect(health.getByRole('listitem', { name: `${DEMO_DESTINATION_COLLECTION_NAME}: OK` })).toContainText('Consent for');
  await expect(health.getByRole('listitem', { name: `${DEMO_DESTINATION_COLLECTION_NAME}: Failing` })).toHaveCount(0);
  await globus.close().catch(() => undefined);

  // Consent withdrawn at Globus: the next check notices, and offers the fix again.
  await emulator.control.revokeConsent(DEMO_DESTINATION_COLLECTION_ID);
  await health.getByRole('button', { name: 'Check now' }).click();
  await expect(health.getByRole('listitem', { name: `${DEMO_DESTINATION_COLLECTION_NAME}: Failing` })).toContainText('revoked');
});
