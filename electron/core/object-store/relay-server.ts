import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { nullAuthenticator, RelayAuthError, sharedSecretAuthenticator, type RelayAuthenticator, type RelayUser } from './relay-auth';
import {
  decodeRelayMessage,
  encodeRelayMessage,
  relayResponse,
  RELAY_CLOSE,
  type PeerConnectionMessage,
  type RelayMessage,
  type RelayRegistration,
} from './relay-messages';

/** An endpoint registered with a relay (or, on an endpoint, a peer it has a connection with). */
export interface PeerInfo {
  readonly uuid: string;
  readonly name: string;
  /** ISO time the peer registered (or the connection opened). */
  readonly connectedAt: string;
}

export interface RelayTlsOptions {
  /** PEM certificate (chain). */
  readonly cert: string | Buffer;
  /** PEM private key. */
  readonly key: string | Buffer;
}

export interface RelayOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Defaults to 127.0.0.1; pass 0.0.0.0 to accept endpoints from other machines. */
  readonly host?: string;
  /** A shared secret clients send as `Authorization: Bearer <secret>`. */
  readonly secret?: string | null;
  /** Any other check of the handshake headers (wins over `secret`); neither means no authentication. */
  readonly authenticate?: RelayAuthenticator;
  /** Serve wss:// with this certificate and key. */
  readonly tls?: RelayTlsOptions;
  /** A longer text frame closes the socket with 4003 (default 1 MiB). */
  readonly maxMessageBytes?: number;
  /** Close a socket that has not registered within this time (default 30 s). */
  readonly registerTimeoutMs?: number;
  /** Ping interval; a socket that misses a pong is dropped (default 30 s, 0 turns it off). */
  readonly heartbeatMs?: number;
  /** Called when the set of registered endpoints changes. */
  readonly onPeersChange?: (peers: readonly PeerInfo[]) => void;
}

export interface RelayServer {
  readonly port: number;
  readonly host: string;
  /** `ws://host:port` (or `wss://` with TLS), what endpoints put in `[relay] address`. */
  readonly address: string;
  peers(): readonly PeerInfo[];
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

interface Client {
  readonly info: PeerInfo;
  readonly user: RelayUser;
  readonly socket: WebSocket;
}

/** WebSocket close reasons are limited to 123 bytes. */
function closeReason(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= 123 ? text : bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '') + '...';
}

/**
 * The relay, speaking ProxyStore's protocol (proxystore/p2p/relay/server.py): endpoints dial out
 * to it, register by UUID, and it forwards their peer-connection messages (WebRTC offers and
 * answers) to each other. It carries no object data and stores nothing. Close codes: 4000 bad
 * message, 4001 unauthorized, 4002 forbidden, 4003 message too large, 4004 the same UUID
 * registered again elsewhere (the older socket is closed).
 */
export async function startRelay(options: RelayOptions): Promise<RelayServer> {
  const host = options.host ?? '127.0.0.1';
  const authenticate = options.authenticate ?? (options.secret ? sharedSecretAuthenticator(options.secret) : nullAuthenticator());
  const maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
  const registerTimeoutMs = options.registerTimeoutMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const byUuid = new Map<string, Client>();
  const bySocket = new Map<WebSocket, Client>();
  const alive = new WeakSet<WebSocket>();

  const http: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }) : createHttpServer();
  // Frames up to twice the limit are read and closed with 4003; beyond that ws closes with 1009.
  const wss = new WebSocketServer({ server: http, maxPayload: maxMessageBytes * 2 + 64 * 1024 });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  http.on('error', () => undefined);
  wss.on('error', () => undefined);
  const port = (http.address() as AddressInfo).port;

  const peerList = (): readonly PeerInfo[] => [...byUuid.values()].map((c) => c.info);
  const changed = (): void => options.onPeersChange?.(peerList());
  const send = (socket: WebSocket, message: RelayMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(encodeRelayMessage(message));
  };
  const close = (socket: WebSocket, code: number, reason: string): void => {
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, closeReason(reason));
  };
  const unregister = (client: Client, code?: number, reason = ''): void => {
    if (byUuid.get(client.info.uuid) === client) byUuid.delete(client.info.uuid);
    if (bySocket.get(client.socket) === client) bySocket.delete(client.socket);
    if (code !== undefined) close(client.socket, code, reason);
    changed();
  };

  const register = async (socket: WebSocket, headers: IncomingHttpHeaders, request: RelayRegistration): Promise<void> => {
    const user = await authenticate(headers);
    if (socket.readyState !== socket.OPEN) return;
    const existing = byUuid.get(request.uuid);
    if (existing && existing.user.id !== user.id) {
      throw new RelayAuthError('forbidden', `The client UUID ${request.uuid} is already registered to another user.`);
    }
    if (existing && existing.socket !== socket) {
      unregister(existing, RELAY_CLOSE.replaced, 'Relay received a registration with the same ID. This might mean that the endpoint is running in multiple locations.');
    }
    const previous = bySocket.get(socket);
    if (previous && previous.info.uuid !== request.uuid) unregister(previous);
    const client: Client = { info: { uuid: request.uuid, name: request.name, connectedAt: new Date().toISOString() }, user, socket };
    byUuid.set(request.uuid, client);
    bySocket.set(socket, client);
    changed();
    send(socket, relayResponse(true));
  };

  const forward = (source: Client, request: PeerConnectionMessage): void => {
    const target = byUuid.get(request.peer_uuid);
    if (!target) {
      send(source.socket, {
        ...request,
        error: `Cannot forward peer connection message to peer ${request.peer_uuid} because this peer is not registered this relay server.`,
      });
    } else if (target.user.id !== source.user.id) {
      send(source.socket, { ...request, error: `The requested peer ${request.peer_uuid} is owned by a different user.` });
    } else {
      send(target.socket, request);
    }
  };

  const handleFrame = async (socket: WebSocket, headers: IncomingHttpHeaders, raw: RawData, isBinary: boolean): Promise<void> => {
    const bytes = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
    if (bytes.length > maxMessageBytes) {
      close(socket, RELAY_CLOSE.tooLarge, 'Message length exceeds limit.');
      return;
    }
    let message: RelayMessage;
    try {
      if (isBinary) throw new Error('Got message as bytes but expected str.');
      message = decodeRelayMessage(bytes.toString('utf8'));
    } catch {
      close(socket, RELAY_CLOSE.badMessage, 'Unknown message type.');
      return;
    }
    try {
      if (message.message_type === 'relay_registration') {
        await register(socket, headers, message);
      } else if (message.message_type === 'peer_connection') {
        const client = bySocket.get(socket);
        if (!client) throw new RelayAuthError('forbidden', 'Client has not registered and authenticated with the relay server.');
        forward(client, message);
      } else {
        close(socket, RELAY_CLOSE.badMessage, 'Unknown message type.');
      }
    } catch (error) {
      if (error instanceof RelayAuthError) {
        close(socket, error.kind === 'unauthorized' ? RELAY_CLOSE.unauthorized : RELAY_CLOSE.forbidden, `${error.name}: ${error.message}`);
        return;
      }
      // A failing authenticator (introspection unreachable): answer as ProxyStore does for other server errors.
      send(socket, relayResponse(false, `InternalServerError: ${error instanceof Error ? error.message : String(error)}`));
    }
  };

  wss.on('connection', (socket, request) => {
    const headers = request.headers;
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    const registerTimer = setTimeout(() => {
      if (!bySocket.has(socket)) close(socket, RELAY_CLOSE.forbidden, 'ForbiddenError: Client did not register in time.');
    }, registerTimeoutMs);
    registerTimer.unref();
    // One message at a time per socket, in order, as ProxyStore's handler awaits each.
    let queue = Promise.resolve();
    socket.on('message', (raw: RawData, isBinary: boolean) => {
      queue = queue.then(() => handleFrame(socket, headers, raw, isBinary)).catch(() => undefined);
    });
    socket.on('close', () => {
      clearTimeout(registerTimer);
      const client = bySocket.get(socket);
      if (client) unregister(client);
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
  const scheme = options.tls ? 'wss' : 'ws';

  return {
    port,
    host,
    address: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    peers: peerList,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };

  async function shutdown(): Promise<void> {
    if (heartbeat) clearInterval(heartbeat);
    for (const socket of wss.clients) socket.close(1001, 'relay shutting down');
    // Terminate stragglers that do not finish the closing handshake promptly.
    const stragglers = setTimeout(() => {
      for (const socket of wss.clients) socket.terminate();
    }, 500);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeAllConnections();
    await closed;
    clearTimeout(stragglers);
    byUuid.clear();
    bySocket.clear();
  }
}
