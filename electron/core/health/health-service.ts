/**
 * Consent and session health: gathers the collections Ferry uses, looks up their policies, asks
 * the sign-in for its age and grants, evaluates (health-checks.ts), keeps the last report,
 * notifies once per subject that will fail within the warning window, and schedules the next
 * check (daily, or sooner when something crosses into its warning window).
 */
import type { HealthCheck, HealthReport } from '../../../shared/contract/health';
import { isConsentRequired, type CollectionPolicy, type GlobusAccess, type GlobusAuth, type TransferService } from '../globus';
import type { Clock } from '../kernel';
import { evaluateHealth, needsDataAccess, type CollectionFacts, type ConsentProbe } from './health-checks';
import { nextCheckDelay } from './health-dates';

export interface CollectionInUse {
  readonly id: string;
  /** What uses it, as a person reads it: "Sync job Nightly", "Queue destination". */
  readonly usedBy: string;
}

export interface HealthAlert {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly subject: string;
}

export interface HealthServiceDeps {
  readonly auth: Pick<GlobusAuth, 'status' | 'session'>;
  readonly access: Pick<GlobusAccess, 'getCollectionPolicy'>;
  /** Lists a consented collection to see whether Globus still has the consent (optional). */
  readonly transfer?: Pick<TransferService, 'ls'>;
  readonly collectionsInUse: () => Promise<readonly CollectionInUse[]>;
  readonly warnDays: () => number;
  readonly clock: Clock;
  readonly notify?: (alert: HealthAlert) => void;
  /** Told every new report. */
  readonly onReport?: (report: HealthReport) => void;
}

export interface HealthService {
  /** The last report, or a fresh one when there is none. */
  get(): Promise<HealthReport>;
  checkNow(): Promise<HealthReport>;
  /** Checks one collection (it started being used) and merges it into the report. */
  checkCollection(collectionId: string): Promise<HealthReport>;
  /** Starts the daily schedule (and checks at once). */
  start(): void;
  stop(): void;
}

const policyCacheMs = 60 * 60_000;

export function createHealthService(deps: HealthServiceDeps): HealthService {
  let last: HealthReport | null = null;
  let running: Promise<HealthReport> | null = null;
  let again = false;
  let cancelTimer: (() => void) | undefined;
  let started = false;
  const notified = new Set<string>();
  const policies = new Map<string, { readonly at: number; readonly policy: CollectionPolicy }>();

  const policyOf = async (id: string, fresh: boolean): Promise<CollectionPolicy> => {
    const cached = policies.get(id);
    if (!fresh && cached && deps.clock.now() - cached.at < policyCacheMs) return cached.policy;
    const policy = await deps.access.getCollectionPolicy(id);
    policies.set(id, { at: deps.clock.now(), policy });
    return policy;
  };

  // One listing tells what Globus does today: refused for want of consent, or served (a consent the
  // person never gave may not be needed after all: Globus decides per collection).
  const probe = async (policy: CollectionPolicy, consented: boolean): Promise<ConsentProbe> => {
    if (!deps.transfer || !needsDataAccess(policy)) return 'not-probed';
    try {
      await deps.transfer.ls(policy.id, policy.defaultDirectory ?? '/');
      return consented ? 'ok' : 'works-without';
    } catch (error) {
      return consented && isConsentRequired(error) ? 'revoked' : 'not-probed';
    }
  };

  const gather = async (only: string | null, fresh: boolean): Promise<{ facts: CollectionFacts[]; problems: string[] }> => {
    const inUse = await deps.collectionsInUse();
    const byId = new Map<string, string[]>();
    for (const c of inUse) {
      const id = c.id.toLowerCase();
      byId.set(id, [...new Set([...(byId.get(id) ?? []), c.usedBy])]);
    }
    if (only !== null && !byId.has(only)) byId.set(only, ['Just added']);
    const consented = new Set((deps.auth.session()?.consentedCollections ?? []).map((id) => id.toLowerCase()));
    const facts: CollectionFacts[] = [];
    const problems: string[] = [];
    for (const [id, usedBy] of byId) {
      if (only !== null && id !== only) continue;
      try {
        const policy = await policyOf(id, fresh);
        facts.push({ id, usedBy, policy, probe: await probe(policy, consented.has(id)) });
      } catch (error) {
        problems.push(`${id} (${usedBy.join(', ')}) could not be checked: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { facts, problems };
  };

  const publish = (checks: HealthCheck[], problems: string[]): HealthReport => {
    const now = deps.clock.now();
    const warnDays = deps.warnDays();
    const report: HealthReport = { checkedAt: new Date(now).toISOString(), warnDaysBefore: warnDays, checks, problems };
    last = report;
    for (const check of checks) {
      if (check.status === 'ok') {
        notified.delete(check.subject);
        continue;
      }
      // Being signed out is what the Account page already says; the other subjects need a notification.
      if (notified.has(check.subject) || check.kind === 'account') continue;
      notified.add(check.subject);
      deps.notify?.({
        id: `health:${check.subject}`,
        title: check.status === 'failing' ? `${check.title}: needs you now` : `${check.title}: needs you soon`,
        body: check.explanation,
        subject: check.subject,
      });
    }
    deps.onReport?.(report);
    if (started) {
      cancelTimer?.();
      const delay = nextCheckDelay(now, checks.map((c) => (c.failsAt === null ? null : Date.parse(c.failsAt))), warnDays);
      cancelTimer = deps.clock.setTimeout(() => {
        cancelTimer = undefined;
        void service.checkNow().catch(() => undefined);
      }, delay);
    }
    return report;
  };

  const input = (facts: readonly CollectionFacts[]) => ({
    now: deps.clock.now(),
    warnDays: deps.warnDays(),
    account: deps.auth.status().state,
    session: deps.auth.session(),
    collections: facts,
  });

  const runAll = async (): Promise<HealthReport> => {
    if (deps.auth.status().state !== 'signed-in') return publish(evaluateHealth(input([])), []);
    const { facts, problems } = await gather(null, true);
    return publish(evaluateHealth(input(facts)), problems);
  };

  const service: HealthService = {
    async get() {
      return last ?? service.checkNow();
    },
    checkNow() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          let report: HealthReport;
          do {
            again = false;
            report = await runAll();
          } while (again);
          return report;
        } finally {
          running = null;
        }
      })();
      return running;
    },
    async checkCollection(collectionId) {
      const id = collectionId.toLowerCase();
      if (deps.auth.status().state !== 'signed-in' || last === null) return service.checkNow();
      const { facts, problems } = await gather(id, true);
      const fresh = evaluateHealth(input(facts)).filter((c) => c.collectionId === id);
      const kept = (last?.checks ?? []).filter((c) => c.collectionId !== id);
      const keptProblems = (last?.problems ?? []).filter((p) => !p.startsWith(`${id} `));
      return publish([...kept, ...fresh], [...keptProblems, ...problems]);
    },
    start() {
      if (started) return;
      started = true;
      void service.checkNow().catch(() => undefined);
    },
    stop() {
      started = false;
      cancelTimer?.();
      cancelTimer = undefined;
    },
  };
  return service;
}
