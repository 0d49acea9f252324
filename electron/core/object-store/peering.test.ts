import { afterEach, describe, expect, it } from 'vitest';
import { Endpoint } from './endpoint';
import { encodeEndpointMessage } from './endpoint-messages';
import { PeerRequestError, PeerUnknownError } from './errors';
import { startRelay, type RelayServer } from './relay-server';
import { peeringEndpoint, silentPeer, type PeeringOptions } from './testing/peers';
import { rawRelayClient } from './testing/raw-relay-client';
import { bytes, text, until } from './testing/test-helpers';
import { newUuid } from './uuid';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const track = (close: () => unknown): void => void cleanups.push(close);

const SECRET = 'test-secret';

async function relay(port = 0, secret: string | null = SECRET): Promise<RelayServer> {
  const r = await startRelay({ port, secret, heartbeatMs: 0 });
  track(() => r.close());
  return r;
}

const peering = (name: string, r: RelayServer, options: PeeringOptions = {}) => peeringEndpoint(name, r, track, { secret: SECRET, ...options });

describe('PEERING over WebRTC through a relay speaking ProxyStore’s protocol', () => {
  it('forwards operations to the named peer and stores nothing locally', async () => {
    const r = await relay();
    const ep1 = peering('ep1', r);
    const ep2 = peering('ep2', r);
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay()]);
    expect(ep1.mode).toBe('PEERING');

    await ep1.set('key', bytes('data string'));
    expect(text(await ep2.get('key', ep1.uuid))).toBe('data string');
    expect(await ep2.exists('key')).toBe(false);
    expect(await ep1.exists('key')).toBe(true);
    expect(await ep1.exists('key', ep2.uuid)).toBe(false);

    await ep2.set('remote', bytes('from ep2'), ep1.uuid);
    expect(await ep2.exists('remote')).toBe(false);
    expect(text(await ep1.get('remote'))).toBe('from ep2');
    expect(await ep2.get('missing', ep1.uuid)).toBeNull();
    await ep2.evict('remote', ep1.uuid);
    expect(await ep1.exists('remote')).toBe(false);

    // A 3 MB object crosses in 32 KiB chunks intact.
    const big = new Uint8Array(3_000_000).map((_, i) => i % 251);
    await ep1.set('big', big);
    expect(Buffer.from((await ep2.get('big', ep1.uuid)) ?? []).equals(Buffer.from(big))).toBe(true);

    // One connection each way, shown as the other's peer; the relay only knows the registrations.
    expect(ep2.peers()).toMatchObject([{ uuid: ep1.uuid, name: 'ep1', state: 'connected', channels: 1 }]);
    expect(ep1.peers()).toMatchObject([{ uuid: ep2.uuid, name: 'ep2', state: 'connected', channels: 1 }]);
    expect(ep2.peers()[0]?.bytesReceived).toBeGreaterThan(3_000_000);
    expect(r.peers().map((p) => p.uuid).sort()).toEqual([ep1.uuid, ep2.uuid].sort());
  });

  it('opens peer_channels data channels and spreads chunks over them', async () => {
    const r = await relay();
    const ep1 = peering('ep1', r, { peerChannels: 3 });
    const ep2 = peering('ep2', r, { peerChannels: 3 });
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay()]);
    const big = new Uint8Array(500_000).map((_, i) => (i * 7) % 256);
    await ep2.set('k', big, ep1.uuid);
    expect(Buffer.from((await ep1.get('k')) ?? []).equals(Buffer.from(big))).toBe(true);
    expect(ep2.peers()[0]?.channels).toBe(3);
    await until(() => ep1.peers()[0]?.channels === 3, 10_000, 'answerer sees three channels');
  });

  it('peers through a relay without authentication', async () => {
    const r = await relay(0, null);
    const ep1 = peering('ep1', r, { secret: null });
    const ep2 = peering('ep2', r, { secret: null });
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay()]);
    await ep1.set('k', bytes('open relay'));
    expect(text(await ep2.get('k', ep1.uuid))).toBe('open relay');
  });

  it('settles a glare: both ends asking each other at once get one connection', async () => {
    const r = await relay();
    const ep1 = peering('ep1', r);
    const ep2 = peering('ep2', r);
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay()]);
    await ep1.set('a', bytes('1'));
    await ep2.set('b', bytes('2'));
    const [b, a] = await Promise.all([ep1.get('b', ep2.uuid), ep2.get('a', ep1.uuid)]);
    expect([text(a), text(b)]).toEqual(['1', '2']);
    expect(ep1.peers()).toHaveLength(1);
    expect(ep2.peers()).toHaveLength(1);
  });

  it('reports the peer error, an unknown peer, and a timeout as PeerRequestError', async () => {
    const r = await relay();
    const ep1 = peering('ep1', r, { maxObjectSize: 4 });
    const ep2 = peering('ep2', r, { requestTimeoutMs: 1_500 });
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay()]);

    const tooBig = ep2.set('k', new Uint8Array(5), ep1.uuid);
    await expect(tooBig).rejects.toBeInstanceOf(PeerRequestError);
    await expect(ep2.set('k', new Uint8Array(5), ep1.uuid)).rejects.toThrow('ObjectSizeExceededError: Bytes value has size 5 B which exceeds the 4 B object limit.');

    const nobody = newUuid();
    await expect(ep2.get('k', nobody)).rejects.toBeInstanceOf(PeerUnknownError);
    await expect(ep2.get('k', nobody)).rejects.toThrow(`endpoint ${nobody} is not connected to the relay`);

    const silent = silentPeer(r, track, SECRET);
    await silent.client.waitUntilConnected();
    await expect(ep2.get('k', silent.uuid)).rejects.toThrow('timed out after 1500 ms');
    // The request did reach the silent peer; it just never answers.
    await until(() => silent.received.length === 1, 10_000, 'request delivered');
  });

  it('drops a connection that does not open in time, as ProxyStore does, and tries afresh next time', async () => {
    const r = await relay();
    const ep = peering('ep', r, { connectTimeoutMs: 300 });
    await ep.waitForRelay();
    // Registered, but never answers an offer (a peer whose WebRTC side is stuck).
    const mute = await rawRelayClient(r.address, { Authorization: `Bearer ${SECRET}` });
    track(() => mute.close());
    const muteUuid = newUuid();
    mute.send(JSON.stringify({ name: 'mute', uuid: muteUuid, message_type: 'relay_registration' }));
    await mute.next();
    await expect(ep.get('k', muteUuid)).rejects.toThrow('Timeout waiting for peer to peer connection');
    expect(ep.peers()).toEqual([]);
    await expect(ep.get('k', muteUuid)).rejects.toThrow('Timeout waiting for peer to peer connection');
    // Each attempt sent its own offer.
    expect(JSON.parse(await mute.next())).toMatchObject({ description_type: 'offer', peer_uuid: muteUuid });
    expect(JSON.parse(await mute.next())).toMatchObject({ description_type: 'offer', peer_uuid: muteUuid });
  });

  it('fails pending requests when the peer closes the connection', async () => {
    const r = await relay();
    const ep = peering('ep', r);
    const silent = silentPeer(r, track, SECRET);
    await Promise.all([ep.waitForRelay(), silent.client.waitUntilConnected()]);
    const failed = ep.get('k', silent.uuid).catch((error: unknown) => error);
    await until(() => silent.received.length === 1, 10_000, 'request arrives');
    await silent.close();
    const error = await failed;
    expect(error).toBeInstanceOf(PeerRequestError);
    expect((error as Error).message).toContain(`endpoint ${silent.uuid} disconnected before answering get request`);
  });

  it('ignores what a peer sends that is not a pickled request', async () => {
    const r = await relay();
    const ep = peering('ep', r);
    const sender = silentPeer(r, track, SECRET);
    await Promise.all([ep.waitForRelay(), sender.client.waitUntilConnected()]);
    await sender.manager.send(ep.uuid, Buffer.from('PK\n\x80\x05garbage'));
    await until(() => ep.lastPeerError !== null, 10_000, 'garbage noticed');
    expect(ep.lastPeerError).toContain('unable to decode message from peer endpoint');
    // A real request on the same connection is still answered.
    await ep.set('k', bytes('v'));
    await sender.manager.send(ep.uuid, encodeEndpointMessage({ kind: 'request', op: 'exists', uuid: 'req-1', key: 'k', data: null, exists: null, error: null }));
    await until(() => sender.received.length === 1, 10_000, 'answer');
  });

  it('keeps open peer connections when the relay dies, and opens new ones once it returns', async () => {
    const r = await relay();
    const port = r.port;
    const ep1 = peering('ep1', r);
    const ep2 = peering('ep2', r);
    const ep3 = peering('ep3', r);
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay(), ep3.waitForRelay()]);
    await ep1.set('key', bytes('value'));
    expect(text(await ep2.get('key', ep1.uuid))).toBe('value');

    await r.close();
    await until(() => ep2.relayState !== 'connected' && ep3.relayState !== 'connected', 10_000, 'links down');
    // The WebRTC connection needs no relay once open.
    expect(text(await ep2.get('key', ep1.uuid))).toBe('value');
    // A new connection needs the relay for its offer.
    await expect(ep3.get('key', ep1.uuid)).rejects.toThrow(`cannot reach endpoint ${ep1.uuid}: not connected to relay`);

    await relay(port);
    await until(() => [ep1, ep2, ep3].every((e) => e.relayState === 'connected'), 10_000, 'reconnect');
    expect(text(await ep3.get('key', ep1.uuid))).toBe('value');
  });

  it('refuses an endpoint with the wrong secret and does not retry', async () => {
    const r = await relay();
    const ep = peering('intruder', r, { secret: 'wrong' });
    await expect(ep.waitForRelay(2_000)).rejects.toThrow('rejected the shared secret');
    expect(ep.relayState).toBe('rejected');
    expect(r.peers()).toEqual([]);
  });

  it('stops when another process registers the same UUID (4004)', async () => {
    const r = await relay();
    const first = peering('ep', r);
    await first.waitForRelay();
    const second = new Endpoint({ name: 'ep', uuid: first.uuid, relay: { address: r.address, secret: SECRET } });
    track(() => second.close());
    await second.waitForRelay();
    await until(() => first.relayState === 'rejected', 10_000, 'first replaced');
    expect(first.relayError).toContain('same ID');
    expect(second.relayState).toBe('connected');
  });
});
