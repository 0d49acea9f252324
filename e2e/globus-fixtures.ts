import type { Locator, Page } from '@playwright/test';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServeProcess, test as base, type ServeHandle } from './fixtures';
import { EMULATOR_DEFAULT_CLIENT_ID, startEmulator, type RunningEmulator } from './globus-emulator';
import { fileUriOf } from '../shared/file-uris';

export { expect } from './fixtures';
export {
  DEMO_DESTINATION_COLLECTION_ID,
  DEMO_DESTINATION_COLLECTION_NAME,
  DEMO_SOURCE_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_NAME,
  EMULATOR_DEFAULT_USER,
} from './globus-emulator';

/**
 * `emulator` + `serve` pointed at it through the SDK's own service-URL settings, each with a
 * fresh folder under the test's output dir. Ferry's code does not know it talks to an emulator.
 */
export const test = base.extend<{
  emulator: RunningEmulator;
  serve: ServeHandle;
  emulatorOptions: { bandwidthBytesPerSecond?: number; tokenLifetimeSeconds?: number };
  /** Extra environment for `ferry serve` (e.g. faster polling in a spec). */
  serveEnv: Record<string, string>;
}>({
  emulatorOptions: [{}, { option: true }],
  serveEnv: [{}, { option: true }],
  emulator: async ({ emulatorOptions }, use, testInfo) => {
    const root = join(testInfo.outputDir, 'emulator');
    mkdirSync(root, { recursive: true });
    const emulator = await startEmulator({ root, ...emulatorOptions });
    await use(emulator);
    await emulator.close();
    rmSync(root, { recursive: true, force: true });
  },
  serve: async ({ emulator, serveEnv }, use, testInfo) => {
    const dataDir = join(testInfo.outputDir, 'ferry-data');
    const handle = await startServeProcess(dataDir, { ...emulator.env, FERRY_GLOBUS_CLIENT_ID: EMULATOR_DEFAULT_CLIENT_ID, ...serveEnv });
    await use(handle);
    await handle.stop();
    rmSync(dataDir, { recursive: true, force: true });
  },
});

/**
 * Signs in as a person would: Account → "Sign in with Globus" → the Globus consent page opens in a
 * new tab → "Allow" → back in Ferry the identity shows.
 */
/**
 * Closes the Globus consent tab without waiting for it: closing it once took 111 s under load (its
 * redirect to the app's loopback listener still loading), and once never ended within a test's
 * time. Nothing after depends on it being gone; the test's context closes it in the end.
 */
export function closeConsentTab(consent: Page): void {
  void consent.close().catch(() => undefined);
}

export async function signIn(page: Page, serve: ServeHandle): Promise<void> {
  await page.goto(serve.url.replace('/?', '/?') + '#account');
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Account' }).click();
  const popup = page.context().waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in with Globus' }).click();
  const consent = await popup;
  await consent.getByRole('button', { name: 'Allow' }).click();
  await page.getByText('Signed in as').waitFor();
  closeConsentTab(consent);
}

/** Opens a collection in a pane as a person does: Collections, search (default "Ferry Demo"), pick the pane, choose the result. */
export async function openCollection(page: Page, name: string, pane: 'left' | 'right' = 'left', search = 'Ferry Demo'): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Collections' }).click();
  await page.getByLabel('Search collections').fill(search);
  await page.getByLabel('Open in').selectOption(pane === 'left' ? '0' : '1');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('button', { name: new RegExp(name) }).click();
}

/** The folder on this disk behind one of the emulator's collections. */
export function collectionRoot(emulator: { collections: readonly { display_name: string; root: string }[] }, name: string): string {
  const root = emulator.collections.find((c) => c.display_name === name)?.root;
  if (!root) throw new Error(`the emulator has no collection ${name}`);
  return root;
}

/**
 * Drops local files on an element as a file manager does: a drag whose `text/uri-list` names
 * them (`file:///…`), with the dragenter and dragover before the drop.
 */
export async function dropLocalFiles(target: Locator, paths: readonly string[], options: { readonly before?: () => Promise<void> } = {}): Promise<void> {
  const data = await target.page().evaluateHandle((list) => {
    // Runs in the page (the e2e project has no DOM types).
    const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => { setData(type: string, value: string): void } };
    const transfer = new DataTransfer();
    transfer.setData('text/uri-list', list);
    return transfer;
  }, `# dragged from the file manager\r\n${paths.map(fileUriOf).join('\r\n')}\r\n`);
  await target.dispatchEvent('dragenter', { dataTransfer: data });
  await target.dispatchEvent('dragover', { dataTransfer: data });
  await options.before?.();
  await target.dispatchEvent('drop', { dataTransfer: data });
  await data.dispose();
}

/** Gives the Globus consent a notice asks for: its button opens Globus' consent page in a new tab, "Allow" there. */
export async function giveConsent(page: Page, button: Locator): Promise<void> {
  const popup = page.context().waitForEvent('page');
  await button.click();
  const consent = await popup;
  await consent.getByRole('button', { name: 'Allow' }).click();
  closeConsentTab(consent);
}
