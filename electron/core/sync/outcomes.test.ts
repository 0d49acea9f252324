import { describe, expect, it } from 'vitest';
import { syncRunStatuses, type SyncPreview, type SyncRun, type SyncRunStatus } from '../../../shared/contract/syncs';
import { emptyStats } from './model';
import { previewOutcome, runOutcome, worstOutcome, type SyncOutcome } from './outcomes';

const run = (status: SyncRunStatus, warnings = 0): SyncRun => ({
  id: 'r',
  jobId: 'j',
  jobName: 'job',
  status,
  trigger: 'cli',
  label: null,
  startedAt: '2024-05-01T10:00:00.000Z',
  endedAt: null,
  message: '',
  stats: { ...emptyStats, warnings },
  tasks: [],
});

describe('what a run came to', () => {
  it('tells nothing to do, succeeded, succeeded with warnings, failed and in progress apart, for every status', () => {
    const expected: Record<SyncRunStatus, [SyncOutcome, SyncOutcome]> = {
      succeeded: ['succeeded', 'succeeded-with-warnings'],
      no_changes: ['nothing-to-do', 'succeeded-with-warnings'],
      skipped: ['nothing-to-do', 'nothing-to-do'],
      partial: ['failed', 'failed'],
      failed: ['failed', 'failed'],
      canceled: ['failed', 'failed'],
      interrupted: ['failed', 'failed'],
      scanning: ['in-progress', 'succeeded-with-warnings'],
      submitting: ['in-progress', 'succeeded-with-warnings'],
      transferring: ['in-progress', 'succeeded-with-warnings'],
    };
    for (const status of syncRunStatuses) expect([runOutcome(run(status)), runOutcome(run(status, 2))], status).toEqual(expected[status]);
  });

  it('says the same of a preview, and the worst of several wins', () => {
    const p = (changedFiles: number, warningCount: number, emptyDirs = 0) => ({ changedFiles, warningCount, emptyDirs }) as SyncPreview;
    expect([previewOutcome(p(0, 0)), previewOutcome(p(0, 0, 1)), previewOutcome(p(3, 0)), previewOutcome(p(0, 1))]).toEqual([
      'nothing-to-do',
      'succeeded',
      'succeeded',
      'succeeded-with-warnings',
    ]);
    expect(worstOutcome([])).toBe('nothing-to-do');
    expect(worstOutcome(['nothing-to-do', 'succeeded'])).toBe('succeeded');
    expect(worstOutcome(['succeeded', 'in-progress'])).toBe('in-progress');
    expect(worstOutcome(['succeeded', 'succeeded-with-warnings', 'nothing-to-do'])).toBe('succeeded-with-warnings');
    expect(worstOutcome(['succeeded-with-warnings', 'failed'])).toBe('failed');
  });
});
