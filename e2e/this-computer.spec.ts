import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SOURCE_COLLECTION_ID, DEMO_SOURCE_COLLECTION_NAME, expect, signIn, test } from './globus-fixtures';

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
