import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
async function foregroundRelay(args: readonly string[]): Promise<{ relay: RelayServer; out: string[] }> {
  const out: string[] = [];
  let release: () => void = () => undefined;
  const ready = new Promise<RelayServer>((resolve, reject) => {
    runRelayCommand(['--port', '0', ...args], {
      env: {},
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
});
