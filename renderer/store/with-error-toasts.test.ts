import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../shared/errors';
import type { AppApi } from '../../shared/ipc-contract';
import { withErrorToasts } from './with-error-toasts';

const refuse = (code: string) => async () => {
  throw new RemoteError({ code, kind: 'refused', message: `refused: ${code}` });
};

function setup(shownByView: ReadonlySet<string>) {
  const reported: string[] = [];
  const raw = {
    transfers: { sendLocal: refuse('NotShared') },
    https: { resume: (code: string) => refuse(code)() },
    account: { getStatus: refuse('Whatever') },
  } as unknown as AppApi;
  const api = withErrorToasts(raw, (e) => reported.push((e as Error).message), shownByView);
  return { api, reported };
}

describe('withErrorToasts', () => {
  it('reports every refusal once and still rejects for the caller', async () => {
    const { api, reported } = setup(new Set());
    await expect(api.account.getStatus()).rejects.toThrow('refused: Whatever');
    expect(reported).toEqual(['refused: Whatever']);
  });

  it('leaves to the view the refusals it shows: a whole verb, or one code of a verb', async () => {
    const { api, reported } = setup(new Set(['transfers.sendLocal', 'https.resume:ConsentRequired']));
    await expect(api.transfers.sendLocal({ paths: ['/a'], destination: 'x', folder: '/' })).rejects.toThrow('NotShared');
    await expect((api.https.resume as unknown as (c: string) => Promise<unknown>)('ConsentRequired')).rejects.toThrow();
    expect(reported).toEqual([]);
    await expect((api.https.resume as unknown as (c: string) => Promise<unknown>)('NotFound')).rejects.toThrow();
    expect(reported).toEqual(['refused: NotFound']);
  });
});
