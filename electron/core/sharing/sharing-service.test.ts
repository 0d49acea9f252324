import { describe, expect, it } from 'vitest';
import { createFakeGlobusAccess, fakeCollection } from '../globus/testing/fake-globus-access';
import { DAY } from '../health';
import { AppError } from '../kernel';
import { createSharingService, globusDate, type SharingAlert } from './sharing-service';

const NOW = Date.UTC(2026, 10, 30, 12);
const GUEST = 'cccccccc-0000-4000-8000-000000000001';
const MAPPED = 'cccccccc-0000-4000-8000-000000000002';
const BOB = { id: 'dddddddd-0000-4000-8000-000000000001', username: 'bob@example.org', name: 'Bob', email: 'bob@example.org', status: 'used' };
const GROUP = { id: 'eeeeeeee-0000-4000-8000-000000000001', name: 'Imaging Lab', description: null };

function setup(partial: Parameters<typeof fakeCollection>[1] = {}) {
  const access = createFakeGlobusAccess({
    collections: [
      fakeCollection(GUEST, { displayName: 'Results share', entityType: 'GCSv5_guest_collection', ownerId: 'me', myEffectiveRoles: ['administrator'], ...partial }),
      fakeCollection(MAPPED, { displayName: 'Cluster storage' }),
    ],
    identities: [BOB],
    groups: [GROUP, { id: 'eeeeeeee-0000-4000-8000-000000000002', name: 'Other team', description: null }],
  });
  let now = NOW;
  const alerts: SharingAlert[] = [];
  const service = createSharingService({ access, warnDays: () => 7, now: () => now, me: () => 'me', notify: (a) => alerts.push(a) });
  return { access, service, alerts, advance: (ms: number) => (now += ms) };
}

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
};

describe('sharing service', () => {
  it('lists only guest collections the person manages', async () => {
    const t = setup();
    expect((await t.service.listCollections()).map((c) => c.name)).toEqual(['Results share']);
  });

  it('shares a folder with a username: resolved to the identity, shown by name, then removed', async () => {
    const t = setup();
    const rule = await t.service.addRule({ collectionId: GUEST, recipient: { kind: 'identity', username: 'BOB@example.org' }, path: '/data/', permissions: 'r' });
    expect(rule).toMatchObject({ principalType: 'identity', principal: BOB.id, principalName: 'bob@example.org', path: '/data/', permissions: 'r', expiry: 'none' });
    const list = await t.service.listRules(GUEST);
    expect(list.rules.map((r) => `${r.principalName} ${r.path} ${r.permissions}`)).toEqual(['bob@example.org /data/ r']);
    await t.service.removeRule(GUEST, rule.id);
    expect((await t.service.listRules(GUEST)).rules).toEqual([]);
  });

  it('refuses an unknown username, a duplicate rule, and rules on a collection that is not a guest collection', async () => {
    const t = setup();
    expect((await refusal(t.service.addRule({ collectionId: GUEST, recipient: { kind: 'identity', username: 'nobody@x.org' }, path: '/', permissions: 'r' }))).code).toBe('IdentityNotFound');
    await t.service.addRule({ collectionId: GUEST, recipient: { kind: 'group', id: GROUP.id }, path: '/', permissions: 'rw' });
    const dup = await refusal(t.service.addRule({ collectionId: GUEST, recipient: { kind: 'group', id: GROUP.id }, path: '/', permissions: 'r' }));
    expect(dup.kind).toBe('conflict');
    expect(dup.message).toMatch(/Group Imaging Lab already has read-write access/);
    expect((await refusal(t.service.listRules(MAPPED))).code).toBe('NotGuestCollection');
  });

  it('finds groups by part of their name, and takes a pasted group id even without the Groups API', async () => {
    const t = setup();
    expect((await t.service.findGroups('imag')).groups.map((g) => g.name)).toEqual(['Imaging Lab']);
    expect(await t.service.findGroups('')).toMatchObject({ listable: true, groups: [{}, {}] });
    t.access.groupsGranted = false;
    const pasted = await t.service.findGroups(GROUP.id);
    expect(pasted).toMatchObject({ listable: false, groups: [{ id: GROUP.id }] });
    expect(await t.service.findGroups('imag')).toEqual({ listable: false, groups: [] });
  });

  it('marks and notifies a rule about to expire once, and not after its expiry moved away', async () => {
    const t = setup();
    const rule = await t.service.addRule({
      collectionId: GUEST,
      recipient: { kind: 'identity-id', id: BOB.id },
      path: '/data/',
      permissions: 'rw',
      expiresAt: globusDate(NOW + 10 * DAY),
    });
    expect(rule.expiry).toBe('ok');
    t.advance(4 * DAY);
    expect((await t.service.listRules(GUEST)).rules[0]?.expiry).toBe('expiring');
    await t.service.listRules(GUEST);
    expect(t.alerts).toHaveLength(1);
    expect(t.alerts[0]).toMatchObject({ subject: `sharing:${GUEST}:${rule.id}`, body: expect.stringMatching(/bob@example.org loses read-write access to \/data\//) });
    const moved = await t.service.setExpiry(GUEST, rule.id, '2027-06-30');
    expect(moved).toMatchObject({ expiry: 'ok', expiresAt: '2027-06-30T23:59:59+00:00' });
    t.advance(10 * DAY);
    await t.service.setExpiry(GUEST, rule.id, null);
    expect((await t.service.listRules(GUEST)).rules[0]).toMatchObject({ expiry: 'none', expiresAt: null });
    expect(t.alerts).toHaveLength(1);
  });

  it("checks expiries against now and the collection's longest allowed period", async () => {
    const t = setup({ aclMaxExpirationPeriodMins: 30 * 24 * 60 });
    const base = { collectionId: GUEST, recipient: { kind: 'identity-id', id: BOB.id }, path: '/', permissions: 'r' } as const;
    expect((await refusal(t.service.addRule(base))).code).toBe('ExpiryRequired');
    expect((await refusal(t.service.addRule({ ...base, expiresAt: '2020-01-01' }))).code).toBe('ExpiryInPast');
    expect((await refusal(t.service.addRule({ ...base, expiresAt: globusDate(NOW + 31 * DAY) }))).code).toBe('ExpiryTooLate');
    expect((await t.service.addRule({ ...base, expiresAt: globusDate(NOW + 29 * DAY) })).expiry).toBe('ok');
  });

  it('will not remove or change a rule that comes from a role', async () => {
    const t = setup();
    t.access.rules.set(GUEST, [
      { id: 'role-rule', principalType: 'identity', principal: BOB.id, path: '/', permissions: 'rw', expirationDate: null, roleId: 'role-1', createTime: null },
    ]);
    expect((await t.service.listRules(GUEST)).rules[0]).toMatchObject({ fromRole: true, principalName: 'bob@example.org' });
    expect((await refusal(t.service.removeRule(GUEST, 'role-rule'))).code).toBe('RoleRule');
    expect((await refusal(t.service.removeRule(GUEST, 'gone'))).kind).toBe('not-found');
  });
});
