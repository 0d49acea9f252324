/** ProxyStore's LocalConnector: objects in this process's memory, keyed by a fresh UUID4. */
import { randomUUID } from 'node:crypto';
import type { Connector, PutFileOptions, StreamOptions } from './connector';
import { asConfigObject, optBoolean, rejectUnknownKeys } from './config-read';
import type { ExactJsonObject } from './exact-json';
import { readFileStreaming, writeBytesAtomic } from './fs-util';
import { expectKey, type LocalKey } from './keys';

export const LOCAL_CONNECTOR_PATH = 'proxystore.connectors.local.LocalConnector';
const NAME = 'LocalConnector';

export class LocalConnector implements Connector<LocalKey> {
  readonly connectorPath = LOCAL_CONNECTOR_PATH;
  private readonly store = new Map<string, Uint8Array>();
  /** Kept for the config round trip; the data itself never goes into Ferry's config. */
  readonly includeDataInConfig: boolean;

  constructor(options: { readonly includeDataInConfig?: boolean } = {}) {
    this.includeDataInConfig = options.includeDataInConfig ?? false;
  }

  static fromConfig(config: unknown): LocalConnector {
    const c = asConfigObject(NAME, config);
    rejectUnknownKeys(NAME, c, ['include_data_in_config', 'store_dict']);
    return new LocalConnector({ includeDataInConfig: optBoolean(NAME, c, 'include_data_in_config') });
  }

  config(): ExactJsonObject {
    return { include_data_in_config: this.includeDataInConfig };
  }

  get size(): number {
    return this.store.size;
  }

  private id(key: LocalKey): string {
    return expectKey(key, 'local', NAME).id;
  }

  async put(data: Uint8Array): Promise<LocalKey> {
    const id = randomUUID();
    this.store.set(id, Uint8Array.prototype.slice.call(data));
    return { kind: 'local', id };
  }

  async putBatch(data: readonly Uint8Array[]): Promise<LocalKey[]> {
    const keys: LocalKey[] = [];
    for (const d of data) keys.push(await this.put(d));
    return keys;
  }

  async putFile(path: string, options: PutFileOptions = {}): Promise<LocalKey> {
    const id = randomUUID();
    this.store.set(id, await readFileStreaming(path, options));
    return { kind: 'local', id };
  }

  async get(key: LocalKey): Promise<Uint8Array | null> {
    const data = this.store.get(this.id(key));
    return data === undefined ? null : data.slice();
  }

  async getBatch(keys: readonly LocalKey[]): Promise<(Uint8Array | null)[]> {
    return Promise.all(keys.map((k) => this.get(k)));
  }

  async getToFile(key: LocalKey, path: string, options: StreamOptions = {}): Promise<boolean> {
    const data = this.store.get(this.id(key));
    if (data === undefined) return false;
    options.onProgress?.(0, data.length);
    await writeBytesAtomic(path, data);
    options.onProgress?.(data.length, data.length);
    return true;
  }

  async exists(key: LocalKey): Promise<boolean> {
    return this.store.has(this.id(key));
  }

  async evict(key: LocalKey): Promise<void> {
    this.store.delete(this.id(key));
  }

  async close(): Promise<void> {
    // ProxyStore's LocalConnector.close does nothing either: the objects live until the process ends.
  }
}
