/**
 * How Ferry writes numbers for people: sizes, rates, durations, counts (with their plurals) and
 * times. The one formatter every view uses, so the same file reads the same everywhere.
 * Pure functions of their input (and `now` where given); no DOM, no node.
 */

const byteUnits = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;
const numberFormat = new Intl.NumberFormat('en-US');

/**
 * A size in decimal units as Globus shows them (1 KB = 1000 B): "999 B", "4.2 KB", "12.3 MB",
 * "250 GB". One decimal below 100 of a unit, none above; a size that is a whole number of its unit
 * is written without decimals ("10 MB"). Missing, negative or non-finite: "—".
 */
export function formatBytes(bytes: number | bigint | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  const n = typeof bytes === 'bigint' ? Number(bytes) : bytes;
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1000) return `${Math.round(n)} B`;
  let unit = 0;
  let value = n;
  while (value >= 1000 && unit < byteUnits.length - 1) {
    value /= 1000;
    unit++;
  }
  // 99.96 KB rounds to "100.0 KB": write it "100 KB"; 999.6 KB rounds to "1000 KB": write "1.0 MB".
  let digits = Number(value.toFixed(1)) >= 100 ? 0 : 1;
  if (Number(value.toFixed(digits)) >= 1000 && unit < byteUnits.length - 1) {
    value /= 1000;
    unit++;
    digits = 1;
  }
  const whole = typeof bytes === 'bigint' ? bytes % 1000n ** BigInt(unit) === 0n : n % 1000 ** unit === 0;
  return `${whole ? numberFormat.format(Math.round(value)) : value.toFixed(digits)} ${byteUnits[unit]}`;
}

/** A transfer rate: "4.2 KB/s"; "—" when unknown (missing, negative or non-finite). */
export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) return '—';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** A whole number with thousands separators: "1,234". */
export function formatNumber(n: number): string {
  return Number.isFinite(n) ? numberFormat.format(n) : '—';
}

/** The noun for `n` things: `plural(1, 'file')` is "file", `plural(2, 'file')` "files". */
export function plural(n: number, one: string, many: string = `${one}s`): string {
  return n === 1 ? one : many;
}

/**
 * A count with its noun, pluralised correctly: "1 file", "0 files", "1,234 files",
 * `formatCount(2, 'entry', 'entries')` "2 entries". Without a noun, just the number.
 */
export function formatCount(n: number, one?: string, many?: string): string {
  const number = formatNumber(n);
  return one === undefined ? number : `${number} ${plural(n, one, many)}`;
}

/**
 * How long something took: "850 ms", "4.2 s", "42 s", "3 min 5 s", "2 h 5 min", "3 d 4 h".
 * Missing, negative or non-finite: "—".
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) => (small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`);
  if (s < 3600) return pair(Math.floor(s / 60), 'min', s % 60, 's');
  if (s < 86_400) return pair(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  return pair(Math.floor(s / 86_400), 'd', Math.floor((s % 86_400) / 3600), 'h');
}

/** Epoch ms of a time given as epoch ms or an ISO string; null when missing or unreadable. */
function epochOf(time: number | string | null | undefined): number | null {
  if (time === null || time === undefined || time === '') return null;
  const ms = typeof time === 'number' ? time : Date.parse(time);
  return Number.isFinite(ms) ? ms : null;
}

const relativeSteps: readonly (readonly [number, Intl.RelativeTimeFormatUnit])[] = [
  [60, 'second'],
  [60, 'minute'],
  [24, 'hour'],
  [7, 'day'],
  [4.345, 'week'],
  [12, 'month'],
  [Number.POSITIVE_INFINITY, 'year'],
];
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/**
 * A time relative to `now`: "just now", "5 minutes ago", "yesterday", "in 3 hours". Takes epoch ms
 * or an ISO string; '' when the time is missing or unreadable.
 */
export function formatRelative(time: number | string | null | undefined, now: number = Date.now()): string {
  const ms = epochOf(time);
  if (ms === null) return '';
  let value = (ms - now) / 1000;
  if (value <= 0 && value > -10) return 'just now';
  for (const [size, unit] of relativeSteps) {
    if (Math.abs(value) < size) return relativeFormat.format(Math.round(value), unit);
    value /= size;
  }
  return '';
}

const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** The exact local date and time (for hover titles); '' when missing, the input itself when unreadable. */
export function formatExact(time: number | string | null | undefined): string {
  const ms = epochOf(time);
  if (ms === null) return typeof time === 'string' ? time : '';
  return exactFormat.format(ms);
}
