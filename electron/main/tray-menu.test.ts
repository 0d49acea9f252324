import { describe, expect, it } from 'vitest';
import type { OpenTarget } from '../../shared/deep-links';
import { quitsWhenLastWindowCloses, TRAY_ICON_DATA_URL, trayMenuTemplate } from './tray-menu';

describe('tray', () => {
  it('opens Ferry, an area, or quits for real', () => {
    const calls: string[] = [];
    const menu = trayMenuTemplate({
      show: () => calls.push('show'),
      open: (t: OpenTarget) => calls.push(`open ${t.kind === 'area' ? t.area : t.kind}`),
      quit: () => calls.push('quit'),
    });
    const click = (label: string) => {
      const item = menu.find((m) => m.label === label);
      expect(item, label).toBeDefined();
      (item!.click as () => void)();
    };
    click('Open Ferry');
    click('Activity');
    click('Syncs');
    click('Queue');
    click('Quit Ferry');
    expect(calls).toEqual(['show', 'open activity', 'open syncs', 'open queue', 'quit']);
  });

  it('keeps Ferry running when the last window closes only where a tray can bring it back', () => {
    expect(quitsWhenLastWindowCloses('linux', true)).toBe(false);
    expect(quitsWhenLastWindowCloses('win32', false)).toBe(true);
    expect(quitsWhenLastWindowCloses('darwin', false)).toBe(false);
  });

  it('carries a PNG icon', () => {
    const bytes = Buffer.from(TRAY_ICON_DATA_URL.split(',')[1]!, 'base64');
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  });
});
