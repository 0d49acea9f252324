import { formatCount } from '../../../shared/format';
import type { HandlerTable } from '../../../shared/ipc-contract';

/** What would stop if Ferry quit now, and what needs a person: for the tray and the close prompt. */
export interface ActiveWork {
  /** Globus tasks Ferry knows of that are still ACTIVE or INACTIVE. */
  readonly transfers: number;
  readonly syncRuns: number;
  /** HTTPS uploads and downloads running or waiting to (they stop when Ferry quits). */
  readonly httpsTransfers: number;
  /** Queue tasks in flight, or items waiting while the queue dispatches. */
  readonly queueBusy: boolean;
  readonly objectStores: number;
  readonly alerts: number;
}

type Reads = Pick<HandlerTable, 'activity:snapshot' | 'syncs:list' | 'queue:snapshot' | 'object-stores:list' | 'alerts:list' | 'https:list'>;

/** Reads each part through core's own handlers; a part that cannot be read counts as nothing. */
export async function readActiveWork(h: Reads): Promise<ActiveWork> {
  const or = async <T,>(p: Promise<T>, fallback: T): Promise<T> => p.catch(() => fallback);
  const [activity, syncs, queue, stores, alerts, https] = await Promise.all([
    or(h['activity:snapshot'](), null),
    or(h['syncs:list'](), []),
    or(h['queue:snapshot'](), null),
    or(h['object-stores:list'](), null),
    or(h['alerts:list'](), []),
    or(h['https:list'](), []),
  ]);
  return {
    transfers: activity?.rows.filter((r) => r.status === 'ACTIVE' || r.status === 'INACTIVE').length ?? 0,
    syncRuns: syncs.filter((s) => s.running).length,
    httpsTransfers: https.filter((t) => t.state === 'running' || t.state === 'queued').length,
    queueBusy: queue !== null && queue.dispatching && (queue.activeTasks > 0 || (queue.counts['queued'] ?? 0) > 0),
    objectStores: stores?.stores.filter((s) => s.state === 'running').length ?? 0,
    alerts: alerts.length,
  };
}

/** "2 transfers, 1 sync run and the send queue are running", or null when nothing is. */
export function describeActiveWork(w: ActiveWork): string | null {
  const parts = [
    w.transfers > 0 ? formatCount(w.transfers, 'transfer') : null,
    w.syncRuns > 0 ? formatCount(w.syncRuns, 'sync run') : null,
    w.httpsTransfers > 0 ? formatCount(w.httpsTransfers, 'HTTPS transfer') : null,
    w.queueBusy ? 'the send queue' : null,
    w.objectStores > 0 ? formatCount(w.objectStores, 'object store') : null,
  ].filter((p): p is string => p !== null);
  if (parts.length === 0) return null;
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
  const singular = parts.length === 1 && (list === 'the send queue' || /^1 /.test(list));
  return `${list} ${singular ? 'is' : 'are'} running`;
}

/** The tray's tooltip: what runs and what needs a person. */
export function trayStatusText(w: ActiveWork): string {
  const running = describeActiveWork(w);
  const problems = w.alerts > 0 ? `${formatCount(w.alerts, 'alert')} need${w.alerts === 1 ? 's' : ''} you` : null;
  return ['Ferry', running ?? 'nothing running', problems].filter(Boolean).join(' — ');
}
