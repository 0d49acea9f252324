import { describe, expect, it } from 'vitest';
import type { HealthReport } from '../../../shared/contract/health';
import { ConsentRequiredError } from '../globus';
import { createFakeGlobusAccess, fakeCollection } from '../globus/testing/fake-globus-access';
import { evaluateHealth, needsDataAccess } from './health-checks';
import { DAY, MINUTE } from './health-dates';
import { createHealthService, type HealthAlert } from './health-service';
import { fakeCollectionsInUse, fakeSessionAuth, manualClock } from './testing/fake-health-deps';

const NOW = Date.UTC(2026, 10, 30, 12);
const MAPPED = 'aaaaaaaa-0000-4000-8000-000000000001';
const HA = 'aaaaaaaa-0000-4000-8000-000000000002';
const GUEST = 'aaaaaaaa-0000-4000-8000-000000000003';

function setup(options: { consented?: string[]; authTime?: number; refreshUsed?: number; revoked?: boolean; servesWithoutConsent?: boolean } = {}) {
  const access = createFakeGlobusAccess({
    collections: [
      fakeCollection(MAPPED, { displayName: 'Lab storage' }),
      fakeCollection(HA, { displayName: 'Clinic data', highAssurance: true, authenticationTimeoutMins: 60 * 24 * 3 }),
      fakeCollection(GUEST, { displayName: 'Shared results', entityType: 'GCSv5_guest_collection' }),
    ],
  });
  const clock = manualClock(NOW);
  const signIn = fakeSessionAuth({
    session: {
      identityId: 'me',
      signedInAt: NOW - DAY,
      refreshTokenUsedAt: options.refreshUsed ?? NOW - DAY,
      authentications: [{ identityId: 'me', authTime: options.authTime ?? NOW - DAY }],
      consentedCollections: options.consented ?? [],
    },
  });
  const inUse = fakeCollectionsInUse([
    { id: MAPPED, usedBy: 'Sync job Nightly' },
    { id: MAPPED, usedBy: 'Queue destination' },
    { id: HA, usedBy: 'Timer Weekly' },
  ]);
  const alerts: HealthAlert[] = [];
  const reports: HealthReport[] = [];
  let waiting: ((r: HealthReport) => void) | null = null;
  /** Resolves with the next report published, whoever started the check. */
  const nextReport = () => new Promise<HealthReport>((resolve) => (waiting = resolve));
  const listed: string[] = [];
  const service = createHealthService({
    auth: signIn.auth,
    access,
    transfer: {
      ls: async (id) => {
        listed.push(id);
        // As Globus: a listing needs the consent (unless this collection does not ask for it).
        const consented = (signIn.auth.session()?.consentedCollections ?? []).some((c) => c.toLowerCase() === id.toLowerCase());
        if (options.revoked || (!consented && !options.servesWithoutConsent)) {
          throw new ConsentRequiredError({ message: 'consent', status: 403, collectionIds: [id], requiredScopes: [] });
        }
        return { DATA: [], path: '/' };
      },
    },
    collectionsInUse: inUse.collectionsInUse,
    warnDays: () => 7,
    clock,
    notify: (a) => alerts.push(a),
    onReport: (r) => {
      reports.push(r);
      const w = waiting;
      waiting = null;
      w?.(r);
    },
  });
  const bySubject = (r: HealthReport, subject: string) => r.checks.find((c) => c.subject === subject);
  return { access, clock, signIn, inUse, alerts, reports, listed, service, bySubject, nextReport };
}

describe('health checks', () => {
  it('a collection Globus serves without a consent the person never gave is ok, and says so', async () => {
    const t = setup({ servesWithoutConsent: true });
    const consent = t.bySubject(await t.service.checkNow(), `consent:${MAPPED}`);
    expect(consent).toMatchObject({ status: 'ok', fix: null });
    expect(consent?.explanation).toMatch(/without a data_access consent from you today/);
    expect(t.listed).toContain(MAPPED);
  });

  it('a mapped collection without consent is failing now, with the consent fix, used by both of its users', async () => {
    const t = setup();
    const report = await t.service.checkNow();
    const consent = t.bySubject(report, `consent:${MAPPED}`);
    expect(consent).toMatchObject({
      status: 'failing',
      title: 'Lab storage',
      usedBy: ['Sync job Nightly', 'Queue destination'],
      fix: { kind: 'consent', scope: `https://auth.globus.org/scopes/${MAPPED}/data_access`, collectionId: MAPPED },
    });
    expect(Date.parse(consent?.failsAt ?? '')).toBe(NOW);
  });

  it('after consent it is ok, and a consent revoked at Globus is failing again', async () => {
    expect((await setup({ consented: [MAPPED] }).service.checkNow()).checks.find((c) => c.subject === `consent:${MAPPED}`)).toMatchObject({
      status: 'ok',
      failsAt: null,
      fix: null,
    });
    const revoked = setup({ consented: [MAPPED], revoked: true });
    const report = await revoked.service.checkNow();
    expect(revoked.bySubject(report, `consent:${MAPPED}`)).toMatchObject({ status: 'failing', explanation: expect.stringMatching(/revoked/) });
    expect(revoked.listed).toEqual([MAPPED]);
  });

  it("a high-assurance collection's login timeout: warning within the window, failing past it, ok after a fresh login", async () => {
    const t = setup({ authTime: NOW - DAY });
    let report = await t.service.checkNow();
    // 3-day timeout, logged in a day ago: fails in two days, inside the 7-day window.
    expect(t.bySubject(report, `session:${HA}`)).toMatchObject({ status: 'warning', fix: { kind: 'sign-in' } });
    expect(Date.parse(t.bySubject(report, `session:${HA}`)?.failsAt ?? '')).toBe(NOW + 2 * DAY);
    expect(t.bySubject(report, `consent:${HA}`)).toMatchObject({ status: 'ok', fix: null });
    t.clock.advance(2 * DAY);
    report = await t.service.checkNow();
    expect(t.bySubject(report, `session:${HA}`)?.status).toBe('failing');
    t.signIn.update({ session: { authentications: [{ identityId: 'me', authTime: t.clock.now() }] } });
    report = await t.service.checkNow();
    expect(t.bySubject(report, `session:${HA}`)?.status).toBe('warning');
  });

  it('warns about a refresh token unused for almost six months', async () => {
    const t = setup({ refreshUsed: NOW - 178 * DAY });
    const check = t.bySubject(await t.service.checkNow(), 'refresh-token');
    expect(check).toMatchObject({ status: 'warning', fix: { kind: 'sign-in' } });
    expect(setup({ refreshUsed: NOW - DAY }).bySubject(await setup({ refreshUsed: NOW - DAY }).service.checkNow(), 'refresh-token')?.status).toBe('ok');
  });

  it('signed out: one failing sign-in item', async () => {
    const t = setup();
    t.signIn.update({ state: 'expired' });
    const report = await t.service.checkNow();
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ subject: 'account', status: 'failing', fix: { kind: 'sign-in' } });
  });

  it('lists a collection Globus cannot describe as a problem instead of failing the whole report', async () => {
    const t = setup({ consented: [MAPPED] });
    t.access.unreachable.add(HA);
    const report = await t.service.checkNow();
    expect(report.problems).toEqual([expect.stringContaining(HA)]);
    expect(t.bySubject(report, `consent:${MAPPED}`)?.status).toBe('ok');
  });
});

describe('notifications and schedule', () => {
  it('notifies once per subject while it stays bad, and again after it recovered and went bad again', async () => {
    const t = setup();
    await t.service.checkNow();
    await t.service.checkNow();
    const subjects = t.alerts.map((a) => a.subject).sort();
    expect(subjects).toEqual([`consent:${MAPPED}`, `session:${HA}`]);
    t.signIn.update({ session: { consentedCollections: [MAPPED] } });
    await t.service.checkNow();
    t.signIn.update({ session: { consentedCollections: [] } });
    await t.service.checkNow();
    expect(t.alerts.filter((a) => a.subject === `consent:${MAPPED}`)).toHaveLength(2);
  });

  it('checks a collection as soon as it starts being used and merges it into the report', async () => {
    const t = setup({ consented: [MAPPED] });
    await t.service.checkNow();
    t.inUse.set([{ id: GUEST, usedBy: 'Queue destination' }]);
    const report = await t.service.checkCollection(GUEST);
    expect(t.bySubject(report, `consent:${GUEST}`)).toMatchObject({ status: 'ok', usedBy: ['Queue destination'] });
    // The other collections' checks are kept.
    expect(t.bySubject(report, `consent:${MAPPED}`)?.status).toBe('ok');
    expect(t.reports.at(-1)).toBe(report);
  });

  it('runs again by itself: daily, and at the moment an item starts failing', async () => {
    const HOUR = 3_600_000;
    // The 3-day HA login ends in 5 hours.
    const t = setup({ consented: [MAPPED], authTime: NOW - 3 * DAY + 5 * HOUR });
    const first = t.nextReport();
    t.service.start();
    expect(t.bySubject(await first, `session:${HA}`)?.status).toBe('warning');
    const failing = t.nextReport();
    t.clock.advance(5 * HOUR - 1);
    expect(t.reports).toHaveLength(1);
    t.clock.advance(1);
    expect(t.bySubject(await failing, `session:${HA}`)?.status).toBe('failing');
    // Nothing else changes later: the next check is a day after.
    const daily = t.nextReport();
    t.clock.advance(DAY - 1);
    expect(t.reports).toHaveLength(2);
    t.clock.advance(1);
    await daily;
    expect(t.reports).toHaveLength(3);
    t.service.stop();
    expect(t.clock.pending()).toBe(0);
  });
});

describe('needsDataAccess', () => {
  it('follows Globus: GCSv5 mapped and not high assurance', () => {
    expect(needsDataAccess(fakeCollection(MAPPED))).toBe(true);
    expect(needsDataAccess(fakeCollection(MAPPED, { highAssurance: true }))).toBe(false);
    expect(needsDataAccess(fakeCollection(MAPPED, { entityType: 'GCSv5_guest_collection' }))).toBe(false);
    expect(needsDataAccess(fakeCollection(MAPPED, { entityType: 'GCP_mapped_collection' }))).toBe(false);
  });

  it('says "about" when the login time is only estimated from the sign-in', () => {
    const [, , session] = evaluateHealth({
      now: NOW,
      warnDays: 7,
      account: 'signed-in',
      session: { identityId: 'me', signedInAt: NOW - 10 * MINUTE, refreshTokenUsedAt: NOW, authentications: [], consentedCollections: [], grantedResourceServers: [] },
      collections: [{ id: HA, usedBy: ['x'], policy: fakeCollection(HA, { highAssurance: true, authenticationTimeoutMins: 30 }), probe: 'not-probed' }],
    });
    expect(session).toMatchObject({ subject: `session:${HA}`, status: 'warning', explanation: expect.stringMatching(/about /) });
  });
});
