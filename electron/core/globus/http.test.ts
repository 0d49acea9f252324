import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryable, withRetry } from './http';
import { GlobusApiError } from './transfer-port';

const apiError = (status: number, code = `HTTP${status}`): GlobusApiError => new GlobusApiError({ code, message: code, status });

describe('retry policy', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('retries 5xx and network errors, never 4xx or ExternalError answers', () => {
    expect(isRetryable(apiError(500))).toBe(true);
    expect(isRetryable(apiError(503))).toBe(true);
    expect(isRetryable(new GlobusApiError({ code: 'NetworkError', message: 'x', status: 0 }))).toBe(true);
    expect(isRetryable(new GlobusApiError({ code: 'Timeout', message: 'x', status: 0 }))).toBe(true);
    expect(isRetryable(apiError(400))).toBe(false);
    expect(isRetryable(apiError(404, 'ClientError.NotFound'))).toBe(false);
    expect(isRetryable(apiError(409, 'Conflict'))).toBe(false);
    expect(isRetryable(apiError(429))).toBe(false);
    expect(isRetryable(apiError(502, 'ExternalError.MkdirFailed.Exists'))).toBe(false);
    expect(isRetryable(new Error('plain'))).toBe(false);
  });

  it('tries again after a 5xx with growing, bounded waits', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 4) throw apiError(503);
        return 'ok';
      },
      policy,
      async (ms) => {
        waits.push(ms);
      },
      () => 1,
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([100, 200, 400]);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1_000);
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls += 1;
        throw apiError(500);
      },
      policy,
      async () => undefined,
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(error).toMatchObject({ status: 500 });
  });

  it('does not retry a 4xx', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw apiError(403);
        },
        policy,
        async () => undefined,
      ),
    ).rejects.toMatchObject({ status: 403 });
    expect(calls).toBe(1);
  });
});
