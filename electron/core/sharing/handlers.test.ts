import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/settings';
import { createFakeGlobusAccess, fakeCollection } from '../globus/testing/fake-globus-access';
import { fakeSessionAuth } from '../health/testing/fake-health-deps';
import { capabilityHarness, runCleanups } from '../kernel/testing/harness';
import type { SettingsService } from '../settings';
import { createSharingCapability } from './handlers';

const GUEST = 'aaaaaaaa-0000-4000-8000-000000000003';
const settings = { get: () => defaultSettings('/tmp/ferry'), onChanged: () => () => undefined } as unknown as SettingsService;

afterEach(runCleanups);

describe('sharing capability', () => {
  it('validates arguments through the contract before the service sees them', async () => {
    const access = createFakeGlobusAccess({ collections: [fakeCollection(GUEST, { entityType: 'GCSv5_guest_collection', ownerId: 'me' })] });
    const capability = createSharingCapability({ auth: fakeSessionAuth().auth, access, settings });
    const harness = capabilityHarness(capability);
    const bad = await harness.invoke('sharing:add-rule', [{ collectionId: GUEST, recipient: { kind: 'identity', username: 'x' }, path: 'data', permissions: 'r' }]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.kind).toBe('invalid');
    expect(access.calls).toEqual([]);
    const list = await harness.call<{ rules: unknown[] }>('sharing:list-rules', [GUEST]);
    expect(list.rules).toEqual([]);
  });
});
