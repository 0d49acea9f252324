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

/** One CSV field per RFC 4180: quoted when it holds a comma, a double quote, CR or LF; quotes doubled. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as RFC 4180 CSV: a header line, CRLF line breaks, a CRLF after the last record. */
export function rowsToCsv(rows: readonly ActivityRow[]): string {
  const lines = [columns.map(([, title]) => csvField(title)).join(',')];
  for (const row of rows) lines.push(columns.map(([key]) => csvField(row[key])).join(','));
  return lines.join('\r\n') + '\r\n';
}
