import { join } from 'node:path';
import type { HttpsTransfer, HttpsUploadRequest, httpsTransfersInvoke } from '../../../shared/contract/https-transfers';
import type { GlobusAccess, GlobusAuth } from '../globus';
import type { Capability, Clock, EventBus } from '../kernel';
import { createHttpsEngine, type HttpsEngineOptions } from './engine';

export type HttpsChannel = keyof typeof httpsTransfersInvoke;

export interface HttpsTransfersDeps {
  /** The state folder: the list of transfers is kept in `https-transfers.json` there. */
  readonly stateDir: string;
  readonly bus: Pick<EventBus, 'emit'>;
  /** Tokens for each collection's own `https` scope. */
  readonly auth: Pick<GlobusAuth, 'tokenFor'>;
  /** Collection documents (their `https_server` and name). */
  readonly access: Pick<GlobusAccess, 'getCollectionPolicy'>;
  readonly clock?: Clock;
  /** Engine tuning (tests: retries, delays). */
  readonly engine?: Partial<Pick<HttpsEngineOptions, 'maxRunning' | 'autoRetries' | 'retryDelaysMs' | 'progressIntervalMs' | 'log'>>;
}

export interface HttpsTransfersCapability extends Capability<HttpsChannel> {
  /** Starts an upload (what `https:upload` does), for other capabilities (dropped local files). */
  upload(request: HttpsUploadRequest): Promise<HttpsTransfer>;
  /** Transfers queued or running now. */
  activeCount(): number;
  dispose(): Promise<void>;
}

/**
 * The `https:*` channels: files moved straight between this computer and a collection that
 * allows HTTPS access, with the collection's own `https` scope token. `https:upload`,
 * `https:download` and `https:resume` throw `ConsentRequired` (kind forbidden, details
 * `{ requiredScopes: [scope], collectionId }`) when the sign-in lacks that consent: grant it with
 * `account:add-scope-consent(requiredScopes)` and call again.
 */
export function createHttpsTransfersCapability(deps: HttpsTransfersDeps): HttpsTransfersCapability {
  const engine = createHttpsEngine({
    ...deps.engine,
    stateFile: join(deps.stateDir, 'https-transfers.json'),
    collection: async (id) => {
      const policy = await deps.access.getCollectionPolicy(id);
      return { displayName: policy.displayName, httpsServer: policy.about.httpsServer };
    },
    tokenFor: (scope, options) => deps.auth.tokenFor(scope, options),
    emit: (transfer) => deps.bus.emit('https:changed', transfer),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  return {
    handlers: {
      'https:upload': (request) => engine.upload(request),
      'https:download': (request) => engine.download(request),
      'https:list': () => engine.list(),
      'https:pause': (id) => engine.pause(id),
      'https:resume': (id) => engine.resume(id),
      'https:cancel': (id) => engine.cancel(id),
      'https:remove': (id) => engine.remove(id),
    },
    upload: (request) => engine.upload(request),
    activeCount: () => engine.activeCount(),
    dispose: () => engine.dispose(),
  };
}
