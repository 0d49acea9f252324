import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ActivityRow } from '../../../shared/activity';
import type { DeleteRequest, TransferOptionsInput, TransferRequest } from '../../../shared/collections';
import type { DirEntry } from '../../../shared/globus-types';
import type { AppApi } from '../../../shared/ipc-contract';
import { sliceSetters } from '../../store/scoped-set';
import { createFakeApi } from '../../store/testing/fake-api';
import type { AppState } from '../../store/types';
import { createCollectionsSlice } from './collections-slice';
import { breadcrumbs, parseCollectionId, pushRecent, servedFolders, transferBlocker, visibleEntries } from './pane-model';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';

const file = (name: string, size = 1, modified = '2026-01-01T00:00:00Z'): DirEntry => ({ name, type: 'file', size, last_modified: modified });
const dir = (name: string): DirEntry => ({ name, type: 'dir', size: 0, last_modified: null });

function row(partial: Partial<ActivityRow>): ActivityRow {
  return {
    task_id: 't',
    status: 'SUCCEEDED',
    type: 'TRANSFER',
    label: null,
    source_id: SRC,
    source_name: null,
    destination_id: DST,
    destination_name: null,
    paths: null,
    files: 1,
    files_transferred: 1,
    files_skipped: 0,
    bytes_transferred: 1,
    effective_bytes_per_second: 0,
    faults: 0,
    nice_status: null,
    request_time: new Date().toISOString(),
    completion_time: new Date().toISOString(),
    submitted_by_ferry: true,
    origin: 'manual',
    ...partial,
  };
}

function setup(overrides: { transfers?: Partial<AppApi['transfers']> } = {}) {
  const folders = new Map<string, DirEntry[]>([
    [`${SRC}:/data/`, [file('a.h5'), file('b.h5'), dir('run-7'), file('.hidden')]],
    [`${DST}:/in/`, []],
    [`${DST}:/other/`, []],
  ]);
  const lsCalls: string[] = [];
  const submitted: TransferRequest[] = [];
  const deleted: DeleteRequest[] = [];
  const saved: [string, string, TransferOptionsInput][] = [];
  const renamed: [string, string, string][] = [];
  let remembered: TransferOptionsInput | null = null;
  const fake = createFakeApi({
    collections: {
      listBookmarks: async () => [],
      ls: async (id, path) => {
        lsCalls.push(`${id}:${path}`);
        return { collectionId: id, path, entries: folders.get(`${id}:${path}`) ?? [] };
      },
      get: async (id) => ({ id, display_name: id === DST ? 'Destination' : null }),
      search: async (text) => [{ id: SRC, display_name: `Source (${text})` }],
      rename: async (id, from, to) => {
        renamed.push([id, from, to]);
        const at = from.slice(0, from.lastIndexOf('/') + 1);
        const list = folders.get(`${id}:${at}`) ?? [];
        folders.set(`${id}:${at}`, list.map((e) => (`${at}${e.name}` === from ? { ...e, name: to.slice(at.length) } : e)));
        return { code: 'FileRenamed', message: '' };
      },
    },
    transfers: {
      submit: async (request) => {
        submitted.push(request);
        return { taskId: `task-${submitted.length}`, submissionId: 's', code: 'Accepted' };
      },
      delete: async (request) => {
        deleted.push(request);
        return { taskId: 'del-1', submissionId: 's', code: 'Accepted' };
      },
      preview: async () => ({ copy: [], copyCount: 2, copyBytes: 10, remove: [{ path: '/in/run-7/old', size: 3, type: 'file' }], removeCount: 1, removeBytes: 3, unchangedCount: 0, truncated: false }),
      getDefaults: async () => remembered,
      saveDefaults: async (s, d, options) => {
        saved.push([s, d, options]);
        return options;
      },
      ...overrides.transfers,
    },
  });
  let signedIn = true;
  const store = createStore<AppState>()((set, get) => {
    const scoped = sliceSetters(set);
    return {
      account: { get status() { return { state: signedIn ? 'signed-in' : 'signed-out' }; } },
      nav: { go: () => undefined },
      collections: createCollectionsSlice(fake.api, scoped('collections'), get),
    } as unknown as AppState;
  });
  const c = () => store.getState().collections;
  const off = c().attach?.();
  return {
    fake,
    c,
    folders,
    lsCalls,
    submitted,
    deleted,
    saved,
    renamed,
    off,
    remember: (o: TransferOptionsInput | null) => (remembered = o),
    signOut: () => (signedIn = false),
    async openBoth(left = '/data/', right = '/in/') {
      await c().open(0, { id: SRC, display_name: 'Source' }, left);
      await c().open(1, { id: DST, display_name: 'Destination' }, right);
    },
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
};

describe('collections slice: listings that stay true', () => {
  it('re-lists the destination pane when the transfer it started there ends, without a click', async () => {
    const t = setup();
    await t.openBoth();
    t.c().select(0, 'a.h5', 'only');
    const taskId = await t.c().transfer(0);
    expect(taskId).toBe('task-1');
    t.folders.set(`${DST}:/in/`, [file('a.h5')]);
    const before = t.lsCalls.length;
    t.fake.emit('activity', 'onTaskEnded', { row: row({ task_id: 'task-1', destination_id: DST }), previousStatus: 'ACTIVE' });
    await until(() => t.c().panes[1].entries.length === 1);
    expect(t.lsCalls.slice(before)).toEqual([`${DST}:/in/`]);
    // The same end heard again (a delta after the event) is not a second listing.
    t.fake.emit('activity', 'onDelta', { revision: 2, upserted: [row({ task_id: 'task-1' })], removed: [] });
    await new Promise((r) => setTimeout(r, 0));
    expect(t.lsCalls.length).toBe(before + 1);
  });

  it('leaves a pane alone when the task wrote into another folder of the same collection', async () => {
    const t = setup();
    await t.openBoth('/data/', '/in/');
    t.c().select(0, 'a.h5', 'only');
    await t.c().transfer(0);
    await t.c().list(1, '/other/');
    const before = t.lsCalls.length;
    t.fake.emit('activity', 'onDelta', { revision: 1, upserted: [row({ task_id: 'task-1' })], removed: [] });
    await new Promise((r) => setTimeout(r, 0));
    expect(t.lsCalls.length).toBe(before);
  });

  it('re-lists for a task started elsewhere that ended into the collection shown, and for a delete of it', async () => {
    const t = setup();
    await t.openBoth();
    const before = t.lsCalls.length;
    t.fake.emit('activity', 'onDelta', { revision: 1, upserted: [row({ task_id: 'queue-1', status: 'ACTIVE' })], removed: [] });
    await new Promise((r) => setTimeout(r, 0));
    expect(t.lsCalls.length).toBe(before);
    t.fake.emit('activity', 'onDelta', { revision: 2, upserted: [row({ task_id: 'queue-1' }), row({ task_id: 'del-9', type: 'DELETE', source_id: SRC, destination_id: null })], removed: [] });
    await until(() => t.lsCalls.length === before + 2);
    expect(t.lsCalls.slice(before).sort()).toEqual([`${SRC}:/data/`, `${DST}:/in/`]);
  });

  it('refresh lists the folder again and keeps the selection of what is still there', async () => {
    const t = setup();
    await t.openBoth();
    t.c().selectAll(0, true);
    expect(t.c().panes[0].selected).toEqual(['run-7', 'a.h5', 'b.h5']);
    t.folders.set(`${SRC}:/data/`, [file('a.h5'), dir('run-7')]);
    await t.c().refresh(0);
    expect(t.c().panes[0].selected).toEqual(['run-7', 'a.h5']);
  });

  it('keeps the search text, the pane to open in and each pane across areas (state lives in the store)', async () => {
    const t = setup();
    t.c().setSearchText('Ferry Demo');
    t.c().setOpenIn(1);
    await t.openBoth();
    t.c().setFilter(0, '.h5');
    t.c().select(0, 'a.h5', 'only');
    expect(t.c()).toMatchObject({ searchText: 'Ferry Demo', openIn: 1 });
    expect(t.c().panes[0]).toMatchObject({ path: '/data/', filter: '.h5', selected: ['a.h5'] });
  });
});

describe('collections slice: a transfer that explains itself', () => {
  it('says why "Start transfer" cannot run', async () => {
    const t = setup();
    expect(t.c().transferBlocker(0)).toBe('Open a collection in both panes.');
    await t.openBoth();
    expect(t.c().transferBlocker(0)).toBe('Select the files or folders to send.');
    t.c().select(0, 'a.h5', 'only');
    expect(t.c().transferBlocker(0)).toBeNull();
    await t.c().open(1, { id: SRC, display_name: 'Source' }, '/data/');
    t.c().select(0, 'a.h5', 'only');
    expect(t.c().transferBlocker(0)).toMatch(/same folder/);
    t.signOut();
    expect(t.c().transferBlocker(0)).toBe('Sign in to Globus first.');
    expect(await t.c().transfer(0)).toBeNull();
    expect(t.submitted).toEqual([]);
  });

  it('sends every option of the form and remembers them for the pair; the next time the pair opens they are back', async () => {
    const t = setup();
    await t.openBoth();
    t.c().select(0, 'run-7', 'only');
    t.c().setForm({
      syncLevel: 3,
      verifyChecksum: false,
      preserveTimestamp: true,
      encrypt: true,
      deleteDestinationExtra: true,
      failOnQuotaErrors: true,
      skipSourceErrors: true,
      filterRules: [
        { method: 'include', name: '*.h5', type: 'file' },
        { method: 'exclude', name: ' ' },
        { method: 'exclude', name: '*' },
      ],
      deadline: '2026-12-24T10:00',
      notifyOnSucceeded: false,
      notifyOnFailed: true,
      notifyOnInactive: false,
    });
    t.c().setLabel(' nightly ');
    // A mirror is previewed first: what it would delete is shown before anything is sent.
    expect(t.c().needsPreview(0)).toBe(true);
    expect(await t.c().transfer(0)).toBeNull();
    expect(t.submitted).toEqual([]);
    await t.c().previewTransfer(0);
    expect(t.c().preview?.result?.removeCount).toBe(1);
    expect(t.c().needsPreview(0)).toBe(false);
    // A changed option makes the preview stale.
    t.c().setForm({ syncLevel: 2 });
    expect(t.c().needsPreview(0)).toBe(true);
    t.c().setForm({ syncLevel: 3 });
    expect(t.c().needsPreview(0)).toBe(false);
    expect(await t.c().transfer(0)).toBe('task-1');
    expect(t.c().preview).toBeNull();
    const sent = t.submitted[0];
    expect(sent).toMatchObject({
      source: SRC,
      destination: DST,
      label: 'nightly',
      items: [{ sourcePath: '/data/run-7', destinationPath: '/in/run-7', recursive: true }],
      syncLevel: 3,
      verifyChecksum: false,
      preserveTimestamp: true,
      encrypt: true,
      deleteDestinationExtra: true,
      failOnQuotaErrors: true,
      skipSourceErrors: true,
      filterRules: [
        { method: 'include', name: '*.h5', type: 'file' },
        { method: 'exclude', name: '*' },
      ],
      deadline: new Date('2026-12-24T10:00').toISOString(),
      notifyOnSucceeded: false,
      notifyOnFailed: true,
      notifyOnInactive: false,
    });
    await until(() => t.saved.length === 1);
    const [s, d, options] = t.saved[0] as [string, string, TransferOptionsInput];
    expect([s, d]).toEqual([SRC, DST]);
    expect(options).not.toHaveProperty('deadline');
    expect(t.c().label).toBe('');

    const again = setup();
    again.remember(options);
    await again.openBoth();
    await until(() => again.c().form.encrypt);
    expect(again.c().form).toMatchObject({ syncLevel: 3, deleteDestinationExtra: true, deadline: '', filterRules: options.filterRules });
  });
});

describe('collections slice: file operations', () => {
  it('deletes the selection as one Globus delete task and re-lists the folder when it ends', async () => {
    const t = setup();
    await t.openBoth();
    t.c().select(0, 'run-7', 'only');
    t.c().select(0, 'b.h5', 'toggle');
    expect(await t.c().deleteSelected(0)).toBe('del-1');
    expect(t.deleted).toEqual([{ collection: SRC, paths: ['/data/run-7', '/data/b.h5'], label: 'Delete 2 items' }]);
    expect(t.c().lastSubmitted).toMatchObject({ taskId: 'del-1', kind: 'delete' });
    t.folders.set(`${SRC}:/data/`, [file('a.h5')]);
    t.fake.emit('activity', 'onTaskEnded', { row: row({ task_id: 'del-1', type: 'DELETE', destination_id: null }), previousStatus: 'ACTIVE' });
    await until(() => t.c().panes[0].entries.length === 1);
  });

  it('selects with shift ranges, ctrl toggles and select all over what is shown', async () => {
    const t = setup();
    await t.openBoth();
    t.c().select(0, 'run-7', 'only');
    t.c().select(0, 'b.h5', 'range');
    expect(t.c().panes[0].selected).toEqual(['run-7', 'a.h5', 'b.h5']);
    t.c().select(0, 'a.h5', 'toggle');
    expect(t.c().panes[0].selected).toEqual(['run-7', 'b.h5']);
    t.c().setShowHidden(0, true);
    t.c().selectAll(0, true);
    expect(t.c().panes[0].selected).toContain('.hidden');
    t.c().setShowHidden(0, false);
    expect(t.c().panes[0].selected).not.toContain('.hidden');
    t.c().selectAll(0, false);
    expect(t.c().panes[0].selected).toEqual([]);
  });

  it('moves the selection with the keyboard, and extends it with shift', async () => {
    const t = setup();
    await t.openBoth();
    t.c().moveSelection(0, 1, false);
    expect(t.c().panes[0].selected).toEqual(['run-7']);
    t.c().moveSelection(0, 1, false);
    expect(t.c().panes[0].selected).toEqual(['a.h5']);
    t.c().moveSelection(0, 1, true);
    expect(t.c().panes[0].selected).toEqual(['a.h5', 'b.h5']);
    t.c().moveSelection(0, 1, true);
    expect(t.c().panes[0].selected).toEqual(['a.h5', 'b.h5']);
    t.c().moveSelection(0, -1, true);
    expect(t.c().panes[0].selected).toEqual(['a.h5']);
    t.c().moveSelection(0, -1, false);
    expect(t.c().panes[0].selected).toEqual(['run-7']);
  });

  it('renames inside the folder and selects the new name', async () => {
    const t = setup();
    await t.openBoth();
    expect(await t.c().rename(0, 'a.h5', 'a/b')).toBe(false);
    expect(await t.c().rename(0, 'a.h5', 'c.h5')).toBe(true);
    expect(t.renamed).toEqual([[SRC, '/data/a.h5', '/data/c.h5']]);
    expect(t.c().panes[0].selected).toEqual(['c.h5']);
    expect(t.c().panes[0].entries.map((e) => e.name)).toContain('c.h5');
  });
});

describe('pane model', () => {
  const entries = [file('b', 30, '2026-01-03T00:00:00Z'), file('A', 10, '2026-01-02T00:00:00Z'), dir('z'), file('.git', 5)];
  const view = (p: Partial<Parameters<typeof visibleEntries>[0]> = {}) =>
    visibleEntries({ entries, filter: '', showHidden: false, sort: { key: 'name', direction: 'asc' }, ...p }).map((e) => e.name);
  it('hides dot files unless asked, filters by name and sorts by any column, folders first', () => {
    expect(view()).toEqual(['z', 'A', 'b']);
    expect(view({ showHidden: true })).toEqual(['z', '.git', 'A', 'b']);
    expect(view({ filter: 'B' })).toEqual(['b']);
    expect(view({ sort: { key: 'size', direction: 'desc' } })).toEqual(['z', 'b', 'A']);
    expect(view({ sort: { key: 'modified', direction: 'asc' } })).toEqual(['z', 'A', 'b']);
    expect(view({ sort: { key: 'name', direction: 'desc' } })).toEqual(['z', 'b', 'A']);
  });
  it('breaks a path into breadcrumbs', () => {
    expect(breadcrumbs('/home/ada/run-7/')).toEqual([
      { name: '/', path: '/' },
      { name: 'home', path: '/home/' },
      { name: 'ada', path: '/home/ada/' },
      { name: 'run-7', path: '/home/ada/run-7/' },
    ]);
  });
  it('names the consent it waits for before a selection', () => {
    const c = { id: SRC, display_name: 'S' };
    expect(
      transferBlocker({ signedIn: true, source: { collection: c, path: '/', selected: ['x'] }, destination: { collection: { id: DST, display_name: 'D' }, path: '/' }, consentFor: DST }),
    ).toMatch(/consent/);
  });
});


describe('collection picker support', () => {
  it('resolves a pasted id or web app link, searches other text, and keeps recent collections', async () => {
    const t = setup();
    expect(parseCollectionId(`https://app.globus.org/file-manager?origin_id=${DST.toUpperCase()}&origin_path=%2F`)).toBe(DST);
    expect(parseCollectionId('Ferry Demo')).toBeNull();
    expect(await t.c().findCollections(` ${DST} `)).toEqual([{ id: DST, display_name: 'Destination' }]);
    expect(await t.c().findCollections('demo')).toEqual([{ id: SRC, display_name: 'Source (demo)' }]);
    expect(await t.c().findCollections('  ')).toEqual([]);
    await t.openBoth();
    await t.c().open(0, { id: SRC, display_name: 'Source' }, '/data/');
    expect(t.c().recent.map((c) => c.id)).toEqual([SRC, DST]);
    const many = Array.from({ length: 12 }, (_, i) => ({ id: `${i}`, display_name: null }));
    expect(many.reduce((list, c) => pushRecent(list, c), [] as readonly { id: string; display_name: string | null }[]).map((c) => c.id)).toEqual(
      ['11', '10', '9', '8', '7', '6', '5', '4', '3', '2'],
    );
  });
});

describe('pickers', () => {
  it('browseFolders lists only the folders of a collection folder, sorted', async () => {
    const { c } = setup();
    expect(await c().browseFolders(SRC, '/data/')).toEqual({ path: '/data/', folders: ['run-7'] });
  });

  it('servedFolders says which local folder a collection serves (Globus endpoints file), any case', () => {
    const rows = [
      { uuid: SRC.toUpperCase(), endpointPath: '/~/proxystore', localPath: '/home/me/proxystore', hostRegex: '.*' },
      { uuid: DST, endpointPath: '', localPath: '', hostRegex: '.*' },
    ];
    expect(servedFolders(rows, SRC)).toEqual([{ endpointPath: '/~/proxystore', localPath: '/home/me/proxystore' }]);
    expect(servedFolders(rows, DST)).toEqual([]);
    expect(servedFolders(rows, '')).toEqual([]);
  });
});
