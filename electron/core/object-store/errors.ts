import type { ErrorKind } from '../../../shared/errors';
/** Errors an endpoint raises. Names match ProxyStore's so messages read the same in both tools. */

/** `set` was given more bytes than the endpoint's maximum object size. */
export class ObjectSizeExceededError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'too-large';
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(`Bytes value has size ${readableBytes(size)} which exceeds the ${readableBytes(limit)} object limit.`);
    this.name = 'ObjectSizeExceededError';
    this.size = size;
    this.limit = limit;
  }
}

/** A request forwarded to a peer endpoint failed: timeout, disconnect, or an error on the peer. */
export class PeerRequestError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'PeerRequestError';
  }
}

/** The named peer is not connected to the relay (or never was). A `PeerRequestError` too. */
export class PeerUnknownError extends PeerRequestError {
  readonly peer: string;
  constructor(peer: string, message = `endpoint ${peer} is not connected to the relay`) {
    super(message);
    this.name = 'PeerUnknownError';
    this.peer = peer;
  }
}

/** An operation named another endpoint, but this endpoint has no relay (SOLO mode). */
export class PeeringNotAvailableError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'refused';
  constructor(self: string, peer: string) {
    super(`endpoint ${self} runs in SOLO mode (no relay configured) and cannot reach endpoint ${peer}`);
    this.name = 'PeeringNotAvailableError';
  }
}

/** A config.toml that cannot be read or has invalid values. */
export class EndpointConfigError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind;
  constructor(message: string, kind: ErrorKind = 'refused') {
    super(message);
    this.name = 'EndpointConfigError';
    this.kind = kind;
  }
}

/** An HTTP call to an endpoint answered with a non-success status. */
export class EndpointRequestError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'unavailable';
  readonly status: number;
  constructor(status: number, text: string) {
    super(`Endpoint returned HTTP error code ${status}. ${text}`.trim());
    this.name = 'EndpointRequestError';
    this.status = status;
  }
}

/** No endpoint in the list is configured and answering on this machine. */
export class NoReachableEndpointError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'NoReachableEndpointError';
  }
}

/** `1.5 MB`-style sizes, like ProxyStore's bytes_to_readable. */
export function readableBytes(size: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'] as const;
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} ${units[0]}` : `${value.toFixed(1)} ${units[unit]}`;
}
