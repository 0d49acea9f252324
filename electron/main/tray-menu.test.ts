import { describe, expect, it } from 'vitest';
import type { OpenTarget } from '../../shared/deep-links';
import { onLastWindowClose, quitsWhenLastWindowCloses, TRAY_ALERT_ICON_DATA_URL, TRAY_ICON_DATA_URL, trayMenuTemplate } from './tray-menu';

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

  it('keeps Ferry running when the last window closes only when the person chose the tray (or on macOS)', () => {
    expect(quitsWhenLastWindowCloses('linux', true)).toBe(false);
    expect(quitsWhenLastWindowCloses('win32', false)).toBe(true);
    expect(quitsWhenLastWindowCloses('darwin', false)).toBe(false);
  });

  it('asks on close only while something runs', () => {
    expect(onLastWindowClose('linux', true, null)).toBe('close');
    expect(onLastWindowClose('linux', true, '1 sync run is running')).toBe('ask-keep-in-tray');
    expect(onLastWindowClose('win32', false, '2 transfers are running')).toBe('ask-quit-anyway');
    expect(onLastWindowClose('darwin', true, '2 transfers are running')).toBe('close');
  });

  it('carries PNG icons, plain and with the alert dot', () => {
    for (const url of [TRAY_ICON_DATA_URL, TRAY_ALERT_ICON_DATA_URL]) {
      const bytes = Buffer.from(url.split(',')[1]!, 'base64');
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    }
  });
});
