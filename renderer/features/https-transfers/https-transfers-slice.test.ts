import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { HttpsTransfer } from '../../../shared/contract/https-transfers';
import { sliceSetters } from '../../store/scoped-set';
import { createFakeApi } from '../../store/testing/fake-api';
import type { AppState } from '../../store/types';
import { actionBlocker, mergeTransfer, percentDone, stateLabel, type HttpsAction } from './https-transfer-model';
import { createHttpsTransfersSlice } from './https-transfers-slice';
import { httpsTransferStates } from '../../../shared/contract/https-transfers';
import { RemoteError } from '../../../shared/errors';

const COLLECTION = 'aaaaaaaa-0000-4000-8000-000000000001';

function transfer(partial: Partial<HttpsTransfer> = {}): HttpsTransfer {
  return {
    id: 'h1',
    direction: 'upload',
    collectionId: COLLECTION,
    collectionName: 'Lab storage',
    state: 'running',
    createdAt: 1000,
    updatedAt: 1000,
    totalBytes: 100,
    doneBytes: 0,
    fileCount: 1,
    filesDone: 0,
    bytesPerSecond: null,
    error: null,
    files: [{ source: '/home/ada/a.bin', destination: '/in/a.bin', bytes: 100, doneBytes: 0, done: false }],
    ...partial,
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
};

function setup(list: readonly HttpsTransfer[] = []) {
  const calls: string[] = [];
  const fake = createFakeApi({
    https: {
      list: async () => list,
      pause: async (id) => (calls.push(`pause ${id}`), transfer({ id, state: 'paused', updatedAt: 5000 })),
      resume: async (id) => (calls.push(`resume ${id}`), transfer({ id, state: 'running', updatedAt: 6000 })),
      remove: async (id) => (calls.push(`remove ${id}`), { removed: true }),
    },
  });
  const store = createStore<AppState>()((set, get) => ({ httpsTransfers: createHttpsTransfersSlice(fake.api, sliceSetters(set)('httpsTransfers'), get) }) as unknown as AppState);
  const h = () => store.getState().httpsTransfers;
  const off = h().attach?.();
  return { fake, h, calls, off };
}

describe('HTTPS transfers slice', () => {
  it('loads the list, merges every change event by id and stops listening when detached', async () => {
    const t = setup([transfer({ id: 'old', createdAt: 10 })]);
    await until(() => t.h().items.length === 1);
    t.fake.emit('https', 'onChanged', transfer({ id: 'h1', createdAt: 20, doneBytes: 40, updatedAt: 2000 }));
    expect(t.h().items.map((x) => x.id)).toEqual(['h1', 'old']);
    t.fake.emit('https', 'onChanged', transfer({ id: 'h1', createdAt: 20, doneBytes: 80, updatedAt: 3000 }));
    // A late event with older progress does not move the bar back.
    t.fake.emit('https', 'onChanged', transfer({ id: 'h1', createdAt: 20, doneBytes: 60, updatedAt: 2500 }));
    expect(t.h().items[0]?.doneBytes).toBe(80);
    t.off?.();
    expect(t.fake.listenerCount('https', 'onChanged')).toBe(0);
  });

  it('pauses, resumes and removes, showing what the host answered', async () => {
    const t = setup([transfer()]);
    await until(() => t.h().items.length === 1);
    await t.h().run('pause', 'h1');
    expect(t.h().items[0]?.state).toBe('paused');
    await t.h().run('resume', 'h1');
    expect(t.h().items[0]?.state).toBe('running');
    await t.h().run('remove', 'h1');
    expect(t.h().items).toEqual([]);
    expect(t.calls).toEqual(['pause h1', 'resume h1', 'remove h1']);
    expect(t.h().pending).toEqual([]);
  });

  it('keeps the transfer and clears its pending mark when the host refuses', async () => {
    const t = setup([transfer()]);
    await until(() => t.h().items.length === 1);
    await t.h().run('cancel', 'h1');
    expect(t.h().items[0]?.state).toBe('running');
    expect(t.h().pending).toEqual([]);
  });
});

describe('HTTPS transfer model', () => {
  it('says why each action cannot run in each state, and allows exactly the ones that can', () => {
    const can = (action: HttpsAction) => httpsTransferStates.filter((s) => actionBlocker(action, s) === null);
    expect(can('pause')).toEqual(['queued', 'running', 'interrupted']);
    expect(can('resume')).toEqual(['paused', 'interrupted', 'failed']);
    expect(can('cancel')).toEqual(['queued', 'running', 'paused', 'interrupted', 'failed']);
    expect(can('remove')).toEqual(['paused', 'interrupted', 'succeeded', 'failed', 'cancelled']);
    expect(actionBlocker('resume', 'running')).toBe('It is running.');
    expect(actionBlocker('remove', 'running')).toBe('Pause or cancel it first.');
    expect(actionBlocker('cancel', 'succeeded')).toBe('It has finished.');
    for (const s of httpsTransferStates) expect(stateLabel(s)).toMatch(/^[A-Z]/);
  });

  it('counts percent done, unknown before the size is known', () => {
    expect(percentDone({ doneBytes: 25, totalBytes: 50, state: 'running' })).toBe(50);
    expect(percentDone({ doneBytes: 0, totalBytes: 0, state: 'queued' })).toBeNull();
    expect(percentDone({ doneBytes: 0, totalBytes: 0, state: 'succeeded' })).toBe(100);
  });

  it('adds new transfers newest first', () => {
    const list = mergeTransfer(mergeTransfer([], transfer({ id: 'a', createdAt: 1 })), transfer({ id: 'b', createdAt: 2 }));
    expect(list.map((x) => x.id)).toEqual(['b', 'a']);
  });
});

describe('HTTPS transfers slice: consent', () => {
  it('offers the HTTPS consent a resume needs and resumes once it is given', async () => {
    let resumes = 0;
    const scope = `https://auth.globus.org/scopes/${COLLECTION}/https`;
    const consents: string[][] = [];
    const fake = createFakeApi({
      https: {
        list: async () => [transfer({ state: 'interrupted' })],
        resume: async (id) => {
          resumes++;
          if (resumes === 1) throw new RemoteError({ code: 'ConsentRequired', kind: 'forbidden', message: 'Lab needs your consent', details: { requiredScopes: [scope] } });
          return transfer({ id, state: 'running', updatedAt: 9000 });
        },
      },
    });
    const store = createStore<AppState>()(
      (set, get) =>
        ({
          account: { addScopeConsent: async (s: readonly string[]) => (consents.push([...s]), { state: 'signing-in' }) },
          httpsTransfers: createHttpsTransfersSlice(fake.api, sliceSetters(set)('httpsTransfers'), get),
        }) as unknown as AppState,
    );
    const h = () => store.getState().httpsTransfers;
    h().attach?.();
    await until(() => h().items.length === 1);
    await h().run('resume', 'h1');
    expect(h().consent).toMatchObject({ transferId: 'h1', scopes: [scope], requested: false });
    await h().grantConsent();
    expect(consents).toEqual([[scope]]);
    fake.emit('account', 'onStatus', { state: 'signed-in' });
    await until(() => h().items[0]?.state === 'running');
    expect(resumes).toBe(2);
    expect(h().consent).toBeNull();
  });
});
