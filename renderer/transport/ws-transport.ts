/**
 * The browser host's transport: one WebSocket carrying request/reply/push envelopes.
 * Calls made while (re)connecting wait for the socket; a dropped socket reconnects with backoff
 * and pending calls fail with a message that says what happened.
 */
import type { Transport } from '../../shared/api-client';
import { RemoteError, isAppErrorShape, malformedReplyError } from '../../shared/errors';
import type { Envelope, EventChannel } from '../../shared/ipc-contract';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface WsTransport extends Transport {
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

export function createWsTransport(url: string): WsTransport {
  let socket: WebSocket | undefined;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let attempt = 0;
  let closedByUs = false;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const waiting: (() => void)[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();

  const setState = (s: ConnectionState) => {
    state = s;
    for (const l of stateListeners) l(s);
  };

  const connect = () => {
    setState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
      for (const go of waiting.splice(0)) go();
    };
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as Envelope;
      switch (message.type) {
        case 'reply':
          pending.get(message.id)?.resolve(message.result);
          pending.delete(message.id);
          break;
        case 'error':
          pending.get(message.id)?.reject(new RemoteError(isAppErrorShape(message.error) ? message.error : malformedReplyError('an error without a code')));
          pending.delete(message.id);
          break;
        case 'event':
          for (const l of listeners.get(message.channel) ?? []) l(message.payload);
          break;
        case 'invoke':
          break;
      }
    };
    ws.onclose = () => {
      for (const [id, p] of pending) {
        p.reject(new RemoteError({ code: 'Disconnected', kind: 'unavailable', message: 'Lost the connection to Ferry; the request may not have completed.' }));
        pending.delete(id);
      }
      if (closedByUs) return;
      setState('closed');
      const delay = Math.min(10_000, 250 * 2 ** attempt++);
      setTimeout(connect, delay);
    };
  };
  connect();

  const ready = () =>
    state === 'open' && socket?.readyState === WebSocket.OPEN ? Promise.resolve() : new Promise<void>((go) => waiting.push(go));

  return {
    async invoke(channel, args) {
      await ready();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket?.send(JSON.stringify({ type: 'invoke', id, channel, args } satisfies Envelope));
      });
    },
    subscribe(channel: EventChannel, listener) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    onConnectionChange(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
    close() {
      closedByUs = true;
      socket?.close();
    },
  };
}
