import { describe, expect, it } from 'vitest';
import { describeActiveWork, trayStatusText, type ActiveWork } from './active-work';

const idle: ActiveWork = { transfers: 0, syncRuns: 0, httpsTransfers: 0, queueBusy: false, objectStores: 0, alerts: 0 };

describe('what is running, in words', () => {
  it('says nothing when nothing runs, and lists what does with the right verb', () => {
    expect(describeActiveWork(idle)).toBeNull();
    expect(describeActiveWork({ ...idle, transfers: 1 })).toBe('1 transfer is running');
    expect(describeActiveWork({ ...idle, transfers: 2 })).toBe('2 transfers are running');
    expect(describeActiveWork({ ...idle, queueBusy: true })).toBe('the send queue is running');
    expect(describeActiveWork({ ...idle, httpsTransfers: 1 })).toBe('1 HTTPS transfer is running');
    expect(describeActiveWork({ ...idle, transfers: 1, syncRuns: 1, queueBusy: true, objectStores: 2 })).toBe(
      '1 transfer, 1 sync run, the send queue and 2 object stores are running',
    );
  });

  it('the tray says what runs and what needs a person', () => {
    expect(trayStatusText(idle)).toBe('Ferry — nothing running');
    expect(trayStatusText({ ...idle, syncRuns: 1, alerts: 1 })).toBe('Ferry — 1 sync run is running — 1 alert needs you');
    expect(trayStatusText({ ...idle, alerts: 3 })).toBe('Ferry — nothing running — 3 alerts need you');
  });
});
