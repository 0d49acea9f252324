import { join } from 'node:path';
import type { connectorsInvoke, PutProgress } from '../../../shared/contract/connectors';
import type { GlobusAuth, Submitter, TransferService } from '../globus';
import type { Capability, EventBus } from '../kernel';
import { isUuid } from './globus-endpoints';
import { ConnectorsWorkspace } from './workspace';

export type ConnectorsChannel = keyof typeof connectorsInvoke;

export interface ConnectorsCapabilityOptions {
  /** This machine's name as host patterns see it (tests pass their own). */
  readonly hostname?: () => string;
  /** Least time between two progress events of one staged file (ms). */
  readonly progressIntervalMs?: number;
}

/**
 * Wires the `connectors:*` channels to the connectors workspace: the person's GlobusEndpoints and
 * MultiConnector config (ProxyStore JSON in `<state>/connectors`), routing, and staged puts.
 */
/** What this capability needs from the composition root. */
export interface ConnectorsDeps {
  /** Where this run keeps databases and state (the data-folder setting at start). */
  readonly stateDir: string;
  readonly bus: EventBus;
  readonly auth: GlobusAuth;
  readonly transfer: TransferService;
  /** The one submit path: GlobusConnector puts go through it, so Activity records them. */
  readonly submitter?: Submitter;
  readonly env: NodeJS.ProcessEnv;
}

export function createConnectorsCapability(deps: ConnectorsDeps, options: ConnectorsCapabilityOptions = {}): Capability<ConnectorsChannel> & { dispose(): Promise<void> } {
  const signedIn = () => deps.auth.status().state === 'signed-in';
  const workspace = new ConnectorsWorkspace({
    dir: join(deps.stateDir, 'connectors'),
    downloadsDir: join(deps.stateDir, 'downloads'),
    transfer: deps.transfer,
    ...(deps.submitter ? { submitter: deps.submitter } : {}),
    isSignedIn: signedIn,
    env: deps.env,
    ...(options.hostname ? { hostname: options.hostname } : {}),
    ...(options.progressIntervalMs !== undefined ? { progressIntervalMs: options.progressIntervalMs } : {}),
    onKeysChanged: (keys) => deps.bus.emit('connectors:keys-changed', keys),
  });
  const progress = (p: PutProgress) => deps.bus.emit('connectors:put-progress', p);

  return {
    handlers: {
      'connectors:host-info': async () => ({ hostname: workspace.hostname() }),

      'connectors:globus-endpoints-get': () => workspace.endpointsState(),
      'connectors:globus-endpoints-check': async (rows) => workspace.checkEndpoints(rows),
      'connectors:globus-endpoints-save': (rows) => workspace.saveEndpoints(rows),
      'connectors:globus-endpoints-import': (source) => workspace.importEndpoints(source),
      'connectors:globus-endpoints-export': (target) => workspace.exportEndpoints(target),
      'connectors:collection-names': async (uuids) => {
        if (!signedIn()) return { signedIn: false, names: {} };
        const names: Record<string, string | null> = {};
        await Promise.all(
          [...new Set(uuids)].filter(isUuid).map(async (uuid) => {
            try {
              names[uuid] = (await deps.transfer.getCollection(uuid)).display_name ?? null;
            } catch {
              names[uuid] = null;
            }
          }),
        );
        return { signedIn: true, names };
      },

      'connectors:get': () => workspace.connectorsState(),
      'connectors:check': async (drafts) => workspace.checkDrafts(drafts),
      'connectors:save': (drafts) => workspace.saveDrafts(drafts),
      'connectors:import': (source) => workspace.importConfig(source),
      'connectors:export': (target) => workspace.exportConfig(target),
      'connectors:route': (query, drafts) => workspace.route(query, drafts),

      'connectors:stage-inspect': (paths, tags) => workspace.inspect(paths, tags),
      'connectors:put': (items, tags) => workspace.put(items, tags, progress),
      'connectors:keys': async () => workspace.listKeys(),
      'connectors:key-exists': async (id) => ({ exists: await workspace.exists(id) }),
      'connectors:get-to-file': (id, destination) => workspace.getToFile(id, destination),
      'connectors:evict': (id) => workspace.evict(id),
    },
    dispose: () => workspace.close(),
  };
}
