import { afterEach, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../../shared/contract/health';
import { defaultSettings } from '../../../shared/settings';
import { createFakeGlobusAccess, fakeCollection } from '../globus/testing/fake-globus-access';
import { createEventBus } from '../kernel';
import { capabilityHarness, runCleanups } from '../kernel/testing/harness';
import type { SettingsService } from '../settings';
import { createHealthCapability } from './handlers';
import type { HealthAlert } from './health-service';
import { fakeCollectionsInUse, fakeSessionAuth, manualClock } from './testing/fake-health-deps';

const MAPPED = 'aaaaaaaa-0000-4000-8000-000000000001';
const GUEST = 'aaaaaaaa-0000-4000-8000-000000000003';
const NOW = Date.UTC(2026, 10, 30, 12);

afterEach(runCleanups);

const settings = { get: () => defaultSettings('/tmp/ferry'), onChanged: () => () => undefined } as unknown as SettingsService;

function setup(state: 'signed-in' | 'signed-out') {
  const bus = createEventBus({ validate: true });
  const reports: HealthReport[] = [];
  bus.subscribe((channel, payload) => {
    if (channel === 'health:changed') reports.push(payload as HealthReport);
  });
  const access = createFakeGlobusAccess({
    collections: [fakeCollection(MAPPED, { displayName: 'Lab storage' }), fakeCollection(GUEST, { displayName: 'Shared', entityType: 'GCSv5_guest_collection', ownerId: 'me' })],
  });
  const signIn = fakeSessionAuth({ state, session: { signedInAt: NOW, refreshTokenUsedAt: NOW } });
  const inUse = fakeCollectionsInUse([{ id: MAPPED, usedBy: 'Queue destination' }]);
  const alerts: HealthAlert[] = [];
  const capability = createHealthCapability({ auth: signIn.auth, access, settings, bus, clock: manualClock(NOW), collectionsInUse: inUse.collectionsInUse, notify: (a) => alerts.push(a) });
  return { capability, harness: capabilityHarness(capability), reports, alerts, signIn, inUse };
}

describe('health capability', () => {
  it('answers through the contract, pushes schema-valid reports, and does not notify about being signed out', async () => {
    const t = setup('signed-out');
    const report = await t.harness.call<HealthReport>('health:check-now', []);
    expect(report.checks.map((c) => c.subject)).toEqual(['account']);
    expect(t.alerts).toEqual([]);
    expect(t.reports.at(-1)).toEqual(report);
    expect((await t.harness.invoke('health:check-collection', ['not-a-uuid'])).ok).toBe(false);
  });

  it('checks again when the sign-in or its consents change, and checks a collection as it starts being used', async () => {
    const t = setup('signed-out');
    t.signIn.update({ state: 'signed-in' });
    await t.harness.call('health:get', []);
    expect(t.alerts.map((a) => a.subject)).toEqual([`consent:${MAPPED}`]);
    t.signIn.update({ session: { consentedCollections: [MAPPED] } });
    const after = await t.harness.call<HealthReport>('health:check-now', []);
    expect(after.checks.find((c) => c.subject === `consent:${MAPPED}`)?.status).toBe('ok');
    const merged = await t.capability.checkCollection(GUEST);
    expect(merged.checks.map((c) => c.subject)).toEqual(expect.arrayContaining([`consent:${MAPPED}`, `consent:${GUEST}`, 'refresh-token']));
  });
});
