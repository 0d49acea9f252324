import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bearerAuthenticator, RelayAuthError } from './relay-auth';
import { decodeRelayMessage, encodeRelayMessage, RelayMessageDecodeError } from './relay-messages';
import { startRelay, type RelayOptions, type RelayServer } from './relay-server';
import { rawRelayClient, type RawRelayClient } from './testing/raw-relay-client';
import { newUuid } from './uuid';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function relay(options: Partial<RelayOptions> = {}): Promise<RelayServer> {
  const r = await startRelay({ port: 0, heartbeatMs: 0, ...options });
  cleanups.push(() => r.close());
  return r;
}

async function client(r: RelayServer, headers: Record<string, string> = {}): Promise<RawRelayClient> {
  const c = await rawRelayClient(r.address, headers);
  cleanups.push(() => c.close());
  return c;
}

const REGISTERED = '{"success": true, "message": null, "error": false, "message_type": "relay_response"}';

async function registered(r: RelayServer, name: string, headers: Record<string, string> = {}): Promise<{ c: RawRelayClient; uuid: string }> {
  const c = await client(r, headers);
  const uuid = newUuid();
  c.send(JSON.stringify({ name, uuid, message_type: 'relay_registration' }));
  expect(await c.next()).toBe(REGISTERED);
  return { c, uuid };
}

function offer(from: string, to: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    source_uuid: from,
    source_name: 'a',
    peer_uuid: to,
    description_type: 'offer',
    description: '{"sdp": "v=0", "type": "offer"}',
    error: null,
    message_type: 'peer_connection',
    ...extra,
  });
}

describe('relay messages', () => {
  it('decode as ProxyStore does: message_type by name, UUID keys checked, defaults filled, unknown keys refused', () => {
    const u = newUuid();
    expect(decodeRelayMessage(JSON.stringify({ name: 'n', uuid: u.toUpperCase().replaceAll('-', ''), message_type: 'relay_registration' }))).toEqual({
      name: 'n',
      uuid: u,
      message_type: 'relay_registration',
    });
    expect(decodeRelayMessage('{"message_type": "relay_response"}')).toEqual({ success: true, message: null, error: false, message_type: 'relay_response' });
    for (const bad of [
      'not json',
      '[]',
      '{"name": "n", "uuid": "u"}',
      JSON.stringify({ name: 'n', uuid: 'not-a-uuid', message_type: 'relay_registration' }),
      JSON.stringify({ name: 'n', uuid: u, extra: 1, message_type: 'relay_registration' }),
      JSON.stringify({ name: 'n', uuid: u, message_type: 'RelayRegistrationRequest' }),
      JSON.stringify({ uuid: u, message_type: 'relay_registration' }),
      offer(u, u, { description_type: 'bye' }),
    ]) {
      expect(() => decodeRelayMessage(bad), bad).toThrow(RelayMessageDecodeError);
    }
  });

  it('encode as json.dumps writes a dataclass: field order, separators, ASCII escapes', () => {
    const u = newUuid();
    expect(encodeRelayMessage({ message_type: 'relay_registration', name: 'café', uuid: u })).toBe(
      `{"name": "caf\\u00e9", "uuid": "${u}", "message_type": "relay_registration"}`,
    );
  });
});

describe('ferry relay speaks ProxyStore’s relay protocol', () => {
  it('registers, forwards connection requests verbatim and bounces ones for unknown peers', async () => {
    const r = await relay();
    const a = await registered(r, 'a');
    const b = await registered(r, 'b');
    expect(r.peers().map((p) => p.name).sort()).toEqual(['a', 'b']);

    a.c.send(offer(a.uuid, b.uuid));
    expect(await b.c.next()).toBe(encodeRelayMessage(decodeRelayMessage(offer(a.uuid, b.uuid))));
    expect(JSON.parse(b.c.received.at(-1) as string)).toEqual(JSON.parse(offer(a.uuid, b.uuid)));

    const nobody = newUuid();
    a.c.send(offer(a.uuid, nobody));
    const bounced = JSON.parse(await a.c.next()) as Record<string, unknown>;
    expect(bounced).toMatchObject({ source_uuid: a.uuid, peer_uuid: nobody, message_type: 'peer_connection' });
    expect(bounced.error).toBe(`Cannot forward peer connection message to peer ${nobody} because this peer is not registered this relay server.`);
  });

  it('closes 4000 on a bad message, 4002 before registering, 4003 when too large', async () => {
    const r = await relay({ maxMessageBytes: 2_000 });
    const cases: [string | Buffer, boolean, number][] = [
      ['{"message_type": "nope"}', false, 4000],
      [JSON.stringify({ name: 'n', uuid: newUuid(), evil: 1, message_type: 'relay_registration' }), false, 4000],
      [Buffer.from('binary'), true, 4000],
      [offer(newUuid(), newUuid()), false, 4002],
      [JSON.stringify({ name: 'x'.repeat(3_000), uuid: newUuid(), message_type: 'relay_registration' }), false, 4003],
    ];
    for (const [data, binary, code] of cases) {
      const c = await client(r);
      c.send(data, binary);
      expect((await c.closed()).code).toBe(code);
    }
    expect(r.peers()).toEqual([]);
  });

  it('closes the older socket with 4004 when the same UUID registers again', async () => {
    const r = await relay();
    const first = await registered(r, 'ep');
    const second = await client(r);
    second.send(JSON.stringify({ name: 'ep', uuid: first.uuid, message_type: 'relay_registration' }));
    expect(await second.next()).toBe(REGISTERED);
    const closed = await first.c.closed();
    expect(closed.code).toBe(4004);
    expect(closed.reason).toContain('same ID');
    expect(r.peers()).toHaveLength(1);
  });

  it('with a shared secret: 4001 without the bearer token or with a wrong one', async () => {
    const r = await relay({ secret: 'team' });
    for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Authorization: 'Basic team' }] as Record<string, string>[]) {
      const c = await client(r, headers);
      c.send(JSON.stringify({ name: 'n', uuid: newUuid(), message_type: 'relay_registration' }));
      const closed = await c.closed();
      expect(closed.code).toBe(4001);
      expect(closed.reason).toMatch(/^UnauthorizedError: /);
    }
    await registered(r, 'ok', { Authorization: 'Bearer team' });
  });

  it('with a bearer-token check: 4002 for an inactive token, and peering only within one identity', async () => {
    const users: Record<string, string> = { 'token-alice': 'alice', 'token-alice-2': 'alice', 'token-bob': 'bob' };
    const authenticate = bearerAuthenticator(async (token) => {
      if (token === 'token-wrong-audience') throw new RelayAuthError('forbidden', 'Token audience does not include the relay.');
      const id = users[token];
      return id ? { id } : null;
    });
    const r = await relay({ authenticate });
    for (const [token, reason] of [
      ['token-expired', 'ForbiddenError: Token is expired or has been revoked.'],
      ['token-wrong-audience', 'ForbiddenError: Token audience does not include the relay.'],
    ] as const) {
      const c = await client(r, { Authorization: `Bearer ${token}` });
      c.send(JSON.stringify({ name: 'n', uuid: newUuid(), message_type: 'relay_registration' }));
      expect(await c.closed()).toEqual({ code: 4002, reason });
    }
    const alice1 = await registered(r, 'alice1', { Authorization: 'Bearer token-alice' });
    const alice2 = await registered(r, 'alice2', { Authorization: 'Bearer token-alice-2' });
    const bob = await registered(r, 'bob', { Authorization: 'Bearer token-bob' });

    alice1.c.send(offer(alice1.uuid, alice2.uuid));
    expect(JSON.parse(await alice2.c.next())).toMatchObject({ source_uuid: alice1.uuid, error: null });
    alice1.c.send(offer(alice1.uuid, bob.uuid));
    expect(JSON.parse(await alice1.c.next())).toMatchObject({ error: `The requested peer ${bob.uuid} is owned by a different user.` });
    expect(bob.c.received).toEqual([REGISTERED]);

    // Bob cannot take over Alice's UUID.
    const thief = await client(r, { Authorization: 'Bearer token-bob' });
    thief.send(JSON.stringify({ name: 'x', uuid: alice1.uuid, message_type: 'relay_registration' }));
    expect((await thief.closed()).code).toBe(4002);
  });

  it('serves wss:// when given a certificate and key', async () => {
    const dir = join(__dirname, 'testing', 'fixtures');
    const cert = readFileSync(join(dir, 'relay-test-cert.pem'));
    const r = await relay({ tls: { cert, key: readFileSync(join(dir, 'relay-test-key.pem')) } });
    expect(r.address).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    const c = await rawRelayClient(r.address, {}, { ca: cert });
    cleanups.push(() => c.close());
    c.send(JSON.stringify({ name: 'tls', uuid: newUuid(), message_type: 'relay_registration' }));
    expect(await c.next()).toBe(REGISTERED);
  });
});
