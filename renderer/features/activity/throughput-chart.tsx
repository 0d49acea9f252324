import { useMemo } from 'react';
import type { ActivityRow } from '../../../shared/activity';
import { formatBytes, formatRate } from '../../../shared/format';
import { Chart, type ChartSeries } from '../../app/charts/chart';
import { throughputOf, throughputSummary, type ByteSample } from '../../app/charts/series';

const noSamples: readonly ByteSample[] = [];

/** Bytes moved over time (and the rate between samples) for the task whose detail is open. */
export function ThroughputChart({ row, samples }: { readonly row: ActivityRow; readonly samples: readonly ByteSample[] | undefined }) {
  const list = samples ?? noSamples;
  const t = useMemo(
    () => throughputOf({ requestTime: row.request_time, completionTime: row.completion_time, bytes: row.bytes_transferred, samples: list }),
    [row.request_time, row.completion_time, row.bytes_transferred, list],
  );
  const x = useMemo(() => t.points.map((p) => p.x), [t]);
  const series = useMemo<readonly ChartSeries[]>(
    () => [
      { label: 'Bytes moved', values: t.points.map((p) => p.bytes), colorVar: '--accent' },
      { label: 'Rate', values: t.points.map((p) => p.rate), colorVar: '--success', axis: 'right' },
    ],
    [t],
  );
  return (
    <section aria-labelledby="act-throughput-title" className="act-plot">
      <h3 id="act-throughput-title">Throughput</h3>
      <Chart
        testId="task-throughput"
        summary={throughputSummary(t)}
        x={t.points.length >= 2 ? x : []}
        series={series}
        time
        formatLeft={formatBytes}
        formatRight={formatRate}
      />
    </section>
  );
}
