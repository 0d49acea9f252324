import { useEffect, useState } from 'react';
import type { SyncRun, SyncRunStatus } from '../../../shared/contract/syncs';
import { formatCount } from '../../../shared/format';

export const runStatusLabels: Record<SyncRunStatus, string> = {
  scanning: 'Scanning',
  submitting: 'Submitting',
  transferring: 'Transferring',
  succeeded: 'Succeeded',
  partial: 'Partly succeeded',
  failed: 'Failed',
  canceled: 'Canceled',
  no_changes: 'No changes',
  skipped: 'Skipped',
  interrupted: 'Interrupted',
};

type Tone = 'ok' | 'warn' | 'bad' | 'busy' | 'quiet';

function statusTone(run: Pick<SyncRun, 'status' | 'stats'>): Tone {
  const s = run.status;
  const warned = run.stats.warnings > 0;
  if (s === 'failed' || s === 'partial' || s === 'interrupted') return 'bad';
  if (s === 'scanning' || s === 'submitting' || s === 'transferring') return 'busy';
  if (warned && (s === 'succeeded' || s === 'no_changes')) return 'warn';
  if (s === 'succeeded') return 'ok';
  return 'quiet';
}

/** `Succeeded`, or `Succeeded with 3 warnings` when the scan skipped entries it could not read. */
export function runStatusText(run: Pick<SyncRun, 'status' | 'stats'>): string {
  const w = run.stats.warnings;
  const label = runStatusLabels[run.status];
  return w > 0 ? `${label} with ${formatCount(w, 'warning')}` : label;
}

export function StatusBadge({ run }: { run: Pick<SyncRun, 'status' | 'stats'> }) {
  return <span className={`sy-badge sy-badge-${statusTone(run)}`}>{runStatusText(run)}</span>;
}

/** The time now; re-renders at least every 15 s so relative times stay true. */
export function useNow(): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 15_000);
    return () => clearInterval(t);
  }, []);
  return Date.now();
}

/** Hands `text` to the browser as a download named `fileName`. */
export function downloadText(text: string, fileName: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
