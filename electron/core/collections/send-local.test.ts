import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpsTransfer, HttpsUploadRequest } from '../../../shared/contract/https-transfers';
import type { Submitter, TransferRequestPlain } from '../globus';
import { fakeCollection } from '../globus/testing/fake-globus-access';
import { runCleanups, tempDir } from '../kernel/testing/harness';
import { sendLocal, type SendLocalDeps } from './send-local';

afterEach(runCleanups);

const GCP = '4f2b0c1e-7a3d-4e5f-9b8a-1c2d3e4f5a6b';
const DEST = 'b7e2d9c4-1f3a-4b6c-8d0e-5a7c9e1b3d24';

/** A home folder with Globus Connect Personal serving `shared` (or not installed), and dropped files. */
function world(gcp: 'shares-data' | 'none') {
  const home = tempDir('ferry-send-local-');
  const data = join(home, 'data');
  const other = join(home, 'other');
  mkdirSync(join(data, 'run', 'deep'), { recursive: true });
  mkdirSync(other, { recursive: true });
  writeFileSync(join(data, 'a.txt'), 'a');
  writeFileSync(join(data, 'run', 'deep', 'b.txt'), 'b');
  writeFileSync(join(other, 'c.txt'), 'c');
  if (gcp === 'shares-data') {
    const lta = join(home, '.globusonline', 'lta');
    mkdirSync(lta, { recursive: true });
    writeFileSync(join(lta, 'client-id.txt'), GCP);
    writeFileSync(join(lta, 'config-paths'), `${data},0,1\n`);
  }
  return { home, data, other };
}

function deps(home: string, httpsServer: string | null) {
  const submitted: TransferRequestPlain[] = [];
  const uploads: HttpsUploadRequest[] = [];
  const d: SendLocalDeps = {
    submitter: {
      transfer: (async (request: TransferRequestPlain) => {
        submitted.push(request);
        return { taskId: 'task-1', submissionId: 'sub-1', code: 'Accepted' };
      }) as unknown as Submitter['transfer'],
    },
    access: { getCollectionPolicy: async (id) => fakeCollection(id, { displayName: 'Lab Storage', about: { ...fakeCollection(id).about, httpsServer } }) },
    httpsUpload: async (request) => {
      uploads.push(request);
      return { id: 'h-1', state: 'queued' } as HttpsTransfer;
    },
    thisComputer: { home, platform: 'linux' },
  };
  return { d, submitted, uploads };
}

describe('sending dropped local files', () => {
  it('goes through Globus from This computer when every file is in a folder Globus Connect Personal shares', async () => {
    const w = world('shares-data');
    const { d, submitted, uploads } = deps(w.home, 'https://x.data.globus.org');
    const result = await sendLocal(d, { paths: [join(w.data, 'a.txt'), join(w.data, 'run')], destination: DEST, folder: '/inbox/' });
    expect(result).toEqual({ via: 'globus', sourceCollectionId: GCP, taskId: 'task-1', submissionId: 'sub-1', code: 'Accepted' });
    expect(submitted).toEqual([
      {
        source: GCP,
        destination: DEST,
        items: [
          { sourcePath: join(w.data, 'a.txt'), destinationPath: '/inbox/a.txt', recursive: false },
          { sourcePath: `${join(w.data, 'run')}/`, destinationPath: '/inbox/run/', recursive: true },
        ],
      },
    ]);
    expect(uploads).toEqual([]);
  });

  it('uploads over HTTPS when a file is outside the shared folders and the destination allows HTTPS', async () => {
    const w = world('shares-data');
    const { d, submitted, uploads } = deps(w.home, 'https://x.data.globus.org');
    const paths = [join(w.data, 'a.txt'), join(w.other, 'c.txt')];
    expect(await sendLocal(d, { paths, destination: DEST, folder: '/inbox/' })).toEqual({ via: 'https', transfer: { id: 'h-1', state: 'queued' } });
    expect(uploads).toEqual([{ collectionId: DEST, folder: '/inbox/', paths }]);
    expect(submitted).toEqual([]);
  });

  it('refuses with the folders to share when neither way works', async () => {
    const w = world('shares-data');
    const { d } = deps(w.home, null);
    await expect(sendLocal(d, { paths: [join(w.other, 'c.txt')], destination: DEST, folder: '/' })).rejects.toMatchObject({
      kind: 'refused',
      code: 'NotShared',
      message: `Globus Connect Personal on this computer shares only ${w.data}; ${join(w.other, 'c.txt')} is outside. Add ${w.other} in Globus Connect Personal → Preferences → Access, or drop the files on a collection that allows HTTPS access (Lab Storage does not).`,
      details: { sharedFolders: [w.data], outside: [join(w.other, 'c.txt')] },
    });
    const none = world('none');
    await expect(sendLocal(deps(none.home, null).d, { paths: [join(none.data, 'a.txt')], destination: DEST, folder: '/' })).rejects.toMatchObject({
      code: 'NotShared',
      message: expect.stringMatching(/^Globus Connect Personal is not installed on this computer/) as unknown,
    });
  });

  it('names a dropped path that does not exist', async () => {
    const w = world('shares-data');
    await expect(sendLocal(deps(w.home, null).d, { paths: [join(w.data, 'gone.txt')], destination: DEST, folder: '/' })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'LocalFileMissing',
      message: expect.stringContaining(join(w.data, 'gone.txt')) as unknown,
    });
  });
});
