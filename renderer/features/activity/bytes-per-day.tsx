import { useMemo, useState } from 'react';
import { formatBytes } from '../../../shared/format';
import { Chart, type ChartSeries } from '../../app/charts/chart';
import { bytesPerDay, bytesPerDaySummary, formatDay } from '../../app/charts/series';
import { useAppStore } from '../../app/store-context';
import { activitySelectors } from './activity-slice';

/** A folded overview above the table: bytes moved per day over the last two weeks, from every row. */
export function BytesPerDay() {
  const [open, setOpen] = useState(false);
  return (
    <details className="act-overview" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Bytes moved per day</summary>
      {open && <BytesPerDayChart />}
    </details>
  );
}

function BytesPerDayChart() {
  const rows = useAppStore(activitySelectors.rows);
  const days = useMemo(() => bytesPerDay(rows, Date.now()), [rows]);
  const series = useMemo<readonly ChartSeries[]>(() => [{ label: 'Bytes moved', values: days.bytes, colorVar: '--accent', bars: true }], [days]);
  return <Chart testId="activity-bytes-per-day" summary={bytesPerDaySummary(days)} x={days.x} series={series} time formatLeft={formatBytes} formatX={formatDay} xLabel="Day" height={120} />;
}
