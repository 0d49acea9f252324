import { describe, expect, it } from 'vitest';
import { GlobusApiError } from '../globus';
import { classifySubmitError } from './index';
import { conflictBlocker } from './errors';

const api = (status: number, code: string, message = 'x', body?: unknown): GlobusApiError =>
  new GlobusApiError({ status, code, message, body });

describe('classifySubmitError', () => {
  it('sorts Globus answers into what the dispatcher does next', () => {
    expect(classifySubmitError(api(409, 'LimitExceeded', 'Too many pending tasks'))).toBe('limit');
    expect(classifySubmitError(api(429, 'TooManyRequests'))).toBe('limit');
    expect(classifySubmitError(api(409, 'Conflict', 'A transfer with identical paths has not yet completed'))).toBe('conflict');
    expect(classifySubmitError(api(200, 'Duplicate'))).toBe('duplicate');
    expect(classifySubmitError(api(0, 'NetworkError'))).toBe('transient');
    expect(classifySubmitError(api(503, 'ServiceUnavailable'))).toBe('transient');
    expect(classifySubmitError(api(401, 'AuthenticationFailed'))).toBe('transient');
    expect(classifySubmitError(new TypeError('fetch failed'))).toBe('transient');
    expect(classifySubmitError(api(403, 'ConsentRequired'))).toBe('fatal');
    expect(classifySubmitError(api(400, 'ClientError.BadRequest'))).toBe('fatal');
  });

  it('finds the blocking task of a Conflict in the body or the message', () => {
    const id = '8d2c4b1a-1111-4222-8333-944455556666';
    expect(conflictBlocker(api(409, 'Conflict', `identical paths (task ${id})`))).toBe(id);
    expect(conflictBlocker(api(409, 'Conflict', 'identical paths', { task_id: id }))).toBe(id);
    expect(conflictBlocker(api(409, 'Conflict', 'identical paths'))).toBeNull();
  });
});
