import { describe, expect, it } from 'vitest';
import type { ActivityRow } from '../../../shared/activity';
import { csvField, rowsToCsv } from './csv';

function row(patch: Partial<ActivityRow> = {}): ActivityRow {
  return {
    task_id: 'aaaaaaaa-0000-4000-8000-000000000001',
    status: 'SUCCEEDED',
    type: 'TRANSFER',
    label: 'run 1',
    source_id: 'src',
    source_name: 'Source',
    destination_id: 'dst',
    destination_name: 'Destination',
    paths: '/data/run1 → /scratch/run1',
    files: 3,
    files_transferred: 3,
    files_skipped: 0,
    bytes_transferred: 4240,
    effective_bytes_per_second: 1000,
    faults: 0,
    nice_status: null,
    request_time: '2024-03-02T12:00:00+00:00',
    completion_time: '2024-03-02T12:01:00+00:00',
    submitted_by_ferry: true,
    origin: 'manual',
    ...patch,
  };
}

describe('csvField', () => {
  it('quotes per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('true');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+cmd|\' /C calc\'!A0', "'+cmd|' /C calc'!A0"],
    ['-2+3+cmd|\' /C calc\'!A0', "'-2+3+cmd|' /C calc'!A0"],
    ['@SUM(1+1)*cmd|\' /C calc\'!A0', "'@SUM(1+1)*cmd|' /C calc'!A0"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
  ])('writes text a spreadsheet would run as a formula as text: %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('leaves text that only contains those characters, and numbers, as they are', () => {
    expect(csvField('run=1 + run@2 - x')).toBe('run=1 + run@2 - x');
    expect(csvField('/data/-scratch')).toBe('/data/-scratch');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(4240)).toBe('4240');
  });
});

describe('rowsToCsv', () => {
  it('guards every text cell of a row: label, collection names, paths, detail', () => {
    const csv = rowsToCsv([row({ label: '=1+2', source_name: '@evil', destination_name: '+dest', paths: '-p', nice_status: '=cmd' })]);
    const [header, line, end] = csv.split('\r\n');
    expect(header?.startsWith('Task ID,Status,Type,Label,')).toBe(true);
    expect(line).toContain(",'=1+2,");
    expect(line).toContain(",'@evil,");
    expect(line).toContain(",'+dest,");
    expect(line).toContain(",'-p,");
    expect(line).toContain(",'=cmd,");
    // Numbers stay numbers.
    expect(line).toContain(',3,3,0,4240,1000,0,');
    expect(end).toBe('');
  });
});
