import { useMemo } from 'react';
import type { TimerRunStats } from '../../../shared/contract/timers';
import { FilesAndBytesPerRun } from '../../app/charts/runs-chart';
import { useAppStore } from '../../app/store-context';
import { timerRunBars, timerRunBarsSummary } from './run-chart-data';
import { timersSelectors } from './timers-selectors';


/** The selected timer's "Files and bytes per run": files (bars) and bytes (line) each run's Transfer task moved, oldest first. */
export function TimerRunsChart({ timerId, hasRuns }: { readonly timerId: string; readonly hasRuns: boolean }) {
  const stats = useAppStore(timersSelectors.runStats);
  const error = useAppStore(timersSelectors.runStatsError);
  const current = stats?.timerId === timerId ? stats : null;
  return (
    <section className="tm-chart" aria-labelledby="tm-chart-title">
      <h3 id="tm-chart-title">Files and bytes per run</h3>
      {!hasRuns ? (
        <p className="muted">Nothing to plot yet: each run of this timer adds the files and bytes it moved here.</p>
      ) : current ? (
        <RunsChart stats={current} />
      ) : error ? (
        <p className="muted" role="status">
          What each run moved could not be read: {error}
        </p>
      ) : (
        <p className="muted">Reading what each run moved…</p>
      )}
    </section>
  );
}

function RunsChart({ stats }: { readonly stats: TimerRunStats }) {
  const bars = useMemo(() => timerRunBars(stats), [stats]);
  return <FilesAndBytesPerRun bars={bars} summary={timerRunBarsSummary(bars)} testId="timer-runs-chart" verb="moved" />;
}
