import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpsTransfer } from '../../../shared/contract/https-transfers';
import type { GlobusAuth } from '../globus';
import { fakeCollection } from '../globus/testing/fake-globus-access';
import { createEventBus } from '../kernel';
import { capabilityHarness, onCleanup, runCleanups, tempDir, until } from '../kernel/testing/harness';
import { createHttpsTransfersCapability } from './handlers';
import { startFakeHttpsServer } from './testing/fake-https-server';

afterEach(runCleanups);

const ID = '0a3f6c2e-8b1d-4e5f-9c7a-2b4d6e8f0a13';

describe('the https:* channels', () => {
  it('upload, list and events (checked against the contract), typed errors through the envelope', async () => {
    const dir = tempDir('ferry-https-cap-');
    const server = await startFakeHttpsServer(join(dir, 'collection'));
    onCleanup(() => server.close());
    server.tokens.add('t');
    let consent = true;
    const auth: Pick<GlobusAuth, 'tokenFor'> = {
      tokenFor: async (scope) => {
        if (!consent) throw Object.assign(new Error(`no consent for ${scope}`), { code: 'ConsentRequired', kind: 'forbidden' });
        return 't';
      },
    };
    const bus = createEventBus({ validate: true });
    const events: HttpsTransfer[] = [];
    bus.subscribe((channel, payload) => channel === 'https:changed' && events.push(payload as HttpsTransfer));
    const collection = fakeCollection(ID, { displayName: 'Lab Storage' });
    const capability = createHttpsTransfersCapability({
      stateDir: dir,
      bus,
      auth,
      access: { getCollectionPolicy: async () => ({ ...collection, about: { ...collection.about, httpsServer: server.url } }) },
    });
    const h = capabilityHarness(capability);
    await writeFile(join(dir, 'f.txt'), 'hello');
    const started = await h.call<HttpsTransfer>('https:upload', [{ collectionId: ID, folder: '/in/', paths: [join(dir, 'f.txt')] }]);
    await until(() => events.some((e) => e.id === started.id && e.state === 'succeeded'), 'upload');
    expect(String(await server.file('/in/f.txt'))).toBe('hello');
    expect((await h.call<HttpsTransfer[]>('https:list', [])).map((t) => t.state)).toEqual(['succeeded']);

    consent = false;
    const refused = await h.invoke('https:upload', [{ collectionId: ID, folder: '/in/', paths: [join(dir, 'f.txt')] }]);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'ConsentRequired', kind: 'forbidden', details: { requiredScopes: [`https://auth.globus.org/scopes/${ID}/https`], collectionId: ID } },
    });
    expect(await h.invoke('https:pause', ['nope'])).toMatchObject({ ok: false, error: { kind: 'not-found', code: 'TransferNotFound' } });
    expect(await h.invoke('https:upload', [{ collectionId: ID, folder: 'relative', paths: ['x'] }])).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });
});
