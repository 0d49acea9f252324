import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_GUEST_COLLECTION_NAME } from './globus-emulator';
import { collectionRoot, DEMO_DESTINATION_COLLECTION_NAME, DEMO_SOURCE_COLLECTION_ID, DEMO_SOURCE_COLLECTION_NAME, dropLocalFiles, expect, giveConsent, openCollection, signIn, test } from './globus-fixtures';

// This machine has Globus Connect Personal installed, as Globus' own SDK finds it: its collection
// id in ~/.globusonline/lta/client-id.txt and the folders it serves in config-paths. (The demo
// source stands in for it.)
const home = mkdtempSync(join(tmpdir(), 'ferry-e2e-home-'));
const lta = join(home, '.globusonline', 'lta');
mkdirSync(lta, { recursive: true });
writeFileSync(join(lta, 'client-id.txt'), `${DEMO_SOURCE_COLLECTION_ID}\n`);
writeFileSync(join(lta, 'config-paths'), `~/,0,1\n/srv/instrument,0,0\n`);
test.use({ serveEnv: { HOME: home } });

test('the pickers offer "This computer" (Globus Connect Personal) and say which folders it serves', async ({ page, serve }) => {
  await signIn(page, serve);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Syncs' }).click();
  await page.getByRole('button', { name: 'New sync job' }).click();
  const form = page.getByRole('form', { name: 'New sync job' });
  const shortcuts = form.getByLabel('Source collection: recent and bookmarked');
  await shortcuts.getByRole('button', { name: `This computer · ${DEMO_SOURCE_COLLECTION_NAME}` }).click();
  await expect(form.getByLabel('Source collection: chosen', { exact: true })).toHaveText(DEMO_SOURCE_COLLECTION_NAME);
  await expect(form.getByLabel('Source collection: this computer', { exact: true })).toHaveText(
    `This computer (Globus Connect Personal), serving ${home}, /srv/instrument`,
  );
});

test.describe('dropping local files on a pane, with Globus Connect Personal installed', () => {
  // This computer's Globus Connect Personal collection serves one folder; another folder is not shared.
  const GCP_ID = '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
  const gcpHome = mkdtempSync(join(tmpdir(), 'ferry-e2e-gcp-home-'));
  const shared = mkdtempSync(join(tmpdir(), 'ferry-e2e-shared-'));
  const outside = mkdtempSync(join(tmpdir(), 'ferry-e2e-outside-'));
  const gcpLta = join(gcpHome, '.globusonline', 'lta');
  mkdirSync(gcpLta, { recursive: true });
  writeFileSync(join(gcpLta, 'client-id.txt'), `${GCP_ID}\n`);
  writeFileSync(join(gcpLta, 'config-paths'), `${shared},0,1\n`);
  test.use({ serveEnv: { HOME: gcpHome } });

  test('a file under a shared folder goes as a Globus task; a file outside says what to share', async ({ page, serve, emulator }) => {
    await emulator.control.createGcpCollection({ id: GCP_ID, displayName: 'Ada’s laptop' });
    const inside = join(shared, 'run-7', 'frame-001.tif');
    mkdirSync(join(shared, 'run-7'), { recursive: true });
    writeFileSync(inside, Buffer.alloc(4096, 7));
    const stray = join(outside, 'notes.txt');
    writeFileSync(stray, 'not shared');
    const destination = collectionRoot(emulator, DEMO_DESTINATION_COLLECTION_NAME);

    await signIn(page, serve);
    await openCollection(page, DEMO_DESTINATION_COLLECTION_NAME, 'right');
    const pane = page.getByRole('region', { name: 'Right pane' });
    await expect(pane.getByRole('table', { name: 'Right listing' })).toBeVisible();

    // Under the shared folder: Globus carries it from This computer, and Activity shows the task.
    await dropLocalFiles(pane, [inside]);
    const give = pane.getByRole('button', { name: 'Give consent' });
    const submitted = page.getByRole('status').filter({ hasText: 'Submitted task' });
    await expect(give.or(submitted)).toBeVisible({ timeout: 20_000 });
    if (await give.isVisible()) await giveConsent(page, give);
    await expect(submitted).toBeVisible({ timeout: 20_000 });
    const taskId = (await submitted.locator('.mono').innerText()).trim();
    await expect(pane.getByRole('table', { name: 'Right listing' }).getByRole('cell', { name: 'frame-001.tif', exact: true })).toBeVisible({ timeout: 30_000 });
    expect(readFileSync(join(destination, 'frame-001.tif')).length).toBe(4096);

    // Without a mouse: the pane's "Send from this computer…" takes typed paths and does what a drop does.
    const second = join(shared, 'run-7', 'frame-002.tif');
    writeFileSync(second, Buffer.alloc(2048, 9));
    await pane.getByRole('button', { name: 'Send from this computer…' }).click();
    const form = pane.getByRole('form', { name: 'Right send from this computer' });
    await expect(form.getByRole('button', { name: 'Send' })).toHaveAccessibleDescription('Type the path of a file or folder on this computer.');
    await form.getByRole('textbox').fill('frame-002.tif');
    await expect(form.getByRole('button', { name: 'Send' })).toBeDisabled();
    await form.getByRole('textbox').fill(second);
    await form.getByRole('button', { name: 'Send' }).press('Enter');
    // The form closes once Globus took the task; the listing shows the file when the task ends.
    await expect(form).toHaveCount(0);
    await expect(pane.getByRole('table', { name: 'Right listing' }).getByRole('cell', { name: 'frame-002.tif', exact: true })).toBeVisible({ timeout: 30_000 });
    expect(readFileSync(join(destination, 'frame-002.tif')).length).toBe(2048);
    await submitted.getByRole('button', { name: 'Watch it in Activity' }).click();
    await expect(page.locator(`[role="row"][data-task-id="${taskId}"]`).getByText('Succeeded')).toBeVisible({ timeout: 30_000 });

    // Outside every shared folder, to a collection without HTTPS access (a guest collection): the
    // pane says which folder to share.
    await openCollection(page, DEMO_GUEST_COLLECTION_NAME, 'left', DEMO_GUEST_COLLECTION_NAME);
    const guest = page.getByRole('region', { name: 'Left pane' });
    await expect(guest.getByRole('table', { name: 'Left listing' })).toBeVisible();
    await dropLocalFiles(guest, [stray]);
    const notice = guest.getByRole('alert');
    await expect(notice).toContainText(outside, { timeout: 20_000 });
    await expect(notice).toContainText('Globus Connect Personal');
  });
});
