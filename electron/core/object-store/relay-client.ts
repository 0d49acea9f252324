import WebSocket from 'ws';
import { PeerRequestError, PeerUnknownError } from './errors';
import {
  CLOSE_UNAUTHORIZED,
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  encodeFrame,
  isPeerMessage,
  isRecord,
  toBuffer,
  type ClientFrame,
  type PeerInfo,
  type PeerMessage,
  type PeerOp,
} from './protocol';
import { newUuid, parseUuid } from './uuid';

/** Timer functions, injectable so tests can drive reconnect backoff. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface BackoffOptions {
  /** First retry delay (default 250 ms). */
  readonly initialMs?: number;
  /** Largest delay (default 30 s). */
  readonly maxMs?: number;
  /** Growth per failed attempt (default 2). */
  readonly factor?: number;
}

export type RelayState = 'connecting' | 'connected' | 'disconnected' | 'rejected' | 'closed';

/** What a peer asked this endpoint to do, and what this endpoint answers. */
export interface IncomingRequest {
  readonly from: string;
  readonly op: PeerOp;
  readonly key: string;
  readonly data: Uint8Array | undefined;
}

export interface OutgoingAnswer {
  readonly exists?: boolean;
  /** For `get`: the blob, or null when the key has no data. */
  readonly data?: Uint8Array | null;
}

export interface PeerAnswer {
  readonly exists: boolean | undefined;
  readonly data: Uint8Array | null;
}

export interface RelayClientOptions {
  /** `ws://host:port` or `wss://…`. */
  readonly address: string;
  readonly uuid: string;
  readonly name: string;
  readonly secret: string;
  /** Serves a request from a peer; a thrown error's message goes back to the peer. */
  readonly onRequest: (request: IncomingRequest) => Promise<OutgoingAnswer>;
  /** A request with no answer within this time fails with PeerRequestError (default 30 s). */
  readonly requestTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly timers?: Timers;
  readonly verifyCertificate?: boolean;
  readonly maxFrameBytes?: number;
  /** Ping the relay this often and drop a link that missed a pong (default 30 s, 0 turns it off). */
  readonly heartbeatMs?: number;
  /** Called on every state or peer-list change. */
  readonly onChange?: () => void;
}

interface Pending {
  readonly peer: string;
  readonly op: PeerOp;
  readonly resolve: (answer: PeerAnswer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: unknown;
}

/**
 * An endpoint's outbound link to the relay: registers by UUID with the shared secret, forwards
 * requests to peers and answers theirs, and reconnects with exponential backoff when the link drops.
 */
export class RelayClient {
  private readonly opts: RelayClientOptions;
  private readonly timers: Timers;
  private socket: WebSocket | undefined;
  private stateValue: RelayState = 'disconnected';
  private readonly peerMap = new Map<string, PeerInfo>();
  private readonly pending = new Map<string, Pending>();
  private attempt = 0;
  private retryTimer: unknown;
  private lastErrorValue: string | null = null;
  private readonly stateWaiters = new Set<() => void>();

  constructor(options: RelayClientOptions) {
    if (!/^wss?:\/\//.test(options.address)) throw new Error(`Relay address must start with ws:// or wss:// (got ${options.address})`);
    this.opts = options;
    this.timers = options.timers ?? realTimers;
  }

  get state(): RelayState {
    return this.stateValue;
  }

  get lastError(): string | null {
    return this.lastErrorValue;
  }

  /** Other endpoints connected to the same relay. */
  peers(): readonly PeerInfo[] {
    return [...this.peerMap.values()];
  }

  start(): void {
    if (this.stateValue === 'closed' || this.socket) return;
    this.connect();
  }

  /** Resolves once registered; rejects after `timeoutMs` or if the relay rejects the secret. */
  waitUntilConnected(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.stateValue === 'connected') {
          done();
          resolve();
          return true;
        }
        if (this.stateValue === 'rejected' || this.stateValue === 'closed') {
          done();
          reject(new PeerRequestError(this.lastErrorValue ?? `relay link is ${this.stateValue}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new PeerRequestError(`not connected to relay ${this.opts.address} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.stateWaiters.delete(waiter);
      };
      const waiter = (): void => void check();
      if (!check()) this.stateWaiters.add(waiter);
    });
  }

  /** Sends an operation to a peer and waits for its answer. */
  request(peer: string, op: PeerOp, key: string, data?: Uint8Array): Promise<PeerAnswer> {
    const to = parseUuid(peer);
    if (!to) return Promise.reject(new PeerRequestError(`${peer} is not a valid UUID`));
    const socket = this.socket;
    if (this.stateValue !== 'connected' || !socket) {
      return Promise.reject(
        new PeerRequestError(
          `cannot reach endpoint ${to}: not connected to relay ${this.opts.address}` +
            (this.lastErrorValue ? ` (${this.lastErrorValue})` : ''),
        ),
      );
    }
    const id = newUuid();
    const timeoutMs = this.opts.requestTimeoutMs ?? 30_000;
    return new Promise<PeerAnswer>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.fail(id, new PeerRequestError(`${op} request ${id} to endpoint ${to} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { peer: to, op, resolve, reject, timer });
      const frame: ClientFrame = { t: 'send', to, msg: { kind: 'request', id, op, key } };
      socket.send(encodeFrame(frame, op === 'set' ? data : undefined), (error) => {
        if (error) this.fail(id, new PeerRequestError(`${op} request to endpoint ${to} could not be sent: ${error.message}`));
      });
    });
  }

  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.setState('closed');
    this.timers.clearTimeout(this.retryTimer);
    this.failAll(new PeerRequestError('the endpoint is closing'));
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState !== socket.CLOSED) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => socket.terminate(), 500);
        socket.once('close', () => {
          clearTimeout(kill);
          resolve();
        });
        socket.close();
      });
    }
  }

  private connect(): void {
    this.setState('connecting');
    const socket = new WebSocket(this.opts.address, {
      maxPayload: this.opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      rejectUnauthorized: this.opts.verifyCertificate ?? true,
      handshakeTimeout: 10_000,
    });
    this.socket = socket;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    socket.on('open', () => {
      socket.send(encodeFrame({ t: 'register', uuid: this.opts.uuid, name: this.opts.name, secret: this.opts.secret }));
      const every = this.opts.heartbeatMs ?? 30_000;
      if (every > 0) {
        let answered = true;
        socket.on('pong', () => (answered = true));
        heartbeat = setInterval(() => {
          // No pong since the last ping: the relay (or the path to it) is gone without a FIN.
          if (!answered) socket.terminate();
          answered = false;
          socket.ping();
        }, every);
        heartbeat.unref();
      }
    });
    socket.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => this.onFrame(socket, toBuffer(raw)));
    socket.on('error', (error) => {
      this.lastErrorValue = error.message;
    });
    socket.on('close', (code, reason) => {
      if (heartbeat) clearInterval(heartbeat);
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.peerMap.clear();
      const why = reason.toString() || `code ${code}`;
      this.failAll(new PeerRequestError(`connection to relay ${this.opts.address} was lost (${why})`));
      if (this.stateValue === 'closed') return;
      if (code === CLOSE_UNAUTHORIZED) {
        this.lastErrorValue = 'the relay rejected the shared secret';
        this.setState('rejected');
        return;
      }
      this.setState('disconnected');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const b = this.opts.backoff ?? {};
    const initial = b.initialMs ?? 250;
    const max = b.maxMs ?? 30_000;
    const factor = b.factor ?? 2;
    const delay = Math.min(max, initial * factor ** this.attempt);
    this.attempt += 1;
    this.retryTimer = this.timers.setTimeout(() => {
      if (this.stateValue === 'closed' || this.socket) return;
      this.connect();
    }, delay);
  }

  private onFrame(socket: WebSocket, raw: Buffer): void {
    let header: unknown;
    let payload: Buffer | undefined;
    try {
      ({ header, payload } = decodeFrame(raw));
    } catch {
      return;
    }
    if (!isRecord(header)) return;
    switch (header.t) {
      case 'registered': {
        this.peerMap.clear();
        for (const p of Array.isArray(header.peers) ? (header.peers as PeerInfo[]) : []) this.peerMap.set(p.uuid, p);
        this.attempt = 0;
        this.lastErrorValue = null;
        this.setState('connected');
        return;
      }
      case 'peer-joined': {
        const peer = header.peer as PeerInfo;
        this.peerMap.set(peer.uuid, peer);
        this.opts.onChange?.();
        return;
      }
      case 'peer-left': {
        const uuid = String(header.uuid);
        this.peerMap.delete(uuid);
        for (const [id, p] of this.pending) {
          if (p.peer === uuid) this.fail(id, new PeerRequestError(`endpoint ${uuid} disconnected before answering ${p.op} request ${id}`));
        }
        this.opts.onChange?.();
        return;
      }
      case 'undeliverable': {
        if (isPeerMessage(header.msg) && header.msg.kind === 'request') {
          this.fail(header.msg.id, new PeerUnknownError(String(header.to), String(header.reason)));
        }
        return;
      }
      case 'error': {
        this.lastErrorValue = String(header.message);
        return;
      }
      case 'recv': {
        if (!isPeerMessage(header.msg) || typeof header.from !== 'string') return;
        if (header.msg.kind === 'response') this.onResponse(header.msg, payload);
        else void this.onPeerRequest(socket, header.from, header.msg, payload);
        return;
      }
      default:
        return;
    }
  }

  private onResponse(msg: Extract<PeerMessage, { kind: 'response' }>, payload: Buffer | undefined): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    this.timers.clearTimeout(p.timer);
    if (msg.error !== undefined) {
      p.reject(new PeerRequestError(`endpoint ${p.peer} failed ${p.op} of key ${msg.key}: ${msg.error}`));
      return;
    }
    const data = msg.found ? (payload ?? new Uint8Array(0)) : null;
    p.resolve({ exists: msg.exists, data });
  }

  private async onPeerRequest(
    socket: WebSocket,
    from: string,
    msg: Extract<PeerMessage, { kind: 'request' }>,
    payload: Buffer | undefined,
  ): Promise<void> {
    let reply: PeerMessage;
    let body: Uint8Array | undefined;
    try {
      const answer = await this.opts.onRequest({ from, op: msg.op, key: msg.key, data: payload });
      const found = answer.data !== undefined && answer.data !== null;
      reply = { kind: 'response', id: msg.id, op: msg.op, key: msg.key, exists: answer.exists, found };
      body = found ? (answer.data ?? undefined) : undefined;
    } catch (error) {
      reply = { kind: 'response', id: msg.id, op: msg.op, key: msg.key, error: error instanceof Error ? error.message : String(error) };
    }
    if (socket.readyState === socket.OPEN) socket.send(encodeFrame({ t: 'send', to: from, msg: reply }, body));
  }

  private fail(id: string, error: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.timers.clearTimeout(p.timer);
    p.reject(error);
  }

  private failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, error);
  }

  private setState(state: RelayState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    for (const w of [...this.stateWaiters]) w();
    this.opts.onChange?.();
  }
}
