import type { HealthCheck, HealthReport } from '../../../shared/contract/health';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export interface HealthSlice extends Attachable {
  readonly report: HealthReport | null;
  readonly checking: boolean;
  /** Subject whose fix is running (a sign-in or a consent). */
  readonly fixing: string | null;
  load(): Promise<void>;
  checkNow(): Promise<void>;
  received(report: HealthReport): void;
  /** Runs a check's fix: a consent for its collection, or a new sign-in; then checks again. */
  fix(check: HealthCheck): Promise<void>;
}

const rank = { failing: 0, warning: 1, ok: 2 } as const;

/** Worst first, then soonest to fail, then by name. */
export function sortChecks(checks: readonly HealthCheck[]): HealthCheck[] {
  const time = (c: HealthCheck) => (c.failsAt === null ? Number.POSITIVE_INFINITY : Date.parse(c.failsAt));
  return [...checks].sort((a, b) => rank[a.status] - rank[b.status] || time(a) - time(b) || a.title.localeCompare(b.title) || a.subject.localeCompare(b.subject));
}

export function createHealthSlice(api: AppApi, set: SliceSet<'health'>, get: () => AppState): HealthSlice {
  const slice = () => get().health;
  return {
    report: null,
    checking: false,
    fixing: null,
    attach() {
      void slice().load();
      return api.health.onChanged((report) => slice().received(report));
    },
    async load() {
      try {
        set({ report: await api.health.get() });
      } catch {
        // Shown as "not checked yet"; the toast said why.
      }
    },
    async checkNow() {
      set({ checking: true });
      try {
        set({ report: await api.health.checkNow() });
      } catch {
        // The toast said why.
      } finally {
        set({ checking: false });
      }
    },
    received(report) {
      set({ report });
    },
    async fix(check) {
      const fix = check.fix;
      if (!fix) return;
      set({ fixing: check.subject });
      try {
        const account = get().account;
        if (fix.kind === 'consent') await account.addConsent([fix.collectionId]);
        else await account.signIn();
      } finally {
        set({ fixing: null });
      }
    },
  };
}

export const healthSelectors = {
  report: (s: AppState) => s.health.report,
  checking: (s: AppState) => s.health.checking,
  fixing: (s: AppState) => s.health.fixing,
  actions: (s: AppState) => s.health,
};
