import { describe, expect, it } from 'vitest';
import type { OpenTarget } from '../../shared/deep-links';
import { createAppStore } from './create-app-store';
import { navSelectors } from './nav-slice';
import { createFakeApi } from './testing/fake-api';

const TASK = '0f1e2d3c-4b5a-4968-8776-655443322110';

const settle = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
};

function setup(pending: OpenTarget | null = null) {
  const fake = createFakeApi({
    app: { takePendingOpen: async () => pending },
    // The detail stays loading: this test is about where the person lands, not the task's data.
    activity: { detail: () => new Promise(() => undefined) },
    collections: { get: () => new Promise(() => undefined) },
  });
  const store = createAppStore(fake.api);
  const stop = store.start();
  return { store, stop, open: (t: OpenTarget) => fake.emit('app', 'onOpen', t) };
}

describe('opening what a ferry:// link or a notification names', () => {
  it('goes to the area, the task in Activity and the sync job', async () => {
    const { store, stop, open } = setup();
    open({ kind: 'area', area: 'queue' });
    expect(navSelectors.area(store.getState())).toBe('queue');
    open({ kind: 'task', taskId: TASK });
    expect(navSelectors.area(store.getState())).toBe('activity');
    expect(store.getState().activity.detail?.taskId).toBe(TASK);
    open({ kind: 'sync-job', jobId: 'nightly' });
    expect(navSelectors.area(store.getState())).toBe('syncs');
    open({ kind: 'collection', collectionId: TASK, path: '/data/' });
    expect(navSelectors.area(store.getState())).toBe('collections');
    open({ kind: 'timer', timerId: TASK });
    expect(navSelectors.area(store.getState())).toBe('timers');
    open({ kind: 'area', area: 'no-such-area' });
    expect(navSelectors.area(store.getState())).toBe('timers');
    stop();
  });

  it('takes the target the app was started with once the page listens', async () => {
    const { store, stop } = setup({ kind: 'task', taskId: TASK });
    await settle(() => store.getState().activity.detail?.taskId === TASK);
    expect(navSelectors.area(store.getState())).toBe('activity');
    stop();
  });
});
