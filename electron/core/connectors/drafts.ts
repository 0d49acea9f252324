/**
 * The editors' view of GlobusEndpoints and MultiConnector configs: rows and drafts (plain JSON,
 * sizes as exact human text) checked field by field, turned into ProxyStore entries without
 * losing a digit, and routed without building anything.
 */
import type {
  ConnectorDraft,
  ConnectorDraftCheck,
  ConnectorDraftField,
  ConnectorsCheck,
  EndpointRow,
  EndpointsCheck,
  PolicyDraft,
  RouteQueryInput,
  RouteView,
} from '../../../shared/contract/connectors';
import type { TransferService } from '../globus/index';
import type { Connector } from './connector';
import { asConfigObject, ConnectorConfigError, optBoolean, optInteger, optString, plainToExact, rejectUnknownKeys } from './config-read';
import { EndpointConnector } from './endpoint-connector';
import { isExactJsonObject, parseExactJson, stringifyExactJson, toPlainJson, type ExactJson, type ExactJsonObject } from './exact-json';
import { quoteValue } from './json-paths';
import { FILE_CONNECTOR_PATH } from './file-connector';
import { GLOBUS_CONNECTOR_PATH, GlobusConnector } from './globus-connector';
import {
  GlobusEndpoints,
  endpointMatchesHost,
  validateGlobusEndpointRows,
  type GlobusEndpoint,
} from './globus-endpoints';
import { LOCAL_CONNECTOR_PATH, LocalConnector } from './local-connector';
import {
  ENDPOINT_CONNECTOR_PATH,
  connectorDetail,
  connectorTypeOf,
  defaultConnectorFactories,
  parseMultiConfig,
  type ConnectorFactories,
  type MultiConfigEntry,
} from './multi-config';
import { MultiConnector, type ConnectorPolicyConfig, type DormantConnector, type RouteResult } from './multi-connector';
import { PY_MAXSIZE, Policy, PolicyError, exactSizeText, parseByteSize } from './policy';
import { checkPythonRegex } from './python-regex';

// ---------------------------------------------------------------------------------------------
// Globus endpoints

export function rowsOfEndpoints(endpoints: GlobusEndpoints | null): EndpointRow[] {
  if (!endpoints) return [];
  return endpoints.toArray().map((e) => ({ uuid: e.uuid, endpointPath: e.endpointPath, localPath: e.localPath, hostRegex: e.hostRegex }));
}

/** Per-field messages, ProxyStore's table rules and the "matches this host" verdict of each row. */
export function checkEndpointRows(rows: readonly EndpointRow[], hostname: string): EndpointsCheck {
  const v = validateGlobusEndpointRows(rows);
  return {
    hostname,
    rows: rows.map((row, i) => {
      const messages = v.rows[i] ?? {};
      let matchesHost: boolean | null = null;
      if (messages.hostRegex === undefined && checkPythonRegex(row.hostRegex).ok) {
        matchesHost = endpointMatchesHost(row as GlobusEndpoint, hostname);
      }
      return { messages, matchesHost };
    }),
    table: v.table,
    ok: v.ok,
  };
}

/** The rows as GlobusEndpoints, or an error listing what to fix (null for an empty table). */
export function endpointsFromRows(rows: readonly EndpointRow[], hostname: string): GlobusEndpoints | null {
  if (rows.length === 0) return null;
  const check = checkEndpointRows(rows, hostname);
  if (!check.ok) {
    const problems = check.rows.flatMap((r, i) => Object.values(r.messages).map((m) => `endpoint ${i + 1}: ${String(m)}`));
    throw new ConnectorConfigError(`The endpoints cannot be saved: ${[...check.table, ...problems].join('; ')}`);
  }
  return new GlobusEndpoints(rows.map((r) => ({ ...r })));
}

// ---------------------------------------------------------------------------------------------
// Sizes and policies

const SIZE_HELP = 'use a number with an optional unit, e.g. 3 MB, 512 KiB or 1048576';

/** Exact bytes of a size field; `null` when unreadable. Empty min is 0, empty max is "no limit". */
export function parseSizeField(textValue: string, which: 'min' | 'max'): string | null {
  const t = textValue.trim();
  if (t === '') return which === 'min' ? '0' : PY_MAXSIZE.toString();
  if (/^no\s*limit$/i.test(t)) return which === 'max' ? PY_MAXSIZE.toString() : null;
  return parseByteSize(t);
}

export function draftOfPolicy(policy: Policy): PolicyDraft {
  return {
    priority: policy.priority,
    hostPattern: policy.hostPattern === null || typeof policy.hostPattern === 'string' ? policy.hostPattern : [...policy.hostPattern],
    minSize: exactSizeText(policy.minSizeBytes),
    maxSize: exactSizeText(policy.maxSizeBytes),
    subsetTags: [...policy.subsetTags],
    supersetTags: [...policy.supersetTags],
  };
}

type Messages = { [F in ConnectorDraftField]?: string };

/** The policy of a draft, with a message per unreadable field. */
export function policyOfDraft(draft: PolicyDraft): { policy: Policy | null; messages: Messages; min: string | null; max: string | null } {
  const messages: Messages = {};
  const min = parseSizeField(draft.minSize, 'min');
  const max = parseSizeField(draft.maxSize, 'max');
  if (min === null) messages.minSize = `Minimum size: ${SIZE_HELP}`;
  if (max === null) messages.maxSize = `Maximum size: ${SIZE_HELP} (or "no limit")`;
  if (min !== null && max !== null && BigInt(min) > BigInt(max)) messages.maxSize = 'Maximum size is below the minimum: no object would match';
  if (!Number.isSafeInteger(draft.priority)) messages.priority = 'Priority must be a whole number';
  const patterns = draft.hostPattern === null ? [] : typeof draft.hostPattern === 'string' ? [draft.hostPattern] : draft.hostPattern;
  if (Array.isArray(draft.hostPattern) && draft.hostPattern.length === 0) messages.hostPattern = 'Add a host pattern, or choose any host';
  for (const p of patterns) {
    const check = checkPythonRegex(p);
    if (!check.ok) {
      messages.hostPattern = `${quoteValue(p)}: ${check.message}`;
      break;
    }
  }
  for (const field of ['subsetTags', 'supersetTags'] as const) {
    if (draft[field].some((t) => t.trim() === '')) messages[field] = 'Tags may not be empty';
  }
  let policy: Policy | null = null;
  if (Object.keys(messages).length === 0 && min !== null && max !== null) {
    try {
      policy = new Policy({
        priority: draft.priority,
        hostPattern: draft.hostPattern === null || typeof draft.hostPattern === 'string' ? draft.hostPattern : [...draft.hostPattern],
        minSizeBytes: min,
        maxSizeBytes: max,
        subsetTags: [...draft.subsetTags],
        supersetTags: [...draft.supersetTags],
      });
    } catch (error) {
      const field = error instanceof PolicyError && error.field === 'host_pattern' ? 'hostPattern' : 'priority';
      messages[field] = (error as Error).message;
    }
  }
  return { policy, messages, min, max };
}

// ---------------------------------------------------------------------------------------------
// Connector drafts

export function draftOfEntry(entry: MultiConfigEntry): ConnectorDraft {
  if (!entry.policy) throw new ConnectorConfigError(`Connector ${quoteValue(entry.name)}: ${entry.policyError ?? 'invalid policy'}`);
  const [connectorPath, config] = entry.config;
  return { name: entry.name, connectorPath, config: toPlainJson(config) as Record<string, unknown>, policy: draftOfPolicy(entry.policy) };
}

/**
 * The exact config for a draft: when the draft's config is unchanged from a saved entry of the
 * same connector, the saved one is reused so big integers and key order survive the editor.
 */
function exactConfigOf(
  draft: ConnectorDraft,
  previous: readonly (readonly [string, ConnectorPolicyConfig])[],
): { readonly config: ExactJsonObject; readonly fromSaved: boolean } {
  for (const [, [path, config]] of previous) {
    if (path === draft.connectorPath && JSON.stringify(toPlainJson(config)) === JSON.stringify(draft.config)) return { config, fromSaved: true };
  }
  const exact = plainToExact(draft.config, `${draft.name}.config`);
  if (!isExactJsonObject(exact)) throw new ConnectorConfigError(`Connector ${quoteValue(draft.name)}: config must be an object`);
  return { config: exact, fromSaved: false };
}

const noTransfer = new Proxy({} as TransferService, {
  get: () => () => Promise.reject(new Error('not used while checking')),
});

/** Checks a connector config the way its `from_config` would, without side effects. */
export function checkConnectorConfig(connectorPath: string, config: ExactJsonObject, hostname: string): { error: string | null; warning: string | null } {
  try {
    switch (connectorPath) {
      case FILE_CONNECTOR_PATH: {
        const c = asConfigObject('FileConnector', config);
        rejectUnknownKeys('FileConnector', c, ['store_dir', 'clear', 'buffering']);
        const dir = optString('FileConnector', c, 'store_dir');
        if (dir === undefined || dir.trim() === '') throw new ConnectorConfigError('FileConnector needs store_dir: the folder objects are written to');
        if (!dir.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(dir)) throw new ConnectorConfigError('store_dir must be an absolute path');
        if (dir.includes('\u0000')) throw new ConnectorConfigError('store_dir may not contain NUL characters');
        optBoolean('FileConnector', c, 'clear');
        optInteger('FileConnector', c, 'buffering');
        return { error: null, warning: null };
      }
      case LOCAL_CONNECTOR_PATH:
        LocalConnector.fromConfig(config);
        return { error: null, warning: null };
      case GLOBUS_CONNECTOR_PATH: {
        const g = GlobusConnector.fromConfig(config, noTransfer, { hostname: () => hostname });
        const local = g.endpoints.findByHost(hostname);
        const marked = g.endpoints.problems.map((p) => `endpoints.${p.path.join('.')}: ${p.message} (this endpoint is left out; the others work)`);
        const warnings = [...marked, ...(local ? [] : [`No endpoint's host_regex matches this host (${hostname}): puts from here will fail`])];
        return { error: null, warning: warnings.length > 0 ? warnings.join('; ') : null };
      }
      case ENDPOINT_CONNECTOR_PATH:
        EndpointConnector.fromConfig(config);
        return { error: null, warning: null };
      default:
        return { error: null, warning: null };
    }
  } catch (error) {
    return { error: (error as Error).message, warning: null };
  }
}

interface DraftAnalysis {
  readonly check: ConnectorDraftCheck;
  readonly policy: Policy | null;
  readonly exactConfig: ExactJsonObject | null;
  /**
   * A config error blocks saving only when the person wrote that config; one that came in
   * unchanged from a saved (imported) file stays, dormant with its warning.
   */
  readonly configBlocks: boolean;
}

function analyze(
  draft: ConnectorDraft,
  index: number,
  drafts: readonly ConnectorDraft[],
  hostname: string,
  factories: ConnectorFactories,
  previous: readonly (readonly [string, ConnectorPolicyConfig])[],
): DraftAnalysis {
  const { policy, messages, min, max } = policyOfDraft(draft.policy);
  const name = draft.name.trim();
  if (name === '') messages.name = 'Every connector needs a name';
  else if (name !== draft.name) messages.name = 'Names may not start or end with spaces';
  else if (drafts.findIndex((d) => d.name === draft.name) !== index) messages.name = `The name ${quoteValue(draft.name)} is used twice`;
  if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/.test(draft.connectorPath)) messages.connectorPath = 'Connector path must be a dotted Python class path';
  let exactConfig: ExactJsonObject | null = null;
  let fromSaved = false;
  try {
    const found = exactConfigOf(draft, previous);
    exactConfig = found.config;
    fromSaved = found.fromSaved;
  } catch (error) {
    messages.config = (error as Error).message;
  }
  const supported = draft.connectorPath in factories;
  const type = connectorTypeOf(draft.connectorPath);
  let dormantReason: ConnectorDraftCheck['dormantReason'] = null;
  let warning: string | null = null;
  if (exactConfig && supported) {
    const c = checkConnectorConfig(draft.connectorPath, exactConfig, hostname);
    if (c.error) {
      messages.config = c.error;
      dormantReason = 'error';
      warning = `Cannot be used until its settings are fixed: ${c.error}`;
    } else {
      warning = c.warning;
    }
  }
  if (policy && !policy.isValidOnHost(hostname)) dormantReason = 'host';
  else if (!supported) {
    dormantReason = 'unsupported';
    warning = `Ferry cannot use ${draft.connectorPath} here; it is kept unchanged for ProxyStore`;
  }
  return {
    policy,
    exactConfig,
    configBlocks: messages.config !== undefined && (exactConfig === null || !fromSaved),
    check: {
      messages,
      type,
      typeLabel: draft.connectorPath.split('.').pop() ?? draft.connectorPath,
      supported,
      dormant: dormantReason !== null,
      dormantReason,
      warning,
      detail: exactConfig ? connectorDetail(type, exactConfig) : '',
      minSizeBytes: min,
      maxSizeBytes: max,
    },
  };
}

/** Fields a save refuses: a name or policy Python's `from_config` would reject (config errors: see configBlocks). */
const blocking: readonly ConnectorDraftField[] = ['name', 'connectorPath', 'priority', 'hostPattern', 'minSize', 'maxSize', 'subsetTags', 'supersetTags'];

export interface DraftOptions {
  readonly hostname: string;
  readonly factories?: ConnectorFactories;
  /** The saved entries: unchanged configs are taken from them exactly. */
  readonly previous?: readonly (readonly [string, ConnectorPolicyConfig])[];
}

export function checkDrafts(drafts: readonly ConnectorDraft[], options: DraftOptions): ConnectorsCheck {
  const factories = options.factories ?? defaultConnectorFactories;
  const analyses = drafts.map((d, i) => analyze(d, i, drafts, options.hostname, factories, options.previous ?? []));
  const connectors = analyses.map((a) => a.check);
  const ok = analyses.every((a) => blocking.every((f) => a.check.messages[f] === undefined) && !a.configBlocks);
  return { hostname: options.hostname, connectors, table: [], ok };
}

/** ProxyStore entries for the drafts, exact; refuses drafts whose name or policy cannot be saved. */
export function entriesFromDrafts(drafts: readonly ConnectorDraft[], options: DraftOptions): [string, ConnectorPolicyConfig][] {
  const factories = options.factories ?? defaultConnectorFactories;
  const analyses = drafts.map((d, i) => analyze(d, i, drafts, options.hostname, factories, options.previous ?? []));
  const problems = analyses.flatMap((a, i) => {
    const label = drafts[i]?.name || `connector ${i + 1}`;
    const fields = [...blocking, 'config' as const].filter((f) => a.check.messages[f] !== undefined);
    return fields.filter((f) => f !== 'config' || a.configBlocks).map((f) => `${label}: ${a.check.messages[f] ?? ''}`);
  });
  if (problems.length > 0) throw new ConnectorConfigError(`The connectors cannot be saved: ${problems.join('; ')}`);
  return analyses.map((a, i) => {
    const draft = drafts[i] as ConnectorDraft;
    return [draft.name, [draft.connectorPath, a.exactConfig as ExactJsonObject, (a.policy as Policy).asExactJson()]];
  });
}

/** Parsed entries (as from parseMultiConfig) of a list of ProxyStore entries. */
export function parsedOfEntries(entries: readonly (readonly [string, ConnectorPolicyConfig])[]) {
  const body = entries.map(([name, entry]) => `${JSON.stringify(name)}:${stringifyExactJson(entry as unknown as ExactJson, 0)}`);
  return parseMultiConfig(parseExactJson(`{${body.join(',')}}`));
}

// ---------------------------------------------------------------------------------------------
// Routing

export function readRouteQuery(query: RouteQueryInput): { sizeBytes: bigint | null; error: string | null } {
  const bytes = parseByteSize(query.size);
  if (bytes === null) return { sizeBytes: null, error: `Object size: ${SIZE_HELP}` };
  return { sizeBytes: BigInt(bytes), error: null };
}

export function routeView(result: RouteResult, sizeBytes: bigint): RouteView {
  const chosen = result.candidates.find((c) => c.status === 'chosen');
  return {
    chosen: result.chosen,
    chosenType: chosen ? connectorTypeOf(chosen.connectorPath) : null,
    candidates: result.candidates.map((c) => ({ ...c, reasons: [...c.reasons] })),
    message: result.message,
    sizeBytes: sizeBytes.toString(),
    error: null,
  };
}

export function routeError(error: string, sizeBytes: bigint | null = null): RouteView {
  return { chosen: null, chosenType: null, candidates: [], message: error, sizeBytes: sizeBytes === null ? null : sizeBytes.toString(), error };
}

/** A MultiConnector that only knows policies and connector paths: enough for `route()`. */
export function routingOnlyMultiConnector(drafts: readonly ConnectorDraft[], options: DraftOptions): MultiConnector {
  const factories = options.factories ?? defaultConnectorFactories;
  const analyses = drafts.map((d, i) => analyze(d, i, drafts, options.hostname, factories, options.previous ?? []));
  const active: [string, Connector, Policy][] = [];
  const dormant: DormantConnector[] = [];
  const seen = new Set<string>();
  analyses.forEach((a, i) => {
    const draft = drafts[i] as ConnectorDraft;
    if (!a.policy || seen.has(draft.name)) return;
    seen.add(draft.name);
    const config: ConnectorPolicyConfig = [draft.connectorPath, a.exactConfig ?? {}, a.policy.asExactJson()];
    if (a.check.dormantReason !== null) {
      dormant.push({ name: draft.name, config, policy: a.policy, reason: a.check.dormantReason, warning: a.check.warning });
    } else {
      active.push([draft.name, { connectorPath: draft.connectorPath } as Connector, a.policy]);
    }
  });
  return new MultiConnector(active, dormant, { hostname: () => options.hostname });
}

/** Reads a size query and routes it through `multi`. */
export function routeQuery(multi: MultiConnector, query: RouteQueryInput): RouteView {
  const { sizeBytes, error } = readRouteQuery(query);
  if (sizeBytes === null) return routeError(error ?? 'unreadable size');
  return routeView(multi.route({ sizeBytes, subsetTags: query.subsetTags, supersetTags: query.supersetTags }), sizeBytes);
}
