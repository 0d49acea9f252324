import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Endpoint, endpointDir, startEndpointServer, writeConfig, type EndpointHttpServer } from '../object-store/index';
import { EndpointConnector } from './endpoint-connector';
import { parseMultiConfigJson, multiConnectorFromParsed, multiConnectorConfigJson } from './multi-config';
import { useTempDirs } from './testing/test-dirs';

const tempDir = useTempDirs();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A running endpoint registered in a fresh ProxyStore home, as `proxystore-endpoint start` leaves it. */
async function runningEndpoint(): Promise<{ home: string; uuid: string; server: EndpointHttpServer }> {
  const home = tempDir();
  const uuid = randomUUID();
  const endpoint = new Endpoint({ name: 'ep1', uuid });
  const server = await startEndpointServer(endpoint);
  cleanups.push(async () => {
    await server.close();
    await endpoint.close();
  });
  const dir = endpointDir(home, 'ep1');
  await mkdir(dir, { recursive: true });
  await writeConfig(dir, {
    name: 'ep1',
    uuid,
    port: server.port,
    host: '127.0.0.1',
    hostType: 'ip',
    relay: { address: null, auth: { method: null, kwargs: {} }, peerChannels: 1, verifyCertificate: true },
    storage: { databasePath: null, maxObjectSize: 100_000_000 },
  });
  return { home, uuid, server };
}

describe('EndpointConnector', () => {
  it('puts, gets, checks and evicts through the endpoint found in the ProxyStore home', async () => {
    const { home, uuid } = await runningEndpoint();
    const c = EndpointConnector.fromConfig({ endpoints: [uuid], proxystore_dir: home });
    cleanups.push(() => c.close());
    expect(c.config()).toEqual({ endpoints: [uuid], proxystore_dir: home });

    const key = await c.put(new TextEncoder().encode('hello'));
    expect(key).toMatchObject({ kind: 'endpoint', endpointId: uuid });
    expect(await c.exists(key)).toBe(true);
    expect(new TextDecoder().decode((await c.get(key)) ?? new Uint8Array())).toBe('hello');

    const src = join(tempDir(), 'in.bin');
    await writeFile(src, Buffer.alloc(300_000, 7));
    const fileKey = await c.putFile(src);
    const out = join(tempDir(), 'out.bin');
    expect(await c.getToFile(fileKey, out)).toBe(true);
    expect((await readFile(out)).equals(Buffer.alloc(300_000, 7))).toBe(true);

    await c.evict(key);
    expect(await c.exists(key)).toBe(false);
    expect(await c.get(key)).toBeNull();
  });

  it('finds the endpoint through the env ProxyStore home when proxystore_dir is null', async () => {
    const { home, uuid } = await runningEndpoint();
    const c = EndpointConnector.fromConfig({ endpoints: [uuid], proxystore_dir: null }, { env: { PROXYSTORE_HOME: home } });
    cleanups.push(() => c.close());
    const key = await c.put(new Uint8Array([1, 2, 3]));
    expect(Array.from((await c.get(key)) ?? [])).toEqual([1, 2, 3]);
  });

  it('refuses configs Python would refuse and says clearly when no endpoint answers', async () => {
    expect(() => EndpointConnector.fromConfig({ endpoints: [] })).toThrow(/at least one endpoint/);
    expect(() => EndpointConnector.fromConfig({ endpoints: ['nope'] })).toThrow(/not an endpoint UUID/);
    expect(() => EndpointConnector.fromConfig({ endpoints: [randomUUID()], extra: 1 })).toThrow(/unexpected key "extra"/);
    const c = EndpointConnector.fromConfig({ endpoints: [randomUUID()], proxystore_dir: tempDir() });
    await expect(c.put(new Uint8Array([1]))).rejects.toThrow(/configured .* and answering/);
  });

  it('is built by MultiConnector.from_config and routes by policy', async () => {
    const { home, uuid } = await runningEndpoint();
    const text = JSON.stringify({
      ep: [
        'proxystore.connectors.endpoint.EndpointConnector',
        { endpoints: [uuid], proxystore_dir: home },
        { priority: 1, host_pattern: null, min_size_bytes: 0, max_size_bytes: 10, subset_tags: [], superset_tags: [] },
      ],
    });
    const multi = multiConnectorFromParsed(parseMultiConfigJson(text), { hostname: () => 'h' });
    cleanups.push(() => multi.close());
    expect(multi.dormantConnectors).toEqual([]);
    const key = await multi.put(new Uint8Array([9]));
    expect(key.connectorName).toBe('ep');
    expect(await multi.exists(key)).toBe(true);
    expect(JSON.parse(multiConnectorConfigJson(multi))).toEqual(JSON.parse(text));
  });
});
