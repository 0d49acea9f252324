import { describe, expect, it } from 'vitest';
import { startLoopbackListener } from './loopback';
import { GlobusApiError } from './transfer-port';

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch {
    return true;
  }
}

describe('loopback redirect listener', () => {
  it('listens on 127.0.0.1 with a random port, takes one code, then closes', async () => {
    const listener = await startLoopbackListener({ expectedState: 'st-1', timeoutMs: 10_000 });
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const favicon = await fetch(new URL('/favicon.ico', listener.redirectUri));
    expect(favicon.status).toBe(404);
    const page = await fetch(`${listener.redirectUri}?code=abc&state=st-1`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('close this tab');
    await expect(listener.code).resolves.toBe('abc');
    await listener.closed;
    expect(await refused(`${listener.redirectUri}?code=again&state=st-1`)).toBe(true);
  });

  it('rejects a redirect whose state does not match', async () => {
    const listener = await startLoopbackListener({ expectedState: 'expected', timeoutMs: 10_000 });
    const page = await fetch(`${listener.redirectUri}?code=abc&state=forged`);
    expect(page.status).toBe(400);
    await expect(listener.code).rejects.toMatchObject({ code: 'StateMismatch' });
    await listener.closed;
  });

  it('times out with a clear error and closes the port', async () => {
    const listener = await startLoopbackListener({ expectedState: 's', timeoutMs: 50 });
    const error = await listener.code.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GlobusApiError);
    expect(error).toMatchObject({ code: 'LoginTimeout' });
    expect((error as Error).message).toMatch(/timed out/);
    await listener.closed;
    expect(await refused(`${listener.redirectUri}?code=late&state=s`)).toBe(true);
  });

  it('reports a denied consent and a cancel', async () => {
    const denied = await startLoopbackListener({ expectedState: 's', timeoutMs: 10_000 });
    await fetch(`${denied.redirectUri}?error=access_denied&error_description=User+said+no&state=s`);
    await expect(denied.code).rejects.toMatchObject({ code: 'LoginDenied' });
    await denied.closed;

    const cancelled = await startLoopbackListener({ expectedState: 's', timeoutMs: 10_000 });
    cancelled.cancel();
    await expect(cancelled.code).rejects.toMatchObject({ code: 'LoginCancelled' });
    await cancelled.closed;
  });
});
