import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEMO_DESTINATION_COLLECTION_ID,
  DEMO_DESTINATION_COLLECTION_NAME,
  DEMO_SOURCE_COLLECTION_NAME,
  EMULATOR_DEFAULT_USER,
  expect,
  openCollection,
  signIn,
  test,
} from './globus-fixtures';

test('a person signs in, sees who they are, browses a collection and creates a folder', async ({ page, serve, emulator }) => {
  await signIn(page, serve);
  await expect(page.getByRole('heading', { name: EMULATOR_DEFAULT_USER.name })).toBeVisible();
  await expect(page.getByText(EMULATOR_DEFAULT_USER.username).first()).toBeVisible();
  await expect(page.getByText('not encrypted')).toBeVisible();
  // Settings say production, but this machine's environment points the SDK elsewhere: say so.
  await expect(page.getByText("Set by this machine's environment")).toContainText(emulator.url);

  await openCollection(page, DEMO_SOURCE_COLLECTION_NAME);
  const left = page.getByRole('region', { name: 'Left pane' });
  await expect(left.getByRole('heading', { name: DEMO_SOURCE_COLLECTION_NAME }).or(left.getByText(DEMO_SOURCE_COLLECTION_NAME))).toBeVisible();
  await left.getByRole('button', { name: 'New folder' }).click();
  await left.getByLabel('Left new folder name').fill('results-2026');
  await left.getByRole('button', { name: 'Create' }).click();
  await expect(left.getByRole('button', { name: 'results-2026' })).toBeVisible();
  const sourceRoot = emulator.collections.find((c) => c.display_name === DEMO_SOURCE_COLLECTION_NAME)!.root;
  expect(existsSync(join(sourceRoot, 'results-2026'))).toBe(true);

  // Every access token expires; the next action still works through a refresh.
  const expired = await emulator.control.expireTokens();
  expect(expired.expired).toBeGreaterThan(0);
  await left.getByRole('button', { name: 'results-2026' }).click();
  await expect(left.getByText('This folder is empty.')).toBeVisible();
  await expect(left.getByRole('alert')).toHaveCount(0);
});

test('a collection that needs consent asks for it, then the listing succeeds', async ({ page, serve, emulator }) => {
  await signIn(page, serve);
  await emulator.control.requireConsent(DEMO_DESTINATION_COLLECTION_ID);
  await openCollection(page, DEMO_DESTINATION_COLLECTION_NAME, 'right');
  const banner = page.getByRole('alert').filter({ has: page.getByRole('button', { name: 'Give consent' }) });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(DEMO_DESTINATION_COLLECTION_NAME);
  const consentPage = page.context().waitForEvent('page');
  await banner.getByRole('button', { name: 'Give consent' }).click();
  const globus = await consentPage;
  await globus.getByRole('button', { name: 'Allow' }).click();
  const right = page.getByRole('region', { name: 'Right pane' });
  await expect(right.getByText('This folder is empty.')).toBeVisible();
  await expect(banner).toHaveCount(0);

  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Account' }).click();
  const consented = page.getByRole('listitem').filter({ hasText: DEMO_DESTINATION_COLLECTION_ID });
  await expect(consented).toBeVisible();
  await expect(consented).toContainText(DEMO_DESTINATION_COLLECTION_NAME);
});

test('sign-out revokes and forgets the tokens', async ({ page, serve }) => {
  await signIn(page, serve);
  const tokenFile = join(serve.dataDir, 'globus-tokens.bin');
  expect(existsSync(tokenFile)).toBe(true);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in with Globus' })).toBeVisible();
  expect(existsSync(tokenFile)).toBe(false);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Collections' }).click();
  await expect(page.getByText('Sign in to Globus to browse collections.')).toBeVisible();
});

test('the paste-a-code fallback signs in without a loopback redirect', async ({ page, serve }) => {
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Account' }).click();
  await page.getByRole('button', { name: /Sign in with a code/ }).click();
  const link = page.getByRole('link', { name: 'this Globus sign-in page' });
  const href = await link.getAttribute('href');
  expect(href).toBeTruthy();
  const other = await page.context().newPage();
  await other.goto(href!);
  await other.getByRole('button', { name: 'Allow' }).click();
  const code = (await other.locator('#auth-code').textContent())?.trim() ?? '';
  expect(code.length).toBeGreaterThan(10);
  await page.getByLabel('2. Paste the code Globus shows').fill(code);
  await page.getByRole('button', { name: 'Finish sign-in' }).click();
  await expect(page.getByText('Signed in as')).toBeVisible();
});
