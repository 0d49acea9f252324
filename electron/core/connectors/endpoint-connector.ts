/**
 * ProxyStore's EndpointConnector: objects live on the first of a list of ProxyStore endpoints that
 * is configured in the ProxyStore home and answering on this machine. Keys are
 * EndpointKey(object_id = fresh UUID4, endpoint_id = the endpoint that stored it); gets and
 * evicts name that endpoint so a peering endpoint can forward them.
 * The connection is made on first use (factories are synchronous).
 */
import { randomUUID } from 'node:crypto';
import { EndpointClient, parseUuid, resolveProxystoreHome } from '../object-store/index';
import type { Connector, PutFileOptions, StreamOptions } from './connector';
import { asConfigObject, ConnectorConfigError, optString, rejectUnknownKeys } from './config-read';
import type { ExactJson, ExactJsonObject } from './exact-json';
import { readFileStreaming, writeBytesAtomic } from './fs-util';
import { expectKey, type EndpointKey } from './keys';
import { jsonTypeName, quoteValue } from './json-paths';

export const ENDPOINT_CONNECTOR_PATH = 'proxystore.connectors.endpoint.EndpointConnector';
const NAME = 'EndpointConnector';

export interface EndpointConnectorOptions {
  /** ProxyStore's `proxystore_dir`; when null, the ProxyStore home of `env`. */
  readonly proxystoreDir?: string | null;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replaces the lookup in the ProxyStore home (tests). */
  readonly connect?: (options: { readonly endpoints: readonly string[]; readonly home: string }) => Promise<EndpointClient>;
}

export class EndpointConnector implements Connector<EndpointKey> {
  readonly connectorPath = ENDPOINT_CONNECTOR_PATH;
  readonly endpoints: readonly string[];
  readonly proxystoreDir: string | null;
  private readonly home: string;
  private readonly connectFn: NonNullable<EndpointConnectorOptions['connect']>;
  private client: Promise<EndpointClient> | null = null;

  constructor(endpoints: readonly string[], options: EndpointConnectorOptions = {}) {
    if (endpoints.length === 0) throw new ConnectorConfigError(`${NAME}: at least one endpoint UUID is required`);
    for (const e of endpoints) {
      if (typeof e !== 'string' || parseUuid(e) === undefined) {
        throw new ConnectorConfigError(`${NAME}: ${typeof e === 'string' ? quoteValue(e) : jsonTypeName(e)} is not an endpoint UUID`);
      }
    }
    this.endpoints = [...endpoints];
    this.proxystoreDir = options.proxystoreDir ?? null;
    this.home = this.proxystoreDir ?? resolveProxystoreHome(options.env ?? process.env);
    this.connectFn = options.connect ?? ((o) => EndpointClient.connect(o));
  }

  /** `EndpointConnector.from_config(config)`: `{endpoints: [uuid, ...], proxystore_dir}`. */
  static fromConfig(config: unknown, options: Omit<EndpointConnectorOptions, 'proxystoreDir'> = {}): EndpointConnector {
    const c = asConfigObject(NAME, config);
    rejectUnknownKeys(NAME, c, ['endpoints', 'proxystore_dir']);
    const eps: ExactJson | undefined = c.endpoints;
    if (!Array.isArray(eps) || !eps.every((e) => typeof e === 'string')) {
      throw new ConnectorConfigError(`${NAME} config needs endpoints: a list of endpoint UUIDs`);
    }
    const dir = c.proxystore_dir === null ? undefined : optString(NAME, c, 'proxystore_dir');
    return new EndpointConnector(eps as string[], { ...options, proxystoreDir: dir ?? null });
  }

  config(): ExactJsonObject {
    return { endpoints: [...this.endpoints], proxystore_dir: this.proxystoreDir };
  }

  /** The endpoint this connector talks to (found on first use). */
  private connection(): Promise<EndpointClient> {
    if (!this.client) {
      const pending = this.connectFn({ endpoints: this.endpoints, home: this.home });
      // A failed lookup is retried on the next call (the endpoint may be started meanwhile).
      pending.catch(() => {
        if (this.client === pending) this.client = null;
      });
      this.client = pending;
    }
    return this.client;
  }

  async put(data: Uint8Array): Promise<EndpointKey> {
    const client = await this.connection();
    const key: EndpointKey = { kind: 'endpoint', objectId: randomUUID(), endpointId: client.uuid ?? null };
    await client.set(key.objectId, data, key.endpointId);
    return key;
  }

  async putBatch(data: readonly Uint8Array[]): Promise<EndpointKey[]> {
    const keys: EndpointKey[] = [];
    for (const d of data) keys.push(await this.put(d));
    return keys;
  }

  /** The endpoint API takes whole bodies (at most its max object size), so the file is read once. */
  async putFile(path: string, options: PutFileOptions = {}): Promise<EndpointKey> {
    const data = await readFileStreaming(path, options);
    return this.put(data);
  }

  async get(key: EndpointKey): Promise<Uint8Array | null> {
    const k = expectKey(key, 'endpoint', NAME);
    return (await this.connection()).get(k.objectId, k.endpointId);
  }

  async getBatch(keys: readonly EndpointKey[]): Promise<(Uint8Array | null)[]> {
    const out: (Uint8Array | null)[] = [];
    for (const k of keys) out.push(await this.get(k));
    return out;
  }

  async getToFile(key: EndpointKey, path: string, options: StreamOptions = {}): Promise<boolean> {
    const data = await this.get(key);
    if (data === null) return false;
    await writeBytesAtomic(path, data);
    options.onProgress?.(data.byteLength, data.byteLength);
    return true;
  }

  async exists(key: EndpointKey): Promise<boolean> {
    const k = expectKey(key, 'endpoint', NAME);
    return (await this.connection()).exists(k.objectId, k.endpointId);
  }

  async evict(key: EndpointKey): Promise<void> {
    const k = expectKey(key, 'endpoint', NAME);
    await (await this.connection()).evict(k.objectId, k.endpointId);
  }

  /** Closes the HTTP connections; the endpoint keeps its objects (ProxyStore's close does the same). */
  async close(): Promise<void> {
    const pending = this.client;
    this.client = null;
    if (!pending) return;
    try {
      (await pending).close();
    } catch {
      // never connected
    }
  }
}

/** A connector factory for EndpointConnector that resolves the ProxyStore home from `env`. */
export function endpointConnectorFactory(env: Readonly<Record<string, string | undefined>> = process.env) {
  return (config: ExactJsonObject): EndpointConnector => EndpointConnector.fromConfig(config, { env });
}
