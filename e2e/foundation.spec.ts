import { request } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { expect, startServeProcess, test } from './fixtures';

test.describe('app frame', () => {
  test('shows the shell with every area', async ({ page, serve }) => {
    await page.goto(serve.url);
    const nav = page.getByRole('navigation', { name: 'Areas' });
    for (const name of ['Account', 'Object stores', 'Connectors', 'Stage', 'Syncs', 'Queue', 'Activity', 'Settings']) {
      await expect(nav.getByRole('button', { name })).toBeVisible();
    }
    // A fresh data dir, signed out: a welcome that says to sign in first, not Settings.
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Ferry' })).toBeVisible();
    const main = page.getByRole('main');
    await expect(main.getByRole('button', { name: 'Sign in with Globus' })).toBeVisible();
    // Plain `ferry serve` talks to globus.org: no word about an emulator.
    await expect(main).not.toContainText('emulator');
    // The token left the address bar for an HttpOnly cookie.
    expect(page.url()).not.toContain('token=');
    await nav.getByRole('button', { name: 'Activity' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
  });

  test('a saved dark theme is drawn from the first paint, before the settings arrive', async ({ page, serve }) => {
    await page.goto(serve.url + '#settings');
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

    // From here on the page's connection to Ferry never answers, so whatever it draws, it draws
    // without the settings; and it notes the theme when <body> first appears, before any paint.
    await page.routeWebSocket(/\/api\/ws$/, () => undefined);
    // (Runs in the page; this Node project has no DOM types, hence the script as text.)
    await page.addInitScript({
      content: `new MutationObserver(() => {
        if (document.body && !('themeAtBody' in window)) window.themeAtBody = document.documentElement.getAttribute('data-theme');
      }).observe(document, { childList: true, subtree: true });`,
    });
    await page.reload();
    await expect(page.getByRole('navigation', { name: 'Areas' })).toBeVisible();
    expect(await page.evaluate('window.themeAtBody')).toBe('dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(20, 23, 28)');
  });

  test('settings survive a reload and reach every open window', async ({ page, context, serve }) => {
    await page.goto(serve.url + '#settings');
    const other = await context.newPage();
    await other.goto(serve.origin + '/#settings');
    await expect(other.getByLabel('Theme')).toHaveValue('system');

    await page.getByLabel('Theme').selectOption('dark');
    const folder = `${serve.dataDir}/history`;
    await page.getByLabel('Data folder').fill(folder);
    await page.getByLabel('Custom service URLs').check();
    await page.getByLabel('Auth service URL').fill('http://127.0.0.1:9/auth');
    await page.getByLabel('Transfer service URL').fill('http://127.0.0.1:9/transfer');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Settings saved.')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

    // The second window heard the change without reloading.
    await expect(other.getByLabel('Theme')).toHaveValue('dark');
    await expect(other.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(other.getByLabel('Data folder')).toHaveValue(folder);

    await page.reload();
    await expect(page.getByLabel('Theme')).toHaveValue('dark');
    await expect(page.getByLabel('Data folder')).toHaveValue(folder);
    await expect(page.getByLabel('Custom service URLs')).toBeChecked();
    await expect(page.getByLabel('Transfer service URL')).toHaveValue('http://127.0.0.1:9/transfer');
  });

  test('bad input is refused with a message that says what to fix', async ({ page, serve }) => {
    await page.goto(serve.url + '#settings');
    await page.getByLabel('Data folder').fill('relative/folder');
    await expect(page.getByText('Data folder must be an absolute path')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  });

  test('a settings file cut short on disk does not stop Ferry: it starts with defaults and says where the old file went', async ({ page }, testInfo) => {
    const dataDir = join(testInfo.outputDir, 'ferry-data-bad-settings');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'settings.json'), '{"theme": "dark", "dataDir": "/tm');
    const serve = await startServeProcess(dataDir);
    try {
      await page.goto(serve.url + '#settings');
      const banner = page.getByRole('alert').filter({ hasText: 'is not valid JSON' });
      await expect(banner).toContainText('Ferry started with default settings and kept the file as');
      await expect(page.getByLabel('Theme')).toHaveValue('system');
      expect(readdirSync(dataDir).filter((name) => name.startsWith('settings.json.bad-'))).toHaveLength(1);
      // The repaired settings save normally.
      await page.getByLabel('Theme').selectOption('dark');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expect(page.getByText('Settings saved.')).toBeVisible();
    } finally {
      await serve.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a data folder that would stop the next start is refused by name', async ({ page, serve }) => {
    await page.goto(serve.url + '#settings');
    writeFileSync(join(serve.dataDir, 'a-file'), 'x');
    await page.getByLabel('Data folder').fill(join(serve.dataDir, 'a-file', 'data'));
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText(/is inside a file, not a folder; choose another folder/)).toBeVisible();
    await page.reload();
    await expect(page.getByLabel('Data folder')).toHaveValue(serve.dataDir);
  });

  test('the page has no Node: no require, no process', async ({ page, serve }) => {
    await page.goto(serve.url);
    await expect(page.getByRole('navigation', { name: 'Areas' })).toBeVisible();
    const globals = await page.evaluate(() => {
      const g = globalThis as Record<string, unknown>;
      return { require: typeof g.require, process: typeof g.process, module: typeof g.module };
    });
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined' });
  });
});

test.describe('browser host guard', () => {
  test('a request without the token gets 401', async ({ serve }) => {
    const anonymous = await request.newContext();
    const page = await anonymous.get(serve.origin + '/');
    expect(page.status()).toBe(401);
    const call = await anonymous.post(serve.origin + '/api/invoke', { data: { type: 'invoke', id: 1, channel: 'settings:get', args: [] } });
    expect(call.status()).toBe(401);
    const wrong = await anonymous.get(serve.origin + '/?token=not-the-token');
    expect(wrong.status()).toBe(401);
    await anonymous.dispose();
  });

  test('a request from a foreign Origin or Host gets 403, even with the token', async ({ serve }) => {
    const ctx = await request.newContext();
    const auth = { authorization: `Bearer ${serve.token}` };
    const foreign = await ctx.post(serve.origin + '/api/invoke', {
      headers: { ...auth, origin: 'http://evil.example' },
      data: { type: 'invoke', id: 1, channel: 'settings:get', args: [] },
    });
    expect(foreign.status()).toBe(403);
    const rebound = await ctx.get(serve.origin + '/', { headers: { ...auth, host: 'evil.example' } });
    expect(rebound.status()).toBe(403);
    const ok = await ctx.post(serve.origin + '/api/invoke', {
      headers: { ...auth, origin: serve.origin },
      data: { type: 'invoke', id: 1, channel: 'settings:get', args: [] },
    });
    expect(ok.status()).toBe(200);
    expect((await ok.json()).result.theme).toBe('system');
    await ctx.dispose();
  });

  test('the contract validates arguments on the HTTP bridge', async ({ serve }) => {
    const ctx = await request.newContext({ extraHTTPHeaders: { authorization: `Bearer ${serve.token}` } });
    const bad = await ctx.post(serve.origin + '/api/invoke', { data: { type: 'invoke', id: 2, channel: 'settings:update', args: [{ theme: 'neon' }] } });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.code).toBe('InvalidArguments');
    const unknown = await ctx.post(serve.origin + '/api/invoke', { data: { type: 'invoke', id: 3, channel: 'fs:read', args: ['/etc/passwd'] } });
    expect(unknown.status()).toBe(400);
    expect((await unknown.json()).error.code).toBe('UnknownChannel');
    await ctx.dispose();
  });

  test('a WebSocket without the token or from a foreign origin is refused', async ({ serve }) => {
    const wsUrl = serve.origin.replace('http', 'ws') + '/api/ws';
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => undefined);
      });
    expect(await status({})).toBe(401);
    expect(await status({ authorization: `Bearer ${serve.token}`, origin: 'http://evil.example' })).toBe(403);
    expect(await status({ authorization: `Bearer ${serve.token}`, origin: serve.origin })).toBe(101);
  });
});

test.describe('dropped-file staging on the browser host', () => {
  test('streams a file to a path on this machine, only with the token', async ({ serve }) => {
    const anonymous = await request.newContext();
    expect((await anonymous.post(serve.origin + '/api/upload?name=a.bin', { data: 'x' })).status()).toBe(401);
    await anonymous.dispose();
    const ctx = await request.newContext({ extraHTTPHeaders: { authorization: `Bearer ${serve.token}` } });
    const bad = await ctx.post(serve.origin + '/api/upload?name=..%2Fescape', { data: 'x' });
    expect(bad.status()).toBe(400);
    const ok = await ctx.post(serve.origin + '/api/upload?name=frame%200001.tif', { data: Buffer.from('detector bytes') });
    expect(ok.status()).toBe(200);
    const { path } = (await ok.json()) as { path: string };
    expect(path.startsWith(serve.dataDir)).toBe(true);
    expect(path.endsWith('frame 0001.tif')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('detector bytes');
    await ctx.dispose();
  });
});
