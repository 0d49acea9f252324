/** The interface every connector implements (ProxyStore's Connector protocol, async). */
import type { ExactJsonObject } from './exact-json';
import type { ConnectorKey } from './keys';

/** Progress of a streaming put/get: bytes done so far of the total. */
export type ProgressListener = (doneBytes: number, totalBytes: number) => void;

export interface StreamOptions {
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
  /**
   * File-to-file copies: 'auto' (default) lets the kernel copy large files (system `cp`,
   * progress polled every 100 ms); 'stream' copies 1 MiB chunks through Node (progress per chunk).
   */
  readonly copyMethod?: 'auto' | 'stream';
}

/** Tags a MultiConnector matches against its policies; other connectors ignore them. */
export interface PutConstraints {
  readonly subsetTags?: Iterable<string>;
  readonly supersetTags?: Iterable<string>;
}

export interface PutFileOptions extends StreamOptions, PutConstraints {}

export interface Connector<K extends ConnectorKey = ConnectorKey> {
  /** ProxyStore's fully qualified class path, e.g. `proxystore.connectors.file.FileConnector`. */
  readonly connectorPath: string;
  put(data: Uint8Array, constraints?: PutConstraints): Promise<K>;
  putBatch(data: readonly Uint8Array[], constraints?: PutConstraints): Promise<K[]>;
  /** Streams a file into the store; the file is never read into memory whole. */
  putFile(path: string, options?: PutFileOptions): Promise<K>;
  /** `null` when the key has no object. */
  get(key: K): Promise<Uint8Array | null>;
  getBatch(keys: readonly K[]): Promise<(Uint8Array | null)[]>;
  /** Streams the object to `path` (written atomically); false when the key has no object. */
  getToFile(key: K, path: string, options?: StreamOptions): Promise<boolean>;
  exists(key: K): Promise<boolean>;
  evict(key: K): Promise<void>;
  /** `clear` overrides the connector's own `clear` setting where it has one. */
  close(clear?: boolean): Promise<void>;
  /** The configuration ProxyStore's `from_config` of the same class accepts. */
  config(): ExactJsonObject;
}
