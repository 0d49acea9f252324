import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { AccountStatus } from '../../../shared/account';
import type { SendLocalRequest, SendLocalResult } from '../../../shared/contract/collections';
import type { HttpsDownloadRequest, HttpsTransfer } from '../../../shared/contract/https-transfers';
import { RemoteError } from '../../../shared/errors';
import type { DirEntry } from '../../../shared/globus-types';
import { sliceSetters } from '../../store/scoped-set';
import { createFakeApi } from '../../store/testing/fake-api';
import type { AppState } from '../../store/types';
import { createHttpsTransfersSlice } from '../https-transfers/https-transfers-slice';
import { createCollectionsSlice } from './collections-slice';
import { defaultDownloadFolder, downloadBlocker, httpsLinkOf } from './local-transfers';

const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const GCP = 'cccccccc-0000-4000-8000-000000000003';
const HTTPS_SCOPE = `https://auth.globus.org/scopes/${DST}/https`;

const file = (name: string): DirEntry => ({ name, type: 'file', size: 1, last_modified: null });
const dir = (name: string): DirEntry => ({ name, type: 'dir', size: 0, last_modified: null });

function upload(partial: Partial<HttpsTransfer> = {}): HttpsTransfer {
  return {
    id: 'h1',
    direction: 'upload',
    collectionId: DST,
    collectionName: 'Lab',
    state: 'running',
    createdAt: 1,
    updatedAt: 1,
    totalBytes: 10,
    doneBytes: 0,
    fileCount: 1,
    filesDone: 0,
    bytesPerSecond: null,
    error: null,
    files: [{ source: '/home/ada/run 1.bin', destination: '/in/run 1.bin', bytes: 10, doneBytes: 0, done: false }],
    ...partial,
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
};

function setup(answer: (request: SendLocalRequest, call: number) => Promise<SendLocalResult>) {
  const sent: SendLocalRequest[] = [];
  const downloads: HttpsDownloadRequest[] = [];
  const pathsFor: unknown[][] = [];
  const consents: string[][] = [];
  const toasts: string[] = [];
  const lsCalls: string[] = [];
  const fake = createFakeApi({
    collections: {
      listBookmarks: async () => [],
      ls: async (id, path) => (lsCalls.push(path), { collectionId: id, path, entries: [file('a.h5'), dir('run-7')] }),
      details: async (id) => ({ id, httpsServer: `https://g-1.data.globus.org` }) as never,
    },
    transfers: {
      sendLocal: async (request) => {
        sent.push(request);
        return answer(request, sent.length);
      },
    },
    https: {
      list: async () => [],
      download: async (request) => (downloads.push(request), upload({ id: 'd1', direction: 'download' })),
    },
    files: { pathsFor: async (files) => (pathsFor.push([...files]), ['/state/uploads/copy.bin']) },
  });
  const store = createStore<AppState>()((set, get) => {
    const scoped = sliceSetters(set);
    return {
      account: {
        status: { state: 'signed-in' },
        addScopeConsent: async (scopes: readonly string[]) => (consents.push([...scopes]), { state: 'signing-in' } as AccountStatus),
        addConsent: async (ids: readonly string[]) => (consents.push([...ids]), { state: 'signing-in' } as AccountStatus),
      },
      app: { info: null },
      nav: { go: () => undefined },
      toasts: { push: (_kind: string, message: string) => toasts.push(message) },
      collections: createCollectionsSlice(fake.api, scoped('collections'), get),
      httpsTransfers: createHttpsTransfersSlice(fake.api, scoped('httpsTransfers'), get),
    } as unknown as AppState;
  });
  const c = () => store.getState().collections;
  c().attach?.();
  store.getState().httpsTransfers.attach?.();
  return { fake, c, h: () => store.getState().httpsTransfers, sent, downloads, pathsFor, consents, toasts, lsCalls };
}

describe('local files dropped on a pane', () => {
  it("sends the drag's file URIs to the pane's folder without copying them, and shows a Globus task", async () => {
    const t = setup(async () => ({ via: 'globus', sourceCollectionId: GCP, taskId: 'task-9', submissionId: 's', code: 'Accepted' }));
    await t.c().open(1, { id: DST, display_name: 'Lab' }, '/in/');
    await t.c().sendDropped(1, '# from Files\nfile:///home/ada/run%201.bin\n', [{ name: 'run 1.bin' }]);
    expect(t.sent).toEqual([{ paths: ['/home/ada/run 1.bin'], destination: DST, folder: '/in/' }]);
    expect(t.pathsFor).toEqual([]);
    expect(t.c().lastSubmitted).toEqual({ taskId: 'task-9', label: '', kind: 'transfer' });
    expect(t.toasts.join()).toContain('task-9');
    expect(t.c().panes[1].notice).toBeNull();
  });

  it("falls back to the host's paths when the drag has no file URIs, and lists an HTTPS upload in the panel", async () => {
    const t = setup(async () => ({ via: 'https', transfer: upload() }));
    await t.c().open(1, { id: DST, display_name: 'Lab' }, '/in/');
    await t.c().sendDropped(1, '', [{ name: 'copy.bin' }]);
    expect(t.pathsFor).toEqual([[{ name: 'copy.bin' }]]);
    expect(t.sent[0]?.paths).toEqual(['/state/uploads/copy.bin']);
    expect(t.h().items.map((x) => x.id)).toEqual(['h1']);
  });

  it('says what to share when neither Globus nor HTTPS can take the files', async () => {
    const t = setup(async () => {
      throw new RemoteError({ code: 'NotShared', kind: 'refused', message: 'Share /data with Globus Connect Personal, or open a collection that allows HTTPS.' });
    });
    await t.c().open(1, { id: DST, display_name: 'Lab' }, '/in/');
    await t.c().sendDropped(1, 'file:///data/x.bin', []);
    expect(t.c().panes[1].notice).toEqual({ kind: 'error', message: 'Share /data with Globus Connect Personal, or open a collection that allows HTTPS.' });
    await t.c().sendDropped(1, 'https://example.org/x', []);
    expect(t.c().panes[1].notice).toEqual({ kind: 'error', message: 'Only files and folders from this computer can be dropped here.' });
  });

  it('offers the HTTPS consent Globus asks for and sends again once it is given', async () => {
    const t = setup(async (_r, call) => {
      if (call === 1) throw new RemoteError({ code: 'ConsentRequired', kind: 'forbidden', message: 'consent needed', details: { collectionIds: [], requiredScopes: [HTTPS_SCOPE] } });
      return { via: 'https', transfer: upload() };
    });
    await t.c().open(1, { id: DST, display_name: 'Lab' }, '/in/');
    await t.c().sendDropped(1, 'file:///home/ada/a.bin', []);
    expect(t.c().panes[1].notice).toMatchObject({ kind: 'consent', scopes: [HTTPS_SCOPE], requested: false });
    await t.c().grantNoticeConsent(1);
    expect(t.consents).toEqual([[HTTPS_SCOPE]]);
    expect(t.sent).toHaveLength(1);
    t.fake.emit('account', 'onStatus', { state: 'signed-in', consentedCollections: [] });
    await until(() => t.sent.length === 2);
    await until(() => t.h().items.length === 1);
    expect(t.c().panes[1].notice).toBeNull();
    // Heard again, the consent does not send a third time.
    t.fake.emit('account', 'onStatus', { state: 'signed-in', consentedCollections: [] });
    expect(t.sent).toHaveLength(2);
  });

  it('lists the pane again when an upload into its folder finishes a file', async () => {
    const t = setup(async () => ({ via: 'https', transfer: upload() }));
    await t.c().open(1, { id: DST, display_name: 'Lab' }, '/in/');
    const before = t.lsCalls.length;
    t.fake.emit('https', 'onChanged', upload({ updatedAt: 2, doneBytes: 5 }));
    expect(t.lsCalls.length).toBe(before);
    t.fake.emit('https', 'onChanged', upload({ updatedAt: 3, doneBytes: 10, filesDone: 1, state: 'succeeded' }));
    await until(() => t.lsCalls.length === before + 1);
    t.fake.emit('https', 'onChanged', upload({ id: 'elsewhere', updatedAt: 3, filesDone: 1, files: [{ source: '/a', destination: '/other/a', bytes: 1, doneBytes: 1, done: true }] }));
    expect(t.lsCalls.length).toBe(before + 1);
  });
});

describe('downloads over HTTPS', () => {
  it('downloads the selected files to the folder asked, and offers that folder next time', async () => {
    const t = setup(async () => ({ via: 'https', transfer: upload() }));
    await t.c().open(0, { id: DST, display_name: 'Lab' }, '/in/');
    await until(() => typeof t.c().httpsAccess[DST] === 'string');
    t.c().select(0, 'a.h5', 'only');
    expect(await t.c().downloadSelected(0, ' /home/ada/Downloads ')).toBe(true);
    expect(t.downloads).toEqual([{ collectionId: DST, paths: ['/in/a.h5'], folder: '/home/ada/Downloads' }]);
    expect(t.h().items.map((x) => x.id)).toEqual(['d1']);
    expect(t.c().downloadFolder).toBe('/home/ada/Downloads');
  });

  it('says why a download cannot start', () => {
    const server = 'https://g-1234.data.globus.org';
    expect(downloadBlocker([], server)).toBe('Select files to download.');
    expect(downloadBlocker([{ type: 'dir' }], server)).toMatch(/Folders are not downloaded over HTTPS/);
    expect(downloadBlocker([{ type: 'file' }], undefined)).toMatch(/Checking/);
    expect(downloadBlocker([{ type: 'file' }], null)).toMatch(/does not allow HTTPS access/);
    expect(downloadBlocker([{ type: 'file' }], server)).toBeNull();
  });

  // ("." and ".." are not names a file can have: a URL folds them away.)
  it('links a file over HTTPS with each name encoded, and the link decodes back to the path', () => {
    expect(httpsLinkOf('https://g-1234.data.globus.org/', '/run 7/a#1%.h5')).toBe('https://g-1234.data.globus.org/run%207/a%231%25.h5');
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1 }).filter((n) => !n.includes('/') && n !== '.' && n !== '..'), { minLength: 1, maxLength: 5 }), (names) => {
        const path = `/${names.join('/')}`;
        const link = new URL(httpsLinkOf('https://x.example', path));
        expect(link.origin).toBe('https://x.example');
        expect(link.pathname.split('/').map(decodeURIComponent).join('/')).toBe(path);
      }),
    );
  });

  it('offers the last folder, else a writable folder This computer shares, else the home folder', () => {
    expect(defaultDownloadFolder('/last', [{ path: '/home/ada', writable: true }], null)).toBe('/last');
    expect(defaultDownloadFolder('', [{ path: '/srv/ro', writable: false }, { path: '/home/ada', writable: true }], null)).toBe('/home/ada');
    expect(defaultDownloadFolder('', [], '/home/ada/.local/share/ferry')).toBe('/home/ada');
    expect(defaultDownloadFolder('', [], 'C:\\Users\\ada\\AppData\\Roaming\\Ferry')).toBe('C:\\Users\\ada');
    expect(defaultDownloadFolder('', [], '/var/lib/ferry')).toBe('');
  });
});
