import type { Page } from '@playwright/test';
import { EMULATOR_DEFAULT_CLIENT_ID } from './globus-emulator';
import { closeConsentTab, expect, test } from './globus-fixtures';

/** Nothing in the sidebar is marked as the page shown. */
async function expectNoCurrentArea(page: Page): Promise<void> {
  await expect(page.getByRole('navigation', { name: 'Areas' }).locator('[aria-current="page"]')).toHaveCount(0);
}

test.describe('first run', () => {
  test.use({ viewport: { width: 1280, height: 860 } });

  test('a fresh data dir opens on the welcome, which says Ferry talks to the local emulator; signing in there leaves it for Collections', async ({ page, serve, emulator }) => {
    await page.goto(serve.url);
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Ferry' })).toBeVisible();
    const main = page.getByRole('main');
    await expect(main).toContainText('Sign in with your Globus account first');
    // The demo: Globus calls go to the emulator on this machine, and the welcome says so.
    await expect(main).toContainText(`a local Globus emulator at ${emulator.env.GLOBUS_SDK_SERVICE_URL_TRANSFER}`);
    await expect(main).toContainText('not globus.org');
    await expectNoCurrentArea(page);

    const popup = page.context().waitForEvent('page');
    await main.getByRole('button', { name: 'Sign in with Globus' }).click();
    const consent = await popup;
    await consent.getByRole('button', { name: 'Allow' }).click();
    closeConsentTab(consent);

    // Signed in: the welcome is gone and Ferry shows where the work is, not Settings.
    await expect(page.getByRole('heading', { level: 1, name: 'Collections' })).toBeVisible();
    await expect(page.getByText('Welcome to Ferry')).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Collections' })).toBeVisible();
    await expect(page.getByText('Welcome to Ferry')).toHaveCount(0);
  });

  test('Settings say the Globus in use comes from the environment and overrides the Production choice', async ({ page, serve, emulator }) => {
    await page.goto(serve.url + '#settings');
    const globus = page.getByRole('group', { name: 'Globus environment' });
    const inUse = globus.getByRole('note', { name: 'Globus in use' });
    await expect(inUse).toContainText(`In use: Transfer at ${emulator.env.GLOBUS_SDK_SERVICE_URL_TRANSFER}`);
    await expect(inUse).toContainText('from the environment (GLOBUS_SDK_SERVICE_URL_*)');
    await expect(inUse).toContainText('It overrides “Production” below');
    await expect(globus.getByText('overridden by the environment')).toBeVisible();

    // Chosen here, custom URLs win over the environment, and the note says so once saved.
    await page.getByLabel('Custom service URLs').check();
    await page.getByLabel('Auth service URL').fill('http://127.0.0.1:9/auth');
    await page.getByLabel('Transfer service URL').fill('http://127.0.0.1:9/transfer');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Settings saved.')).toBeVisible();
    await expect(inUse).toContainText('In use: Transfer at http://127.0.0.1:9/transfer');
    await expect(inUse).toContainText('from the settings file');
    await expect(inUse).toContainText('overrides GLOBUS_SDK_SERVICE_URL_* from the environment');
  });

  test('Settings say the client id in use comes from the environment, and do not ask a demo user to register one', async ({ page, serve }) => {
    await page.goto(serve.url + '#settings');
    const clientId = page.getByRole('note', { name: 'Client id in use' });
    await expect(clientId).toContainText(`In use: ${EMULATOR_DEFAULT_CLIENT_ID}`);
    await expect(clientId).toContainText('from the environment (FERRY_GLOBUS_CLIENT_ID)');
    await expect(page.getByText('register a "native app"')).toHaveCount(0);
    await expect(page.getByLabel('Native app client id')).toHaveValue('');
    await expect(page.locator('label[for="dataDir"]')).toContainText('the default');
  });
});
