import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatExact, formatNumber, formatRate, formatRelative, plural } from './format';

describe('formatBytes', () => {
  it('writes decimal units as Globus does, one decimal below 100 of a unit', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(4_240)).toBe('4.2 KB');
    expect(formatBytes(12_345)).toBe('12.3 KB');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(25_300_000_000)).toBe('25.3 GB');
    expect(formatBytes(123_456_789)).toBe('123 MB');
  });

  it('writes a whole number of a unit without decimals', () => {
    expect(formatBytes(5_000)).toBe('5 KB');
    expect(formatBytes(10_000_000)).toBe('10 MB');
    expect(formatBytes(2_000_000_000_000)).toBe('2 TB');
    expect(formatBytes(9_223_372_036_854_775_807n)).toBe('9.2 EB');
    expect(formatBytes(10_000_000n)).toBe('10 MB');
  });

  it('never writes 100.0 or 1000 of a unit', () => {
    expect(formatBytes(99_960)).toBe('100 KB');
    expect(formatBytes(999_960)).toBe('1.0 MB');
    expect(formatBytes(999_999_999)).toBe('1.0 GB');
  });

  it('says "—" for what it cannot know', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(undefined)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('formatRate', () => {
  it('is a size per second, and "—" when unknown', () => {
    expect(formatRate(4_240)).toBe('4.2 KB/s');
    expect(formatRate(2_000_000)).toBe('2 MB/s');
    expect(formatRate(0)).toBe('0 B/s');
    expect(formatRate(null)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
  });
});

describe('formatCount and plural', () => {
  it('pluralises the noun for every number but one', () => {
    expect(formatCount(1, 'file')).toBe('1 file');
    expect(formatCount(0, 'file')).toBe('0 files');
    expect(formatCount(2, 'file')).toBe('2 files');
    expect(formatCount(1_234, 'file')).toBe('1,234 files');
    expect(formatCount(1, 'entry', 'entries')).toBe('1 entry');
    expect(formatCount(3, 'entry', 'entries')).toBe('3 entries');
    expect(plural(1, 'folder')).toBe('folder');
    expect(plural(5, 'folder')).toBe('folders');
  });

  it('without a noun is the number with separators', () => {
    expect(formatCount(10_000)).toBe('10,000');
    expect(formatNumber(1_234_567)).toBe('1,234,567');
    expect(formatNumber(Number.NaN)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('picks the unit a person would', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(999.6)).toBe('1.0 s');
    expect(formatDuration(4_240)).toBe('4.2 s');
    expect(formatDuration(9_970)).toBe('10 s');
    expect(formatDuration(42_900)).toBe('43 s');
    expect(formatDuration(59_600)).toBe('1 min');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(180_000)).toBe('3 min');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
    expect(formatDuration(273_600_000)).toBe('3 d 4 h');
  });

  it('says "—" for what it cannot know', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-5)).toBe('—');
  });
});

describe('formatRelative and formatExact', () => {
  const now = Date.parse('2024-03-02T12:00:00Z');

  it('words a time relative to now, from epoch ms or ISO text', () => {
    expect(formatRelative('2024-03-02T11:59:58Z', now)).toBe('just now');
    expect(formatRelative('2024-03-02T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5 minutes ago');
    expect(formatRelative('2024-03-01T12:00:00Z', now)).toBe('yesterday');
    expect(formatRelative(now + 3 * 3_600_000, now)).toBe('in 3 hours');
    expect(formatRelative(null, now)).toBe('');
    expect(formatRelative('not a time', now)).toBe('');
  });

  it('gives the exact time for hover titles', () => {
    expect(formatExact(now)).toBe(formatExact('2024-03-02T12:00:00Z'));
    expect(formatExact(now)).toMatch(/2024/);
    expect(formatExact(null)).toBe('');
    expect(formatExact('garbled')).toBe('garbled');
  });
});
