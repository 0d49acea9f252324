/**
 * Wire format between endpoints and the relay: every WebSocket message is binary,
 * `[u32 big-endian header length][header JSON, UTF-8][payload bytes]`, so blobs travel
 * without base64. The relay reads headers only and passes payloads through.
 */

export type PeerOp = 'get' | 'set' | 'exists' | 'evict';

export interface PeerInfo {
  readonly uuid: string;
  readonly name: string;
  /** ISO time the peer registered with the relay. */
  readonly connectedAt: string;
}

/** Endpoint-to-endpoint message carried inside `send`/`recv`. A `get` response carries the blob as payload. */
export type PeerMessage =
  | { readonly kind: 'request'; readonly id: string; readonly op: PeerOp; readonly key: string }
  | {
      readonly kind: 'response';
      readonly id: string;
      readonly op: PeerOp;
      readonly key: string;
      readonly exists?: boolean;
      readonly found?: boolean;
      readonly error?: string;
    };

export type ClientFrame =
  | { readonly t: 'register'; readonly uuid: string; readonly name: string; readonly secret: string }
  | { readonly t: 'send'; readonly to: string; readonly msg: PeerMessage };

export type RelayFrame =
  | { readonly t: 'registered'; readonly peers: readonly PeerInfo[] }
  | { readonly t: 'peer-joined'; readonly peer: PeerInfo }
  | { readonly t: 'peer-left'; readonly uuid: string }
  | { readonly t: 'recv'; readonly from: string; readonly msg: PeerMessage }
  | { readonly t: 'undeliverable'; readonly to: string; readonly msg: PeerMessage; readonly reason: string }
  | { readonly t: 'error'; readonly message: string };

/** WebSocket close codes the relay uses. */
export const CLOSE_UNAUTHORIZED = 4001;
export const CLOSE_PROTOCOL = 4002;
export const CLOSE_REPLACED = 4003;
export const CLOSE_SHUTDOWN = 1001;

/** Generous room above ProxyStore's default 100,000,000-byte object limit. */
export const DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;

export function encodeFrame(header: ClientFrame | RelayFrame, payload?: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.allocUnsafe(4 + json.length + (payload?.byteLength ?? 0));
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  if (payload) out.set(payload, 4 + json.length);
  return out;
}

export interface DecodedFrame {
  readonly header: unknown;
  /** Undefined when the frame has no payload bytes. */
  readonly payload: Buffer | undefined;
}

/** Splits a frame; throws on a frame that is not well formed. */
export function decodeFrame(data: Buffer): DecodedFrame {
  if (data.length < 4) throw new Error('frame too short');
  const len = data.readUInt32BE(0);
  if (4 + len > data.length) throw new Error('frame header length exceeds frame');
  const header: unknown = JSON.parse(data.subarray(4, 4 + len).toString('utf8'));
  const payload = data.length > 4 + len ? data.subarray(4 + len) : undefined;
  return { header, payload };
}

/** Joins what `ws` hands to a 'message' listener into one Buffer. */
export function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const OPS: readonly string[] = ['get', 'set', 'exists', 'evict'];

export function isPeerMessage(value: unknown): value is PeerMessage {
  if (!isRecord(value)) return false;
  if (value.kind !== 'request' && value.kind !== 'response') return false;
  return typeof value.id === 'string' && typeof value.key === 'string' && OPS.includes(value.op as string);
}
