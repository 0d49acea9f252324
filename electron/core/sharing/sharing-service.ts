/**
 * Sharing folders of guest collections: which collections the person manages, their access
 * rules with names instead of ids, adding (by username, e-mail or group), removing, and expiry
 * dates, with a warning (and one notification) before a rule expires.
 */
import type { SharedCollection, SharingAddRequest, SharingExpiryState, SharingGroupSearch, SharingIdentity, SharingRule, SharingRuleList } from '../../../shared/contract/sharing';
import { looksLikeGroupId } from '../../../shared/contract/sharing';
import { assertNever } from '../../../shared/assert-never';
import { GlobusApiError, type AccessRuleDocument, type CollectionPolicy, type GlobusAccess } from '../globus';
import { isoOrNull, MINUTE, parseExpiry, statusAt } from '../health';
import { AppError } from '../kernel';

export interface SharingAlert {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly subject: string;
}

export interface SharingServiceDeps {
  readonly access: GlobusAccess;
  /** Days before an expiry to warn (settings.alerts.warnDaysBefore), read on every use. */
  readonly warnDays: () => number;
  readonly now: () => number;
  /** The signed-in identity's id, to recognise the person's own collections; null when signed out. */
  readonly me: () => string | null;
  /** Offered every rule about to expire, once per rule. */
  readonly notify?: (alert: SharingAlert) => void;
}

const managingRoles = new Set(['administrator', 'access_manager']);
const maxGroupsShown = 50;

export interface SharingService {
  listCollections(): Promise<readonly SharedCollection[]>;
  listRules(collectionId: string): Promise<SharingRuleList>;
  findIdentities(text: string): Promise<readonly SharingIdentity[]>;
  findGroups(text: string): Promise<SharingGroupSearch>;
  addRule(request: SharingAddRequest): Promise<SharingRule>;
  removeRule(collectionId: string, ruleId: string): Promise<void>;
  setExpiry(collectionId: string, ruleId: string, expiresAt: string | null): Promise<SharingRule>;
  /** Lists the rules of every managed collection, offering expiring ones to the notifier. */
  checkExpiries(): Promise<void>;
}

export function createSharingService(deps: SharingServiceDeps): SharingService {
  const identityNames = new Map<string, string>();
  const groupNames = new Map<string, string>();
  /** Subjects already offered to the notifier (cleared when the rule is no longer expiring). */
  const notified = new Set<string>();

  const toCollection = (c: CollectionPolicy): SharedCollection => ({
    id: c.id,
    name: c.displayName ?? c.id,
    entityType: c.entityType ?? 'GCSv5_guest_collection',
    owner: c.ownerString,
    hostPath: c.hostPath,
    maxExpiryMinutes: c.aclMaxExpirationPeriodMins,
  });

  const manages = (c: CollectionPolicy): boolean => {
    if (!c.entityType?.endsWith('guest_collection')) return false;
    if (c.myEffectiveRoles.some((r) => managingRoles.has(r))) return true;
    const me = deps.me();
    return me !== null && c.ownerId === me;
  };

  const managedCollection = async (collectionId: string): Promise<CollectionPolicy> => {
    const c = await deps.access.getCollectionPolicy(collectionId);
    if (!c.entityType?.endsWith('guest_collection')) {
      throw new AppError('refused', 'NotGuestCollection', `${c.displayName ?? collectionId} is not a guest collection; only guest collections have sharing rules.`);
    }
    return c;
  };

  const lookUpNames = async (rules: readonly AccessRuleDocument[]): Promise<void> => {
    const ids = [...new Set(rules.filter((r) => r.principalType === 'identity' && !identityNames.has(r.principal)).map((r) => r.principal))];
    for (let i = 0; i < ids.length; i += 100) {
      try {
        for (const identity of await deps.access.lookupIdentities({ ids: ids.slice(i, i + 100) })) identityNames.set(identity.id, identity.username);
      } catch {
        // Names are a nicety: the id is shown instead.
      }
    }
    if (rules.some((r) => r.principalType === 'group' && !groupNames.has(r.principal))) {
      try {
        for (const g of await deps.access.myGroups()) groupNames.set(g.id, g.name);
      } catch {
        // No Groups token or Groups unreachable: the id is shown instead.
      }
    }
  };

  const expiryOf = (expirationDate: string | null): SharingExpiryState => {
    if (expirationDate === null) return 'none';
    const ms = parseExpiry(expirationDate);
    if (ms === null) return 'none';
    const status = statusAt(ms, deps.now(), deps.warnDays());
    switch (status) {
      case 'ok':
        return 'ok';
      case 'warning':
        return 'expiring';
      case 'failing':
        return 'expired';
      default:
        return assertNever(status, 'health status');
    }
  };

  const principalName = (r: AccessRuleDocument): string => {
    switch (r.principalType) {
      case 'identity':
        return identityNames.get(r.principal) ?? r.principal;
      case 'group':
        return groupNames.has(r.principal) ? `Group ${groupNames.get(r.principal)}` : `Group ${r.principal}`;
      case 'all_authenticated_users':
        return 'All Globus users';
      case 'anonymous':
        return 'Anyone (public)';
      default:
        return assertNever(r.principalType, 'principal type');
    }
  };

  const toRule = (collectionId: string, r: AccessRuleDocument): SharingRule => ({
    id: r.id,
    collectionId,
    principalType: r.principalType,
    principal: r.principal,
    principalName: principalName(r),
    path: r.path,
    permissions: r.permissions,
    expiresAt: r.expirationDate,
    expiry: expiryOf(r.expirationDate),
    fromRole: r.roleId !== null,
    createdAt: r.createTime,
  });

  const offerAlerts = (collection: SharedCollection, rules: readonly SharingRule[]): void => {
    for (const rule of rules) {
      const subject = `sharing:${collection.id}:${rule.id}`;
      if (rule.expiry !== 'expiring') {
        notified.delete(subject);
        continue;
      }
      if (notified.has(subject) || !deps.notify) continue;
      notified.add(subject);
      deps.notify({
        id: `${subject}:${rule.expiresAt ?? ''}`,
        title: `Sharing ends soon on ${collection.name}`,
        body: `${rule.principalName} loses ${rule.permissions === 'rw' ? 'read-write' : 'read'} access to ${rule.path} on ${rule.expiresAt?.slice(0, 10) ?? ''}. Change the expiry in Sharing to keep it.`,
        subject,
      });
    }
  };

  const findRule = async (collectionId: string, ruleId: string): Promise<AccessRuleDocument> => {
    const rule = (await deps.access.listAccessRules(collectionId)).find((r) => r.id === ruleId);
    if (!rule) throw new AppError('not-found', 'RuleNotFound', 'That sharing rule no longer exists; reload the list.');
    return rule;
  };

  /** Checks an expiry against now and the collection's longest allowed period; Globus' format out. */
  const checkExpiry = (c: CollectionPolicy, expiresAt: string | null | undefined): string | null => {
    const max = c.aclMaxExpirationPeriodMins;
    if (expiresAt === null || expiresAt === undefined) {
      if (max !== null) {
        throw new AppError('refused', 'ExpiryRequired', `${c.displayName ?? c.id} requires every rule to expire within ${Math.floor(max / 1440)} days; choose an expiry date.`);
      }
      return null;
    }
    const ms = parseExpiry(expiresAt);
    if (ms === null) throw new AppError('invalid', 'InvalidExpiry', `${expiresAt} is not a date; use a date such as 2027-01-31.`);
    if (ms <= deps.now()) throw new AppError('refused', 'ExpiryInPast', 'The expiry date has passed; choose a date in the future.');
    if (max !== null && ms - deps.now() > max * MINUTE) {
      throw new AppError('refused', 'ExpiryTooLate', `${c.displayName ?? c.id} allows rules of at most ${Math.floor(max / 1440)} days; choose an earlier expiry date.`);
    }
    return globusDate(ms);
  };

  const service: SharingService = {
    async listCollections() {
      const found = new Map<string, CollectionPolicy>();
      for (const scope of ['shared-by-me', 'my-endpoints'] as const) {
        for (const c of await deps.access.searchCollections(scope)) if (manages(c) || scope === 'shared-by-me') found.set(c.id, c);
      }
      return [...found.values()]
        .filter((c) => c.entityType?.endsWith('guest_collection'))
        .map(toCollection)
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    async listRules(collectionId) {
      const c = await managedCollection(collectionId);
      const docs = await deps.access.listAccessRules(collectionId);
      await lookUpNames(docs);
      const collection = toCollection(c);
      const rules = docs.map((r) => toRule(collectionId, r)).sort((a, b) => a.path.localeCompare(b.path) || a.principalName.localeCompare(b.principalName));
      offerAlerts(collection, rules);
      return { collection, rules, warnDaysBefore: deps.warnDays(), checkedAt: new Date(deps.now()).toISOString() };
    },

    async findIdentities(text) {
      const found = await deps.access.lookupIdentities({ usernames: [text.trim()] });
      for (const i of found) identityNames.set(i.id, i.username);
      return found.map((i) => ({ id: i.id, username: i.username, name: i.name, email: i.email }));
    },

    async findGroups(text) {
      const wanted = text.trim().toLowerCase();
      let listable = true;
      const mine = await deps.access.myGroups().catch((error: unknown) => {
        // No Groups token in this sign-in: a pasted group id still works.
        if (!(error instanceof GlobusApiError && error.code === 'ConsentRequired')) throw error;
        listable = false;
        return [];
      });
      for (const g of mine) groupNames.set(g.id, g.name);
      const matches = mine.filter((g) => wanted === '' || g.name.toLowerCase().includes(wanted) || g.id === wanted);
      if (looksLikeGroupId(wanted) && !matches.some((g) => g.id === wanted)) {
        matches.unshift({ id: wanted, name: `Group ${wanted}`, description: 'A group id you pasted' });
      }
      const groups = matches
        .sort((a, b) => a.name.localeCompare(b.name))
        .slice(0, maxGroupsShown)
        .map((g) => ({ id: g.id, name: g.name, description: g.description }));
      return { groups, listable };
    },

    async addRule(request) {
      const c = await managedCollection(request.collectionId);
      const expirationDate = checkExpiry(c, request.expiresAt);
      let principalType: 'identity' | 'group';
      let principal: string;
      switch (request.recipient.kind) {
        case 'identity': {
          const username = request.recipient.username.trim();
          const found = await deps.access.lookupIdentities({ usernames: [username] });
          const identity = found.find((i) => i.username.toLowerCase() === username.toLowerCase()) ?? found[0];
          if (!identity) {
            throw new AppError('not-found', 'IdentityNotFound', `Globus knows no identity called ${username}; check the spelling or ask them for their Globus username.`);
          }
          identityNames.set(identity.id, identity.username);
          principalType = 'identity';
          principal = identity.id;
          break;
        }
        case 'identity-id':
          principalType = 'identity';
          principal = request.recipient.id.toLowerCase();
          break;
        case 'group':
          principalType = 'group';
          principal = request.recipient.id.toLowerCase();
          break;
        default:
          return assertNever(request.recipient, 'recipient');
      }
      const existing = (await deps.access.listAccessRules(request.collectionId)).find((r) => r.principal === principal && r.path === request.path);
      if (existing) {
        throw new AppError('conflict', 'RuleExists', `${principalName(existing)} already has ${existing.permissions === 'rw' ? 'read-write' : 'read'} access to ${request.path}; change or remove that rule instead.`);
      }
      const { id } = await deps.access.createAccessRule(request.collectionId, {
        principalType,
        principal,
        path: request.path,
        permissions: request.permissions,
        expirationDate,
        ...(request.notifyEmail ? { notifyEmail: request.notifyEmail } : {}),
      });
      const created = (await deps.access.listAccessRules(request.collectionId)).find((r) => r.id === id);
      const doc: AccessRuleDocument = created ?? { id, principalType, principal, path: request.path, permissions: request.permissions, expirationDate, roleId: null, createTime: null };
      await lookUpNames([doc]);
      return toRule(request.collectionId, doc);
    },

    async removeRule(collectionId, ruleId) {
      const rule = await findRule(collectionId, ruleId);
      if (rule.roleId !== null) {
        throw new AppError('refused', 'RoleRule', 'This rule comes from a role on the collection; remove the role in the Globus web app instead.');
      }
      await deps.access.deleteAccessRule(collectionId, ruleId);
      notified.delete(`sharing:${collectionId}:${ruleId}`);
    },

    async setExpiry(collectionId, ruleId, expiresAt) {
      const c = await managedCollection(collectionId);
      const rule = await findRule(collectionId, ruleId);
      if (rule.roleId !== null) {
        throw new AppError('refused', 'RoleRule', 'This rule comes from a role on the collection; its expiry cannot be set here.');
      }
      const expirationDate = checkExpiry(c, expiresAt);
      await deps.access.setAccessRuleExpiry(collectionId, rule, expirationDate);
      const updated = { ...rule, expirationDate };
      await lookUpNames([updated]);
      const shown = toRule(collectionId, updated);
      offerAlerts(toCollection(c), [shown]);
      return shown;
    },

    async checkExpiries() {
      for (const c of await service.listCollections()) {
        try {
          await service.listRules(c.id);
        } catch {
          // One collection failing (gone, no permission any more) does not stop the others.
        }
      }
    },
  };
  return service;
}

/** Globus writes dates as `2027-01-31T23:59:59+00:00`. */
export function globusDate(ms: number): string {
  return `${isoOrNull(ms)?.slice(0, 19) ?? ''}+00:00`;
}
