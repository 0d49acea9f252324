import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DESTINATION_COLLECTION_ID as DST, writeGcpInstall } from './index';
import { sdkClient, waitForTask, type SdkClient } from './sdk-client';
import { signIn, startHarness, writeTree, type Harness } from './test-harness';

const GCP = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

let h: Harness;
let api: SdkClient;
beforeEach(async () => {
  h = await startHarness();
  api = sdkClient((await signIn()).manager);
});
afterEach(async () => {
  await h.close();
});

describe('Globus Connect Personal collection', () => {
  it('is created through the control API, looks like GCP, and serves local absolute paths as they are', async () => {
    await h.emulator.control.createGcpCollection({ id: GCP, displayName: 'My Laptop' });
    const doc = await api.endpoint(GCP);
    expect(doc.body).toMatchObject({ id: GCP, display_name: 'My Laptop', entity_type: 'GCP_mapped_collection', gcp_connected: true, gcp_paused: false, is_globus_connect: true, https_server: null });

    const local = join(h.root, 'laptop', 'data');
    await writeTree(local, { 'a.txt': 'alpha', 'run/b.txt': 'beta' });
    const listing = await api.ls(GCP, `${local}/`);
    expect((listing.body['DATA'] as { name: string }[]).map((e) => e.name).sort()).toEqual(['a.txt', 'run']);
    const submitted = await api.submit({
      source: GCP,
      destination: DST,
      items: [
        { source_path: join(local, 'a.txt'), destination_path: '/from-laptop/a.txt' },
        { source_path: `${join(local, 'run')}/`, destination_path: '/from-laptop/run/', recursive: true },
      ],
    });
    expect(await waitForTask(api, String(submitted.body['task_id']))).toMatchObject({ status: 'SUCCEEDED', files_transferred: 2 });
    const dst = join(h.root, 'collections', 'destination', 'from-laptop');
    expect(String(await readFile(join(dst, 'a.txt')))).toBe('alpha');
    expect(String(await readFile(join(dst, 'run', 'b.txt')))).toBe('beta');
  });

  it('writes the files an installed Globus Connect Personal leaves in a home folder', async () => {
    const home = join(h.root, 'home');
    const lta = await writeGcpInstall(home, GCP, [{ path: '~/' }, { path: '/data/lab', sharing: true, writable: false }]);
    expect(String(await readFile(join(lta, 'client-id.txt')))).toBe(`${GCP}\n`);
    expect(String(await readFile(join(lta, 'config-paths')))).toBe('~/,0,1\n/data/lab,1,0\n');
  });
});
