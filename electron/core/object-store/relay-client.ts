import WebSocket from 'ws';
import { PeerRequestError } from './errors';
import { decodeRelayMessage, encodeRelayMessage, registration, RELAY_CLOSE, type PeerConnectionMessage } from './relay-messages';

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
  /** First retry delay (default 1 s, as ProxyStore). */
  readonly initialMs?: number;
  /** Largest delay (default 60 s, as ProxyStore). */
  readonly maxMs?: number;
  /** Growth per failed attempt (default 2). */
  readonly factor?: number;
}

/** `rejected`: the relay refused this endpoint (4001, 4002, a failed registration) or another registration replaced it (4004); no retry. */
export type RelayState = 'connecting' | 'connected' | 'disconnected' | 'rejected' | 'closed';

/**
 * The bearer token for the handshake: fixed, or fetched before each connection (a Globus token
 * that refreshes). `refresh` asks for a new token, not the cached one: the relay refused the last.
 */
export type RelayToken = string | null | ((options?: { readonly refresh: boolean }) => Promise<string | null>);

export interface RelayClientOptions {
  /** `ws://host:port` or `wss://…`. */
  readonly address: string;
  readonly uuid: string;
  readonly name: string;
  /** Sent as `Authorization: Bearer <token>`: Ferry's shared secret or a Globus access token. */
  readonly token?: RelayToken;
  /** Every peer-connection message the relay forwards (offers, answers, bounced requests). */
  readonly onPeerMessage: (message: PeerConnectionMessage) => void;
  readonly backoff?: BackoffOptions;
  readonly timers?: Timers;
  readonly verifyCertificate?: boolean;
  /** Wait this long for the relay's answer to the registration (default 10 s, as ProxyStore). */
  readonly registerTimeoutMs?: number;
  /** Ping the relay this often and drop a link that missed a pong (default 30 s, 0 turns it off). */
  readonly heartbeatMs?: number;
  /** Called on every state change. */
  readonly onChange?: () => void;
}

/** Close codes after which ProxyStore's client does not reconnect. */
const UNRECOVERABLE: readonly number[] = [RELAY_CLOSE.unauthorized, RELAY_CLOSE.forbidden, RELAY_CLOSE.replaced];

/**
 * An endpoint's link to a relay speaking ProxyStore's protocol: registers its name and UUID,
 * sends and receives peer-connection messages, and reconnects with exponential backoff when the
 * link drops, except after the closes ProxyStore treats as final (4001, 4002, 4004).
 */
export class RelayClient {
  readonly uuid: string;
  readonly name: string;
  private readonly opts: RelayClientOptions;
  private readonly timers: Timers;
  private socket: WebSocket | undefined;
  private stateValue: RelayState = 'disconnected';
  private attempt = 0;
  private retryTimer: unknown;
  private lastErrorValue: string | null = null;
  /** A 4002 (expired or revoked token) was answered by one immediate retry with a fresh token. */
  private refreshedAfterForbidden = false;
  private refreshNext = false;
  private readonly stateWaiters = new Set<() => void>();

  constructor(options: RelayClientOptions) {
    if (!/^wss?:\/\//.test(options.address)) throw new TypeError(`Relay server address must start with ws:// or wss://. Got ${options.address}.`);
    this.opts = options;
    this.uuid = options.uuid;
    this.name = options.name;
    this.timers = options.timers ?? realTimers;
  }

  get address(): string {
    return this.opts.address;
  }

  get state(): RelayState {
    return this.stateValue;
  }

  get lastError(): string | null {
    return this.lastErrorValue;
  }

  start(): void {
    if (this.stateValue === 'closed' || this.socket) return;
    void this.connect();
  }

  /**
   * Tries again after the relay refused this endpoint (`rejected`), e.g. once the person granted
   * the consent the token needed. Does nothing in any other state.
   */
  retry(): void {
    if (this.stateValue !== 'rejected' || this.socket) return;
    this.attempt = 0;
    this.refreshedAfterForbidden = false;
    this.refreshNext = true;
    void this.connect();
  }

  /** Resolves once registered; rejects after `timeoutMs` or when the relay refuses this endpoint. */
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

  /** Sends a peer-connection message through the relay; throws PeerRequestError when not registered. */
  send(message: PeerConnectionMessage): Promise<void> {
    const socket = this.socket;
    if (this.stateValue !== 'connected' || !socket) {
      return Promise.reject(
        new PeerRequestError(`not connected to relay ${this.opts.address}` + (this.lastErrorValue ? ` (${this.lastErrorValue})` : '')),
      );
    }
    return new Promise((resolve, reject) => {
      socket.send(encodeRelayMessage(message), (error) => {
        if (error) reject(new PeerRequestError(`could not send to relay ${this.opts.address}: ${error.message}`));
        else resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.setState('closed');
    this.timers.clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState !== socket.CLOSED) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => socket.terminate(), 500);
        socket.once('close', () => {
          clearTimeout(kill);
          resolve();
        });
        socket.close(1000);
      });
    }
  }

  private async connect(): Promise<void> {
    this.setState('connecting');
    let token: string | null = null;
    try {
      const t = this.opts.token;
      const refresh = this.refreshNext;
      this.refreshNext = false;
      token = typeof t === 'function' ? await t(refresh ? { refresh: true } : undefined) : (t ?? null);
    } catch (error) {
      this.lastErrorValue = `no token for the relay: ${error instanceof Error ? error.message : String(error)}`;
      this.reject();
      return;
    }
    if (this.stateValue === 'closed') return;
    const socket = new WebSocket(this.opts.address, {
      rejectUnauthorized: this.opts.verifyCertificate ?? true,
      handshakeTimeout: this.opts.registerTimeoutMs ?? 10_000,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    this.socket = socket;
    let registered = false;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const registerTimer = setTimeout(() => {
      if (!registered) {
        this.lastErrorValue = `relay ${this.opts.address} did not answer the registration`;
        socket.terminate();
      }
    }, this.opts.registerTimeoutMs ?? 10_000);
    registerTimer.unref();
    socket.on('open', () => {
      socket.send(encodeRelayMessage(registration(this.name, this.uuid)));
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
    socket.on('message', (raw: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary || this.socket !== socket) return;
      let message;
      try {
        message = decodeRelayMessage((Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer)).toString('utf8'));
      } catch (error) {
        this.lastErrorValue = `undecodable message from relay: ${error instanceof Error ? error.message : String(error)}`;
        return;
      }
      if (message.message_type === 'relay_response') {
        if (registered) return;
        registered = true;
        clearTimeout(registerTimer);
        if (message.success) {
          this.attempt = 0;
          this.refreshedAfterForbidden = false;
          this.lastErrorValue = null;
          this.setState('connected');
        } else {
          this.lastErrorValue = `Failed to register as peer with the relay server. Got exception: ${message.message ?? ''}`;
          this.reject();
          socket.close(1000);
        }
      } else if (message.message_type === 'peer_connection' && registered) {
        this.opts.onPeerMessage(message);
      }
    });
    socket.on('unexpected-response', (_request, response) => {
      this.lastErrorValue = `relay ${this.opts.address} answered the handshake with HTTP ${response.statusCode ?? '?'}`;
      socket.terminate();
    });
    socket.on('error', (error) => {
      this.lastErrorValue = error.message;
    });
    socket.on('close', (code, reason) => {
      clearTimeout(registerTimer);
      if (heartbeat) clearInterval(heartbeat);
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.stateValue === 'closed' || this.stateValue === 'rejected') return;
      const why = reason.toString();
      // A token that refreshes may have expired or been revoked early: one retry with a new one.
      if (code === RELAY_CLOSE.forbidden && typeof this.opts.token === 'function' && !this.refreshedAfterForbidden) {
        this.refreshedAfterForbidden = true;
        this.refreshNext = true;
        this.lastErrorValue = `${why || 'the relay refused the token'}; retrying with a fresh token`;
        this.setState('disconnected');
        void this.connect();
        return;
      }
      if (UNRECOVERABLE.includes(code)) {
        this.lastErrorValue = why || `closed by the relay with code ${code}`;
        this.reject();
        return;
      }
      if (why || code !== 1005) this.lastErrorValue = `connection to relay ${this.opts.address} was lost (${why || `code ${code}`})`;
      this.setState('disconnected');
      this.scheduleReconnect();
    });
  }

  private reject(): void {
    this.timers.clearTimeout(this.retryTimer);
    this.setState('rejected');
  }

  private scheduleReconnect(): void {
    const b = this.opts.backoff ?? {};
    const initial = b.initialMs ?? 1_000;
    const max = b.maxMs ?? 60_000;
    const factor = b.factor ?? 2;
    const delay = Math.min(max, initial * factor ** this.attempt);
    this.attempt += 1;
    this.retryTimer = this.timers.setTimeout(() => {
      if (this.stateValue === 'closed' || this.stateValue === 'rejected' || this.socket) return;
      void this.connect();
    }, delay);
  }

  private setState(state: RelayState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    for (const w of [...this.stateWaiters]) w();
    this.opts.onChange?.();
  }
}
