/**
 * ProxyStore interop for MultiConnector configs: `{name: [connector_path, connector_config,
 * policy_dict]}` read and written exactly (max_size_bytes stays 9223372036854775807), connectors
 * built from it the way `MultiConnector.from_config` does, and plain-JSON summaries for the UI.
 * A connector whose host pattern does not match this host, whose type Ferry cannot build, or whose
 * construction fails stays dormant (with a warning) and is written back unchanged.
 */
import type { Submitter, TransferService } from '../globus/index';
import type { Connector } from './connector';
import { ConnectorConfigError, plainToExact } from './config-read';
import {
  isExactJsonObject,
  orderedEntries,
  parseExactJson,
  stringifyExactJson,
  toPlainJson,
  type ExactJson,
  type ExactJsonObject,
} from './exact-json';
import { ENDPOINT_CONNECTOR_PATH, EndpointConnector } from './endpoint-connector';
import { FILE_CONNECTOR_PATH, FileConnector } from './file-connector';
import { GLOBUS_CONNECTOR_PATH, GlobusConnector } from './globus-connector';
import { currentHostname } from './host';
import { systemErrorPhrase } from './json-input';
import { jsonTypeName, quoteValue, type JsonProblem } from './json-paths';
import { LOCAL_CONNECTOR_PATH, LocalConnector } from './local-connector';
import {
  MULTI_CONNECTOR_PATH,
  MultiConnector,
  type ConnectorPolicyConfig,
  type DormantConnector,
  type DormantReason,
} from './multi-connector';
import { Policy, PolicyError, type PolicySpec } from './policy';

export { ENDPOINT_CONNECTOR_PATH };
export const REDIS_CONNECTOR_PATH = 'proxystore.connectors.redis.RedisConnector';

export const connectorTypes = ['file', 'local', 'globus', 'endpoint', 'redis', 'multi', 'other'] as const;
export type ConnectorType = (typeof connectorTypes)[number];

const TYPE_BY_PATH: Record<string, ConnectorType> = {
  [FILE_CONNECTOR_PATH]: 'file',
  [LOCAL_CONNECTOR_PATH]: 'local',
  [GLOBUS_CONNECTOR_PATH]: 'globus',
  [ENDPOINT_CONNECTOR_PATH]: 'endpoint',
  [REDIS_CONNECTOR_PATH]: 'redis',
  [MULTI_CONNECTOR_PATH]: 'multi',
};

export function connectorTypeOf(connectorPath: string): ConnectorType {
  return TYPE_BY_PATH[connectorPath] ?? 'other';
}

/** What factories may need from the host application. */
export interface ConnectorDeps {
  readonly transfer?: TransferService;
  /** The one submit path GlobusConnector sends through (default: one over `transfer`). */
  readonly submitter?: Submitter;
  readonly hostname?: () => string;
  /** Where EndpointConnector looks for the ProxyStore home (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Builds a connector from its ProxyStore config (its class's `from_config`). */
export type ConnectorFactory = (config: ExactJsonObject, deps: ConnectorDeps & { readonly factories: ConnectorFactories }) => Connector;
export type ConnectorFactories = { readonly [connectorPath: string]: ConnectorFactory };

export const defaultConnectorFactories: ConnectorFactories = {
  [FILE_CONNECTOR_PATH]: (config) => FileConnector.fromConfig(config),
  [LOCAL_CONNECTOR_PATH]: (config) => LocalConnector.fromConfig(config),
  [GLOBUS_CONNECTOR_PATH]: (config, deps) => {
    if (!deps.transfer) throw new ConnectorConfigError('GlobusConnector needs the Globus transfer service (sign in first)');
    return GlobusConnector.fromConfig(config, deps.transfer, { ...(deps.hostname ? { hostname: deps.hostname } : {}), ...(deps.submitter ? { submitter: deps.submitter } : {}) });
  },
  [ENDPOINT_CONNECTOR_PATH]: (config, deps) => EndpointConnector.fromConfig(config, deps.env ? { env: deps.env } : {}),
  [MULTI_CONNECTOR_PATH]: (config, deps) => multiConnectorFromConfig(config, deps),
};

/** One parsed entry of a MultiConnector config; nothing built yet. */
export interface MultiConfigEntry {
  readonly name: string;
  readonly config: ConnectorPolicyConfig;
  readonly policy: Policy | null;
  /** Why the policy could not be read (then `policy` is null). */
  readonly policyError: string | null;
  /** The policy_dict key the error is about, when it is about one. */
  readonly policyField?: string | null;
}

export interface ParsedMultiConfig {
  readonly entries: readonly MultiConfigEntry[];
}

/**
 * Reads a MultiConnector config (already-parsed JSON, ideally from parseExactJson). Shape errors
 * name their exact place (`small[1]`: connector_config) and quote no value.
 */
export function parseMultiConfig(json: unknown): ParsedMultiConfig {
  if (!isExactJsonObject(json)) {
    throw ConnectorConfigError.at([], `a MultiConnector config must be a JSON object of named connectors, got ${jsonTypeName(json)}`);
  }
  const entries: MultiConfigEntry[] = [];
  for (const [name, value] of orderedEntries(json as ExactJsonObject)) {
    if (!Array.isArray(value) || value.length !== 3) {
      const got = Array.isArray(value) ? `a list of ${value.length}` : jsonTypeName(value);
      throw ConnectorConfigError.at([name], `expected [connector_path, connector_config, policy_dict], got ${got}`);
    }
    const [path, config, policyDict] = value as readonly ExactJson[];
    if (typeof path !== 'string' || path === '') {
      throw ConnectorConfigError.at([name, 0], `connector_path must be a dotted class path string, got ${path === '' ? 'an empty string' : jsonTypeName(path)}`);
    }
    if (!isExactJsonObject(config)) {
      throw ConnectorConfigError.at([name, 1], `connector_config must be an object, got ${jsonTypeName(config)}`);
    }
    if (!isExactJsonObject(policyDict)) {
      throw ConnectorConfigError.at([name, 2], `policy_dict must be an object, got ${jsonTypeName(policyDict)}`);
    }
    let policy: Policy | null = null;
    let policyError: string | null = null;
    let policyField: string | null = null;
    try {
      policy = Policy.fromDict(policyDict);
    } catch (error) {
      policyError = (error as Error).message;
      policyField = error instanceof PolicyError ? error.field : null;
    }
    entries.push({ name, config: [path, config as ExactJsonObject, policyDict as ExactJsonObject], policy, policyError, policyField });
  }
  return { entries };
}

/** Where a broken entry's policy problem is, and what it is (`small[2].priority`: priority must be an integer). */
export function policyProblemOf(entry: MultiConfigEntry): JsonProblem {
  return { path: entry.policyField ? [entry.name, 2, entry.policyField] : [entry.name, 2], message: entry.policyError ?? 'invalid policy' };
}

/** parseMultiConfig of JSON text, keeping big integers exact. */
export function parseMultiConfigJson(text: string): ParsedMultiConfig {
  return parseMultiConfig(
    parseExactJson(text, {
      onDuplicateKey: (key, path) => {
        if (path.length === 0) throw new ConnectorConfigError(`Connector name ${quoteValue(key)} appears twice`);
      },
    }),
  );
}

export interface BuildOptions extends ConnectorDeps {
  readonly factories?: ConnectorFactories;
}

/**
 * `MultiConnector.from_config`: connectors whose policy is valid on this host are built, the
 * rest are dormant. Unlike Python, a type Ferry cannot build (or one that fails to build)
 * becomes dormant with a warning instead of failing the whole config. An unreadable policy is
 * an error, as in Python.
 */
export function multiConnectorFromParsed(parsed: ParsedMultiConfig, options: BuildOptions = {}): MultiConnector {
  const factories = options.factories ?? defaultConnectorFactories;
  const hostname = options.hostname ?? currentHostname;
  const host = hostname();
  const active: [string, Connector, Policy][] = [];
  const dormant: DormantConnector[] = [];
  for (const entry of parsed.entries) {
    if (!entry.policy) throw new ConnectorConfigError(`Connector ${quoteValue(entry.name)}: ${entry.policyError ?? 'invalid policy'}`);
    const [path, config] = entry.config;
    const keep = (reason: DormantReason, warning: string | null): void => {
      dormant.push({ name: entry.name, config: entry.config, policy: entry.policy, reason, warning });
    };
    if (!entry.policy.isValidOnHost(host)) {
      keep('host', null);
      continue;
    }
    const factory = factories[path];
    if (!factory) {
      keep('unsupported', `Ferry cannot use ${path} here; it is kept unchanged for ProxyStore`);
      continue;
    }
    try {
      active.push([entry.name, factory(config, { ...options, hostname, factories }), entry.policy]);
    } catch (error) {
      const phrase = systemErrorPhrase(error);
      keep('error', `Could not create ${path}: ${phrase ?? (error as Error).message}`);
    }
  }
  return new MultiConnector(active, dormant, { hostname, order: parsed.entries.map((e) => e.name) });
}

export function multiConnectorFromConfig(json: unknown, options: BuildOptions = {}): MultiConnector {
  return multiConnectorFromParsed(parseMultiConfig(json), options);
}

/** Config JSON text of a MultiConnector (entries in order, sizes exact), loadable by Python. */
export function stringifyMultiConfig(entries: readonly (readonly [string, ConnectorPolicyConfig])[], indent: number | string = 2): string {
  // Build the object through a key-ordered parse so integer-like names keep their place.
  const body = entries.map(([name, entry]) => `${JSON.stringify(name)}:${stringifyExactJson(entry as unknown as ExactJson, 0)}`);
  return stringifyExactJson(parseExactJson(`{${body.join(',')}}`), indent);
}

export function multiConnectorConfigJson(multi: MultiConnector, indent: number | string = 2): string {
  return stringifyMultiConfig(multi.configEntries(), indent);
}

// ---------------------------------------------------------------------------------------------
// Summaries for the UI (plain JSON).

export interface ConnectorSummary {
  readonly name: string;
  readonly connectorPath: string;
  readonly type: ConnectorType;
  /** Short class name, e.g. "FileConnector". */
  readonly typeLabel: string;
  /** Whether Ferry can build and use this connector type. */
  readonly supported: boolean;
  /** The connector config as plain JSON (big integers as decimal strings). */
  readonly config: unknown;
  readonly policy: PolicySpec | null;
  readonly policyError: string | null;
  readonly dormant: boolean;
  readonly dormantReason: DormantReason | null;
  readonly warning: string | null;
  /** One line describing where the objects go. */
  readonly detail: string;
}
/** One line describing where a connector's objects go (the connectors list and the drafts show it). */

export function connectorDetail(type: ConnectorType, config: ExactJsonObject): string {
  switch (type) {
    case 'file':
      return typeof config.store_dir === 'string' ? config.store_dir : '';
    case 'local':
      return 'in memory';
    case 'globus': {
      const eps = config.endpoints;
      return isExactJsonObject(eps) ? `${Object.keys(eps).length} Globus endpoints` : '';
    }
    case 'endpoint': {
      const eps = config.endpoints;
      return Array.isArray(eps) ? `endpoints ${eps.join(', ')}` : '';
    }
    case 'redis':
      return `${String(config.hostname ?? '')}:${String(config.port ?? '')}`;
    case 'multi':
      return `${Object.keys(config).length} connectors`;
    case 'other':
      return '';
  }
}

function summaryOf(
  entry: MultiConfigEntry,
  factories: ConnectorFactories,
  dormant: { reason: DormantReason; warning: string | null } | null,
): ConnectorSummary {
  const [path, config] = entry.config;
  const type = connectorTypeOf(path);
  return {
    name: entry.name,
    connectorPath: path,
    type,
    typeLabel: path.split('.').pop() ?? path,
    supported: path in factories,
    config: toPlainJson(config),
    policy: entry.policy ? entry.policy.toSpec() : null,
    policyError: entry.policyError,
    dormant: dormant !== null,
    dormantReason: dormant?.reason ?? null,
    warning: dormant?.warning ?? entry.policyError,
    detail: connectorDetail(type, config),
  };
}

/**
 * Summaries of a parsed config as this host would use it, without building anything:
 * dormant when the host pattern does not match or Ferry cannot build the type.
 */
export function summarizeMultiConfig(
  parsed: ParsedMultiConfig,
  options: { readonly hostname?: string; readonly factories?: ConnectorFactories } = {},
): ConnectorSummary[] {
  const factories = options.factories ?? defaultConnectorFactories;
  const host = options.hostname ?? currentHostname();
  return parsed.entries.map((entry) => {
    const path = entry.config[0];
    let dormant: { reason: DormantReason; warning: string | null } | null = null;
    if (!entry.policy) dormant = { reason: 'error', warning: `Policy cannot be used: ${entry.policyError ?? 'invalid'}` };
    else if (!entry.policy.isValidOnHost(host)) dormant = { reason: 'host', warning: null };
    else if (!(path in factories)) {
      dormant = { reason: 'unsupported', warning: `Ferry cannot use ${path} here; it is kept unchanged for ProxyStore` };
    }
    return summaryOf(entry, factories, dormant);
  });
}

/** Summaries of a built MultiConnector (dormant reasons include construction errors). */
export function summarizeMultiConnector(multi: MultiConnector, factories: ConnectorFactories = defaultConnectorFactories): ConnectorSummary[] {
  const dormant = new Map(multi.dormantConnectors.map((d) => [d.name, d]));
  const active = new Map(multi.connectors.map((c) => [c.name, c]));
  return multi.configEntries().map(([name, config]) => {
    const d = dormant.get(name);
    const policy = active.get(name)?.policy ?? d?.policy ?? null;
    return summaryOf({ name, config, policy, policyError: null }, factories, d ? { reason: d.reason, warning: d.warning } : null);
  });
}

/** One connector as the connectors editor holds it (plain JSON). */
export interface ConnectorEntrySpec {
  readonly name: string;
  readonly connectorPath: string;
  /** The connector's ProxyStore config (plain JSON object). */
  readonly config: unknown;
  readonly policy: PolicySpec;
}

/** The ProxyStore entries for the editor's connectors (policies validated, sizes exact). */
export function configEntriesFromSpecs(specs: readonly ConnectorEntrySpec[]): [string, ConnectorPolicyConfig][] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    if (spec.name === '') throw new ConnectorConfigError('Every connector needs a name');
    if (seen.has(spec.name)) throw new ConnectorConfigError(`Connector name ${quoteValue(spec.name)} appears twice`);
    seen.add(spec.name);
    const config = plainToExact(spec.config, `${spec.name}.config`);
    if (!isExactJsonObject(config)) throw new ConnectorConfigError(`Connector ${quoteValue(spec.name)}: config must be an object`);
    const policy = Policy.fromSpec(spec.policy).asExactJson();
    return [spec.name, [spec.connectorPath, config as ExactJsonObject, policy]];
  });
}

/** MultiConnector config JSON text (for Python `MultiConnector.from_config`) from the editor's connectors. */
export function multiConfigJsonFromSpecs(specs: readonly ConnectorEntrySpec[], indent: number | string = 2): string {
  return stringifyMultiConfig(configEntriesFromSpecs(specs), indent);
}
