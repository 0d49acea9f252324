/**
 * The Electron path without an Electron binary: the real preload and the real ipc.ts run
 * against in-memory stand-ins for contextBridge, ipcRenderer and ipcMain that behave as
 * Electron documents them (arguments and results are structured clones; an Error crossing
 * contextBridge keeps only its message; every call carries its sender frame's URL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withBridgedErrors } from '../../shared/api-client';
import { RemoteError } from '../../shared/errors';
import { eventContract, invokeContract, ipcChannels, type AppApi } from '../../shared/ipc-contract';
import type { Core } from '../core/app';
import { createTestCore } from '../core/app/testing/test-core';

const electron = vi.hoisted(() => {
  type Handler = (event: unknown, ...args: unknown[]) => unknown;
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const frame = { url: 'app://ferry/index.html', parent: null as unknown };
  let exposed: Record<string, unknown> | undefined;

  /** What contextBridge does to a value crossing into the page's world. */
  const acrossBridge = (value: unknown): unknown => {
    if (typeof value === 'function') {
      return (...args: unknown[]) => {
        const out = (value as (...a: unknown[]) => unknown)(...args.map((a) => (typeof a === 'function' ? a : structuredClone(a))));
        if (out instanceof Promise) {
          return out.then(
            (result) => structuredClone(result),
            (error: unknown) => {
              // Only the message survives; the prototype, code and any other field are dropped.
              throw new Error(error instanceof Error ? error.message : String(error));
            },
          );
        }
        return acrossBridge(out);
      };
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, acrossBridge(v)]));
    }
    return value;
  };

  return {
    handlers,
    listeners,
    frame,
    exposed: () => exposed,
    module: {
      contextBridge: {
        exposeInMainWorld: (name: string, api: unknown) => {
          if (name !== 'api') throw new Error(`unexpected global ${name}`);
          exposed = acrossBridge(api) as Record<string, unknown>;
        },
      },
      ipcMain: {
        handle: (channel: string, handler: Handler) => {
          if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
          handlers.set(channel, handler);
        },
        removeHandler: (channel: string) => handlers.delete(channel),
      },
      ipcRenderer: {
        invoke: async (channel: string, ...args: unknown[]) => {
          const handler = handlers.get(channel);
          if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
          const event = { senderFrame: { url: frame.url, parent: frame.parent } };
          return structuredClone(await handler(event, ...structuredClone(args)));
        },
        on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
          let set = listeners.get(channel);
          if (!set) listeners.set(channel, (set = new Set()));
          set.add(listener);
        },
        removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) => listeners.get(channel)?.delete(listener),
      },
      webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
    },
  };
});
vi.mock('electron', () => electron.module);

const dataDir = mkdtempSync(join(tmpdir(), 'ferry-bridge-'));
let core: Core;
let api: AppApi;
let unregister: () => void;

beforeAll(async () => {
  core = createTestCore(dataDir, 'electron').core;
  const { registerIpc } = await import('./ipc');
  const webContents = {
    isDestroyed: () => false,
    send: (channel: string, payload: unknown) => {
      for (const l of electron.listeners.get(channel) ?? []) l({}, structuredClone(payload));
    },
  };
  unregister = registerIpc(core, () => [webContents as never]);
  await import('../preload/index');
  const exposed = electron.exposed();
  if (!exposed) throw new Error('the preload exposed nothing');
  // What renderer/main.tsx does with window.api.
  api = withBridgedErrors(exposed as unknown as AppApi);
});

afterAll(async () => {
  unregister();
  await core.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

const rejection = async (call: Promise<unknown>): Promise<unknown> => {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be refused');
};

describe('the Electron IPC path keeps errors whole', () => {
  it('a valid call answers with plain data', async () => {
    expect(await api.settings.update({ theme: 'dark' })).toMatchObject({ theme: 'dark' });
    expect((await api.app.getInfo()).host).toBe('electron');
  });

  it('a refused argument arrives as a RemoteError with code, kind and the zod path in details', async () => {
    const error = await rejection(api.settings.update({ theme: 'neon' as never }));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      code: 'InvalidArguments',
      kind: 'invalid',
      message: expect.stringMatching(/theme/),
      details: { issues: [expect.objectContaining({ path: '0.theme' })] },
    });
  });

  it('a refusal made by a handler keeps its code and kind', async () => {
    expect(await rejection(api.shell.openExternal('x'))).toMatchObject({ code: 'UnsafeUrl', kind: 'refused' });
    expect(await rejection(api.queue.cancelBatch(999))).toMatchObject({ code: 'NotFound', kind: 'not-found' });
  });

  it('a call from a foreign frame is refused before core sees it', async () => {
    electron.frame.url = 'https://evil.example/';
    try {
      const error = await rejection(api.settings.update({ theme: 'light' }));
      expect(error).toMatchObject({ code: 'Forbidden', kind: 'forbidden' });
      expect(core.settings.get().theme).toBe('dark');
      electron.frame.url = 'app://ferry/index.html';
      electron.frame.parent = {};
      expect(await rejection(api.settings.get())).toMatchObject({ code: 'Forbidden' });
    } finally {
      electron.frame.url = 'app://ferry/index.html';
      electron.frame.parent = null;
    }
  });

  it('events reach the page through the preload, and unsubscribing stops them', async () => {
    const seen: string[] = [];
    const off = api.settings.onChanged((s) => seen.push(s.theme));
    await api.settings.update({ theme: 'light' });
    off();
    await api.settings.update({ theme: 'system' });
    expect(seen).toEqual(['light']);
  });

  it('one IPC channel carries every call, one every event, as the envelopes the other transports use', async () => {
    expect([...electron.handlers.keys()]).toEqual([ipcChannels.invoke]);
    expect([...electron.listeners.keys()]).toEqual([ipcChannels.event]);
    // A malformed envelope sent straight to the channel is answered, not thrown.
    const reply = await electron.module.ipcRenderer.invoke(ipcChannels.invoke, { channel: 'settings:get' });
    expect(reply).toMatchObject({ type: 'error', id: -1, error: { code: 'BadRequest', kind: 'invalid' } });
    const ok = await electron.module.ipcRenderer.invoke(ipcChannels.invoke, { type: 'invoke', id: 41, channel: 'settings:get', args: [] });
    expect(ok).toMatchObject({ type: 'reply', id: 41, result: { theme: expect.any(String) } });
  });

  it('every AppApi verb crosses the bridge: it answers with data or with a whole RemoteError, never a bare Error', async () => {
    // Arguments a verb cannot accept (none at all) are refused with kind `invalid`; verbs that
    // take nothing run for real against a signed-out core (and are refused for that, with a kind).
    const skip = new Set(['files.pathsFor', 'settings.reset']);
    // Verbs whose client side reshapes its arguments need arguments of the right outer shape to
    // get as far as the bridge (their contents may still be refused there).
    const args: Record<string, unknown[]> = {
      'account.addConsent': [['not-a-collection-id']],
      'activity.exportCsv': [{}, null],
      'connectors.checkGlobusEndpoints': [[]],
      'connectors.saveGlobusEndpoints': [[{ uuid: 'x' }]],
      'connectors.importGlobusEndpoints': [{ path: '/no/such/file.json' }],
      'connectors.collectionNames': [[]],
      'connectors.check': [[]],
      'connectors.save': [[{ name: '' }]],
      'connectors.importConfig': [{ path: '/no/such/file.json' }],
      'connectors.route': [{}, null],
      'connectors.inspect': [[], {}],
      'connectors.put': [[], {}],
      'syncs.create': [{ source: {}, destination: {}, schedule: {}, include: [], exclude: [] }],
      'syncs.update': ['not-an-id', { source: {}, destination: {}, schedule: {}, include: [], exclude: [] }],
      'queue.enqueue': [{ files: [] }],
    };
    const outcomes: string[] = [];
    for (const [area, verbs] of Object.entries(api)) {
      for (const [name, verb] of Object.entries(verbs as Record<string, unknown>)) {
        const id = `${area}.${name}`;
        if (typeof verb !== 'function' || name.startsWith('on') || skip.has(id)) continue;
        try {
          await (verb as (...a: unknown[]) => Promise<unknown>)(...(args[id] ?? []));
          outcomes.push(`${id}: ok`);
        } catch (error) {
          expect(error, id).toBeInstanceOf(RemoteError);
          const e = error as RemoteError;
          expect(e.kind, `${id}: ${e.message}`).not.toBe('internal');
          outcomes.push(`${id}: ${e.kind}`);
        }
      }
    }
    // Every channel was reached through some verb.
    expect(outcomes.length).toBeGreaterThanOrEqual(Object.keys(invokeContract).length - skip.size);
  });

  it('every event channel reaches the page through an AppApi subscription, structured-cloned', () => {
    const heard: [verb: string, payload: unknown][] = [];
    const offs: (() => void)[] = [];
    const verbs: string[] = [];
    for (const [area, api_] of Object.entries(api)) {
      for (const [name, verb] of Object.entries(api_ as Record<string, unknown>)) {
        if (typeof verb !== 'function' || !name.startsWith('on')) continue;
        verbs.push(`${area}.${name}`);
        offs.push((verb as (l: (p: unknown) => void) => () => void)((payload) => heard.push([`${area}.${name}`, payload])));
      }
    }
    const send = (channel: string) => {
      for (const l of electron.listeners.get(ipcChannels.event) ?? []) l({}, structuredClone({ type: 'event', channel, payload: { probe: channel } }));
    };
    const reached = new Map<string, string[]>();
    for (const channel of Object.keys(eventContract)) {
      heard.length = 0;
      send(channel);
      reached.set(channel, heard.map(([verb, payload]) => {
        expect(payload).toEqual({ probe: channel });
        return verb;
      }));
    }
    // Every event channel has a verb, and every verb hears exactly one channel.
    for (const [channel, by] of reached) expect(by.length, channel).toBeGreaterThan(0);
    expect([...reached.values()].flat().sort()).toEqual([...verbs].sort());
    for (const off of offs) off();
    heard.length = 0;
    for (const channel of Object.keys(eventContract)) send(channel);
    expect(heard).toEqual([]);
  });
});
