import { describe, expect, it } from 'vitest';
import { checkSyncForm, describeSchedule, emptySyncForm, formFromJob, type SyncForm } from './sync-form';

const filled: SyncForm = {
  ...emptySyncForm,
  name: 'detector',
  sourceCollection: 'aaaaaaaa-0000-4000-8000-000000000001',
  localPath: '/data/detector',
  collectionPath: '/detector',
  destinationCollection: 'bbbbbbbb-0000-4000-8000-000000000002',
  destinationPath: '/backup',
};

describe('sync form: watch schedule and verified move', () => {
  it('offers the watch schedule with bounded quiet seconds and full-scan minutes', () => {
    const ok = checkSyncForm({ ...filled, scheduleKind: 'watch', quietSeconds: '10', fullScanMinutes: '60' });
    expect(ok.draft?.schedule).toEqual({ kind: 'watch', quietSeconds: 10, fullScanMinutes: 60 });
    const bad = checkSyncForm({ ...filled, scheduleKind: 'watch', quietSeconds: '0', fullScanMinutes: 'x' });
    expect(bad.draft).toBeNull();
    expect(bad.errors.quietSeconds).toMatch(/at least 1 second/i);
    expect(bad.errors.fullScanMinutes).toBe('Enter a whole number.');
  });

  it('is off by default, needs checksum verification, and reads back from a job', () => {
    expect(checkSyncForm(filled).draft?.moveAfterVerify).toBe(false);
    expect(checkSyncForm({ ...filled, moveAfterVerify: true }).errors.moveAfterVerify).toMatch(/checksum verification/);
    const draft = checkSyncForm({ ...filled, verifyChecksum: true, moveAfterVerify: true, scheduleKind: 'watch' }).draft;
    expect(draft).toMatchObject({ verifyChecksum: true, moveAfterVerify: true });
    const job = {
      ...(draft as NonNullable<typeof draft>),
      id: 'x',
      syncLevel: null,
      preserveTimestamp: true,
      verifyChecksum: true,
      notify: false,
      moveAfterVerify: true,
      schedule: { kind: 'watch' as const, quietSeconds: 10, fullScanMinutes: 60 },
      paused: false,
      createdAt: '',
      updatedAt: '',
    };
    expect(formFromJob(job)).toMatchObject({ scheduleKind: 'watch', quietSeconds: '10', moveAfterVerify: true });
    expect(describeSchedule(job)).toBe('On change (10 s quiet; full scan every 60 min)');
  });
});

describe('sync form: picked collections', () => {
  it('asks for a choice when a collection is not picked yet, and keeps the contract message for a bad id', () => {
    const none = checkSyncForm({ ...filled, sourceCollection: '', destinationCollection: '' });
    expect(none.draft).toBeNull();
    expect(none.errors.sourceCollection).toBe('Choose the source collection: search by name, or paste its Globus id.');
    expect(none.errors.destinationCollection).toBe('Choose the destination collection: search by name, or paste its Globus id.');
    const bad = checkSyncForm({ ...filled, sourceCollection: 'not-an-id' });
    expect(bad.errors.sourceCollection).toBeDefined();
    expect(bad.errors.sourceCollection).not.toMatch(/^Choose/);
  });
});
