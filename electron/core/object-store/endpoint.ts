import { assertNever } from '../../../shared/assert-never';
import { CHUNK_DTYPE, type ChunkDtype } from './chunks';
import { decodeEndpointMessage, encodeEndpointMessage, type EndpointMessage, type EndpointOp } from './endpoint-messages';
import { ObjectSizeExceededError, PeerRequestError } from './errors';
import type { PeerRtcOptions } from './peer-connection';
import { PeerManager, type PeerConnectionInfo } from './peer-manager';
import { describeException, pyException, type PyException } from './pickle-values';
import { RelayClient, type BackoffOptions, type RelayState, type RelayToken, type Timers } from './relay-client';
import { MemoryStorage, type BlobStorage, type StorageStats } from './storage';
import { newUuid, parseUuid } from './uuid';

export type EndpointMode = 'SOLO' | 'PEERING';

/** ProxyStore's default maximum object size. */
export const MAX_OBJECT_SIZE_DEFAULT = 100_000_000;

export interface EndpointRelayOptions {
  /** `ws://host:port` or `wss://…` of a relay speaking ProxyStore's protocol (`ferry relay`, ProxyStore's relay). */
  readonly address: string;
  /** A shared secret (Ferry's relay), sent as the bearer token; null or absent for a relay without authentication. */
  readonly secret?: string | null;
  /** Any other bearer token, such as a Globus access token for the relay's scope; wins over `secret`. */
  readonly token?: RelayToken;
  /** Data channels per peer connection this endpoint opens (ProxyStore's peer_channels, default 1). */
  readonly peerChannels?: number;
  readonly rtc?: PeerRtcOptions;
  /** A request with no answer within this time fails with PeerRequestError (default 60 s). */
  readonly requestTimeoutMs?: number;
  /** A peer connection not open within this time fails (default 30 s). */
  readonly connectTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly timers?: Timers;
  readonly verifyCertificate?: boolean;
}

export interface EndpointOptions {
  readonly name: string;
  readonly uuid: string;
  /** Defaults to memory. */
  readonly storage?: BlobStorage;
  /** Largest blob `set` accepts locally; null or absent means no limit. */
  readonly maxObjectSize?: number | null;
  /** With a relay the endpoint runs in PEERING mode; without, in SOLO mode. */
  readonly relay?: EndpointRelayOptions;
}

interface Pending {
  readonly peer: string;
  readonly op: EndpointOp;
  readonly key: string;
  readonly resolve: (answer: EndpointMessage) => void;
  readonly reject: (error: Error) => void;
  readonly timer: unknown;
}

/**
 * A ProxyStore endpoint (proxystore/endpoint/endpoint.py). An operation with `endpoint` naming
 * another endpoint's UUID is sent to that peer as a pickled EndpointRequest over a WebRTC peer
 * connection opened through the relay (PEERING mode), and only the peer's answer comes back:
 * nothing is stored locally. Without a relay (SOLO mode) the endpoint argument is ignored and the
 * operation is answered locally, as ProxyStore's SOLO mode does.
 */
export class Endpoint {
  readonly name: string;
  readonly uuid: string;
  readonly mode: EndpointMode;
  readonly maxObjectSize: number | null;
  private readonly storage: BlobStorage;
  private readonly relay: RelayClient | undefined;
  private readonly peerManager: PeerManager | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<() => void>();
  private readonly timers: Timers;
  private readonly requestTimeoutMs: number;
  private lastPeerErrorValue: string | null = null;
  private closed = false;

  constructor(options: EndpointOptions) {
    const uuid = parseUuid(options.uuid);
    if (!uuid) throw new TypeError(`"${options.uuid}" is not a valid UUID4 string.`);
    this.name = options.name;
    this.uuid = uuid;
    this.storage = options.storage ?? new MemoryStorage();
    this.maxObjectSize = options.maxObjectSize ?? null;
    this.mode = options.relay ? 'PEERING' : 'SOLO';
    const relay = options.relay;
    this.timers = relay?.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.requestTimeoutMs = relay?.requestTimeoutMs ?? 60_000;
    if (relay) {
      this.relay = new RelayClient({
        address: relay.address,
        token: relay.token ?? relay.secret ?? null,
        uuid,
        name: this.name,
        onPeerMessage: (message) => this.peerManager?.handleRelayMessage(message),
        backoff: relay.backoff,
        timers: relay.timers,
        verifyCertificate: relay.verifyCertificate,
        onChange: () => this.emit(),
      });
      this.peerManager = new PeerManager({
        relay: this.relay,
        channels: relay.peerChannels,
        rtc: relay.rtc,
        connectTimeoutMs: relay.connectTimeoutMs,
        onMessage: (peer, data, dtype) => void this.onPeerMessage(peer, data, dtype),
        onPeerClosed: (peer, reason) => this.failPeer(peer, reason),
        onChange: () => this.emit(),
      });
      this.relay.start();
    }
  }

  get storageKind(): BlobStorage['kind'] {
    return this.storage.kind;
  }

  /** A relay link the relay refused tries again (after a consent was granted, say). */
  retryRelay(): void {
    this.relay?.retry();
  }

  get relayState(): RelayState | null {
    return this.relay?.state ?? null;
  }

  get relayError(): string | null {
    return this.relay?.lastError ?? null;
  }

  /** The last message from a peer this endpoint could not use (not a pickled request, a str message). */
  get lastPeerError(): string | null {
    return this.lastPeerErrorValue;
  }

  /** Peer connections this endpoint has open or opening (empty in SOLO mode). */
  peers(): readonly PeerConnectionInfo[] {
    return this.peerManager?.connections() ?? [];
  }

  stats(): StorageStats {
    return this.storage.stats();
  }

  /** Resolves when the relay link is up (immediately in SOLO mode). */
  async waitForRelay(timeoutMs?: number): Promise<void> {
    if (this.relay) await this.relay.waitUntilConnected(timeoutMs);
  }

  /** The blob for `key`, or null when there is none. Treat it as read-only: memory storage hands out the stored array itself. */
  async get(key: string, endpoint?: string | null): Promise<Uint8Array | null> {
    const peer = this.peerFor(endpoint);
    if (peer) return (await this.request(peer, 'get', key)).data;
    return this.storage.get(key) ?? null;
  }

  async set(key: string, data: Uint8Array, endpoint?: string | null): Promise<void> {
    const peer = this.peerFor(endpoint);
    if (peer) {
      await this.request(peer, 'set', key, data);
      return;
    }
    this.setLocal(key, data);
  }

  async exists(key: string, endpoint?: string | null): Promise<boolean> {
    const peer = this.peerFor(endpoint);
    if (peer) return (await this.request(peer, 'exists', key)).exists === true;
    return this.storage.exists(key);
  }

  async evict(key: string, endpoint?: string | null): Promise<void> {
    const peer = this.peerFor(endpoint);
    if (peer) {
      await this.request(peer, 'evict', key);
      return;
    }
    this.storage.evict(key);
    this.emit();
  }

  /** Called after every local change and relay/peer change. Returns unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.fail(id, new PeerRequestError('the endpoint is closing'));
    await this.peerManager?.close();
    await this.relay?.close();
    this.storage.close();
    this.listeners.clear();
  }

  private setLocal(key: string, data: Uint8Array): void {
    if (this.maxObjectSize !== null && data.byteLength > this.maxObjectSize) {
      throw new ObjectSizeExceededError(data.byteLength, this.maxObjectSize);
    }
    this.storage.set(key, data);
    this.emit();
  }

  /** The peer UUID an operation goes to, or undefined for this endpoint. */
  private peerFor(endpoint: string | null | undefined): string | undefined {
    if (endpoint === undefined || endpoint === null) return undefined;
    const uuid = parseUuid(endpoint);
    if (!uuid) throw new TypeError(`${endpoint} is not a valid UUID4`);
    // ProxyStore's _is_peer_request: a SOLO endpoint ignores the endpoint argument and answers locally.
    if (uuid === this.uuid || !this.relay) return undefined;
    return uuid;
  }

  /** Sends a request to a peer and waits for the response with the same `uuid`. */
  private request(peer: string, op: EndpointOp, key: string, data?: Uint8Array): Promise<EndpointMessage> {
    const manager = this.peerManager;
    if (!manager || this.closed) return Promise.reject(new PeerRequestError('the endpoint is closing'));
    const id = newUuid();
    const message: EndpointMessage = { kind: 'request', op, uuid: id, key, data: op === 'set' ? (data ?? new Uint8Array(0)) : null, exists: null, error: null };
    const payload = encodeEndpointMessage(message);
    return new Promise<EndpointMessage>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.fail(id, new PeerRequestError(`${op} request ${id} to endpoint ${peer} timed out after ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(id, { peer, op, key, resolve, reject, timer });
      manager.send(peer, payload).catch((error: unknown) => {
        const why = error instanceof Error ? error : new Error(String(error));
        this.fail(id, why instanceof PeerRequestError ? why : new PeerRequestError(`Request to peer ${peer} failed: ${why.message}`));
      });
    });
  }

  private async onPeerMessage(peer: string, data: Buffer, dtype: ChunkDtype): Promise<void> {
    if (dtype !== CHUNK_DTYPE.bytes) {
      this.peerError(`endpoint ${peer} sent a str message; endpoints exchange pickled requests`);
      return;
    }
    let message: EndpointMessage;
    try {
      message = decodeEndpointMessage(data);
    } catch (error) {
      this.peerError(`unable to decode message from peer endpoint ${peer}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (message.kind === 'response') {
      const p = this.pending.get(message.uuid);
      if (!p) {
        this.peerError(`endpoint ${peer} answered request ${message.uuid}, which is not pending`);
        return;
      }
      this.pending.delete(message.uuid);
      this.timers.clearTimeout(p.timer);
      if (message.error) p.reject(new PeerRequestError(`endpoint ${peer} failed ${p.op} of key ${p.key}: ${describeException(message.error)}`));
      else p.resolve(message);
      return;
    }
    const response = this.serveLocal(message);
    try {
      await this.peerManager?.send(peer, encodeEndpointMessage(response));
    } catch (error) {
      this.peerError(`could not answer ${message.op} request ${message.uuid} from ${peer}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** What ProxyStore's endpoint answers a peer: the request turned into a response. */
  private serveLocal(request: EndpointMessage): EndpointMessage {
    const response = { ...request, kind: 'response' as const };
    try {
      switch (request.op) {
        case 'get':
          return { ...response, data: this.storage.get(request.key) ?? null };
        case 'set':
          // ProxyStore asserts a set carries data; the AssertionError goes back to the peer.
          if (request.data === null) return { ...response, error: pyException('builtins', 'AssertionError') };
          this.setLocal(request.key, request.data);
          return { ...response, data: null };
        case 'exists':
          return { ...response, exists: this.storage.exists(request.key) };
        case 'evict':
          this.storage.evict(request.key);
          this.emit();
          return response;
        default:
          return assertNever(request.op, 'peer operation');
      }
    } catch (error) {
      return { ...response, data: null, error: toPyException(error) };
    }
  }

  private failPeer(peer: string, reason: string): void {
    for (const [id, p] of [...this.pending]) {
      if (p.peer === peer) this.fail(id, new PeerRequestError(`endpoint ${peer} disconnected before answering ${p.op} request ${id} (${reason})`));
    }
  }

  private fail(id: string, error: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.timers.clearTimeout(p.timer);
    p.reject(error);
  }

  private peerError(text: string): void {
    this.lastPeerErrorValue = text;
    this.emit();
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** An error raised while serving a peer, as an exception class every ProxyStore endpoint can load. */
function toPyException(error: unknown): PyException {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ObjectSizeExceededError) return pyException('proxystore.endpoint.exceptions', 'ObjectSizeExceededError', [message]);
  return pyException('proxystore.endpoint.exceptions', 'PeerRequestError', [message]);
}
