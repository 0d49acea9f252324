import WebSocket from 'ws';

/** A bare WebSocket client for relay tests: records text frames and how the socket closed. */
export interface RawRelayClient {
  readonly socket: WebSocket;
  readonly received: string[];
  /** Resolves with the next text frame (or one already waiting). */
  next(): Promise<string>;
  /** Resolves with the close code and reason. */
  closed(): Promise<{ readonly code: number; readonly reason: string }>;
  send(data: string | Buffer, binary?: boolean): void;
  close(): void;
}

export async function rawRelayClient(address: string, headers: Record<string, string> = {}, tls?: { ca: string | Buffer }): Promise<RawRelayClient> {
  const socket = new WebSocket(address, { headers, ca: tls?.ca });
  const received: string[] = [];
  let read = 0;
  const waiters: (() => void)[] = [];
  let closeInfo: { code: number; reason: string } | undefined;
  const closeWaiters: ((info: { code: number; reason: string }) => void)[] = [];
  socket.on('message', (data: WebSocket.RawData) => {
    received.push((Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8'));
    for (const w of waiters.splice(0)) w();
  });
  socket.on('close', (code, reason) => {
    closeInfo = { code, reason: reason.toString() };
    for (const w of closeWaiters.splice(0)) w(closeInfo);
    for (const w of waiters.splice(0)) w();
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    received,
    next: async () => {
      while (read >= received.length) {
        if (closeInfo) throw new Error(`socket closed (${closeInfo.code} ${closeInfo.reason}) before another message`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      return received[read++] as string;
    },
    closed: () => (closeInfo ? Promise.resolve(closeInfo) : new Promise((resolve) => closeWaiters.push(resolve))),
    send: (data, binary = false) => socket.send(data, { binary }),
    close: () => socket.close(),
  };
}
