import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError, dispatchInvoke, toAppErrorShape } from '../kernel';
import { createTestCore } from './testing/test-core';

const dataDir = mkdtempSync(join(tmpdir(), 'ferry-core-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const makeCore = () => createTestCore(dataDir);

describe('dispatchInvoke', () => {
  it('runs a valid call and returns plain JSON', async () => {
    const { core } = makeCore();
    const r = await dispatchInvoke(core.handlers, 'settings:update', [{ theme: 'dark' }]);
    expect(r).toMatchObject({ ok: true, result: { theme: 'dark' } });
  });

  it('refuses an unknown channel before any handler runs', async () => {
    const { core } = makeCore();
    const r = await dispatchInvoke(core.handlers, 'fs:read', ['/etc/passwd']);
    expect(r).toMatchObject({ ok: false, error: { code: 'UnknownChannel', kind: 'invalid' } });
  });

  it('refuses malformed arguments with a message naming the field', async () => {
    const { core } = makeCore();
    const r = await dispatchInvoke(core.handlers, 'settings:update', [{ theme: 'neon' }]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('invalid');
      expect(r.error.message).toMatch(/theme/);
    }
    expect(core.settings.get().theme).toBe('system');
    expect(await dispatchInvoke(core.handlers, 'settings:get', 'not-an-array')).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await dispatchInvoke(core.handlers, 'settings:get', [1])).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('turns handler failures into the error shape', async () => {
    const { core, opened } = makeCore();
    const r = await dispatchInvoke(core.handlers, 'shell:open-external', ['javascript:alert(1)']);
    expect(r).toMatchObject({ ok: false, error: { code: 'UnsafeUrl', kind: 'refused' } });
    expect(opened).toEqual([]);
    const ok = await dispatchInvoke(core.handlers, 'shell:open-external', ['https://app.globus.org']);
    expect(ok).toEqual({ ok: true, result: { opened: true } });
  });

  it('pushes settings changes on the bus', async () => {
    const { core } = makeCore();
    const seen: unknown[] = [];
    core.bus.subscribe((channel, payload) => seen.push([channel, (payload as { theme: string }).theme]));
    await dispatchInvoke(core.handlers, 'settings:update', [{ theme: 'light' }]);
    expect(seen).toEqual([['settings:changed', 'light']]);
  });
});

describe('every refusal has a kind that says what to fix (issue 14, defects 5-7)', () => {
  const syncDraft = (localPath: string) => ({
    name: 'detector',
    source: { collectionId: 'aaaaaaaa-0000-4000-8000-000000000001', localPath, collectionPath: '/data' },
    destination: { collectionId: 'bbbbbbbb-0000-4000-8000-000000000002', path: '/in' },
    schedule: { kind: 'manual' },
    syncLevel: null,
    include: [],
    exclude: [],
    symlinks: 'skip',
    createEmptyDirs: false,
    enabled: true,
    maxItemsPerTransfer: 1000,
  });

  it.each([
    ['shell:open-external', ['x'], 'refused', 'UnsafeUrl'],
    ['queue:cancel-batch', [999], 'not-found', 'NotFound'],
    ['syncs:create', [syncDraft('/no/such/folder/anywhere')], 'refused', 'InvalidInput'],
    ['syncs:create', [syncDraft('/a\u0000b')], 'invalid', 'InvalidArguments'],
    ['syncs:create', [syncDraft(`/${'a'.repeat(200_000)}`)], 'invalid', 'InvalidArguments'],
    ['settings:update', [{ dataDir: '/a\u0000b' }], 'invalid', 'InvalidArguments'],
    ['settings:update', [{ dataDir: '/data/\uD800' }], 'invalid', 'InvalidArguments'],
    ['settings:update', [{ dataDir: `/${'d'.repeat(200_000)}` }], 'invalid', 'InvalidArguments'],
  ] as const)('%s %#: %s', async (channel, args, kind, code) => {
    const { core } = makeCore();
    const before = JSON.stringify(core.settings.get());
    const r = await dispatchInvoke(core.handlers, channel, args);
    expect(r).toMatchObject({ ok: false, error: { kind, code } });
    if (!r.ok) {
      expect(r.error.message).not.toMatch(/ENOENT|ENAMETOOLONG|ERR_INVALID_ARG|at .*\.ts:\d+/);
      expect(r.error.message.length).toBeLessThan(2000);
    }
    expect(JSON.stringify(core.settings.get())).toBe(before);
    await core.dispose();
  });

  it('refuses arguments nested 20,000 deep before any handler or schema runs', async () => {
    const { core } = makeCore();
    let deep: unknown = {};
    for (let i = 0; i < 20_000; i++) deep = { config: deep };
    const r = await dispatchInvoke(core.handlers, 'settings:update', [deep]);
    expect(r).toMatchObject({ ok: false, error: { kind: 'too-large', code: 'TooLarge', message: expect.stringMatching(/nested more than 64 levels/) } });
    await core.dispose();
  });

  it('a bug is reported with only a request id, and the log has the rest', () => {
    const logged: unknown[] = [];
    const failure = Object.assign(new Error("ENOENT: no such file or directory, stat '/secret/place'"), { code: 'ENOENT' });
    const shape = toAppErrorShape(failure, (id, error) => logged.push(id, error));
    expect(shape).toMatchObject({ code: 'InternalError', kind: 'internal' });
    expect(shape.message).not.toMatch(/ENOENT|secret/);
    expect(shape.message).toContain(shape.requestId);
    expect(logged).toEqual([shape.requestId, failure]);
    // Errors raised on purpose keep their code and message.
    expect(toAppErrorShape(new AppError('conflict', 'NotCancellable', 'Batch 3 is not running.'))).toEqual({
      code: 'NotCancellable',
      kind: 'conflict',
      message: 'Batch 3 is not running.',
    });
  });
});

describe('opening a target (ferry:// links, notification and tray clicks)', () => {
  it('tells every window at once and keeps it for a page that starts later, once', async () => {
    const { core } = makeCore();
    const heard: unknown[] = [];
    core.bus.subscribe((channel, payload) => {
      if (channel === 'app:open') heard.push(payload);
    });
    const target = { kind: 'task', taskId: '0f1e2d3c-4b5a-4968-8776-655443322110' } as const;
    core.open(target);
    expect(heard).toEqual([target]);
    expect(await dispatchInvoke(core.handlers, 'app:take-pending-open', [])).toEqual({ ok: true, result: target });
    expect(await dispatchInvoke(core.handlers, 'app:take-pending-open', [])).toEqual({ ok: true, result: null });
  });
});
