import { RTCPeerConnection, type RTCDataChannel, type RTCIceServer } from 'werift';
import { ChunkError, chunkify, decodeChunk, encodeChunk, MAX_STREAM_ID, Reassembler, type ChunkDtype } from './chunks';
import { PeerRequestError } from './errors';
import { pythonJson } from './relay-messages';

/**
 * One WebRTC peer connection, as ProxyStore's PeerConnection (proxystore/p2p/connection.py)
 * makes it, built on werift (pure TypeScript, no native code). No trickle ICE: each side
 * gathers all its candidates before its SDP goes through the relay. The offerer opens N data
 * channels labelled `p2p-{i}-{N}`, unordered and reliable; a message is cut into chunks
 * (chunks.ts) sent round-robin over the channels, waiting while a channel's buffer is full.
 */

export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/** aiortc's default, so what ProxyStore endpoints use. */
export const DEFAULT_ICE_SERVERS: readonly IceServer[] = [{ urls: 'stun:stun.l.google.com:19302' }];

export interface PeerRtcOptions {
  /** Default: DEFAULT_ICE_SERVERS. */
  readonly iceServers?: readonly IceServer[];
  /** Addresses offered as host candidates besides the interfaces' own (127.0.0.1 for peers on one machine). */
  readonly hostAddresses?: readonly string[];
  /** Offer IPv6 candidates (default true). */
  readonly ipv6?: boolean;
}

export type PeerConnectionState = 'connecting' | 'connected' | 'closed';

export interface PeerConnectionOptions {
  readonly peerUuid: string;
  readonly peerName?: string | null;
  /** Data channels the offerer opens (ProxyStore's peer_channels, default 1). */
  readonly channels?: number;
  readonly rtc?: PeerRtcOptions;
  /** Wait before sending more on a channel holding more than this (default 1 MiB). */
  readonly bufferedAmountLimit?: number;
  /** Largest message accepted from the peer (default 256 MiB). */
  readonly maxMessageBytes?: number;
  readonly onMessage: (data: Buffer, dtype: ChunkDtype) => void;
  /** Once, when the connection ends (either side closed it, or it failed). */
  readonly onClose: (reason: string) => void;
  readonly onChange?: () => void;
}

/** A handshake that lost a glare (both sides offered at once): the caller retries on the connection that won. */
export class PeerSupersededError extends PeerRequestError {
  constructor() {
    super('the peer connection was replaced by one the peer offered');
    this.name = 'PeerSupersededError';
  }
}

/** aiortc's object_to_string for a session description. */
export function describeSession(sdp: string, type: 'offer' | 'answer'): string {
  return `{"sdp": ${pythonJson(sdp)}, "type": ${pythonJson(type)}}`;
}

/** aiortc's object_from_string, for the two kinds ProxyStore sends. */
export function parseSession(text: string): { readonly sdp: string; readonly type: 'offer' | 'answer' } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PeerRequestError('the peer sent a session description that is not JSON');
  }
  const v = value as { sdp?: unknown; type?: unknown } | null;
  if (!v || typeof v.sdp !== 'string' || (v.type !== 'offer' && v.type !== 'answer')) {
    throw new PeerRequestError('the peer sent a session description without sdp and type offer or answer');
  }
  return { sdp: v.sdp, type: v.type };
}

const CHANNEL_LABEL = /(\d+)-(\d+)$/;

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
  settled: boolean;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  const d: Deferred = {
    promise,
    settled: false,
    resolve: () => {
      d.settled = true;
      resolve();
    },
    reject: (error) => {
      d.settled = true;
      reject(error);
    },
  };
  return d;
}

export class PeerConnection {
  readonly peerUuid: string;
  peerName: string | null;
  role: 'offerer' | 'answerer' | null = null;
  private stateValue: PeerConnectionState = 'connecting';
  lastError: string | null = null;
  connectedAt: string | null = null;
  bytesSent = 0;
  bytesReceived = 0;
  private readonly opts: PeerConnectionOptions;
  private readonly pc: RTCPeerConnection;
  private readonly channels: RTCDataChannel[] = [];
  private readonly reassembler: Reassembler;
  private readonly handshake = deferred();
  private readonly limit: number;
  private expectedChannels: number;
  private nextStream = 0;
  private closing: Promise<void> | undefined;

  constructor(options: PeerConnectionOptions) {
    this.opts = options;
    this.peerUuid = options.peerUuid;
    this.peerName = options.peerName ?? null;
    this.expectedChannels = Math.max(1, options.channels ?? 1);
    this.limit = options.bufferedAmountLimit ?? 1024 * 1024;
    this.reassembler = new Reassembler({ maxMessageBytes: options.maxMessageBytes });
    const rtc = options.rtc ?? {};
    this.pc = new RTCPeerConnection({
      iceServers: (rtc.iceServers ?? DEFAULT_ICE_SERVERS).map((s): RTCIceServer => ({ ...s, urls: typeof s.urls === 'string' ? s.urls : [...s.urls] })),
      iceAdditionalHostAddresses: rtc.hostAddresses ? [...rtc.hostAddresses] : undefined,
      iceUseIpv6: rtc.ipv6 ?? true,
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed' || state === 'closed') void this.close(`the peer connection ${state}`);
    });
  }

  get state(): PeerConnectionState {
    return this.stateValue;
  }

  get channelCount(): number {
    return this.channels.length;
  }

  /** Opens the channels and returns the offer (all candidates gathered). */
  async offer(): Promise<string> {
    this.role = 'offerer';
    const n = this.expectedChannels;
    for (let i = 0; i < n; i += 1) {
      const channel = this.pc.createDataChannel(`p2p-${i}-${n}`, { ordered: false });
      this.adopt(channel);
    }
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.localDescription('offer');
  }

  /** Takes the peer's offer and returns the answer; the peer's channels arrive as it opens them. */
  async answer(offer: string): Promise<string> {
    this.role = 'answerer';
    const session = parseSession(offer);
    if (session.type !== 'offer') throw new PeerRequestError('expected an offer');
    this.pc.onDataChannel.subscribe((channel) => {
      const match = CHANNEL_LABEL.exec(channel.label);
      if (!match) {
        void this.fail(new PeerRequestError(`Got mislabled datachannel ${channel.label}`));
        return;
      }
      this.expectedChannels = Number(match[2]);
      this.adopt(channel);
    });
    await this.pc.setRemoteDescription(session);
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.localDescription('answer');
  }

  async acceptAnswer(answer: string): Promise<void> {
    const session = parseSession(answer);
    if (session.type !== 'answer') throw new PeerRequestError('expected an answer');
    await this.pc.setRemoteDescription(session);
  }

  /** Resolves when every channel is open. */
  async waitReady(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PeerRequestError(`Timeout waiting for peer to peer connection with ${this.peerUuid} to establish (${timeoutMs} ms)`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.handshake.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The handshake failed (the relay bounced the offer, a bad description): closes the connection. */
  async fail(error: Error): Promise<void> {
    this.lastError = error.message;
    if (!this.handshake.settled) this.handshake.reject(error);
    await this.close(error.message);
  }

  /** Sends one message: chunks round-robin over the channels, waiting on full buffers. */
  async send(message: Uint8Array): Promise<void> {
    if (this.stateValue !== 'connected') throw new PeerRequestError(`the connection to endpoint ${this.peerUuid} is ${this.stateValue}`);
    const streamId = this.nextStream;
    this.nextStream = this.nextStream >= MAX_STREAM_ID ? 0 : this.nextStream + 1;
    let i = 0;
    for (const chunk of chunkify(message, streamId)) {
      const channel = this.channels[i % this.channels.length] as RTCDataChannel;
      i += 1;
      if (channel.bufferedAmount > this.limit) await this.drained(channel);
      if (channel.readyState !== 'open') throw new PeerRequestError(`the connection to endpoint ${this.peerUuid} closed while sending`);
      const bytes = encodeChunk(chunk);
      channel.send(bytes);
      this.bytesSent += bytes.byteLength;
    }
  }

  /** Closes the channels (so the peer sees it) and the connection. Idempotent. */
  close(reason = 'closed'): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  private async shutdown(reason: string): Promise<void> {
    this.stateValue = 'closed';
    if (!this.handshake.settled) this.handshake.reject(new PeerRequestError(`the connection to endpoint ${this.peerUuid} closed: ${reason}`));
    this.reassembler.clear();
    for (const channel of this.channels) {
      try {
        channel.close();
      } catch {
        // Already closed.
      }
    }
    try {
      await this.pc.close();
    } catch {
      // Closing a half-built connection may throw; it is gone either way.
    }
    this.opts.onClose(reason);
    this.opts.onChange?.();
  }

  private adopt(channel: RTCDataChannel): void {
    this.channels.push(channel);
    channel.bufferedAmountLowThreshold = this.limit;
    channel.onMessage.subscribe((data) => this.receive(data));
    const opened = (): void => {
      if (this.channels.filter((c) => c.readyState === 'open').length >= this.expectedChannels && !this.handshake.settled && this.stateValue === 'connecting') {
        this.stateValue = 'connected';
        this.connectedAt = new Date().toISOString();
        this.handshake.resolve();
        this.opts.onChange?.();
      }
    };
    channel.stateChanged.subscribe((state) => {
      if (state === 'open') opened();
      if (state === 'closed') void this.close('the peer closed the connection');
    });
    if (channel.readyState === 'open') opened();
  }

  private receive(data: string | Buffer): void {
    if (typeof data === 'string') {
      this.lastError = 'the peer sent a text frame, not a chunk';
      return;
    }
    this.bytesReceived += data.byteLength;
    try {
      const message = this.reassembler.push(decodeChunk(data));
      if (message) this.opts.onMessage(message.data, message.dtype);
    } catch (error) {
      if (!(error instanceof ChunkError)) throw error;
      this.lastError = error.message;
    }
  }

  /** Waits for the channel's buffer to fall to the threshold, or for it to close. */
  private drained(channel: RTCDataChannel): Promise<void> {
    return new Promise((resolve) => {
      const low = channel.bufferedAmountLow.subscribe(() => finish());
      const state = channel.stateChanged.subscribe((s) => {
        if (s !== 'open') finish();
      });
      const finish = (): void => {
        low.unSubscribe();
        state.unSubscribe();
        resolve();
      };
      if (channel.bufferedAmount <= this.limit || channel.readyState !== 'open') finish();
    });
  }

  private async localDescription(type: 'offer' | 'answer'): Promise<string> {
    if (this.pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const sub = this.pc.iceGatheringStateChange.subscribe((s) => {
          if (s === 'complete') {
            sub.unSubscribe();
            resolve();
          }
        });
        if (this.pc.iceGatheringState === 'complete') {
          sub.unSubscribe();
          resolve();
        }
      });
    }
    const local = this.pc.localDescription;
    if (!local) throw new PeerRequestError('no local session description');
    return describeSession(local.sdp, type);
  }
}

