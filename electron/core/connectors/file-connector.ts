/**
 * ProxyStore's FileConnector: objects are files named by a fresh UUID4 in `store_dir`, each with
 * an empty `<name>.ready` marker written after the object, exactly the layout Python's
 * FileConnector reads. Writes are atomic (temp file + rename), and the marker is only created
 * once the object is complete.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { access, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Connector, PutFileOptions, StreamOptions } from './connector';
import { asConfigObject, ConnectorConfigError, optBoolean, optInteger, optString, rejectUnknownKeys } from './config-read';
import type { ExactJsonObject } from './exact-json';
import { copyFileAtomic, isNotFound, readWhole, writeBytesAtomic } from './fs-util';
import { assertSafeFilename, expectKey, type FileKey } from './keys';

export const FILE_CONNECTOR_PATH = 'proxystore.connectors.file.FileConnector';
const NAME = 'FileConnector';

export interface FileConnectorOptions {
  /** Remove `store_dir` on close (ProxyStore's default: true). */
  readonly clear?: boolean;
  /** Python `open()` buffering; kept for the config round trip. */
  readonly buffering?: number;
}

async function present(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

export class FileConnector implements Connector<FileKey> {
  readonly connectorPath = FILE_CONNECTOR_PATH;
  readonly storeDir: string;
  readonly clear: boolean;
  readonly buffering: number;

  constructor(storeDir: string, options: FileConnectorOptions = {}) {
    this.storeDir = resolve(storeDir);
    this.clear = options.clear ?? true;
    this.buffering = options.buffering ?? -1;
    mkdirSync(this.storeDir, { recursive: true });
  }

  static fromConfig(config: unknown): FileConnector {
    const c = asConfigObject(NAME, config);
    rejectUnknownKeys(NAME, c, ['store_dir', 'clear', 'buffering']);
    const storeDir = optString(NAME, c, 'store_dir');
    if (storeDir === undefined) throw new ConnectorConfigError(`${NAME} config needs store_dir`);
    if (storeDir.includes('\u0000')) throw new ConnectorConfigError(`${NAME}: store_dir may not contain NUL characters`);
    return new FileConnector(storeDir, { clear: optBoolean(NAME, c, 'clear'), buffering: optInteger(NAME, c, 'buffering') });
  }

  config(): ExactJsonObject {
    return { store_dir: this.storeDir, clear: this.clear, buffering: this.buffering };
  }

  /** Path of the object file for a key (what ProxyStore reads). */
  pathOf(key: FileKey): string {
    const k = expectKey(key, 'file', NAME);
    assertSafeFilename(k.filename);
    return join(this.storeDir, k.filename);
  }

  private newKey(): FileKey {
    return { kind: 'file', filename: randomUUID() };
  }

  private async markReady(path: string): Promise<void> {
    await writeFile(`${path}.ready`, new Uint8Array(0));
  }

  async put(data: Uint8Array): Promise<FileKey> {
    const key = this.newKey();
    const path = this.pathOf(key);
    await writeBytesAtomic(path, data);
    await this.markReady(path);
    return key;
  }

  async putBatch(data: readonly Uint8Array[]): Promise<FileKey[]> {
    const keys: FileKey[] = [];
    for (const d of data) keys.push(await this.put(d));
    return keys;
  }

  async putFile(path: string, options: PutFileOptions = {}): Promise<FileKey> {
    const key = this.newKey();
    const dest = this.pathOf(key);
    await copyFileAtomic(path, dest, options);
    await this.markReady(dest);
    return key;
  }

  async exists(key: FileKey): Promise<boolean> {
    return present(`${this.pathOf(key)}.ready`);
  }

  async get(key: FileKey): Promise<Uint8Array | null> {
    const path = this.pathOf(key);
    if (!(await present(`${path}.ready`))) return null;
    try {
      return await readWhole(path);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async getBatch(keys: readonly FileKey[]): Promise<(Uint8Array | null)[]> {
    const out: (Uint8Array | null)[] = [];
    for (const k of keys) out.push(await this.get(k));
    return out;
  }

  async getToFile(key: FileKey, dest: string, options: StreamOptions = {}): Promise<boolean> {
    const path = this.pathOf(key);
    if (!(await present(`${path}.ready`))) return false;
    try {
      await copyFileAtomic(path, dest, options);
      return true;
    } catch (error) {
      if (isNotFound(error) && !(await present(path))) return false;
      throw error;
    }
  }

  async evict(key: FileKey): Promise<void> {
    const path = this.pathOf(key);
    await rm(`${path}.ready`, { force: true });
    await rm(path, { force: true });
  }

  async close(clear?: boolean): Promise<void> {
    if (clear ?? this.clear) await rm(this.storeDir, { recursive: true, force: true });
  }
}
