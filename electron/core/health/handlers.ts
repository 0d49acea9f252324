import type { AccountStatus } from '../../../shared/account';
import type { HealthReport, healthInvoke } from '../../../shared/contract/health';
import type { GlobusAccess, GlobusAuth, TransferService } from '../globus';
import { systemClock, type Capability, type Clock, type EventBus } from '../kernel';
import type { SettingsService } from '../settings';
import { createHealthService, type CollectionInUse, type HealthAlert, type HealthService } from './health-service';

export type HealthChannel = keyof typeof healthInvoke;

export interface HealthCapability extends Capability<HealthChannel> {
  /** Call when a collection starts being used (a sync, queue destination or timer is created). */
  checkCollection(collectionId: string): Promise<HealthReport>;
  readonly service: HealthService;
  dispose(): void;
}

/** What this capability needs from the composition root. */
export interface HealthDeps {
  readonly auth: GlobusAuth;
  readonly access: Pick<GlobusAccess, 'getCollectionPolicy'>;
  /** Lists consented collections to notice a consent revoked at Globus. */
  readonly transfer?: Pick<TransferService, 'ls'>;
  readonly settings: SettingsService;
  readonly bus?: EventBus;
  readonly clock?: Clock;
  /** Every collection Ferry uses: sync destinations, queue destinations, timers' collections, bookmarks. */
  readonly collectionsInUse: () => Promise<readonly CollectionInUse[]>;
  /** The app's notifier: called once per subject that will fail within settings.alerts.warnDaysBefore days. */
  readonly notify?: (alert: HealthAlert) => void;
}

/**
 * Wires the `health:*` channels. Checks run when asked, on a schedule while signed in (daily, or
 * sooner when something enters its warning window), when the sign-in or its consents change, and
 * for one collection when the lead's code calls `checkCollection`.
 */
export function createHealthCapability(deps: HealthDeps): HealthCapability {
  const service = createHealthService({
    auth: deps.auth,
    access: deps.access,
    ...(deps.transfer ? { transfer: deps.transfer } : {}),
    collectionsInUse: deps.collectionsInUse,
    warnDays: () => deps.settings.get().alerts.warnDaysBefore,
    clock: deps.clock ?? systemClock,
    ...(deps.notify ? { notify: deps.notify } : {}),
    onReport: (report) => deps.bus?.emit('health:changed', report),
  });
  let lastKey = '';
  const follow = (s: AccountStatus): void => {
    if (s.state === 'signing-in') return;
    const key = JSON.stringify([s.state, s.identity?.sub ?? null, [...s.consentedCollections].sort(), s.refreshTokenUsedAt]);
    if (key === lastKey) return;
    lastKey = key;
    if (s.state === 'signed-in') service.start();
    void service.checkNow().catch(() => undefined);
  };
  const off = deps.auth.onStatus(follow);
  // Before the saved sign-in is read the state says signed-out: wait for the real one (an event).
  if (deps.auth.status().state === 'signed-in') follow(deps.auth.status());
  return {
    service,
    checkCollection: (id) => service.checkCollection(id),
    handlers: {
      'health:get': () => service.get(),
      'health:check-now': () => service.checkNow(),
      'health:check-collection': (id) => service.checkCollection(id),
    },
    dispose() {
      off();
      service.stop();
    },
  };
}
