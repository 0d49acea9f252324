import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmulatorMigration } from './database';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-db-'));
  dirs.push(dir);
  return join(dir, 'nested', 'emulator.sqlite');
};

const v1: EmulatorMigration = { version: 1, up: (db) => db.exec('CREATE TABLE a (x INTEGER)') };
const v2: EmulatorMigration = { version: 2, up: (db) => db.exec('ALTER TABLE a ADD COLUMN y TEXT') };

describe("the emulator's SQLite file", () => {
  it('is created in WAL mode and migrated once, keeping rows across reopens', () => {
    const file = tempFile();
    const db = openSqlite(file, [v1]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.prepare('INSERT INTO a (x) VALUES (1)').run();
    db.close();

    const again = openSqlite(file, [v2, v1]);
    expect(again.pragma('user_version', { simple: true })).toBe(2);
    expect(again.prepare('SELECT x, y FROM a').all()).toEqual([{ x: 1, y: null }]);
    again.close();
  });

  it('refuses a file written by a newer emulator and migrations with gaps', () => {
    const file = tempFile();
    openSqlite(file, [v1, v2]).close();
    expect(() => openSqlite(file, [v1])).toThrow(/newer Globus emulator \(schema 2, this one knows 1\)/);
    expect(() => openSqlite(':memory:', [v2])).toThrow(/without gaps/);
  });

  it('rolls a failed migration back', () => {
    const file = tempFile();
    const broken: EmulatorMigration = { version: 2, up: () => { throw new Error('boom'); } };
    expect(() => openSqlite(file, [v1, broken])).toThrow('boom');
    const db = openSqlite(file, [v1]);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });
});
