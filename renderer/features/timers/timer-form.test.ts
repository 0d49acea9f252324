import { describe, expect, it } from 'vitest';
import type { SyncJob } from '../../../shared/contract/syncs';
import type { TimerDetail } from '../../../shared/contract/timers';
import { checkTimerEdit, checkTimerForm, emptyTimerForm, formFromSyncJob, formFromTimer, toLocalInput, type TimerForm } from './timer-form';
import { describeEnd, describeInterval, sourceReachOf, stateTone } from './timers-selectors';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const NOW = Date.parse('2026-03-01T12:00:00Z');

const filled = (over: Partial<TimerForm> = {}): TimerForm => ({
  ...emptyTimerForm,
  name: 'Nightly',
  source: SRC,
  sourcePath: '/data/',
  destination: DST,
  destinationPath: '/backup/',
  ...over,
});

describe('timer form', () => {
  it('makes a draft: start now, every 6 hours, 4 runs, with the transfer options', () => {
    const { draft, errors } = checkTimerForm(filled({ every: '6', unit: 'hours', endKind: 'runs', endRuns: '4' }), NOW);
    expect(errors).toEqual({});
    expect(draft).toMatchObject({
      name: 'Nightly',
      startAt: NOW,
      intervalSeconds: 21_600,
      end: { kind: 'runs', count: 4 },
      items: [{ sourcePath: '/data/', destinationPath: '/backup/', recursive: true }],
      syncLevel: 3,
      verifyChecksum: true,
    });
  });

  it('says what to fix, field by field, in the contract\u2019s words', () => {
    const { draft, errors } = checkTimerForm(
      filled({ name: '', source: '', sourcePath: '', every: '30', unit: 'minutes', start: toLocalInput(NOW - 3_600_000), endKind: 'date', endDate: '' }),
      NOW,
    );
    expect(draft).toBeNull();
    expect(errors).toMatchObject({
      name: 'give the timer a name',
      source: 'choose a collection',
      sourcePath: 'path is required',
      start: expect.stringContaining('in the past'),
      endDate: 'choose the date the timer stops',
    });
    expect(checkTimerForm(filled({ every: '30', unit: 'minutes' }), NOW).errors).toEqual({});
    expect(checkTimerForm(filled({ every: '0.5', unit: 'minutes' }), NOW).errors.every).toContain('at least 1 minute');
  });

  it('edits: a new name alone, or a new interval and end; nothing changed is no patch', () => {
    const timer: TimerDetail = {
      id: 'eeeeeeee-0000-4000-8000-000000000001',
      name: 'Nightly',
      source: SRC,
      destination: DST,
      items: [{ sourcePath: '/data/', destinationPath: '/backup/', recursive: true }],
      intervalSeconds: 86_400,
      startAt: NOW,
      end: { kind: 'never' },
      state: 'scheduled',
      status: 'active',
      nextRunAt: NOW,
      lastRunAt: null,
      runCount: 0,
      errorCount: 0,
      inactiveReason: null,
      submittedAt: NOW,
      options: { syncLevel: 2 },
      runs: [],
    };
    const form = formFromTimer(timer);
    expect(form).toMatchObject({ every: '1', unit: 'days', endKind: 'never', options: { syncLevel: 2 } });
    expect(checkTimerEdit(form, timer)).toEqual({ patch: null, errors: { form: 'change the name, the interval or the end' } });
    expect(checkTimerEdit({ ...form, name: 'Nightly backup' }, timer).patch).toEqual({ name: 'Nightly backup' });
    expect(checkTimerEdit({ ...form, every: '12', unit: 'hours', endKind: 'runs', endRuns: '3' }, timer).patch).toEqual({ intervalSeconds: 43_200, end: { kind: 'runs', count: 3 } });
  });

  it('prefills a timer from a sync job: route, interval, checks and filters', () => {
    const job = {
      id: 'j',
      name: 'detector',
      source: { collectionId: SRC, localPath: '/mnt/d', collectionPath: '/detector' },
      destination: { collectionId: DST, path: '/archive' },
      schedule: { kind: 'interval', minutes: 15 },
      syncLevel: null,
      include: ['**/*.h5'],
      exclude: ['**/*.tmp'],
      verifyChecksum: true,
      preserveTimestamp: true,
      notify: false,
    } as unknown as SyncJob;
    const prefill = formFromSyncJob(job);
    expect(prefill).toMatchObject({ name: 'detector (on Globus)', source: SRC, sourcePath: '/detector/', destination: DST, destinationPath: '/archive/', repeat: true, every: '15', unit: 'minutes' });
    expect(prefill.options).toMatchObject({
      syncLevel: 2,
      verifyChecksum: true,
      preserveTimestamp: true,
      notifyOnSucceeded: false,
      filterRules: [
        { method: 'exclude', name: '*.tmp' },
        { method: 'include', name: '*.h5', type: 'file' },
        { method: 'exclude', name: '*', type: 'file' },
      ],
    });
    expect(checkTimerForm({ ...emptyTimerForm, ...prefill }, NOW).draft).not.toBeNull();
  });
});

describe('timer wording', () => {
  it('says intervals, ends, states and reach in plain words', () => {
    expect(describeInterval(null)).toBe('Once');
    expect(describeInterval(3600)).toBe('Every 1 h');
    expect(describeInterval(90 * 60)).toBe('Every 1 h 30 min');
    expect(describeEnd({ kind: 'runs', count: 1 })).toBe('Stops after 1 run');
    expect(describeEnd({ kind: 'never' })).toBe('Runs until stopped');
    expect(stateTone('needs-consent')).toBe('warn');
    expect(sourceReachOf({ entity_type: 'GCP_mapped_collection' })).toBe('this-machine');
    expect(sourceReachOf({ entity_type: 'GCSv5_mapped_collection' })).toBe('globus');
    expect(sourceReachOf({})).toBe('unknown');
  });
});
