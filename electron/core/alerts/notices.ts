import type { AlertKind } from '../../../shared/contract/alerts';
import type { AlertInput } from './types';

/** A warning another capability raises (consent and session health, sharing rules about to expire). */
export interface Notice {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  /** e.g. `consent:<collection>`, `session:<collection>`, `refresh-token`, `sharing:<collection>:<rule>`. */
  readonly subject: string;
}

/** The alert for a notice: its kind from the subject, shown where the person fixes it. */
export function noticeAlert(notice: Notice): AlertInput {
  const head = notice.subject.split(':')[0] ?? '';
  const kind: AlertKind = head === 'consent' ? 'consent' : head === 'session' || head === 'refresh-token' ? 'session' : head === 'sharing' ? 'sharing' : 'other';
  return {
    id: notice.id,
    kind,
    severity: 'warning',
    title: notice.title,
    body: notice.body,
    subject: { kind: kind === 'sharing' ? 'sharing' : 'account', id: notice.subject },
  };
}
