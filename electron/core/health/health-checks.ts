/**
 * Turns what Ferry knows about the sign-in and each collection in use into health checks. Pure:
 * every fact (the time, the session, each collection's policy and consent probe) is passed in.
 */
import type { AccountState } from '../../../shared/account';
import type { HealthCheck, HealthFix } from '../../../shared/contract/health';
import type { CollectionPolicy, SessionFacts } from '../globus';
import { dataAccessScope, needsDataAccess } from '../globus';
import { DAY, HOUR, isoOrNull, MINUTE, refreshTokenFailsAt, sessionFailsAt, statusAt } from './health-dates';

/** What a consent probe (listing the collection) found: `revoked` when Globus asked for consent. */
/** What one listing showed: served with the consent, refused though consented, served without one, or not asked. */
export type ConsentProbe = 'ok' | 'revoked' | 'works-without' | 'not-probed';

export interface CollectionFacts {
  readonly id: string;
  readonly usedBy: readonly string[];
  readonly policy: CollectionPolicy;
  readonly probe: ConsentProbe;
}

export interface HealthInput {
  readonly now: number;
  readonly warnDays: number;
  readonly account: AccountState;
  readonly session: SessionFacts | null;
  readonly collections: readonly CollectionFacts[];
}

export { needsDataAccess };

/** When the session last authenticated: the signed-in identity's login, else the latest known, else the sign-in. */
export function sessionAuthTime(session: SessionFacts): { readonly time: number; readonly known: boolean } {
  const own = session.authentications.find((a) => a.identityId === session.identityId);
  if (own) return { time: own.authTime, known: true };
  const latest = session.authentications.reduce<number | null>((m, a) => (m === null || a.authTime > m ? a.authTime : m), null);
  if (latest !== null) return { time: latest, known: true };
  return { time: session.signedInAt, known: false };
}

export function describeMinutes(minutes: number): string {
  const ms = minutes * MINUTE;
  if (ms >= DAY && ms % DAY === 0) return `${ms / DAY} day${ms === DAY ? '' : 's'}`;
  if (ms >= HOUR && ms % HOUR === 0) return `${ms / HOUR} hour${ms === HOUR ? '' : 's'}`;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
const signIn: HealthFix = { kind: 'sign-in' };

export function evaluateHealth(input: HealthInput): HealthCheck[] {
  const { now, warnDays } = input;
  if (input.account !== 'signed-in' || input.session === null) {
    return [
      {
        subject: 'account',
        kind: 'account',
        title: 'Globus sign-in',
        collectionId: null,
        usedBy: [...new Set(input.collections.flatMap((c) => c.usedBy))],
        status: 'failing',
        failsAt: isoOrNull(now),
        explanation:
          input.account === 'expired'
            ? 'Your Globus session has ended: nothing Ferry schedules can run until you sign in again.'
            : 'Ferry is not signed in to Globus: nothing Ferry schedules can run until you sign in.',
        fix: signIn,
      },
    ];
  }
  const session = input.session;
  const consented = new Set(session.consentedCollections.map((id) => id.toLowerCase()));
  const checks: HealthCheck[] = [];

  const refreshFails = refreshTokenFailsAt(session.refreshTokenUsedAt);
  const refreshStatus = statusAt(refreshFails, now, warnDays);
  checks.push({
    subject: 'refresh-token',
    kind: 'refresh-token',
    title: 'Globus sign-in',
    collectionId: null,
    usedBy: [],
    status: refreshStatus,
    failsAt: isoOrNull(refreshFails),
    explanation:
      refreshStatus === 'failing'
        ? `Globus ends sign-ins unused for six months; this one was last renewed ${day(session.refreshTokenUsedAt)}. Sign in again.`
        : `Renewed ${day(session.refreshTokenUsedAt)}; Globus ends sign-ins unused for six months, so it lasts until ${day(refreshFails)} unless Ferry renews it (it does while running).`,
    fix: refreshStatus === 'ok' ? null : signIn,
  });

  for (const c of input.collections) {
    const name = c.policy.displayName ?? c.id;
    const base = { collectionId: c.id, usedBy: c.usedBy, title: name };
    if (needsDataAccess(c.policy)) {
      const has = consented.has(c.id.toLowerCase());
      const revoked = has && c.probe === 'revoked';
      const servedWithout = !has && c.probe === 'works-without';
      const failing = (!has && !servedWithout) || revoked;
      checks.push({
        ...base,
        subject: `consent:${c.id}`,
        kind: 'consent',
        status: failing ? 'failing' : 'ok',
        failsAt: failing ? isoOrNull(now) : null,
        explanation: servedWithout
          ? `Globus serves ${name} without a data_access consent from you today; if it starts asking, Ferry will say so here.`
          : !has
          ? `${name} needs your data_access consent before Ferry can read or write it; transfers to or from it are refused until you grant it.`
          : revoked
            ? `Globus no longer has your data_access consent for ${name} (it was revoked); grant it again.`
            : `Consent for ${name} is granted; consents do not expire.`,
        fix: failing ? { kind: 'consent', scope: dataAccessScope(c.id), collectionId: c.id.toLowerCase() } : null,
      });
    } else {
      checks.push({
        ...base,
        subject: `consent:${c.id}`,
        kind: 'consent',
        status: 'ok',
        failsAt: null,
        explanation: c.policy.highAssurance
          ? `${name} is high assurance: it needs no data_access consent, but a recent login (see its session).`
          : `${name} needs no data_access consent.`,
        fix: null,
      });
    }

    const timeout = c.policy.authenticationTimeoutMins;
    if (timeout !== null || c.policy.highAssurance) {
      const auth = sessionAuthTime(session);
      const when = `${auth.known ? '' : 'about '}${day(auth.time)}`;
      if (timeout === null) {
        checks.push({
          ...base,
          subject: `session:${c.id}`,
          kind: 'session',
          status: 'ok',
          failsAt: null,
          explanation: `${name} is high assurance and sets no login timeout; your last login was ${when}.`,
          fix: null,
        });
        continue;
      }
      const failsAt = sessionFailsAt(auth.time, timeout);
      const status = statusAt(failsAt, now, warnDays);
      const policy = `${name} accepts a login for ${describeMinutes(timeout)}${c.policy.highAssurance ? ' (high assurance)' : ''}`;
      checks.push({
        ...base,
        subject: `session:${c.id}`,
        kind: 'session',
        status,
        failsAt: isoOrNull(failsAt),
        explanation:
          status === 'failing'
            ? `${policy}; your last login was ${when}, so Globus refuses it until you sign in again.`
            : `${policy}; your last login was ${when}, so sign in again before ${day(failsAt)}.`,
        fix: status === 'ok' ? null : signIn,
      });
    }
  }
  return checks;
}
