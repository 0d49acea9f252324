import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';

/** One line (or bar series) of a chart: values aligned with the chart's x values. */
export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  /** CSS variable (e.g. `--accent`) for the stroke; read at draw time so the theme is followed. */
  readonly colorVar?: string;
  /** Which y axis: 'left' (default) or 'right', with its own scale. */
  readonly axis?: 'left' | 'right';
  readonly bars?: boolean;
}

export interface ChartProps {
  /** Accessible name and the text summary under the plot: says what the data is and its values. */
  readonly summary: string;
  /** x values: seconds since the epoch when `time`, else plain numbers (1, 2, 3 …). */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly time?: boolean;
  readonly height?: number;
  /** Formats y values on the axes (left, right). */
  readonly formatLeft?: (v: number) => string;
  readonly formatRight?: (v: number) => string;
  readonly formatX?: (v: number) => string;
  /** Name of the x values in the legend ("Run", "Day"); "Time" on a time axis. */
  readonly xLabel?: string;
  readonly testId?: string;
}

function cssVar(el: Element, name: string, fallback: string): string {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

/**
 * A small plot (uPlot on a canvas) with a text summary for people who do not see it. The canvas is
 * hidden from assistive tech; the figure carries the summary as its name and shows it as a caption.
 * Colours come from the theme's CSS variables and are read again when the theme changes.
 */
export function Chart({ summary, x, series, time = false, height = 140, formatLeft, formatRight, formatX, xLabel, testId }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = host.current;
    if (!el || x.length === 0) return;
    let plot: uPlot | null = null;
    const build = () => {
      plot?.destroy();
      const text = cssVar(el, '--muted', '#5d6778');
      const grid = cssVar(el, '--border', '#dde1e8');
      const hasRight = series.some((s) => s.axis === 'right');
      const hasBars = series.some((s) => s.bars);
      const step = x.length > 1 ? Math.abs((x[1] ?? 0) - (x[0] ?? 0)) : time ? 86_400 : 1;
      // Bars need half a step either side; a single point needs some room to be drawn at all.
      const pad = hasBars ? step / 2 : x.length === 1 ? (time ? 60 : 0.5) : 0;
      const axis = (scale: string, side: 1 | 3, fmt?: (v: number) => string): uPlot.Axis => ({
        scale,
        side,
        stroke: text,
        grid: { stroke: grid, width: 1, show: side === 3 },
        ticks: { stroke: grid, width: 1 },
        size: side === 1 ? 80 : 64,
        ...(fmt ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => fmt(v)) } : {}),
      });
      const opts: uPlot.Options = {
        width: Math.max(200, el.clientWidth),
        height,
        legend: { show: series.length > 1 },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time, range: (_u, min, max) => [min - pad, max + pad] }, y: { auto: true, range: (_u, min, max) => [Math.min(0, min), max > 0 ? max : 1] }, r: { auto: true, range: (_u, min, max) => [Math.min(0, min), max > 0 ? max : 1] } },
        axes: [
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, ...(formatX ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => formatX(v)) } : {}) },
          axis('y', 3, formatLeft),
          ...(hasRight ? [axis('r', 1, formatRight)] : []),
        ],
        series: [
          {
            label: xLabel ?? (time ? 'Time' : 'Value'),
            ...(formatX ? { value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatX(v)) } : {}),
          },
          ...series.map((s, i): uPlot.Series => {
            const stroke = cssVar(el, s.colorVar ?? (i === 0 ? '--accent' : '--success'), '#2563c9');
            return {
              label: s.label,
              scale: s.axis === 'right' ? 'r' : 'y',
              stroke,
              width: 2,
              points: { show: !s.bars && x.length < 40 },
              ...(s.bars ? { paths: uPlot.paths.bars?.({ size: [0.6, 40] }), fill: stroke } : {}),
              ...(s.axis === 'right' ? (formatRight ? { value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatRight(v)) } : {}) : formatLeft ? { value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatLeft(v)) } : {}),
            };
          }),
        ],
      };
      const data = [Array.from(x), ...series.map((s) => Array.from(s.values))] as uPlot.AlignedData;
      plot = new uPlot(opts, data, el);
      const canvas = el.querySelector('canvas');
      canvas?.setAttribute('aria-hidden', 'true');
    };
    build();
    const resize = new ResizeObserver(() => {
      if (plot && Math.abs(plot.width - el.clientWidth) > 2 && el.clientWidth > 0) plot.setSize({ width: Math.max(200, el.clientWidth), height });
    });
    resize.observe(el);
    const theme = new MutationObserver(build);
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      resize.disconnect();
      theme.disconnect();
      plot?.destroy();
    };
  }, [x, series, time, height, formatLeft, formatRight, formatX, xLabel]);

  return (
    <figure className="chart" role="figure" aria-label={summary} data-testid={testId}>
      {x.length > 0 && <div ref={host} className="chart-plot" />}
      <figcaption className="chart-summary">{summary}</figcaption>
    </figure>
  );
}
