import { assertNever } from '../../../shared/assert-never';
import { ObjectSizeExceededError, PeeringNotAvailableError } from './errors';
import type { PeerInfo } from './protocol';
import { RelayClient, type BackoffOptions, type IncomingRequest, type OutgoingAnswer, type RelayState, type Timers } from './relay-client';
import { MemoryStorage, type BlobStorage, type StorageStats } from './storage';
import { parseUuid } from './uuid';

export type EndpointMode = 'SOLO' | 'PEERING';

/** ProxyStore's default maximum object size. */
export const MAX_OBJECT_SIZE_DEFAULT = 100_000_000;

export interface EndpointRelayOptions {
  /** `ws://host:port` of a relay started with `startRelay` / `ferry relay`. */
  readonly address: string;
  readonly secret: string;
  readonly requestTimeoutMs?: number;
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

/**
 * A ProxyStore-style object store. An operation with `endpoint` naming another endpoint's UUID is
 * forwarded through the relay (PEERING mode) and only the peer's answer comes back: nothing is
 * stored locally. Without a relay (SOLO mode) such an operation fails with PeeringNotAvailableError.
 */
export class Endpoint {
  readonly name: string;
  readonly uuid: string;
  readonly mode: EndpointMode;
  readonly maxObjectSize: number | null;
  private readonly storage: BlobStorage;
  private readonly relay: RelayClient | undefined;
  private readonly listeners = new Set<() => void>();
  private closed = false;

  constructor(options: EndpointOptions) {
    const uuid = parseUuid(options.uuid);
    if (!uuid) throw new TypeError(`"${options.uuid}" is not a valid UUID4 string.`);
    this.name = options.name;
    this.uuid = uuid;
    this.storage = options.storage ?? new MemoryStorage();
    this.maxObjectSize = options.maxObjectSize ?? null;
    this.mode = options.relay ? 'PEERING' : 'SOLO';
    if (options.relay) {
      this.relay = new RelayClient({
        address: options.relay.address,
        secret: options.relay.secret,
        uuid,
        name: this.name,
        onRequest: (request) => this.serveLocal(request),
        requestTimeoutMs: options.relay.requestTimeoutMs,
        backoff: options.relay.backoff,
        timers: options.relay.timers,
        verifyCertificate: options.relay.verifyCertificate,
        onChange: () => this.emit(),
      });
      this.relay.start();
    }
  }

  get storageKind(): BlobStorage['kind'] {
    return this.storage.kind;
  }

  get relayState(): RelayState | null {
    return this.relay?.state ?? null;
  }

  get relayError(): string | null {
    return this.relay?.lastError ?? null;
  }

  /** Endpoints reachable through the relay right now (empty in SOLO mode). */
  peers(): readonly PeerInfo[] {
    return this.relay?.peers() ?? [];
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
    if (peer && this.relay) return (await this.relay.request(peer, 'get', key)).data;
    return this.storage.get(key) ?? null;
  }

  async set(key: string, data: Uint8Array, endpoint?: string | null): Promise<void> {
    const peer = this.peerFor(endpoint);
    if (peer && this.relay) {
      await this.relay.request(peer, 'set', key, data);
      return;
    }
    this.setLocal(key, data);
  }

  async exists(key: string, endpoint?: string | null): Promise<boolean> {
    const peer = this.peerFor(endpoint);
    if (peer && this.relay) return (await this.relay.request(peer, 'exists', key)).exists === true;
    return this.storage.exists(key);
  }

  async evict(key: string, endpoint?: string | null): Promise<void> {
    const peer = this.peerFor(endpoint);
    if (peer && this.relay) {
      await this.relay.request(peer, 'evict', key);
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
    if (uuid === this.uuid) return undefined;
    if (!this.relay) throw new PeeringNotAvailableError(this.uuid, uuid);
    return uuid;
  }

  private async serveLocal(request: IncomingRequest): Promise<OutgoingAnswer> {
    switch (request.op) {
      case 'get':
        return { data: this.storage.get(request.key) ?? null };
      case 'set':
        this.setLocal(request.key, request.data ?? new Uint8Array(0));
        return {};
      case 'exists':
        return { exists: this.storage.exists(request.key) };
      case 'evict':
        this.storage.evict(request.key);
        this.emit();
        return {};
      default:
        return assertNever(request.op, 'peer operation');
    }
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}
