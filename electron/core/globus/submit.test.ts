import { describe, expect, it, vi } from 'vitest';
import type { DeleteSubmission, TransferSubmission } from '../../../shared/globus-types';
import { buildTransferDocument, createSubmitter, type TaskSubmitted } from './submit';
import type { TransferService } from './transfer-port';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';

function port() {
  const sent: (TransferSubmission | DeleteSubmission)[] = [];
  let ids = 0;
  const transfer = {
    getSubmissionId: async () => `sub-${++ids}`,
    submitTransfer: async (doc: TransferSubmission) => {
      sent.push(doc);
      return { task_id: `task-${sent.length}`, submission_id: doc.submission_id, code: 'Accepted' };
    },
    submitDelete: async (doc: DeleteSubmission) => {
      sent.push(doc);
      return { task_id: `task-${sent.length}`, submission_id: doc.submission_id, code: 'Accepted' };
    },
  } as unknown as TransferService;
  return { transfer, sent };
}

describe('the one submit path', () => {
  it('builds the document once from a plain request, submits it and announces it', async () => {
    const { transfer, sent } = port();
    const submitter = createSubmitter(() => transfer);
    const heard: TaskSubmitted[] = [];
    submitter.onSubmitted((e) => heard.push(e));
    const done = await submitter.transfer(
      {
        source: SRC,
        destination: DST,
        label: 'run 7',
        syncLevel: 2,
        verifyChecksum: true,
        deadline: '2026-12-01T00:00:00Z',
        notify: false,
        items: [{ sourcePath: '/a', destinationPath: '/b', recursive: true }, { sourcePath: '/c', destinationPath: '/d' }],
      },
      'manual',
    );
    expect(sent).toEqual([
      {
        source_endpoint: SRC,
        destination_endpoint: DST,
        submission_id: 'sub-1',
        label: 'run 7',
        sync_level: 2,
        verify_checksum: true,
        deadline: '2026-12-01T00:00:00.000Z',
        notify_on_succeeded: false,
        notify_on_failed: false,
        notify_on_inactive: false,
        // No DATA_TYPE: the Transfer service adds it on the wire, once.
        DATA: [
          { source_path: '/a', destination_path: '/b', recursive: true },
          { source_path: '/c', destination_path: '/d' },
        ],
      },
    ]);
    expect(done).toMatchObject({ type: 'TRANSFER', taskId: 'task-1', submissionId: 'sub-1', code: 'Accepted', origin: 'manual' });
    expect(heard).toEqual([done]);
  });

  it('uses a submission id the caller saved first (a repeat after a crash is the same submission)', async () => {
    const { transfer, sent } = port();
    const submitter = createSubmitter(() => transfer);
    const id = await submitter.newSubmissionId();
    await submitter.transfer({ source: SRC, destination: DST, items: [{ sourcePath: '/a', destinationPath: '/b' }], submissionId: id }, 'queue');
    expect(sent[0]?.submission_id).toBe(id);
  });

  it('submits deletes and stored documents the same way, and a throwing listener does not stop the others', async () => {
    const { transfer, sent } = port();
    const submitter = createSubmitter(() => transfer);
    const heard: string[] = [];
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    submitter.onSubmitted(() => {
      throw new Error('boom');
    });
    const off = submitter.onSubmitted((e) => heard.push(`${e.type}:${e.origin}`));
    await submitter.delete({ collection: DST, paths: ['/x', '/y'], recursive: true }, 'connector');
    await submitter.submitDocument({ endpoint: DST, submission_id: 'kept', DATA: [{ path: '/z' }] }, 'resubmit');
    off();
    await submitter.submitDocument({ source_endpoint: SRC, destination_endpoint: DST, submission_id: 'k2', DATA: [] }, 'resubmit');
    expect(sent[0]).toEqual({ endpoint: DST, submission_id: 'sub-1', recursive: true, DATA: [{ path: '/x' }, { path: '/y' }] });
    expect(heard).toEqual(['DELETE:connector', 'DELETE:resubmit']);
    expect(logged).toHaveBeenCalledTimes(3);
    logged.mockRestore();
  });

  describe('every transfer option maps to its Globus field', () => {
    const base = { source: SRC, destination: DST, items: [{ sourcePath: '/a/', destinationPath: '/b/', recursive: true }] };
    const doc = (extra: object) => buildTransferDocument({ ...base, ...extra }, 'sub-9') as unknown as Record<string, unknown>;
    it.each([
      [{ syncLevel: 0 }, { sync_level: 0 }],
      [{ syncLevel: 1 }, { sync_level: 1 }],
      [{ syncLevel: 3 }, { sync_level: 3 }],
      [{ verifyChecksum: false }, { verify_checksum: false }],
      [{ preserveTimestamp: true }, { preserve_timestamp: true }],
      [{ encrypt: true }, { encrypt_data: true }],
      [{ deleteDestinationExtra: true }, { delete_destination_extra: true }],
      [{ failOnQuotaErrors: true }, { fail_on_quota_errors: true }],
      [{ skipSourceErrors: true }, { skip_source_errors: true }],
      [{ deadline: '2026-12-24T10:00:00+01:00' }, { deadline: '2026-12-24T09:00:00.000Z' }],
      [{ label: 'nightly' }, { label: 'nightly' }],
      [{ recursiveSymlinks: 'keep' }, { recursive_symlinks: 'keep' }],
      [{ notifyOnSucceeded: false }, { notify_on_succeeded: false }],
      [{ notifyOnFailed: true }, { notify_on_failed: true }],
      [{ notifyOnInactive: false }, { notify_on_inactive: false }],
    ])('%j -> %j', (plain, field) => {
      const built = doc(plain);
      expect(built).toMatchObject(field);
      // Nothing else but the fixed fields appears.
      const fixed = ['source_endpoint', 'destination_endpoint', 'submission_id', 'DATA'];
      expect(Object.keys(built).filter((k) => !fixed.includes(k)).sort()).toEqual(Object.keys(field).sort());
    });

    it('sends filter rules in order, as filter_rule documents, and none when the list is empty', () => {
      expect(
        doc({
          filterRules: [
            { method: 'include', name: '*.h5', type: 'file' },
            { method: 'exclude', name: 'scratch' },
            { method: 'exclude', name: '*', type: 'file' },
          ],
        }).filter_rules,
      ).toEqual([
        { DATA_TYPE: 'filter_rule', method: 'include', name: '*.h5', type: 'file' },
        { DATA_TYPE: 'filter_rule', method: 'exclude', name: 'scratch' },
        { DATA_TYPE: 'filter_rule', method: 'exclude', name: '*', type: 'file' },
      ]);
      expect(doc({ filterRules: [] })).not.toHaveProperty('filter_rules');
    });

    it('lets a per-kind notification choice override the single switch', () => {
      expect(doc({ notify: false, notifyOnFailed: true })).toMatchObject({ notify_on_succeeded: false, notify_on_failed: true, notify_on_inactive: false });
    });
  });
});
