import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createGuard } from './guard';
import { startServe, type RunningServe } from './server';

const dirs: string[] = [];
const servers: RunningServe[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const request = (headers: Record<string, string>, url = '/') => ({ headers, url }) as never;

describe('guard', () => {
  const guard = createGuard(4000, 'secret-token');
  it('accepts the token from the query, a bearer header or the port cookie', () => {
    expect(guard.check(request({ host: '127.0.0.1:4000' }, '/?token=secret-token'))).toMatchObject({ ok: true, via: 'query' });
    expect(guard.check(request({ host: 'localhost:4000', authorization: 'Bearer secret-token' }))).toMatchObject({ ok: true, via: 'header' });
    expect(guard.check(request({ host: '127.0.0.1:4000', cookie: 'a=b; ferry-token-4000=secret-token' }))).toMatchObject({ ok: true, via: 'cookie' });
  });
  it('refuses a missing or wrong token with 401', () => {
    expect(guard.check(request({ host: '127.0.0.1:4000' }))).toMatchObject({ ok: false, status: 401 });
    expect(guard.check(request({ host: '127.0.0.1:4000', cookie: 'ferry-token-4001=secret-token' }))).toMatchObject({ ok: false, status: 401 });
    expect(guard.check(request({ host: '127.0.0.1:4000' }, '/?token=secret-tokeN'))).toMatchObject({ ok: false, status: 401 });
  });
  it('refuses a foreign Host (DNS rebinding) or Origin with 403, even with the token', () => {
    expect(guard.check(request({ host: 'evil.example:4000', authorization: 'Bearer secret-token' }))).toMatchObject({ ok: false, status: 403 });
    expect(guard.check(request({ host: '127.0.0.1:4001', authorization: 'Bearer secret-token' }))).toMatchObject({ ok: false, status: 403 });
    expect(
      guard.check(request({ host: '127.0.0.1:4000', origin: 'http://evil.example', authorization: 'Bearer secret-token' })),
    ).toMatchObject({ ok: false, status: 403 });
  });
});

describe('startServe', () => {
  it('frees browser-staged files older than a week when it starts, and keeps newer ones', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ferry-serve-'));
    dirs.push(dataDir);
    const old = join(dataDir, 'uploads', 'old');
    const fresh = join(dataDir, 'uploads', 'fresh');
    for (const d of [old, fresh]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'a.tif'), 'x');
    }
    const eightDaysAgo = (Date.now() - 8 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, eightDaysAgo, eightDaysAgo);
    servers.push(await startServe({ dataDir, rendererDir: join(dataDir, 'no-renderer'), version: 'test' }));
    expect(existsSync(old)).toBe(false);
    expect(existsSync(join(fresh, 'a.tif'))).toBe(true);
  });

  it('keeps a keep-alive connection usable after refusing a small upload: the next request on it is answered, not reset', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ferry-serve-'));
    dirs.push(dataDir);
    const serve = await startServe({ dataDir, rendererDir: join(dataDir, 'no-renderer'), version: 'test', token: 't0ken' });
    servers.push(serve);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (name: string, body: string) =>
      new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: serve.port, path: `/api/upload?name=${name}`, method: 'POST', agent, headers: { authorization: 'Bearer t0ken', 'content-length': String(Buffer.byteLength(body)) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      const refused = await post('..%2Fescape', 'x');
      expect(refused.status).toBe(400);
      for (let i = 0; i < 5; i += 1) {
        const ok = await post(`frame-${i}.tif`, 'detector bytes');
        expect(ok.status).toBe(200);
        // The same connection carried it: the refusal did not close it under the client.
        expect(ok.socket).toBe(refused.socket);
      }
    } finally {
      agent.destroy();
    }
  });
});
