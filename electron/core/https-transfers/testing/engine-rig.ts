/** A fake HTTPS server, a temp folder and an engine over them, for the engine's tests. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpsTransfer, HttpsTransferState } from '../../../../shared/contract/https-transfers';
import { onCleanup, tempDir, until } from '../../kernel/testing/harness';
import { createHttpsEngine, type HttpsEngine, type HttpsEngineOptions } from '../engine';
import { startFakeHttpsServer, type FakeHttpsServer } from './fake-https-server';

export const COLLECTION = '0a3f6c2e-8b1d-4e5f-9c7a-2b4d6e8f0a13';
export const PLAIN = 'b7e2d9c4-1f3a-4b6c-8d0e-5a7c9e1b3d24';

export const bytes = (n: number, seed = 1): Buffer => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) % 251;
  return b;
};

export interface Rig {
  readonly server: FakeHttpsServer;
  readonly engine: HttpsEngine;
  readonly events: HttpsTransfer[];
  readonly tokenCalls: { scope: string; refresh: boolean }[];
  readonly stateFile: string;
  readonly local: string;
  start(extra?: Partial<HttpsEngineOptions>): HttpsEngine;
  waitFor(id: string, state: HttpsTransferState): Promise<HttpsTransfer>;
}

export async function rig(options: Partial<HttpsEngineOptions> & { consent?: boolean } = {}): Promise<Rig> {
  const dir = tempDir('ferry-https-');
  const server = await startFakeHttpsServer(join(dir, 'collection'));
  onCleanup(() => server.close());
  server.tokens.add('token-1');
  const local = join(dir, 'local');
  await mkdir(local, { recursive: true });
  const events: HttpsTransfer[] = [];
  const tokenCalls: { scope: string; refresh: boolean }[] = [];
  const stateFile = join(dir, 'state', 'https-transfers.json');
  const start = (extra: Partial<HttpsEngineOptions> = {}): HttpsEngine => {
    const engine = createHttpsEngine({
      stateFile,
      collection: async (id) => ({ displayName: id === COLLECTION ? 'Lab Storage' : 'Plain Collection', httpsServer: id === COLLECTION ? server.url : null }),
      tokenFor: async (scope, o) => {
        tokenCalls.push({ scope, refresh: o?.refresh === true });
        if (options.consent === false) throw Object.assign(new Error(`no consent for ${scope}`), { code: 'ConsentRequired', kind: 'forbidden' });
        return o?.refresh ? 'token-2' : 'token-1';
      },
      emit: (t) => events.push(t),
      autoRetries: 0,
      log: () => undefined,
      ...options,
      ...extra,
    });
    onCleanup(() => engine.dispose());
    return engine;
  };
  const engine = start();
  const waitFor = async (id: string, state: HttpsTransferState): Promise<HttpsTransfer> => {
    await until(() => events.some((e) => e.id === id && e.state === state), `transfer ${id} ${state}`);
    return events.filter((e) => e.id === id && e.state === state).at(-1)!;
  };
  return { server, engine, events, tokenCalls, stateFile, local, start, waitFor };
}
