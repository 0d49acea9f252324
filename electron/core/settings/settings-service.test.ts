import { describe, expect, it } from 'vitest';
import { createSettingsService, type SettingsBackend } from './settings-service';

const memoryBackend = (initial: Record<string, unknown> = {}): SettingsBackend & { writes: number } => {
  let value = initial;
  return {
    writes: 0,
    get store() {
      return value;
    },
    set store(v) {
      value = JSON.parse(JSON.stringify(v));
      this.writes++;
    },
  };
};

describe('settings service', () => {
  it('starts from defaults and persists a validated update', () => {
    const backend = memoryBackend();
    const svc = createSettingsService(backend, '/data/ferry');
    expect(svc.get().dataDir).toBe('/data/ferry');
    expect(svc.get().theme).toBe('system');
    const next = svc.update({ theme: 'dark', globus: { kind: 'custom', authUrl: 'http://127.0.0.1:9999', transferUrl: 'http://127.0.0.1:9999' } });
    expect(next.theme).toBe('dark');
    expect(backend.store.theme).toBe('dark');
    expect(createSettingsService(backend, '/other').get().globus).toEqual({
      kind: 'custom',
      authUrl: 'http://127.0.0.1:9999',
      transferUrl: 'http://127.0.0.1:9999',
    });
  });

  it('refuses a relative data folder with a message that says what to fix', () => {
    const svc = createSettingsService(memoryBackend(), '/data/ferry');
    expect(() => svc.update({ dataDir: 'relative/dir' })).toThrow(/absolute path/);
    expect(svc.get().dataDir).toBe('/data/ferry');
  });

  it('refuses unknown keys', () => {
    const svc = createSettingsService(memoryBackend(), '/data/ferry');
    expect(() => svc.update({ bogus: 1 } as never)).toThrow();
  });

  it('repairs a damaged file field by field instead of failing to start', () => {
    const svc = createSettingsService(memoryBackend({ theme: 'purple', dataDir: '/kept', globus: 7 }), '/data/ferry');
    expect(svc.get()).toMatchObject({ theme: 'system', dataDir: '/kept', globus: { kind: 'production' } });
  });

  it('tells listeners about every change and stops after unsubscribe', () => {
    const svc = createSettingsService(memoryBackend(), '/data/ferry');
    const seen: string[] = [];
    const off = svc.onChanged((s) => seen.push(s.theme));
    svc.update({ theme: 'light' });
    off();
    svc.update({ theme: 'dark' });
    expect(seen).toEqual(['light']);
  });
});
