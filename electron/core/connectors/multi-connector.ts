/**
 * ProxyStore's MultiConnector (seed 001): named connectors with policies, tried in priority
 * order (higher first; ties keep insertion order), dormant connectors kept only as their config,
 * MultiKey(connector_name, connector_key), MultiConnectorError when nothing fits.
 */
import type { RouteCandidateView } from '../../../shared/contract/connectors';
import { stat } from 'node:fs/promises';
import type { Connector, PutConstraints, PutFileOptions, StreamOptions } from './connector';
import type { ExactJsonObject } from './exact-json';
import { currentHostname } from './host';
import type { ConnectorKey, MultiKey } from './keys';
import { expectKey } from './keys';
import type { Policy } from './policy';
import type { ErrorKind } from '../../../shared/errors';

export const MULTI_CONNECTOR_PATH = 'proxystore.connectors.multi.MultiConnector';

/** `(connector_path, connector_config, policy_dict)`: ProxyStore's ConnectorPolicyConfig. */
export type ConnectorPolicyConfig = readonly [connectorPath: string, connectorConfig: ExactJsonObject, policyDict: ExactJsonObject];

export type DormantReason = 'host' | 'unsupported' | 'error';

/** A connector kept only as its configuration: unused here, round-tripped in config(). */
export interface DormantConnector {
  readonly name: string;
  readonly config: ConnectorPolicyConfig;
  /** Parsed policy, or null when the policy itself could not be read. */
  readonly policy: Policy | null;
  readonly reason: DormantReason;
  /** What a person should know (why it is dormant beyond a host mismatch). */
  readonly warning: string | null;
}

export interface ActiveConnector {
  readonly name: string;
  readonly connector: Connector;
  readonly policy: Policy;
}

export class MultiConnectorError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'refused';
  constructor(message: string) {
    super(message);
    this.name = 'MultiConnectorError';
  }
}

/** One connector's verdict for an object: the contract's shape (shared/contract/connectors.ts). */
export type RouteCandidate = RouteCandidateView;

/** What `put` would do for an object: plain JSON for the route tester. */
export interface RouteResult {
  readonly chosen: string | null;
  readonly candidates: readonly RouteCandidate[];
  readonly message: string;
}

export interface RouteQuery {
  readonly sizeBytes: number | bigint;
  readonly subsetTags?: Iterable<string>;
  readonly supersetTags?: Iterable<string>;
}

function pyTuple(tags: readonly string[]): string {
  // Python's repr of the tags as MultiConnector.put formats them.
  if (tags.length === 1) return `('${tags[0]}',)`;
  return `(${tags.map((t) => `'${t}'`).join(', ')})`;
}

/** What the route tester and Stage say when the connector ProxyStore would pick cannot run here. */
export function unrunnableMessage(name: string): string {
  return `ProxyStore would send this to '${name}' (not runnable in Ferry)`;
}

export class MultiConnector implements Connector<MultiKey> {
  readonly connectorPath = MULTI_CONNECTOR_PATH;
  private readonly active = new Map<string, ActiveConnector>();
  private readonly dormantByName = new Map<string, DormantConnector>();
  /** Every name, active or dormant, in the order they were given. */
  private readonly order: string[] = [];
  private readonly byPriority: string[];
  private readonly hostname: () => string;

  constructor(
    connectors: Iterable<readonly [name: string, connector: Connector, policy: Policy]>,
    dormant: Iterable<DormantConnector> = [],
    options: { readonly hostname?: () => string; readonly order?: readonly string[] } = {},
  ) {
    this.hostname = options.hostname ?? currentHostname;
    for (const [name, connector, policy] of connectors) {
      if (this.active.has(name)) throw new MultiConnectorError(`Connector name ${JSON.stringify(name)} is used twice`);
      this.active.set(name, { name, connector, policy });
      this.order.push(name);
    }
    for (const d of dormant) {
      if (this.active.has(d.name) || this.dormantByName.has(d.name)) {
        throw new MultiConnectorError(`Connector name ${JSON.stringify(d.name)} is used twice`);
      }
      this.dormantByName.set(d.name, d);
      this.order.push(d.name);
    }
    if (options.order) {
      const wanted = options.order.filter((n) => this.active.has(n) || this.dormantByName.has(n));
      const rest = this.order.filter((n) => !wanted.includes(n));
      this.order.splice(0, this.order.length, ...wanted, ...rest);
    }
    // Python instantiates every connector whose host matches, Redis or a custom class alike, so
    // those Ferry cannot run still take part in routing (in their insertion place), only as
    // "ProxyStore would send this there". Array.prototype.sort is stable: equal priorities keep
    // insertion order, as Python's sorted.
    const routed = this.order.filter((n) => this.active.has(n) || this.unrunnable(n) !== undefined);
    this.byPriority = routed.sort((a, b) => this.priorityOf(b) - this.priorityOf(a));
  }

  /** A dormant connector ProxyStore would route to: its host matches, Ferry cannot run its type. */
  private unrunnable(name: string): (DormantConnector & { readonly policy: Policy }) | undefined {
    const d = this.dormantByName.get(name);
    return d && d.reason === 'unsupported' && d.policy !== null ? (d as DormantConnector & { readonly policy: Policy }) : undefined;
  }

  private priorityOf(name: string): number {
    return this.active.get(name)?.policy.priority ?? this.unrunnable(name)?.policy.priority ?? 0;
  }

  /** Names of active connectors from highest to lowest priority. */
  get connectorsByPriority(): readonly string[] {
    return this.byPriority.filter((n) => this.active.has(n));
  }

  get connectors(): readonly ActiveConnector[] {
    return this.order.flatMap((n) => {
      const c = this.active.get(n);
      return c ? [c] : [];
    });
  }

  get dormantConnectors(): readonly DormantConnector[] {
    return this.order.flatMap((n) => {
      const d = this.dormantByName.get(n);
      return d ? [d] : [];
    });
  }

  /** All names, active and dormant, in their configured order. */
  get names(): readonly string[] {
    return [...this.order];
  }

  connector(name: string): Connector | undefined {
    return this.active.get(name)?.connector;
  }

  /** The connector a put of this size and these tags goes to, with every candidate's verdict. */
  route(query: RouteQuery): RouteResult {
    const host = this.hostname();
    const subset = [...(query.subsetTags ?? [])];
    const superset = [...(query.supersetTags ?? [])];
    let chosen: string | null = null;
    let elsewhere: string | null = null;
    const candidates: RouteCandidate[] = [];
    for (const name of this.byPriority) {
      const c = this.active.get(name);
      const u = c ? undefined : this.unrunnable(name);
      const policy = c?.policy ?? u?.policy;
      if (!policy) continue;
      const reasons = policy.explain({ sizeBytes: query.sizeBytes, subsetTags: subset, supersetTags: superset }, host);
      if (u) {
        // Python would use it like any other; Ferry can only say so.
        const first = reasons.length === 0 && chosen === null && elsewhere === null;
        if (first) elsewhere = name;
        const why = first ? unrunnableMessage(name) : `not runnable in Ferry: ${u.warning ?? u.config[0]}`;
        candidates.push({ name, priority: policy.priority, connectorPath: u.config[0], status: 'dormant', reasons: [...reasons, why] });
        continue;
      }
      let status: RouteCandidate['status'] = reasons.length > 0 ? 'invalid' : 'valid';
      if (status === 'valid' && chosen === null && elsewhere === null) {
        chosen = name;
        status = 'chosen';
      }
      candidates.push({ name, priority: policy.priority, connectorPath: c?.connector.connectorPath ?? '', status, reasons });
    }
    for (const d of this.dormantConnectors) {
      if (this.unrunnable(d.name)) continue;
      const why =
        d.reason === 'host' ? `dormant: host ${host} does not match host_pattern` : `dormant: ${d.warning ?? d.reason}`;
      candidates.push({ name: d.name, priority: d.policy?.priority ?? 0, connectorPath: d.config[0], status: 'dormant', reasons: [why] });
    }
    const message =
      elsewhere !== null
        ? unrunnableMessage(elsewhere)
        : chosen === null
        ? 'No connector policy was suitable for the constraints: ' +
          `subset_tags=${pyTuple(subset)}, superset_tags=${pyTuple(superset)}.`
        : `would go to ${chosen}`;
    return { chosen, candidates, message };
  }

  private choose(sizeBytes: number | bigint, constraints: PutConstraints): ActiveConnector {
    const subset = [...(constraints.subsetTags ?? [])];
    const superset = [...(constraints.supersetTags ?? [])];
    const host = this.hostname();
    for (const name of this.byPriority) {
      const c = this.active.get(name);
      const policy = c?.policy ?? this.unrunnable(name)?.policy;
      if (!policy?.isValid({ sizeBytes, subsetTags: subset, supersetTags: superset }, host)) continue;
      if (c) return c;
      // Quietly choosing a lower connector would put the object where Python would not look.
      throw new MultiConnectorError(unrunnableMessage(name));
    }
    throw new MultiConnectorError(
      'No connector policy was suitable for the constraints: ' +
        `subset_tags=${pyTuple(subset)}, superset_tags=${pyTuple(superset)}.`,
    );
  }

  private connectorFor(key: MultiKey): Connector {
    const k = expectKey(key, 'multi', 'MultiConnector');
    const c = this.active.get(k.connectorName);
    if (c) return c.connector;
    const printable = `MultiKey(connector_name='${k.connectorName}')`;
    if (this.dormantByName.has(k.connectorName)) throw new MultiConnectorError(`The connector associated with ${printable} is dormant.`);
    throw new MultiConnectorError(`The connector which created ${printable} does not exist.`);
  }

  async put(data: Uint8Array, constraints: PutConstraints = {}): Promise<MultiKey> {
    const c = this.choose(data.byteLength, constraints);
    const key: ConnectorKey = await c.connector.put(data);
    return { kind: 'multi', connectorName: c.name, connectorKey: key };
  }

  /** Like ProxyStore: each object is routed on its own, so a batch may span connectors. */
  async putBatch(data: readonly Uint8Array[], constraints: PutConstraints = {}): Promise<MultiKey[]> {
    const keys: MultiKey[] = [];
    for (const d of data) keys.push(await this.put(d, constraints));
    return keys;
  }

  async putFile(path: string, options: PutFileOptions = {}): Promise<MultiKey> {
    const size = (await stat(path)).size;
    const c = this.choose(size, options);
    const key: ConnectorKey = await c.connector.putFile(path, options);
    return { kind: 'multi', connectorName: c.name, connectorKey: key };
  }

  async get(key: MultiKey): Promise<Uint8Array | null> {
    return this.connectorFor(key).get(key.connectorKey);
  }

  async getBatch(keys: readonly MultiKey[]): Promise<(Uint8Array | null)[]> {
    const out: (Uint8Array | null)[] = [];
    for (const k of keys) out.push(await this.get(k));
    return out;
  }

  async getToFile(key: MultiKey, path: string, options: StreamOptions = {}): Promise<boolean> {
    return this.connectorFor(key).getToFile(key.connectorKey, path, options);
  }

  async exists(key: MultiKey): Promise<boolean> {
    return this.connectorFor(key).exists(key.connectorKey);
  }

  async evict(key: MultiKey): Promise<void> {
    await this.connectorFor(key).evict(key.connectorKey);
  }

  /** Closes every active connector (ProxyStore passes no clear; Ferry forwards it when given). */
  async close(clear?: boolean): Promise<void> {
    for (const c of this.connectors) await c.connector.close(clear);
  }

  /** One entry per connector, active or dormant, in order. */
  configEntries(): [string, ConnectorPolicyConfig][] {
    return this.order.map((name) => {
      const c = this.active.get(name);
      if (c) return [name, [c.connector.connectorPath, c.connector.config(), c.policy.asExactJson()]];
      const d = this.dormantByName.get(name) as DormantConnector;
      return [name, d.config];
    });
  }

  /** `{name: [connector_path, connector_config, policy_dict]}` as Python's config(). */
  config(): ExactJsonObject {
    const out: Record<string, ConnectorPolicyConfig> = {};
    for (const [name, entry] of this.configEntries()) {
      Object.defineProperty(out, name, { value: entry, enumerable: true, writable: true, configurable: true });
    }
    return out as unknown as ExactJsonObject;
  }
}
