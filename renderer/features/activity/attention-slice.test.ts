import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { TaskAttention } from '../../../shared/contract/activity';
import type { Alert } from '../../../shared/contract/alerts';
import { explainTransferError } from '../../../shared/transfer-errors';
import { createAppSlice } from '../../store/app-slice';
import { sliceSetters } from '../../store/scoped-set';
import { createToastSlice } from '../../store/toast-slice';
import type { AppState } from '../../store/types';
import { createActivitySlice, type ActivityEnv } from './activity-slice';
import { attentionSelectors } from './attention-slice';
import { fakeActivityApi, type FakeActivityApi } from './testing/activity-fakes';

function setup(fake: FakeActivityApi = fakeActivityApi()) {
  const shown: { title: string; body: string; tag: string }[] = [];
  const env: ActivityEnv & { permission: 'default' | 'granted' } = {
    permission: 'default',
    now: () => 0,
    notificationPermission: () => env.permission,
    requestNotificationPermission: async () => 'granted',
    notify: (title, body, tag) => shown.push({ title, body, tag }),
  };
  const store = createStore<AppState>()((set, get) => {
    const scoped = sliceSetters(set);
    return {
      app: createAppSlice(fake.api, scoped('app')),
      toasts: createToastSlice(scoped('toasts')),
      activity: createActivitySlice(fake.api, scoped('activity'), get, env),
    } as unknown as AppState;
  });
  return { fake, env, shown, s: () => store.getState(), a: () => store.getState().activity };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
};

const flagged: TaskAttention = {
  taskId: 't1',
  label: 'Calibration',
  faults: 2,
  event: { code: 'FILE_NOT_FOUND', is_error: true, description: 'file not found', details: 'No such file or directory: /calib/bad.dat', time: '2024-03-01T00:00:01Z' },
  explanation: explainTransferError({ code: 'FILE_NOT_FOUND' }),
  since: 1,
  item: { index: 1, sourcePath: '/calib/bad.dat', destinationPath: '/out/bad.dat' },
  canFixPath: true,
};

const alarm: Alert = { id: 'watchdog:sync:j1', kind: 'watchdog', severity: 'warning', title: 'Sync job "detector" moved nothing for 24 hours', body: 'Check it.', raisedAt: 5, subject: { kind: 'sync', id: 'j1' } };

describe('attention and alerts in the activity slice', () => {
  it('loads what needs attention and the alerts on attach, follows pushes, and stops on detach', async () => {
    const t = setup();
    t.fake.attention = [flagged];
    t.fake.alerts = [alarm];
    const detach = t.a().attach!();
    await until(() => t.a().alerts.length === 1 && t.a().attention.length === 1);
    expect(attentionSelectors.attentionById(t.s()).get('t1')).toBe(flagged);
    expect(attentionSelectors.alertCount(t.s())).toBe(1);

    t.fake.emitAttention([]);
    expect(attentionSelectors.attention(t.s())).toEqual([]);
    t.fake.emitAlerts([alarm, { ...alarm, id: 'task:t9', kind: 'task' }]);
    expect(attentionSelectors.alertCount(t.s())).toBe(2);
    detach();
    expect(t.fake.listenerCount()).toBe(0);
  });

  it('dismisses an alert through the host', async () => {
    const t = setup();
    t.a().alertsReceived([alarm]);
    await t.a().dismissAlert(alarm.id);
    expect(t.fake.calls.at(-1)).toEqual({ name: 'alerts.dismiss', args: [alarm.id] });
    expect(t.a().alerts).toEqual([]);
  });

  it('shows an alert notification in a browser (toast without permission), never in Electron', async () => {
    const t = setup();
    await t.s().app.loadInfo();
    t.a().attach!();
    t.fake.emitNotify({ title: 'Sync job "detector" moved nothing for 24 hours', body: 'Check it.', tag: 'ferry-alert-x' });
    expect(t.s().toasts.items.at(-1)).toMatchObject({ kind: 'info', message: 'Sync job "detector" moved nothing for 24 hours. Check it.' });
    t.env.permission = 'granted';
    t.fake.emitNotify({ title: 'A', body: 'B', tag: 'ferry-daily-summary' });
    expect(t.shown).toEqual([{ title: 'A', body: 'B', tag: 'ferry-daily-summary' }]);

    const desktop = fakeActivityApi();
    desktop.host = 'electron';
    const e = setup(desktop);
    await e.s().app.loadInfo();
    e.a().alertNotified({ title: 'A', body: 'B', tag: 't' });
    expect(e.shown).toEqual([]);
    expect(e.s().toasts.items).toEqual([]);
  });

  it('resubmits with a fixed path and says so; a refusal answers null', async () => {
    const t = setup();
    const fix = { itemIndex: 1, sourcePath: '/calib/bad-v2.dat', destinationPath: '/out/bad.dat' };
    const pending = t.a().resubmitFixed('t1', fix);
    expect(attentionSelectors.fixingTaskId(t.s())).toBe('t1');
    expect(await pending).toBe('t1-fixed');
    expect(t.fake.calls.at(-1)).toEqual({ name: 'resubmitFixed', args: ['t1', fix] });
    expect(t.s().toasts.items.at(-1)?.message).toBe('Cancelled the task and resubmitted it with the fixed path as task t1-fixed');
    expect(attentionSelectors.fixingTaskId(t.s())).toBeNull();
    expect(await t.a().resubmitFixed('refused', fix)).toBeNull();
  });
});
