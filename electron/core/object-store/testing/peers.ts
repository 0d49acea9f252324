import { Endpoint } from '../endpoint';
import type { PeerRtcOptions } from '../peer-connection';
import { PeerManager } from '../peer-manager';
import { RelayClient } from '../relay-client';
import type { RelayServer } from '../relay-server';
import { newUuid } from '../uuid';

/** Peer connections between endpoints on this machine: no STUN, loopback candidates. */
export const LOOPBACK_RTC: PeerRtcOptions = { iceServers: [], hostAddresses: ['127.0.0.1'], ipv6: false };
export const FAST_BACKOFF = { initialMs: 20, maxMs: 200 };

export interface PeeringOptions {
  readonly secret?: string | null;
  readonly requestTimeoutMs?: number;
  readonly peerChannels?: number;
  readonly maxObjectSize?: number;
  readonly connectTimeoutMs?: number;
}

/** A PEERING endpoint on `relay`; `track` registers its cleanup. */
export function peeringEndpoint(name: string, relay: RelayServer, track: (close: () => unknown) => void, options: PeeringOptions = {}): Endpoint {
  const ep = new Endpoint({
    name,
    uuid: newUuid(),
    maxObjectSize: options.maxObjectSize,
    relay: {
      address: relay.address,
      secret: options.secret,
      backoff: FAST_BACKOFF,
      rtc: LOOPBACK_RTC,
      requestTimeoutMs: options.requestTimeoutMs,
      peerChannels: options.peerChannels,
      connectTimeoutMs: options.connectTimeoutMs,
    },
  });
  track(() => ep.close());
  return ep;
}

/** A relay member that accepts peer connections and never answers what arrives on them. */
export interface SilentPeer {
  readonly uuid: string;
  readonly client: RelayClient;
  readonly manager: PeerManager;
  /** Messages received so far. */
  readonly received: Buffer[];
  close(): Promise<void>;
}

export function silentPeer(relay: RelayServer, track: (close: () => unknown) => void, secret: string | null = null): SilentPeer {
  const uuid = newUuid();
  const received: Buffer[] = [];
  const client = new RelayClient({
    address: relay.address,
    uuid,
    name: 'silent',
    token: secret,
    backoff: FAST_BACKOFF,
    onPeerMessage: (message) => manager.handleRelayMessage(message),
  });
  const manager = new PeerManager({ relay: client, rtc: LOOPBACK_RTC, onMessage: (_peer, data) => received.push(data) });
  client.start();
  const close = async (): Promise<void> => {
    await manager.close();
    await client.close();
  };
  track(close);
  return { uuid, client, manager, received, close };
}
