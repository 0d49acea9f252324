import { parseUuid } from './uuid';

/**
 * ProxyStore's relay protocol (proxystore/p2p/relay/messages.py): WebSocket text frames holding
 * JSON objects whose `message_type` is the name of the message kind. Decoding follows Python's
 * `decode_relay_message`: every key containing "uuid" must parse as a UUID, and keys the message
 * does not have are refused. Encoding follows `json.dumps` (same separators, ASCII only), with the
 * fields in dataclass order and UUIDs written in canonical form.
 */

export type RelayMessageType = 'relay_response' | 'relay_registration' | 'peer_connection';

export interface RelayRegistration {
  readonly message_type: 'relay_registration';
  readonly name: string;
  readonly uuid: string;
}

export interface RelayResponse {
  readonly message_type: 'relay_response';
  readonly success: boolean;
  readonly message: string | null;
  readonly error: boolean;
}

export interface PeerConnectionMessage {
  readonly message_type: 'peer_connection';
  readonly source_uuid: string;
  readonly source_name: string;
  readonly peer_uuid: string;
  readonly description_type: 'offer' | 'answer';
  /** JSON `{"sdp": …, "type": "offer"|"answer"}` (aiortc's object_to_string). */
  readonly description: string;
  readonly error: string | null;
}

export type RelayMessage = RelayRegistration | RelayResponse | PeerConnectionMessage;

/** Close codes ProxyStore's relay uses. */
export const RELAY_CLOSE = {
  badMessage: 4000,
  unauthorized: 4001,
  forbidden: 4002,
  tooLarge: 4003,
  replaced: 4004,
} as const;

/** A frame that is not a relay message; the relay closes with 4000. */
export class RelayMessageDecodeError extends Error {
  readonly kind = 'invalid';
  constructor(message: string) {
    super(message);
    this.name = 'RelayMessageDecodeError';
  }
}

interface FieldSpec {
  readonly name: string;
  readonly check: (v: unknown) => boolean;
  /** Absent means required. */
  readonly default?: unknown;
}

const str = (v: unknown): boolean => typeof v === 'string';
const strOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const bool = (v: unknown): boolean => typeof v === 'boolean';

/** Fields in dataclass order, `message_type` last as Python's asdict writes it. */
const SPECS: Readonly<Record<RelayMessageType, readonly FieldSpec[]>> = {
  relay_registration: [
    { name: 'name', check: str },
    { name: 'uuid', check: str },
  ],
  relay_response: [
    { name: 'success', check: bool, default: true },
    { name: 'message', check: strOrNull, default: null },
    { name: 'error', check: bool, default: false },
  ],
  peer_connection: [
    { name: 'source_uuid', check: str },
    { name: 'source_name', check: str },
    { name: 'peer_uuid', check: str },
    { name: 'description_type', check: (v) => v === 'offer' || v === 'answer' },
    { name: 'description', check: str },
    { name: 'error', check: strOrNull, default: null },
  ],
};

function isType(value: unknown): value is RelayMessageType {
  return typeof value === 'string' && Object.hasOwn(SPECS, value);
}

/** Parses one text frame into a relay message; throws RelayMessageDecodeError. */
export function decodeRelayMessage(text: string): RelayMessage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new RelayMessageDecodeError('Failed to load string as JSON.');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new RelayMessageDecodeError('Message is not a JSON object.');
  const record = data as Record<string, unknown>;
  if (!Object.hasOwn(record, 'message_type')) throw new RelayMessageDecodeError('Message does not contain a message_type key.');
  const type = record.message_type;
  if (!isType(type)) throw new RelayMessageDecodeError(`The message is of an unknown message type: ${String(type)}.`);
  const specs = SPECS[type];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key === 'message_type') continue;
    if (!specs.some((s) => s.name === key)) throw new RelayMessageDecodeError(`Failed to convert message: unexpected keyword argument '${key}'.`);
  }
  for (const key of Object.keys(record)) {
    if (!key.toLowerCase().includes('uuid')) continue;
    const value = record[key];
    const uuid = typeof value === 'string' ? parseUuid(value) : undefined;
    if (!uuid) throw new RelayMessageDecodeError(`Failed to convert key ${key} to UUID.`);
    record[key] = uuid;
  }
  for (const spec of specs) {
    if (!Object.hasOwn(record, spec.name)) {
      if (spec.default === undefined) throw new RelayMessageDecodeError(`Failed to convert message: missing argument '${spec.name}'.`);
      out[spec.name] = spec.default;
      continue;
    }
    const value = record[spec.name];
    if (!spec.check(value)) throw new RelayMessageDecodeError(`Failed to convert message: '${spec.name}' has the wrong type.`);
    out[spec.name] = value;
  }
  out.message_type = type;
  return out as unknown as RelayMessage;
}

/** `json.dumps(dataclasses.asdict(message))` as Python writes it. */
export function encodeRelayMessage(message: RelayMessage): string {
  const fields = SPECS[message.message_type].map((s) => s.name);
  const record = message as unknown as Record<string, unknown>;
  const parts = [...fields, 'message_type'].map((name) => {
    let value = record[name];
    if (name.toLowerCase().includes('uuid') && typeof value === 'string') value = parseUuid(value) ?? value;
    return `${pythonJson(name)}: ${pythonJson(value === undefined ? null : value)}`;
  });
  return `{${parts.join(', ')}}`;
}

/** Python's json.dumps for str, bool and None: ASCII only, non-ASCII escaped as \uXXXX. */
export function pythonJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value !== 'string') throw new TypeError('relay messages hold only str, bool and None');
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function registration(name: string, uuid: string): RelayRegistration {
  return { message_type: 'relay_registration', name, uuid };
}

export function relayResponse(success: boolean, message: string | null = null): RelayResponse {
  return { message_type: 'relay_response', success, message, error: !success };
}
