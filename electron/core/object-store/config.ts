import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { writeFileAtomic } from '../store';
import { MAX_OBJECT_SIZE_DEFAULT } from './endpoint';
import { EndpointConfigError } from './errors';
import { parseUuid } from './uuid';

/** File names inside an endpoint folder, as ProxyStore names them. */
export const ENDPOINT_CONFIG_FILE = 'config.toml';
export const ENDPOINT_DATABASE_FILE = 'blobs.db';
export const ENDPOINT_LOG_FILE = 'log.txt';
export const ENDPOINT_PID_FILE = 'daemon.pid';

export type HostType = 'fqdn' | 'ip' | 'static';

/** Plain-JSON mirror of ProxyStore's EndpointConfig (config.toml). */
export interface EndpointConfig {
  readonly name: string;
  readonly uuid: string;
  readonly port: number;
  /** Address clients use; ProxyStore writes the current host here when the endpoint starts. */
  readonly host: string | null;
  readonly hostType: HostType;
  readonly relay: {
    /** `ws://` or `wss://` address of the relay; null for SOLO mode. */
    readonly address: string | null;
    readonly auth: {
      /** ProxyStore knows only 'globus'; Ferry's relay uses `kwargs.secret` with no method. */
      readonly method: 'globus' | null;
      readonly kwargs: Readonly<Record<string, unknown>>;
    };
    readonly peerChannels: number;
    readonly verifyCertificate: boolean;
  };
  readonly storage: {
    /** SQLite file for blobs; null keeps them in memory only. */
    readonly databasePath: string | null;
    readonly maxObjectSize: number;
  };
}

/** The shared relay secret Ferry keeps in `[relay.auth.kwargs] secret`, if any. */
export function relaySecretOf(config: EndpointConfig): string | null {
  const secret = config.relay.auth.kwargs.secret;
  return typeof secret === 'string' ? secret : null;
}

/** Letters, digits, dash and underscore only, as ProxyStore requires. */
export function isValidEndpointName(name: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(name);
}

/**
 * ProxyStore's home folder: $PROXYSTORE_HOME, else `fallback` (Ferry passes `<dataDir>/proxystore`),
 * else $XDG_DATA_HOME/proxystore, else ~/.local/share/proxystore.
 */
export function resolveProxystoreHome(env: Readonly<Record<string, string | undefined>>, fallback?: string): string {
  const explicit = env.PROXYSTORE_HOME;
  if (explicit) return resolve(explicit);
  if (fallback) return resolve(fallback);
  const prefix = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return resolve(prefix, 'proxystore');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function endpointDir(home: string, name: string): string {
  return join(home, name);
}

/** Checks a config the way ProxyStore's pydantic model does; throws EndpointConfigError. */
export function validateConfig(config: EndpointConfig): EndpointConfig {
  const fail = (message: string): never => {
    throw new EndpointConfigError(message);
  };
  if (!isValidEndpointName(config.name)) {
    fail(`Name must only contain alphanumeric characters, dashes, and underscores. Got ${config.name}.`);
  }
  if (!parseUuid(config.uuid)) fail(`"${config.uuid}" is not a valid UUID4 string.`);
  if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) fail('Port must be in range [1, 65535].');
  if (!['fqdn', 'ip', 'static'].includes(config.hostType)) fail(`host_type must be fqdn, ip or static (got ${config.hostType}).`);
  const address = config.relay.address;
  if (address !== null && !/^wss?:\/\//.test(address)) fail('Server must start with ws:// or wss://.');
  if (!Number.isInteger(config.relay.peerChannels) || config.relay.peerChannels < 1) fail('Peer channels must be >= 1.');
  if (!Number.isInteger(config.storage.maxObjectSize) || config.storage.maxObjectSize < 1) {
    fail('Max object size must be None or greater than zero.');
  }
  return config;
}

/** config.toml text in ProxyStore's layout (None values left out, as its writer does). */
export function configToToml(config: EndpointConfig): string {
  const c = validateConfig(config);
  const auth: Record<string, unknown> = {};
  if (c.relay.auth.method !== null) auth.method = c.relay.auth.method;
  auth.kwargs = { ...c.relay.auth.kwargs };
  const relay: Record<string, unknown> = {};
  if (c.relay.address !== null) relay.address = c.relay.address;
  relay.auth = auth;
  relay.peer_channels = c.relay.peerChannels;
  relay.verify_certificate = c.relay.verifyCertificate;
  const storage: Record<string, unknown> = {};
  if (c.storage.databasePath !== null) storage.database_path = c.storage.databasePath;
  storage.max_object_size = c.storage.maxObjectSize;
  const doc: Record<string, unknown> = { name: c.name, uuid: c.uuid, port: c.port };
  if (c.host !== null) doc.host = c.host;
  doc.host_type = c.hostType;
  doc.relay = relay;
  doc.storage = storage;
  return `${stringify(doc).trimEnd()}\n`;
}

export function configFromToml(text: string, where = ENDPOINT_CONFIG_FILE): EndpointConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new EndpointConfigError(`Unable to parse (${where}): ${error instanceof Error ? error.message : String(error)}.`);
  }
  const bad = (field: string, expected: string): never => {
    throw new EndpointConfigError(`Unable to parse (${where}): ${field} must be ${expected}.`);
  };
  const str = (v: unknown, field: string): string => (typeof v === 'string' ? v : bad(field, 'a string'));
  const optStr = (v: unknown, field: string): string | null => (v === undefined ? null : str(v, field));
  const int = (v: unknown, field: string, dflt?: number): number => {
    if (v === undefined && dflt !== undefined) return dflt;
    return typeof v === 'number' && Number.isInteger(v) ? v : bad(field, 'an integer');
  };
  const bool = (v: unknown, field: string, dflt: boolean): boolean => (v === undefined ? dflt : typeof v === 'boolean' ? v : bad(field, 'true or false'));
  const table = (v: unknown, field: string): Record<string, unknown> => (v === undefined ? {} : isRecord(v) ? v : bad(field, 'a table'));

  const relay = table(doc.relay, 'relay');
  const auth = table(relay.auth, 'relay.auth');
  const storage = table(doc.storage, 'storage');
  const method = auth.method === undefined ? null : auth.method === 'globus' ? 'globus' : bad('relay.auth.method', '"globus"');
  const hostType = doc.host_type === undefined ? 'ip' : str(doc.host_type, 'host_type');
  const config: EndpointConfig = {
    name: str(doc.name, 'name'),
    uuid: str(doc.uuid, 'uuid'),
    port: int(doc.port, 'port'),
    host: optStr(doc.host, 'host'),
    hostType: hostType as HostType,
    relay: {
      address: optStr(relay.address, 'relay.address'),
      auth: { method, kwargs: table(auth.kwargs, 'relay.auth.kwargs') },
      peerChannels: int(relay.peer_channels, 'relay.peer_channels', 1),
      verifyCertificate: bool(relay.verify_certificate, 'relay.verify_certificate', true),
    },
    storage: {
      databasePath: optStr(storage.database_path, 'storage.database_path'),
      maxObjectSize: int(storage.max_object_size, 'storage.max_object_size', MAX_OBJECT_SIZE_DEFAULT),
    },
  };
  try {
    return validateConfig(config);
  } catch (error) {
    throw new EndpointConfigError(`Unable to parse (${where}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function readConfig(dir: string): Promise<EndpointConfig> {
  const file = join(dir, ENDPOINT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new EndpointConfigError(
      `Endpoint directory ${dir} does not contain a valid configuration.`,
      missing ? 'not-found' : 'refused',
    );
  }
  return configFromToml(text, file);
}

/** Writes config.toml atomically, readable only by its owner (it may hold the relay secret). */
export async function writeConfig(dir: string, config: EndpointConfig): Promise<void> {
  await writeFileAtomic(join(dir, ENDPOINT_CONFIG_FILE), configToToml(config), 0o600);
}

export interface FoundConfig {
  readonly dir: string;
  readonly config: EndpointConfig;
}

/** Every valid endpoint config directly under `home`, sorted by name; unreadable folders are skipped. */
export async function listConfigs(home: string): Promise<readonly FoundConfig[]> {
  if (!existsSync(home)) return [];
  const entries = await readdir(home, { withFileTypes: true });
  const found: FoundConfig[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(home, entry.name);
    try {
      found.push({ dir, config: await readConfig(dir) });
    } catch {
      // ProxyStore's get_configs skips folders without a readable config too.
    }
  }
  return found.sort((a, b) => a.config.name.localeCompare(b.config.name));
}
