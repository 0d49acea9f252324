import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { DEMO_DESTINATION_COLLECTION_ID, DEMO_SOURCE_COLLECTION_ID, test as globusTest, signIn } from './globus-fixtures';

const ENDPOINTS_JSON = join(dirname(fileURLToPath(import.meta.url)), 'fixtures-data', 'connectors', 'globus-endpoints.json');

async function openArea(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

/** The Connectors area has two tabs: "Connectors and policies" and "Globus endpoints file". */
async function openConnectorsTab(page: Page, tab: 'Connectors and policies' | 'Globus endpoints file'): Promise<void> {
  await openArea(page, 'Connectors');
  await page.getByRole('tab', { name: tab }).click();
}

/** Drags files onto the window the way a browser reports it: dragenter, dragover, drop with a DataTransfer. */
async function dropFiles(page: Page, files: readonly { name: string; content: string }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    // Runs in the page: DOM types are not in this (Node) project's lib, hence the casts.
    const page = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: unknown): void } };
      File: new (parts: string[], name: string, options: { type: string }) => unknown;
    };
    const dt = new page.DataTransfer();
    for (const f of list) dt.items.add(new page.File([f.content], f.name, { type: 'application/octet-stream' }));
    return dt;
  }, files);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await expect(page.getByText('Drop files to stage them')).toBeVisible();
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await expect(page.getByText('Drop files to stage them')).toBeHidden();
}

test('a person imports a Globus endpoints file, fixes a host pattern, drops two files, puts them and uses their keys', async ({ page, serve }) => {
  await page.goto(serve.url);

  // Connectors, Globus endpoints file: import ProxyStore's JSON and see which collection is local to this host.
  await openConnectorsTab(page, 'Globus endpoints file');
  await expect(page.getByRole('tab', { name: /Globus endpoints/ })).toHaveAttribute('aria-selected', 'true');
  await page.getByLabel('Import Globus endpoints file').setInputFiles(ENDPOINTS_JSON);
  const table = page.getByRole('table', { name: 'Globus endpoints' });
  await expect(table.getByRole('row')).toHaveCount(3);
  const row1 = page.getByTestId('globus-endpoint-row-1');
  const row2 = page.getByTestId('globus-endpoint-row-2');
  await expect(row1.getByText('matches this host')).toBeVisible();
  await expect(row2.getByText('other host')).toBeVisible();
  // Not signed in: no collection names, just a dash.
  await expect(page.getByLabel('Collection name of Globus endpoint 1')).toHaveText('—');

  // A pattern Python refuses (a look-behind of no fixed width) is refused inline, and the row has no verdict.
  const pattern2 = page.getByLabel('Host pattern of Globus endpoint 2');
  await pattern2.fill('(?<=a+)b');
  await expect(row2.locator('.field-error')).toContainText(/look-behind requires fixed-width pattern/);
  await expect(pattern2).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Save Globus endpoints' })).toBeDisabled();
  // The disabled button says why, where a person looks and to a screen reader.
  await expect(page.getByRole('button', { name: 'Save Globus endpoints' })).toHaveAccessibleDescription('Fix the problems above to save.');

  // A pattern for every host: the badge flips.
  await pattern2.fill('.*');
  await expect(row2.getByText('matches this host')).toBeVisible();
  await expect(pattern2).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Save Globus endpoints' }).click();
  await expect(page.getByText('Unsaved changes')).toBeHidden();
  const saved = JSON.parse(readFileSync(join(serve.dataDir, 'connectors', 'globus-endpoints.json'), 'utf8')) as Record<string, { host_regex: string }>;
  expect(saved['5f3c8a4e-6b1d-4c2a-8e7f-9d0a1b2c3d44']?.host_regex).toBe('.*');

  // Connectors: a File connector for everything up to 1 MB, nothing else.
  await openConnectorsTab(page, 'Connectors and policies');
  await page.getByLabel('New connector').selectOption('file');
  await page.getByRole('button', { name: 'Add connector' }).click();
  const card = page.getByRole('group', { name: 'Connector file' });
  await card.getByLabel('Maximum size').fill('1 MB');
  await expect(card.getByText('1000000 bytes')).toBeVisible();
  await card.getByLabel('Maximum size').fill('3 parsecs');
  await expect(card.getByText(/number with an optional unit/)).toBeVisible();
  await card.getByLabel('Maximum size').fill('1 MB');
  await page.getByLabel('Object size').fill('3 MB');
  await expect(page.getByRole('status', { name: 'Route' })).toContainText('Too large for every connector: the largest allows 1 MB.');
  await page.getByLabel('Object size').fill('3 kB');
  await expect(page.getByRole('status', { name: 'Route' })).toHaveText('An object of 3 kB would go to file.');
  await page.getByRole('button', { name: 'Save connectors' }).click();
  await expect(page.getByText('Unsaved changes')).toBeHidden();
  const config = readFileSync(join(serve.dataDir, 'connectors', 'multi-connector.json'), 'utf8');
  expect(config).toContain('"proxystore.connectors.file.FileConnector"');
  expect(config).toContain('"max_size_bytes": 1000000');

  // Stage: drop two files anywhere; the Stage opens with where each would go.
  await dropFiles(page, [
    { name: 'a.bin', content: 'alpha'.repeat(1000) },
    { name: 'b.bin', content: 'beta'.repeat(2000) },
  ]);
  await expect(page.getByRole('heading', { level: 1, name: 'Stage' })).toBeVisible();
  const staged = page.getByRole('table', { name: 'Staged files' });
  await expect(staged.getByTestId('staged-row')).toHaveCount(2);
  await expect(staged.getByTestId('staged-row').filter({ hasText: 'a.bin' })).toContainText('5 KB');
  await expect(staged.getByTestId('staged-row').filter({ hasText: 'b.bin' })).toContainText('8 KB');
  await expect(staged.getByText('file', { exact: true })).toHaveCount(2);

  await page.getByRole('button', { name: 'Put 2 files' }).click();
  await expect(page.getByRole('progressbar', { name: 'Progress of a.bin' })).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByRole('progressbar', { name: 'Progress of b.bin' })).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByRole('progressbar', { name: 'Overall progress' })).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByText('Overall: 2 of 2 files put')).toBeVisible();

  const keys = page.getByRole('table', { name: 'Keys' });
  await expect(keys.getByTestId('key-row')).toHaveCount(2);
  const keyA = keys.getByTestId('key-row').filter({ hasText: 'a.bin' });
  await expect(keyA).toContainText('file');

  await keyA.getByRole('button', { name: 'Check that a.bin exists' }).click();
  await expect(keyA.getByText('exists', { exact: true })).toBeVisible();

  await keyA.getByRole('button', { name: 'Get a.bin to a file' }).click();
  const downloaded = join(serve.dataDir, 'downloads', 'a.bin');
  await expect(keyA.getByRole('status')).toContainText(`Saved to ${downloaded}`);
  expect(readFileSync(downloaded, 'utf8')).toBe('alpha'.repeat(1000));

  await keyA.getByRole('button', { name: 'Evict a.bin' }).click();
  await expect(keys.getByTestId('key-row')).toHaveCount(1);
  await expect(keys).not.toContainText('a.bin');

  // An object Python put through the same store: found by the key ProxyStore printed.
  const storeDir = (JSON.parse(config) as Record<string, [string, { store_dir: string }]>)['file']?.[1].store_dir ?? '';
  writeFileSync(join(storeDir, 'from-python'), 'pickled elsewhere');
  writeFileSync(join(storeDir, 'from-python.ready'), '');
  await page.getByLabel('Paste a ProxyStore key').fill("MultiKey(connector_name='file', connector_key=FileKey(filename='from-python'))");
  await page.getByRole('button', { name: 'Find key' }).click();
  const pasted = page.getByRole('group', { name: 'The pasted key' });
  await pasted.getByRole('button', { name: 'Exists?' }).click();
  await expect(pasted.getByText('exists', { exact: true })).toBeVisible();
  await pasted.getByRole('button', { name: 'Get to file' }).click();
  const fromPython = join(serve.dataDir, 'downloads', 'from-python');
  await expect(pasted.getByRole('status')).toContainText(`Written to ${fromPython}`);
  expect(readFileSync(fromPython, 'utf8')).toBe('pickled elsewhere');
  await pasted.getByRole('button', { name: 'Evict' }).click();
  await expect(pasted.getByText('missing', { exact: true })).toBeVisible();
});

test('imported connectors keep unknown types as dormant, and a file picker stages like a drop', async ({ page, serve }) => {
  await page.goto(serve.url);
  await openArea(page, 'Connectors');
  const store = join(serve.dataDir, 'python-store');
  const config = `{
  "small": ["proxystore.connectors.file.FileConnector", {"store_dir": ${JSON.stringify(store)}, "clear": false, "buffering": -1},
            {"priority": 1, "host_pattern": null, "min_size_bytes": 0, "max_size_bytes": 9223372036854775807, "subset_tags": [], "superset_tags": []}],
  "kafka": ["proxystore.connectors.kafka.KafkaConnector", {"topic": "objects"},
            {"priority": 0, "host_pattern": null, "min_size_bytes": 0, "max_size_bytes": 9223372036854775807, "subset_tags": [], "superset_tags": []}]
}`;
  await page.getByLabel('Import MultiConnector JSON').setInputFiles({ name: 'multi.json', mimeType: 'application/json', buffer: Buffer.from(config) });
  const kafka = page.getByRole('group', { name: 'Connector kafka' });
  await expect(kafka.getByText('dormant', { exact: true })).toBeVisible();
  await expect(kafka.getByText(/kept unchanged for ProxyStore/)).toBeVisible();
  await expect(page.getByRole('group', { name: 'Connector small' }).getByLabel('Maximum size')).toHaveValue('no limit');
  // An import is a draft in the editor: nothing is written until Save.
  const configFile = join(serve.dataDir, 'connectors', 'multi-connector.json');
  await expect(page.getByText('Unsaved changes')).toBeVisible();
  expect(existsSync(configFile)).toBe(false);
  await page.getByRole('button', { name: 'Save connectors' }).click();
  await expect(page.getByText('Unsaved changes')).toBeHidden();
  const exported = readFileSync(configFile, 'utf8');
  expect(exported).toContain('"max_size_bytes": 9223372036854775807');
  expect(exported).toContain('"proxystore.connectors.kafka.KafkaConnector"');

  await openArea(page, 'Stage');
  await page.getByLabel('Add files to the stage').setInputFiles([{ name: 'c.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }]);
  const row = page.getByRole('table', { name: 'Staged files' }).getByTestId('staged-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('small');
  await page.getByRole('button', { name: 'Put 1 file' }).click();
  await expect(page.getByRole('progressbar', { name: 'Progress of c.txt' })).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByRole('table', { name: 'Keys' }).getByTestId('key-row')).toContainText('small');
});

globusTest('a GlobusConnector put waits for sign-in, then copies the object to the other collection through Globus', async ({ page, serve, emulator }) => {
  globusTest.setTimeout(90_000);
  const rootOf = (id: string): string => {
    const root = emulator.collections.find((c) => c.id === id)?.root;
    if (!root) throw new Error(`the emulator has no collection ${id}`);
    return isAbsolute(root) ? root : join(emulator.root, root);
  };
  const here = join(rootOf(DEMO_SOURCE_COLLECTION_ID), 'proxystore');
  const there = join(rootOf(DEMO_DESTINATION_COLLECTION_ID), 'proxystore');
  const endpoints = {
    [DEMO_SOURCE_COLLECTION_ID]: { endpoint_path: '/proxystore', local_path: here, host_regex: '.*' },
    [DEMO_DESTINATION_COLLECTION_ID]: { endpoint_path: '/proxystore', local_path: there, host_regex: 'login\\d+\\.no-such-cluster' },
  };

  await page.goto(serve.url);
  await openConnectorsTab(page, 'Globus endpoints file');
  await page.getByLabel('Import Globus endpoints file').setInputFiles({ name: 'endpoints.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(endpoints)) });
  await expect(page.getByTestId('globus-endpoint-row-1').getByText('matches this host')).toBeVisible();
  await page.getByRole('button', { name: 'Save Globus endpoints' }).click();
  await expect(page.getByText('Unsaved changes')).toBeHidden();
  await openConnectorsTab(page, 'Connectors and policies');
  await page.getByLabel('New connector').selectOption('globus');
  await page.getByRole('button', { name: 'Add connector' }).click();
  await expect(page.getByRole('group', { name: 'Connector globus' })).toContainText('Uses 2 Globus endpoints');
  await page.getByRole('button', { name: 'Save connectors' }).click();
  await expect(page.getByText('Unsaved changes')).toBeHidden();

  // Signed out: the policy's choice is shown, and the put says what is missing.
  await openArea(page, 'Stage');
  await page.getByLabel('Add files to the stage').setInputFiles([{ name: 'g.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('via globus') }]);
  const row = page.getByRole('table', { name: 'Staged files' }).getByTestId('staged-row');
  await expect(row).toContainText('globus');
  await expect(row).toContainText('needs Globus sign-in');
  await expect(page.getByRole('alert').filter({ hasText: 'sign in to Globus' })).toBeVisible();

  await signIn(page, serve);
  await openConnectorsTab(page, 'Globus endpoints file');
  await expect(page.getByLabel('Collection name of Globus endpoint 1')).toHaveText(/Ferry Demo Source/);
  await openArea(page, 'Stage');
  await page.getByLabel('Add files to the stage').setInputFiles([{ name: 'g.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('via globus') }]);
  await expect(page.getByRole('table', { name: 'Staged files' }).getByTestId('staged-row')).not.toContainText('needs Globus sign-in');
  await page.getByRole('button', { name: 'Put 1 file' }).click();
  await expect(page.getByRole('progressbar', { name: 'Progress of g.bin' })).toHaveAttribute('aria-valuenow', '100');
  const key = page.getByRole('table', { name: 'Keys' }).getByTestId('key-row');
  await expect(key).toContainText('globus');
  // exists waits on the Globus task, so once it says so the copy is on the other collection.
  await key.getByRole('button', { name: 'Check that g.bin exists' }).click();
  await expect(key.getByText('exists', { exact: true })).toBeVisible({ timeout: 60_000 });
  const copied = readdirSync(there).filter((n) => !n.endsWith('.ready'));
  expect(copied).toHaveLength(1);
  expect(readFileSync(join(there, copied[0] ?? ''), 'utf8')).toBe('via globus');
});

test('an imported Globus endpoints file is a draft: nothing reaches the disk until Save, and Save waits for a valid file', async ({ page, serve }) => {
  await page.goto(serve.url);
  await openConnectorsTab(page, 'Globus endpoints file');
  const file = join(serve.dataDir, 'connectors', 'globus-endpoints.json');
  const bad = { 'not-a-uuid': { endpoint_path: '/proxystore', local_path: '/tmp/proxystore', host_regex: '.*' } };
  await page.getByLabel('Import Globus endpoints file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const uuid = page.getByLabel('Collection UUID of Globus endpoint 1');
  await expect(uuid).toHaveValue('not-a-uuid');
  await expect(uuid).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Unsaved changes')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save Globus endpoints' })).toBeDisabled();
  // The editor has answered, so the import is done: and nothing was written.
  expect(existsSync(file)).toBe(false);

  await uuid.fill('0b7c2e2a-1f4e-4d59-9a4f-2b6f1c0d3e11');
  await expect(uuid).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Save Globus endpoints' }).click();
  await expect(page.getByText('Unsaved changes')).toBeHidden();
  expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object)).toEqual(['0b7c2e2a-1f4e-4d59-9a4f-2b6f1c0d3e11']);
});

test('an object over every size limit is refused with that reason first', async ({ page, serve }) => {
  await page.goto(serve.url);
  await openConnectorsTab(page, 'Connectors and policies');
  for (const [kind, max] of [['file', '10 MB'], ['local', '2 MB']] as const) {
    await page.getByLabel('New connector').selectOption(kind);
    await page.getByRole('button', { name: 'Add connector' }).click();
    await page.getByRole('group', { name: `Connector ${kind}` }).getByLabel('Maximum size').fill(max);
  }
  await page.getByLabel('Object size').fill('20 MB');
  const route = page.getByRole('status', { name: 'Route' });
  await expect(route).toHaveText(/^Too large for every connector: the largest allows 10 MB\./);
  await expect(route).not.toContainText('subset_tags');
  await page.getByLabel('Object size').fill('5 MB');
  await expect(route).toHaveText('An object of 5 MB would go to file.');
});

test('long local paths and host patterns of Globus endpoints can be read in full', async ({ page, serve }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(serve.url);
  await openConnectorsTab(page, 'Globus endpoints file');
  const localPath = '/lus/grand/projects/very-long-project-name/users/someone/proxystore/objects-from-the-beamline';
  const hostRegex = 'polaris-login-0[1-4]\\.hsn\\.cm\\.polaris\\.alcf\\.anl\\.gov';
  const endpoints = { '0b7c2e2a-1f4e-4d59-9a4f-2b6f1c0d3e11': { endpoint_path: '/proxystore', local_path: localPath, host_regex: hostRegex } };
  await page.getByLabel('Import Globus endpoints file').setInputFiles({ name: 'long.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(endpoints)) });
  for (const [label, value] of [['Local path of Globus endpoint 1', localPath], ['Host pattern of Globus endpoint 1', hostRegex]] as const) {
    const field = page.getByLabel(label);
    await expect(field).toHaveValue(value);
    // The whole value is on screen (wrapped, not scrolled out of the box), and on hover.
    await expect(field).toHaveAttribute('title', value);
    const box = await field.evaluate((el: { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number }) => ({
      hidden: el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
      width: el.clientWidth,
    }));
    expect(box.hidden).toBe(false);
    expect(box.width).toBeGreaterThan(180);
  }
});
