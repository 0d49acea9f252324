import type { sharingInvoke } from '../../../shared/contract/sharing';
import type { AccountStatus } from '../../../shared/account';
import type { GlobusAccess, GlobusAuth } from '../globus';
import { DAY, MINUTE } from '../health';
import { systemClock, type Capability, type Clock } from '../kernel';
import type { SettingsService } from '../settings';
import { createSharingService, type SharingAlert, type SharingService } from './sharing-service';

export type SharingChannel = keyof typeof sharingInvoke;

export interface SharingCapability extends Capability<SharingChannel> {
  readonly service: SharingService;
  dispose(): void;
}

/** What this capability needs from the composition root. */
export interface SharingDeps {
  readonly auth: GlobusAuth;
  /** Transfer access rules, endpoint search, Auth identities, Groups (createGlobusAccess). */
  readonly access: GlobusAccess;
  readonly settings: SettingsService;
  readonly clock?: Clock;
  /** The app's notifier: offered each rule within settings.alerts.warnDaysBefore of its expiry, once. */
  readonly notify?: (alert: SharingAlert) => void;
}

/**
 * Wires the `sharing:*` channels. While signed in it looks at the rules of every managed guest
 * collection a minute after sign-in and then daily, so an expiring rule is notified even when
 * nobody opens Sharing.
 */
export function createSharingCapability(deps: SharingDeps): SharingCapability {
  const clock = deps.clock ?? systemClock;
  const service = createSharingService({
    access: deps.access,
    warnDays: () => deps.settings.get().alerts.warnDaysBefore,
    now: () => clock.now(),
    me: () => deps.auth.status().identity?.sub ?? null,
    ...(deps.notify ? { notify: deps.notify } : {}),
  });
  let cancel: (() => void) | undefined;
  let disposed = false;
  const schedule = (ms: number): void => {
    cancel?.();
    cancel = clock.setTimeout(() => {
      cancel = undefined;
      if (disposed || deps.auth.status().state !== 'signed-in') return;
      void service.checkExpiries().catch(() => undefined).finally(() => {
        if (!disposed) schedule(DAY);
      });
    }, ms);
  };
  const follow = (s: AccountStatus): void => {
    if (s.state === 'signed-in' && cancel === undefined && deps.notify) schedule(MINUTE);
    else if (s.state !== 'signed-in') {
      cancel?.();
      cancel = undefined;
    }
  };
  const off = deps.auth.onStatus(follow);
  follow(deps.auth.status());

  return {
    service,
    handlers: {
      'sharing:list-collections': () => service.listCollections(),
      'sharing:list-rules': (id) => service.listRules(id),
      'sharing:find-identities': (text) => service.findIdentities(text),
      'sharing:find-groups': (text) => service.findGroups(text),
      'sharing:add-rule': (request) => service.addRule(request),
      'sharing:remove-rule': async (collectionId, ruleId) => {
        await service.removeRule(collectionId, ruleId);
        return { removed: true } as const;
      },
      'sharing:set-expiry': (collectionId, ruleId, expiresAt) => service.setExpiry(collectionId, ruleId, expiresAt),
    },
    dispose() {
      disposed = true;
      cancel?.();
      off();
    },
  };
}
