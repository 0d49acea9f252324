import type { ActivityRow } from './types';

const columns = [
  ['task_id', 'Task ID'],
  ['status', 'Status'],
  ['type', 'Type'],
  ['label', 'Label'],
  ['source_name', 'Source'],
  ['source_id', 'Source ID'],
  ['destination_name', 'Destination'],
  ['destination_id', 'Destination ID'],
  ['paths', 'Paths'],
  ['files', 'Files'],
  ['files_transferred', 'Files transferred'],
  ['files_skipped', 'Files skipped'],
  ['bytes_transferred', 'Bytes transferred'],
  ['effective_bytes_per_second', 'Bytes per second'],
  ['faults', 'Faults'],
  ['nice_status', 'Detail'],
  ['request_time', 'Requested'],
  ['completion_time', 'Completed'],
  ['submitted_by_ferry', 'Submitted by Ferry'],
  ['origin', 'Origin'],
] as const satisfies readonly (readonly [keyof ActivityRow, string])[];

/**
 * Text a spreadsheet would run as a formula (or as DDE) when the CSV is opened: a cell that starts
 * with `=`, `+`, `-` or `@`, or with a tab or carriage return that some spreadsheets skip before
 * reading one of those. Task labels, paths and collection names come from other people too.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field per RFC 4180: quoted when it holds a comma, a double quote, CR or LF; quotes doubled.
 * Text that a spreadsheet would read as a formula gets a leading `'` (OWASP's advice), so it shows
 * as the text it is; numbers and booleans are written as they are.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const s = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as RFC 4180 CSV: a header line, CRLF line breaks, a CRLF after the last record. */
export function rowsToCsv(rows: readonly ActivityRow[]): string {
  const lines = [columns.map(([, title]) => csvField(title)).join(',')];
  for (const row of rows) lines.push(columns.map(([key]) => csvField(row[key])).join(','));
  return lines.join('\r\n') + '\r\n';
}
