import { timingSafeEqual, createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CLOSE_PROTOCOL,
  CLOSE_REPLACED,
  CLOSE_SHUTDOWN,
  CLOSE_UNAUTHORIZED,
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  encodeFrame,
  isPeerMessage,
  isRecord,
  toBuffer,
  type PeerInfo,
  type RelayFrame,
} from './protocol';
import { parseUuid } from './uuid';

export interface RelayOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Defaults to 127.0.0.1; pass 0.0.0.0 to accept endpoints from other machines. */
  readonly host?: string;
  /** Shared secret every endpoint must present when it registers. */
  readonly secret: string;
  /** Close a socket that has not registered within this time (default 10 s). */
  readonly registerTimeoutMs?: number;
  /** Ping interval; a socket that misses a pong is dropped (default 30 s, 0 turns it off). */
  readonly heartbeatMs?: number;
  readonly maxFrameBytes?: number;
  /** Called when the set of connected peers changes. */
  readonly onPeersChange?: (peers: readonly PeerInfo[]) => void;
}

export interface RelayServer {
  readonly port: number;
  readonly host: string;
  /** `ws://host:port`, what endpoints put in `[relay] address`. */
  readonly address: string;
  peers(): readonly PeerInfo[];
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

interface Registered {
  readonly info: PeerInfo;
  readonly socket: WebSocket;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The relay: endpoints dial out to it (so endpoints behind NAT need no inbound port), register
 * by UUID with the shared secret, and the relay forwards their messages to each other by UUID.
 * It stores nothing.
 */
export async function startRelay(options: RelayOptions): Promise<RelayServer> {
  const host = options.host ?? '127.0.0.1';
  const secretDigest = digest(options.secret);
  const registerTimeoutMs = options.registerTimeoutMs ?? 10_000;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const byUuid = new Map<string, Registered>();
  const alive = new WeakSet<WebSocket>();

  const wss = new WebSocketServer({ host, port: options.port, maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', () => resolve());
    wss.once('error', reject);
  });
  wss.on('error', () => undefined);
  const port = (wss.address() as AddressInfo).port;

  const peerList = (): readonly PeerInfo[] => [...byUuid.values()].map((r) => r.info);
  const send = (socket: WebSocket, frame: RelayFrame, payload?: Uint8Array): void => {
    if (socket.readyState === socket.OPEN) socket.send(encodeFrame(frame, payload));
  };
  const broadcast = (except: string, frame: RelayFrame): void => {
    for (const [uuid, r] of byUuid) if (uuid !== except) send(r.socket, frame);
  };
  const changed = (): void => options.onPeersChange?.(peerList());

  wss.on('connection', (socket) => {
    let me: Registered | undefined;
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    const registerTimer = setTimeout(() => {
      if (!me) socket.close(CLOSE_PROTOCOL, 'register first');
    }, registerTimeoutMs);

    socket.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
      let header: unknown;
      let payload: Buffer | undefined;
      try {
        ({ header, payload } = decodeFrame(toBuffer(raw)));
      } catch {
        socket.close(CLOSE_PROTOCOL, 'malformed frame');
        return;
      }
      if (!isRecord(header)) {
        socket.close(CLOSE_PROTOCOL, 'malformed frame');
        return;
      }
      if (!me) {
        if (header.t !== 'register' || typeof header.secret !== 'string' || typeof header.uuid !== 'string') {
          socket.close(CLOSE_PROTOCOL, 'register first');
          return;
        }
        if (!timingSafeEqual(digest(header.secret), secretDigest)) {
          send(socket, { t: 'error', message: 'the relay rejected the shared secret' });
          socket.close(CLOSE_UNAUTHORIZED, 'bad secret');
          return;
        }
        const uuid = parseUuid(header.uuid);
        if (!uuid) {
          socket.close(CLOSE_PROTOCOL, 'uuid is not a UUID');
          return;
        }
        clearTimeout(registerTimer);
        const previous = byUuid.get(uuid);
        if (previous) {
          byUuid.delete(uuid);
          previous.socket.close(CLOSE_REPLACED, 'replaced by a newer connection');
        }
        const info: PeerInfo = {
          uuid,
          name: typeof header.name === 'string' ? header.name : uuid,
          connectedAt: new Date().toISOString(),
        };
        send(socket, { t: 'registered', peers: peerList() });
        me = { info, socket };
        byUuid.set(uuid, me);
        if (!previous) broadcast(uuid, { t: 'peer-joined', peer: info });
        changed();
        return;
      }
      if (header.t !== 'send' || typeof header.to !== 'string' || !isPeerMessage(header.msg)) {
        socket.close(CLOSE_PROTOCOL, 'unknown frame');
        return;
      }
      const to = parseUuid(header.to) ?? header.to;
      const target = byUuid.get(to);
      if (!target) {
        send(socket, { t: 'undeliverable', to, msg: header.msg, reason: `endpoint ${to} is not connected to the relay` });
        return;
      }
      send(target.socket, { t: 'recv', from: me.info.uuid, msg: header.msg }, payload);
    });

    socket.on('close', () => {
      clearTimeout(registerTimer);
      if (me && byUuid.get(me.info.uuid) === me) {
        byUuid.delete(me.info.uuid);
        broadcast(me.info.uuid, { t: 'peer-left', uuid: me.info.uuid });
        changed();
      }
    });
    socket.on('error', () => undefined);
  });

  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          for (const socket of wss.clients) {
            if (!alive.has(socket)) {
              socket.terminate();
              continue;
            }
            alive.delete(socket);
            socket.ping();
          }
        }, heartbeatMs)
      : undefined;
  heartbeat?.unref();
  let closing: Promise<void> | undefined;

  return {
    port,
    host,
    address: `ws://${host.includes(':') ? `[${host}]` : host}:${port}`,
    peers: peerList,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };

  async function shutdown(): Promise<void> {
    if (heartbeat) clearInterval(heartbeat);
    for (const socket of wss.clients) socket.close(CLOSE_SHUTDOWN, 'relay shutting down');
    // Terminate stragglers that do not finish the closing handshake promptly.
    const stragglers = setTimeout(() => {
      for (const socket of wss.clients) socket.terminate();
    }, 500);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    clearTimeout(stragglers);
    byUuid.clear();
  }
}
