/** Display helpers shared by every view. Pure functions of their input (and `now` where given). */
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

export function formatRelative(epochMs: number, now: number = Date.now()): string {
  const diff = epochMs - now;
  const abs = Math.abs(diff);
  const steps: [number, Intl.RelativeTimeFormatUnit][] = [
    [60_000, 'second'],
    [3_600_000, 'minute'],
    [86_400_000, 'hour'],
    [2_592_000_000, 'day'],
    [31_536_000_000, 'month'],
    [Infinity, 'year'],
  ];
  const sizes: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, month: 2_592_000_000, year: 31_536_000_000 };
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [limit, unit] of steps) {
    if (abs < limit) return rtf.format(Math.round(diff / (sizes[unit] ?? 1)), unit);
  }
  return new Date(epochMs).toLocaleString();
}

export function formatExact(epochMsOrIso: number | string): string {
  return new Date(epochMsOrIso).toLocaleString();
}
