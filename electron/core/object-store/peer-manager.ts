import type { ChunkDtype } from './chunks';
import { PeerRequestError, PeerUnknownError } from './errors';
import { PeerConnection, PeerSupersededError, type PeerConnectionState, type PeerRtcOptions } from './peer-connection';
import type { RelayClient } from './relay-client';
import type { PeerConnectionMessage } from './relay-messages';
import type { PeerInfo } from './relay-server';

/** A peer connection as the UI and `list` show it. */
export interface PeerConnectionInfo extends PeerInfo {
  readonly state: PeerConnectionState;
  readonly channels: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly lastError: string | null;
}

export interface PeerManagerOptions {
  readonly relay: RelayClient;
  /** Data channels per connection this side opens (ProxyStore's peer_channels). */
  readonly channels?: number;
  readonly rtc?: PeerRtcOptions;
  /** A connection not open within this time fails (default 30 s, as ProxyStore). */
  readonly connectTimeoutMs?: number;
  readonly maxMessageBytes?: number;
  readonly onMessage: (peer: string, data: Buffer, dtype: ChunkDtype) => void;
  /** An open connection ended; requests waiting on that peer should fail. */
  readonly onPeerClosed?: (peer: string, reason: string) => void;
  readonly onChange?: () => void;
}

/**
 * Peer connections by peer UUID, as ProxyStore's PeerManager (proxystore/p2p/manager.py):
 * `send` opens a connection with an offer through the relay when there is none, and an offer
 * from a peer gets an answer. When both sides offer at once, the offer from the smaller UUID
 * wins and the other side answers it instead.
 */
export class PeerManager {
  private readonly opts: PeerManagerOptions;
  private readonly conns = new Map<string, PeerConnection>();
  private closed = false;

  constructor(options: PeerManagerOptions) {
    this.opts = options;
  }

  private get self(): string {
    return this.opts.relay.uuid;
  }

  connections(): readonly PeerConnectionInfo[] {
    return [...this.conns.values()].map((c) => ({
      uuid: c.peerUuid,
      name: c.peerName ?? c.peerUuid,
      connectedAt: c.connectedAt ?? '',
      state: c.state,
      channels: c.channelCount,
      bytesSent: c.bytesSent,
      bytesReceived: c.bytesReceived,
      lastError: c.lastError,
    }));
  }

  /** Sends one message to a peer, opening the connection first if needed. */
  async send(peer: string, data: Uint8Array): Promise<void> {
    const timeoutMs = this.opts.connectTimeoutMs ?? 30_000;
    for (let attempt = 0; ; attempt += 1) {
      const conn = this.connectionTo(peer);
      try {
        await conn.waitReady(timeoutMs);
      } catch (error) {
        if (error instanceof PeerSupersededError && attempt < 2) continue;
        // As ProxyStore does, a connection that did not open is dropped; the next send starts afresh.
        if (conn.state === 'connecting') await conn.fail(asError(error));
        throw error;
      }
      await conn.send(data);
      return;
    }
  }

  /** What the relay forwarded: an offer, an answer, or our own message bounced with `error` set. */
  handleRelayMessage(message: PeerConnectionMessage): void {
    if (this.closed) return;
    if (message.error !== null) {
      const peer = message.source_uuid === this.self ? message.peer_uuid : message.source_uuid;
      void this.conns.get(peer)?.fail(new PeerUnknownError(peer, `endpoint ${peer} is not connected to the relay: ${message.error}`));
      return;
    }
    if (message.peer_uuid !== this.self) return;
    const from = message.source_uuid;
    if (message.description_type === 'answer') {
      const conn = this.conns.get(from);
      if (conn?.role !== 'offerer' || conn.state !== 'connecting') return;
      conn.peerName = message.source_name;
      conn.acceptAnswer(message.description).catch((error: unknown) => void conn.fail(asError(error)));
      return;
    }
    const existing = this.conns.get(from);
    if (existing) {
      if (existing.role === 'offerer' && existing.state === 'connecting') {
        // Glare: both sides offered. The smaller UUID's offer wins.
        if (this.self < from) return;
        void existing.fail(new PeerSupersededError());
      } else {
        // The peer lost its side (it restarted) and offers again.
        void existing.close('the peer offered a new connection');
      }
      this.conns.delete(from);
    }
    const conn = this.create(from, message.source_name);
    void (async () => {
      try {
        const answer = await conn.answer(message.description);
        await this.opts.relay.send({
          message_type: 'peer_connection',
          source_uuid: this.self,
          source_name: this.opts.relay.name,
          peer_uuid: from,
          description_type: 'answer',
          description: answer,
          error: null,
        });
      } catch (error) {
        await conn.fail(asError(error));
      }
    })();
  }

  async closeConnection(peer: string): Promise<void> {
    await this.conns.get(peer)?.close('closed by this endpoint');
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.conns.values()].map((c) => c.close('the endpoint is closing')));
    this.conns.clear();
  }

  private connectionTo(peer: string): PeerConnection {
    if (this.closed) throw new PeerRequestError('the endpoint is closing');
    const existing = this.conns.get(peer);
    if (existing) return existing;
    const conn = this.create(peer, null);
    void (async () => {
      try {
        const offer = await conn.offer();
        if (conn.state === 'closed') return;
        await this.opts.relay.send({
          message_type: 'peer_connection',
          source_uuid: this.self,
          source_name: this.opts.relay.name,
          peer_uuid: peer,
          description_type: 'offer',
          description: offer,
          error: null,
        });
      } catch (error) {
        await conn.fail(new PeerRequestError(`cannot reach endpoint ${peer}: ${asError(error).message}`));
      }
    })();
    return conn;
  }

  private create(peer: string, name: string | null): PeerConnection {
    const conn: PeerConnection = new PeerConnection({
      peerUuid: peer,
      peerName: name,
      channels: this.opts.channels,
      rtc: this.opts.rtc,
      maxMessageBytes: this.opts.maxMessageBytes,
      onMessage: (data, dtype) => this.opts.onMessage(peer, data, dtype),
      onClose: (reason) => {
        if (this.conns.get(peer) === conn) this.conns.delete(peer);
        // Only an open connection can have carried requests; a failed handshake fails its `send`.
        if (conn.connectedAt !== null) this.opts.onPeerClosed?.(peer, reason);
      },
      onChange: () => this.opts.onChange?.(),
    });
    this.conns.set(peer, conn);
    this.opts.onChange?.();
    return conn;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
