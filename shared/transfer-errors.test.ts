import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainTransferError, maxRawLength, rawErrorText, transferErrorTable, type TransferErrorInput } from './transfer-errors';

/** Realistic events per entry: Transfer's event codes and the texts GridFTP servers and file systems put in `details`. */
const samples: Readonly<Record<string, readonly TransferErrorInput[]>> = {
  'identical-paths': [
    { code: 'Conflict', description: 'A transfer with identical paths has not yet completed' },
    { code: 'GENERAL_ERROR', details: 'Error: A transfer with identical paths has not yet completed (task 8c1f…)' },
  ],
  'same-path': [
    { code: 'GENERAL_ERROR', description: 'error', details: 'Source and destination paths are the same: /data/run1/a.h5' },
    { details: '/data/a.h5 would be copied onto itself' },
  ],
  'permission-denied': [
    { code: 'PERMISSION_DENIED', description: 'permission denied', details: 'Permission denied: /calib/bad.dat' },
    { code: 'GENERAL_ERROR', details: '500-Command failed. : globus_gridftp_server_file.c:globus_l_gfs_file_open:1727:\n550 /project/x.dat: Permission denied' },
    { code: 'UNKNOWN', details: 'open: EACCES' },
  ],
  'file-not-found': [
    { code: 'FILE_NOT_FOUND', description: 'file not found', details: 'No such file or directory: /calib/missing.dat' },
    { code: 'GENERAL_ERROR', details: '500-globus_l_gfs_file_stat: System error in stat: No such file or directory\n550 /~/data/x.h5: not found' },
    { code: 'ClientError.NotFound', description: 'Directory /nope not found on endpoint' },
    {
      code: 'GENERAL_ERROR',
      description: 'error',
      details:
        'Error (transfer)\nEndpoint: Source (0a3f6c2e)\nFile: /calib/bad.dat\nCommand: RETR /calib/bad.dat\nMessage: Fatal FTP Response\n---\nDetails: 550-GlobusError: v=1 c=PATH_NOT_FOUND\n550-GridFTP-Errno: 2\n550-GridFTP-Reason: System error in open\n550-GridFTP-Error-String: No such file or directory\n550-GridFTP-Path: /calib/bad.dat\n550 End.',
    },
  ],
  quota: [
    { code: 'QUOTA_EXCEEDED', description: 'quota exceeded', details: 'Disk quota exceeded writing /scratch/out.h5' },
    { code: 'GENERAL_ERROR', details: '451-globus_xio: System error in write: Disk quota exceeded' },
    { code: 'NO_SPACE_LEFT', details: 'No space left on device' },
    { code: 'ENDPOINT_ERROR_WRITE', details: 'write failed: No space left on device (ENOSPC)' },
  ],
  'endpoint-not-connected': [
    { code: 'ENDPOINT_ERROR', description: 'Error connecting to the endpoint', details: 'Could not connect to server' },
    { code: 'GC_NOT_CONNECTED', description: 'Globus Connect not connected', details: 'The Globus Connect Personal endpoint is not currently connected to Globus' },
    { code: 'UNKNOWN', details: 'Endpoint is offline' },
  ],
  'endpoint-busy': [{ code: 'ENDPOINT_TOO_BUSY', description: 'endpoint too busy' }, { details: '421 Server too busy, try again later' }],
  'checksum-mismatch': [
    { code: 'CHECKSUM_MISMATCH', description: 'checksum mismatch', details: 'Checksum verification failed for /dst/a.dat' },
    { code: 'VERIFY_CHECKSUM', description: 'checksum verification failed' },
    { details: 'Source and destination checksums do not match' },
  ],
  'file-size-changed': [
    { code: 'FILE_SIZE_CHANGED', description: 'file size changed', details: 'Source file /run/log.txt changed size during transfer' },
    { details: 'file size changed during transfer, retrying' },
  ],
  connection: [
    { code: 'CONNECTION_RESET', description: 'connection reset', details: 'Connection reset by peer while transferring /a' },
    { code: 'TIMEOUT', description: 'timeout', details: 'Data channel idle timeout' },
    { code: 'GENERAL_ERROR', details: 'globus_xio: System error in connect: Connection timed out' },
    { code: 'CONNECT_FAILED', description: 'could not connect' },
  ],
  auth: [
    { code: 'AUTH', description: 'Error (authentication)', details: 'Credential for endpoint has expired' },
    { code: 'ConsentRequired', description: 'Missing required data_access consent' },
    { code: 'NO_CREDENTIALS', description: 'no credentials' },
    { details: '530 Login incorrect. : authentication failed' },
  ],
  deadline: [{ code: 'DEADLINE_EXPIRED', description: 'The task deadline expired' }, { details: 'Task deadline passed before completion' }],
  'is-a-directory': [{ code: 'IS_A_DIRECTORY', description: 'is a directory' }, { details: '550 /data/run1: Is a directory' }],
  'invalid-path': [{ code: 'INVALID_PATH_NAME', description: 'invalid path name' }, { code: 'AMBIGUOUS_PATH' }, { details: 'Invalid path: contains NUL' }],
  'invalid-symlink': [{ code: 'INVALID_SYMLINK', description: 'invalid symlink', details: 'Broken symbolic link: /data/latest' }],
  'limit-exceeded': [{ code: 'LimitExceeded', description: 'Too many pending tasks' }, { details: 'pending task limit exceeded' }],
  cancelled: [{ code: 'CANCELED', description: 'canceled' }, { details: 'The task was canceled by the user' }],
};

describe('the error explainer table', () => {
  it('has samples for every entry and no sample for an entry that does not exist', () => {
    expect(Object.keys(samples).sort()).toEqual(transferErrorTable.map((e) => e.id).sort());
    expect(new Set(transferErrorTable.map((e) => e.id)).size).toBe(transferErrorTable.length);
  });

  for (const entry of transferErrorTable) {
    it(`explains ${entry.id}`, () => {
      for (const sample of samples[entry.id] ?? []) {
        const got = explainTransferError(sample);
        expect(got.id, JSON.stringify(sample)).toBe(entry.id);
        expect(got.title).toBe(entry.title);
        expect(got.cause.length).toBeGreaterThan(20);
        expect(got.action.length).toBeGreaterThan(10);
        expect(got.raw).toBe(rawErrorText(sample));
      }
    });
  }

  it('lets a known code win over a misleading text', () => {
    expect(explainTransferError({ code: 'PERMISSION_DENIED', details: 'No such file or directory' }).id).toBe('permission-denied');
  });

  it('matches the text when the code is generic', () => {
    expect(explainTransferError({ code: 'GENERAL_ERROR', details: 'No such file or directory' }).id).toBe('file-not-found');
    expect(explainTransferError('550 /x: Permission denied').id).toBe('permission-denied');
    expect(explainTransferError('QUOTA_EXCEEDED').id).toBe('quota');
  });

  it('offers a path fix where a path is the likely cure and not for network trouble', () => {
    expect(explainTransferError({ code: 'FILE_NOT_FOUND' }).fixPath).toBe(true);
    expect(explainTransferError({ code: 'PERMISSION_DENIED' }).fixPath).toBe(true);
    expect(explainTransferError({ code: 'CONNECTION_RESET' }).fixPath).toBe(false);
    expect(explainTransferError({ code: 'GC_NOT_CONNECTED' }).fixPath).toBe(false);
  });

  it('explains an unknown error generically, naming its raw text', () => {
    const got = explainTransferError({ code: 'WEIRD_THING', description: 'weird', details: 'the flux capacitor is misaligned' });
    expect(got.id).toBe('unknown');
    expect(got.cause).toContain('WEIRD_THING: weird — the flux capacitor is misaligned');
    expect(explainTransferError({}).cause).toMatch(/without any details/);
  });

  it('gives an explanation for any text and never throws (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        const got = explainTransferError(text);
        expect(got.title.length).toBeGreaterThan(0);
        expect(got.action.length).toBeGreaterThan(0);
        expect(got.raw.length).toBeLessThanOrEqual(maxRawLength);
        if (got.id === 'unknown' && got.raw) expect(got.cause).toContain(got.raw);
      }),
      { numRuns: 500 },
    );
  });

  it('gives an explanation for any event shape and never throws (property)', () => {
    const part = fc.option(fc.string({ maxLength: 500 }), { nil: undefined });
    fc.assert(
      fc.property(fc.record({ code: fc.option(fc.string({ maxLength: 60 })), description: part, details: part }), (event) => {
        const got = explainTransferError(event);
        expect(got.raw).toBe(rawErrorText(event));
        if (got.id === 'unknown') expect(got.cause).toContain(got.raw);
        else expect(transferErrorTable.some((e) => e.id === got.id)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
