import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointClient, EndpointManager, type RelayServer } from '../core/object-store';
import { LOOPBACK_RTC } from '../core/object-store/testing/peers';
import { rawRelayClient } from '../core/object-store/testing/raw-relay-client';
import { UsageError } from './args';
import { runObjectStoreCommand } from './object-store-command';
import { runRelayCommand } from './relay-command';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-ps-home-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `ferry relay ARGS` in the foreground until the test ends. */
async function foregroundRelay(args: readonly string[], env: Record<string, string> = {}): Promise<{ relay: RelayServer; out: string[] }> {
  const out: string[] = [];
  let release: () => void = () => undefined;
  const ready = new Promise<RelayServer>((resolve, reject) => {
    runRelayCommand(['--port', '0', ...args], {
      env,
      stdout: (t) => out.push(t),
      waitForShutdown: () => new Promise<void>((r) => (release = r)),
      onReady: resolve,
    }).catch(reject);
  });
  const relay = await ready;
  cleanups.push(() => release());
  return { relay, out };
}

const registration = (name: string, uuid: string): string => JSON.stringify({ name, uuid, message_type: 'relay_registration' });
const OK = '{"success": true, "message": null, "error": false, "message_type": "relay_response"}';

describe('ferry relay', () => {
  it('peers two Ferry endpoints over WebRTC on 127.0.0.1, configured and started as proxystore-endpoint would', async () => {
    const { relay, out } = await foregroundRelay(['--no-auth']);
    expect(out).toContain(`Relay listening on ${relay.address} (no authentication)`);
    const dir = home();
    const say: string[] = [];
    const deps = { env: { PROXYSTORE_HOME: dir }, stdout: (t: string) => say.push(t), stderr: (t: string) => say.push(t) };
    for (const name of ['left', 'right']) {
      const code = await runObjectStoreCommand(['endpoint', 'configure', name, '--memory', '--relay-address', relay.address, '--no-relay-auth', '--peer-channels', '2'], deps);
      expect(code, say.join('\n')).toBe(0);
    }
    const m = new EndpointManager({ home: dir, backoff: { initialMs: 20, maxMs: 200 }, rtc: LOOPBACK_RTC });
    cleanups.push(() => m.close());
    const left = await m.start('left');
    const right = await m.start('right');
    await m.endpoint('left')?.waitForRelay();
    await m.endpoint('right')?.waitForRelay();
    expect(relay.peers().map((p) => p.name).sort()).toEqual(['left', 'right']);

    const c = new EndpointClient({ url: `http://127.0.0.1:${right.port}` });
    cleanups.push(() => c.close());
    const blob = new Uint8Array(200_000).map((_, i) => i % 256);
    await c.set('obj', blob, left.uuid);
    expect(Buffer.from((await c.get('obj', left.uuid)) ?? []).equals(Buffer.from(blob))).toBe(true);
    expect(await c.exists('obj')).toBe(false);
    expect((await m.status('right')).peers).toMatchObject([{ uuid: left.uuid, name: 'left', state: 'connected', channels: 2 }]);
  });

  it('lets a Python-style endpoint register without a token when --no-auth, and refuses it with a secret', async () => {
    const open = await foregroundRelay(['--no-auth']);
    const python = await rawRelayClient(open.relay.address);
    cleanups.push(() => python.close());
    python.send(registration('py-ep', '6f1d2e3c-4b5a-4978-8695-a4b3c2d1e0f9'));
    expect(await python.next()).toBe(OK);

    const guarded = await foregroundRelay(['--secret', 'team']);
    const anonymous = await rawRelayClient(guarded.relay.address);
    anonymous.send(registration('py-ep', '6f1d2e3c-4b5a-4978-8695-a4b3c2d1e0f9'));
    expect((await anonymous.closed()).code).toBe(4001);
    const member = await rawRelayClient(guarded.relay.address, { Authorization: 'Bearer team' });
    cleanups.push(() => member.close());
    member.send(registration('ferry-ep', '0d7f6a52-7a4d-4b8e-8c1b-5e9f3a2b1c0d'));
    expect(await member.next()).toBe(OK);
  });

  it('serves wss:// with --certfile and --keyfile', async () => {
    const fixtures = join(__dirname, '..', 'core', 'object-store', 'testing', 'fixtures');
    const cert = join(fixtures, 'relay-test-cert.pem');
    const { relay } = await foregroundRelay(['--no-auth', '--certfile', cert, '--keyfile', join(fixtures, 'relay-test-key.pem')]);
    expect(relay.address.startsWith('wss://127.0.0.1:')).toBe(true);
    const c = await rawRelayClient(relay.address, {}, { ca: readFileSync(cert) });
    cleanups.push(() => c.close());
    c.send(registration('tls-ep', '0d7f6a52-7a4d-4b8e-8c1b-5e9f3a2b1c0d'));
    expect(await c.next()).toBe(OK);
  });

  it('explains bad flags', async () => {
    await expect(runRelayCommand([], { stdout: () => undefined })).rejects.toThrow(UsageError);
    await expect(runRelayCommand(['--port', '0', '--no-auth', '--secret', 's'], { stdout: () => undefined })).rejects.toThrow('cannot be used together');
    await expect(runRelayCommand(['--port', '0', '--certfile', 'x.pem'], { stdout: () => undefined })).rejects.toThrow('go together');
    await expect(runRelayCommand(['--port', 'x'], { stdout: () => undefined })).rejects.toThrow('whole number');
    const help: string[] = [];
    expect(await runRelayCommand(['--help'], { stdout: (t) => help.push(t) })).toBe(0);
    expect(help.join('\n')).toContain('--no-auth');
  });

  it('--globus-auth introspects the bearer token at $GLOBUS_SDK_SERVICE_URL_AUTH with the relay’s client and keys users by identity', async () => {
    const seen: { auth?: string; body?: string }[] = [];
    const introspection = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body });
        const token = new URLSearchParams(body).get('token');
        const doc =
          token === 'good'
            ? { active: true, sub: '1c7e4a52-3b9d-4f6e-8a21-9d5b0c3e7f42', username: 'ada', aud: ['ebd5bbed-95e2-47cf-9c80-39e2064274bd'] }
            : token === 'wrong-aud'
              ? { active: true, sub: '1c7e4a52-3b9d-4f6e-8a21-9d5b0c3e7f42', aud: ['transfer.api.globus.org'] }
              : { active: false };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(doc));
      });
    });
    await new Promise<void>((r) => introspection.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => introspection.close(r)));
    const authUrl = `http://127.0.0.1:${(introspection.address() as AddressInfo).port}`;
    const { relay, out } = await foregroundRelay(['--globus-auth', '--globus-client-id', 'relay-app'], {
      GLOBUS_SDK_SERVICE_URL_AUTH: authUrl,
      PROXYSTORE_GLOBUS_CLIENT_SECRET: 'shh',
    });
    expect(out.join('\n')).toContain('(Globus Auth)');
    const attempt = async (token: string | null): Promise<string | number> => {
      const c = await rawRelayClient(relay.address, token ? { Authorization: `Bearer ${token}` } : {});
      cleanups.push(() => c.close());
      c.send(registration('ep', '6f1d2a3b-0000-4000-8000-000000000001'));
      const first = await Promise.race([c.next().catch(() => null), c.closed().then((i) => i.code)]);
      return typeof first === 'string' ? (JSON.parse(first) as { success: boolean }).success ? 'ok' : first : ((await c.closed()).code);
    };
    expect(await attempt('good')).toBe('ok');
    expect(await attempt(null)).toBe(4001);
    expect(await attempt('revoked')).toBe(4002);
    expect(await attempt('wrong-aud')).toBe(4002);
    expect(seen[0]?.auth).toBe(`Basic ${Buffer.from('relay-app:shh').toString('base64')}`);
    expect(new URLSearchParams(seen[0]?.body).get('token')).toBe('good');
  });

  it('--globus-auth needs the relay’s Globus app and goes alone', async () => {
    await expect(runRelayCommand(['--port', '0', '--globus-auth'], { env: {}, stdout: () => undefined })).rejects.toThrow('--globus-client-id');
    await expect(runRelayCommand(['--port', '0', '--globus-auth', '--no-auth'], { env: {}, stdout: () => undefined })).rejects.toThrow('cannot be used with');
    await expect(runRelayCommand(['--port', '0', '--globus-client-id', 'x'], { env: {}, stdout: () => undefined })).rejects.toThrow('go with --globus-auth');
  });
});
