import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plainFileCipher } from '../globus';
import { createCore } from './create-core';
import { dispatchInvoke } from './dispatch';

const dataDir = mkdtempSync(join(tmpdir(), 'ferry-core-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const makeCore = () => {
  let store: Record<string, unknown> = {};
  const opened: string[] = [];
  const core = createCore({
    host: 'serve',
    version: '0.0.0-test',
    dataDir,
    secretCipher: plainFileCipher(),
    openSignInPage: async () => undefined,
    settingsBackend: {
      get store() {
        return store;
      },
      set store(v) {
        store = v;
      },
    },
    openExternal: async (url) => {
      opened.push(url);
      return true;
    },
  });
  return { core, opened };
};

describe('dispatchInvoke', () => {
  it('runs a valid call and returns plain JSON', async () => {
    const { core } = makeCore();
    const r = await dispatchInvoke(core.handlers, 'settings:update', [{ theme: 'dark' }]);
    expect(r).toMatchObject({ ok: true, result: { theme: 'dark' } });
  });

  it('refuses an unknown channel before any handler runs', async () => {
    const { core } = makeCore();
    const r = await dispatchInvoke(core.handlers, 'fs:read', ['/etc/passwd']);
    expect(r).toMatchObject({ ok: false, reason: 'unknown-channel', error: { code: 'UnknownChannel' } });
  });

  it('refuses malformed arguments with a message naming the field', async () => {
    const { core } = makeCore();
    const r = await dispatchInvoke(core.handlers, 'settings:update', [{ theme: 'neon' }]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('invalid-arguments');
      expect(r.error.message).toMatch(/theme/);
    }
    expect(core.settings.get().theme).toBe('system');
    expect(await dispatchInvoke(core.handlers, 'settings:get', 'not-an-array')).toMatchObject({ ok: false, reason: 'invalid-arguments' });
    expect(await dispatchInvoke(core.handlers, 'settings:get', [1])).toMatchObject({ ok: false, reason: 'invalid-arguments' });
  });

  it('turns handler failures into the error shape', async () => {
    const { core, opened } = makeCore();
    const r = await dispatchInvoke(core.handlers, 'shell:open-external', ['javascript:alert(1)']);
    expect(r).toMatchObject({ ok: false, reason: 'failed', error: { code: 'UnsafeUrl' } });
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
