import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { AccountStatus } from '../../../shared/account';
import type { HealthCheck, HealthReport } from '../../../shared/contract/health';
import type { SharingAddRequest, SharingRule, SharingRuleList } from '../../../shared/contract/sharing';
import { sliceSetters } from '../../store/scoped-set';
import { createFakeApi } from '../../store/testing/fake-api';
import { createToastSlice } from '../../store/toast-slice';
import type { AppState } from '../../store/types';
import { createHealthSlice, sortChecks } from '../account/health-slice';
import { createSharingSlice } from './sharing-slice';

const C1 = 'cccccccc-0000-4000-8000-000000000001';
const C2 = 'cccccccc-0000-4000-8000-000000000002';

const rule = (id: string, partial: Partial<SharingRule> = {}): SharingRule => ({
  id,
  collectionId: C1,
  principalType: 'identity',
  principal: 'dddddddd-0000-4000-8000-000000000001',
  principalName: 'bob@example.org',
  path: '/data/',
  permissions: 'r',
  expiresAt: null,
  expiry: 'none',
  fromRole: false,
  createdAt: null,
  ...partial,
});

function setup() {
  let rules: SharingRule[] = [rule('r1')];
  const added: SharingAddRequest[] = [];
  const removed: string[] = [];
  const consents: (readonly string[])[] = [];
  const collection = (id: string) => ({ id, name: id === C1 ? 'Results' : 'Other', entityType: 'GCSv5_guest_collection', owner: null, hostPath: null, maxExpiryMinutes: null });
  const listFor = (id: string): SharingRuleList => ({ collection: collection(id), rules: id === C1 ? rules : [], warnDaysBefore: 7, checkedAt: '2026-11-30T12:00:00Z' });
  const fake = createFakeApi({
    account: {
      getStatus: async () => ({ state: 'signed-in' }) as AccountStatus,
      addConsent: async (ids) => (consents.push(ids), { state: 'signing-in', consentedCollections: ids }) as unknown as AccountStatus,
    },
    sharing: {
      listCollections: async () => [collection(C1), collection(C2)],
      listRules: async (id) => listFor(id),
      addRule: async (request) => {
        added.push(request);
        const r = rule(`r${rules.length + 1}`, { path: request.path });
        rules = [...rules, r];
        return r;
      },
      removeRule: async (_c, id) => {
        removed.push(id);
        rules = rules.filter((r) => r.id !== id);
        return { removed: true } as const;
      },
      setExpiry: async (_c, id, expiresAt) => {
        const r = { ...(rules.find((x) => x.id === id) ?? rule(id)), expiresAt, expiry: expiresAt ? ('ok' as const) : ('none' as const) };
        rules = rules.map((x) => (x.id === id ? r : x));
        return r;
      },
    },
    health: {
      get: async () => report([]),
    },
  });
  const store = createStore<AppState>()((set, get) => {
    const scoped = sliceSetters(set);
    return {
      toasts: createToastSlice(scoped('toasts')),
      account: { addConsent: (ids: readonly string[]) => fake.api.account.addConsent(ids), signIn: async () => null },
      sharing: createSharingSlice(fake.api, scoped('sharing'), get),
      health: createHealthSlice(fake.api, scoped('health'), get),
    } as unknown as AppState;
  });
  return { fake, s: () => store.getState(), added, removed, consents };
}

function report(checks: HealthCheck[]): HealthReport {
  return { checkedAt: '2026-11-30T12:00:00Z', warnDaysBefore: 7, checks, problems: [] };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await Promise.resolve();
  expect(check()).toBe(true);
};

describe('sharing slice', () => {
  it('loads the managed collections once signed in and shows the first one’s rules', async () => {
    const t = setup();
    const off = t.s().sharing.attach?.();
    await until(() => t.s().sharing.list !== null);
    expect(t.s().sharing.collections?.map((c) => c.name)).toEqual(['Results', 'Other']);
    expect(t.s().sharing.selected).toBe(C1);
    expect(t.s().sharing.list?.rules.map((r) => r.principalName)).toEqual(['bob@example.org']);
    await t.s().sharing.select(C2);
    expect(t.s().sharing.list?.collection.id).toBe(C2);
    off?.();
  });

  it('adds, changes the expiry of and removes a rule, keeping the table in step', async () => {
    const t = setup();
    await t.s().sharing.load();
    const added = await t.s().sharing.addRule({ collectionId: C1, recipient: { kind: 'identity', username: 'eve@example.org' }, path: '/x/', permissions: 'rw' });
    expect(added?.path).toBe('/x/');
    expect(t.s().sharing.list?.rules).toHaveLength(2);
    expect(await t.s().sharing.setExpiry('r1', '2027-01-31')).toBe(true);
    expect(t.s().sharing.list?.rules.find((r) => r.id === 'r1')?.expiresAt).toBe('2027-01-31');
    expect(await t.s().sharing.removeRule('r1')).toBe(true);
    expect(t.removed).toEqual(['r1']);
    expect(t.s().sharing.list?.rules.map((r) => r.id)).toEqual(['r2']);
    expect(t.s().sharing.busy).toEqual({});
  });
});

describe('health slice', () => {
  const check = (subject: string, status: HealthCheck['status'], failsAt: string | null, fix: HealthCheck['fix'] = null): HealthCheck => ({
    subject,
    kind: 'consent',
    title: subject,
    collectionId: C1,
    usedBy: [],
    status,
    failsAt,
    explanation: '',
    fix,
  });

  it('orders the worst and soonest first', () => {
    const sorted = sortChecks([check('a', 'ok', null), check('b', 'warning', '2026-12-05T00:00:00Z'), check('c', 'failing', '2026-11-30T00:00:00Z'), check('d', 'warning', '2026-12-01T00:00:00Z')]);
    expect(sorted.map((c) => c.subject)).toEqual(['c', 'd', 'b', 'a']);
  });

  it('shows reports as they come and runs a consent fix through the account', async () => {
    const t = setup();
    const off = t.s().health.attach?.();
    await until(() => t.s().health.report !== null);
    const failing = check(`consent:${C1}`, 'failing', '2026-11-30T12:00:00Z', { kind: 'consent', scope: 'x', collectionId: C1 });
    t.fake.emit('health', 'onChanged', report([failing]));
    expect(t.s().health.report?.checks[0]?.status).toBe('failing');
    await t.s().health.fix(failing);
    expect(t.s().health.fixing).toBeNull();
    expect(t.consents).toEqual([[C1]]);
    off?.();
    expect(t.fake.listenerCount('health', 'onChanged')).toBe(0);
  });
});
