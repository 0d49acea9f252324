import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startServeProcess, test as base, type ServeHandle } from './fixtures';
import { expect } from './fixtures';

/** `ferry serve` with a ProxyStore home of its own (object stores never land in the real ~/.local/share/proxystore). */
const test = base.extend<{ psServe: ServeHandle & { readonly home: string } }>({
  // eslint-disable-next-line no-empty-pattern
  psServe: async ({}, use, testInfo) => {
    const dataDir = join(testInfo.outputDir, 'ferry-data');
    const home = join(testInfo.outputDir, 'proxystore-home');
    mkdirSync(home, { recursive: true });
    const handle = await startServeProcess(dataDir, { PROXYSTORE_HOME: home });
    await use({ ...handle, home });
    await handle.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  },
});

async function openObjectStores(page: Page, serve: ServeHandle): Promise<void> {
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Object stores' }).click();
}

async function createObjectStore(page: Page, name: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Create an object store' });
  await form.getByLabel('Name').fill(name);
  await form.getByRole('button', { name: 'Create object store' }).click();
  await expect(form.getByRole('status')).toHaveText(`Created ${name}. Start it from the table.`);
}

/** The port the object store's config.toml names (what ProxyStore clients read too). */
function portOf(home: string, name: string): number {
  const m = /^port = (\d+)$/m.exec(readFileSync(join(home, name, 'config.toml'), 'utf8'));
  if (!m?.[1]) throw new Error(`no port in ${name}/config.toml`);
  return Number(m[1]);
}

test.describe('object stores', () => {
  test('a person creates an object store, starts it, and sees the object count grow', async ({ page, psServe }) => {
    await openObjectStores(page, psServe);
    await expect(page.getByText('No object stores yet.')).toBeVisible();
    await expect(page.getByText(psServe.home)).toBeVisible();

    await createObjectStore(page, 'detector-cache');
    const table = page.getByRole('table', { name: 'Object stores' });
    const row = table.getByRole('row', { name: 'detector-cache', exact: true });
    const cells = row.getByRole('cell');
    await expect(cells.nth(0)).toHaveText('Stopped');
    await expect(cells.nth(2)).toHaveText('SOLO');

    await row.getByRole('button', { name: 'Start detector-cache' }).click();
    await expect(cells.nth(0)).toHaveText('Running');
    await expect(cells.nth(3)).toHaveText('0');

    // What a ProxyStore client does: POST the bytes to the object store's HTTP API (ProxyStore's endpoint routes).
    const port = portOf(psServe.home, 'detector-cache');
    await expect(cells.nth(1)).toHaveText(`127.0.0.1:${port}`);
    for (const [key, body] of [
      ['frame-1', 'x'.repeat(1500)],
      ['frame-2', 'y'.repeat(2500)],
    ] as const) {
      const response = await fetch(`http://127.0.0.1:${port}/set?key=${key}`, { method: 'POST', body });
      expect(response.status).toBe(200);
    }
    await expect(cells.nth(3)).toHaveText('2');
    await expect(cells.nth(4)).toHaveText('4 KB');

    await row.getByRole('button', { name: 'Stop detector-cache' }).click();
    await expect(cells.nth(0)).toHaveText('Stopped');
    // SQLite storage: the count is still known while stopped, and the objects survive a restart.
    await expect(cells.nth(3)).toHaveText('2');
    await row.getByRole('button', { name: 'Start detector-cache' }).click();
    await expect(cells.nth(0)).toHaveText('Running');
    const again = await fetch(`http://127.0.0.1:${port}/get?key=frame-1`);
    expect((await again.text()).length).toBe(1500);
  });

  test('the form says what to fix, and removing asks first', async ({ page, psServe }) => {
    await openObjectStores(page, psServe);
    const form = page.getByRole('form', { name: 'Create an object store' });
    const name = form.getByLabel('Name');
    await name.fill('my endpoint');
    await expect(form.getByText('Use only letters, digits, dashes (-) and underscores (_) in the name; no spaces.')).toBeVisible();
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await form.getByLabel('Port').fill('70000');
    await expect(form.getByText('Port must be a whole number from 1 to 65535.')).toBeVisible();
    await form.getByRole('button', { name: 'Create object store' }).click();
    await expect(form.getByRole('button', { name: 'Create object store' })).toBeDisabled();

    await name.fill('scratch');
    await form.getByLabel('Port').fill('');
    await form.getByLabel('In memory').check();
    await form.getByRole('button', { name: 'Create object store' }).click();
    await expect(form.getByRole('status')).toHaveText('Created scratch. Start it from the table.');

    await name.fill('scratch');
    await expect(form.getByText('An object store named scratch already exists.')).toBeVisible();

    const row = page.getByRole('row', { name: 'scratch', exact: true });
    await row.getByRole('button', { name: 'Remove scratch' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Remove scratch?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(row).toBeVisible();

    await row.getByRole('button', { name: 'Remove scratch' }).click();
    await page.getByRole('alertdialog', { name: 'Remove scratch?' }).getByRole('button', { name: 'Remove object store' }).click();
    await expect(page.getByText('No object stores yet.')).toBeVisible();
  });

  test('two object stores peering through the local relay list each other', async ({ page, psServe }) => {
    await openObjectStores(page, psServe);
    await page.getByRole('button', { name: 'Start a local relay' }).click();
    await expect(page.getByText(/Running at ws:\/\/127\.0\.0\.1:\d+/)).toBeVisible();
    // The secret is fetched only when shown, and hidden again on request.
    const secretRow = page.locator('.os-relay dd').first();
    await expect(secretRow).toContainText('••••');
    await secretRow.getByRole('button', { name: 'Show' }).click();
    await expect(secretRow.locator('code')).toHaveText(/^[A-Za-z0-9_-]{20,}$/);
    await secretRow.getByRole('button', { name: 'Hide' }).click();
    await expect(secretRow).toContainText('••••');

    const form = page.getByRole('form', { name: 'Create an object store' });
    for (const n of ['site-a', 'site-b']) {
      await form.getByLabel(/local relay/).check();
      await createObjectStore(page, n);
    }
    for (const n of ['site-a', 'site-b']) {
      await page.getByRole('row', { name: n, exact: true }).getByRole('button', { name: `Start ${n}` }).click();
    }
    await expect(page.getByRole('list', { name: 'Peers of site-a' })).toContainText('site-b');
    await expect(page.getByRole('list', { name: 'Peers of site-b' })).toContainText('site-a');
    await expect(page.getByRole('row', { name: 'site-a', exact: true }).getByRole('cell').nth(2)).toHaveText('PEERINGrelay connected');
    await expect(page.getByRole('list', { name: 'Object stores connected to the local relay' })).toContainText('site-a');

    // "Test peer" opens a WebRTC connection and runs put, exists, get and evict through it; the
    // connection then shows its state, channels and bytes.
    await page.getByRole('button', { name: 'Test peer site-b from site-a' }).first().click();
    await expect(page.getByRole('status').filter({ hasText: /Test (passed|failed)/ }).first()).toContainText('Test passed', { timeout: 30_000 });
    const connection = page.getByRole('list', { name: 'Peer connections of site-a' }).getByRole('listitem', { name: 'Connection to site-b' });
    await expect(connection).toContainText('connected');
    await expect(connection).toContainText('1 channel');
  });

  test('a person creates an object store, starts it, puts a file through an EndpointConnector from Stage, and sees the object count grow', async ({ page, psServe }) => {
    await openObjectStores(page, psServe);
    await createObjectStore(page, 'stage-target');
    const row = () => page.getByRole('row', { name: 'stage-target', exact: true });
    await row().getByRole('button', { name: 'Start stage-target' }).click();
    await expect(row().getByRole('cell').nth(0)).toHaveText('Running');
    await expect(row().getByRole('cell').nth(3)).toHaveText('0');
    const uuid = (await row().getByRole('rowheader').getByTitle(/^[0-9a-f-]{36}$/).getAttribute('title')) ?? '';

    // Connectors: one EndpointConnector naming the object store.
    const nav = page.getByRole('navigation', { name: 'Areas' });
    await nav.getByRole('button', { name: 'Connectors' }).click();
    await page.getByLabel('New connector').selectOption('endpoint');
    await page.getByRole('button', { name: 'Add connector' }).click();
    const card = page.getByRole('group', { name: /^Connector / });
    await card.getByLabel('Object store UUIDs').fill(uuid);
    await page.getByRole('button', { name: 'Save connectors' }).click();
    await expect(page.getByText('Unsaved changes')).toBeHidden();

    // Stage: add a file and put it.
    await nav.getByRole('button', { name: 'Stage' }).click();
    await page.getByLabel('Add files to the stage').setInputFiles([{ name: 'scan-0001.h5', mimeType: 'application/octet-stream', buffer: Buffer.alloc(12_345, 7) }]);
    await expect(page.getByRole('table', { name: 'Staged files' }).getByTestId('staged-row')).toContainText('scan-0001.h5');
    await page.getByRole('button', { name: 'Put 1 file' }).click();
    await expect(page.getByRole('progressbar', { name: 'Progress of scan-0001.h5' })).toHaveAttribute('aria-valuenow', '100');

    // Back in the Object stores area the object store holds the object.
    await nav.getByRole('button', { name: 'Object stores' }).click();
    await expect(row().getByRole('cell').nth(3)).toHaveText('1');
    await expect(row().getByRole('cell').nth(4)).toHaveText('12.3 KB');
  });
});
