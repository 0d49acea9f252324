import { useMemo } from 'react';
import { formatBytes, formatCount } from '../../../shared/format';
import { Chart, type ChartSeries } from './chart';
import { runLabels } from './series';

const wholeCount = (v: number) => (Number.isInteger(v) ? formatCount(v) : '');

/** Runs oldest first: their numbers, and the files and bytes each moved (null: not known). */
export interface RunBarsData {
  readonly x: readonly number[];
  readonly files: readonly (number | null)[];
  readonly bytes: readonly (number | null)[];
}

/** Files (bars) and bytes (line) per run, for sync jobs and Globus timers alike, with its text summary. */
export function FilesAndBytesPerRun({ bars, summary, testId, verb }: { readonly bars: RunBarsData; readonly summary: string; readonly testId: string; readonly verb: 'sent' | 'moved' }) {
  const series = useMemo<readonly ChartSeries[]>(
    () => [
      { label: `Files ${verb}`, values: bars.files, colorVar: '--accent', bars: true },
      { label: `Bytes ${verb}`, values: bars.bytes, colorVar: '--success', axis: 'right' },
    ],
    [bars, verb],
  );
  const formatX = useMemo(() => runLabels(bars.x), [bars.x]);
  return <Chart testId={testId} summary={summary} x={bars.x} series={series} formatX={formatX} xLabel="Run" formatLeft={wholeCount} formatRight={formatBytes} height={130} />;
}
