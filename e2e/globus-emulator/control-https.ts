/**
 * Control routes for HTTPS access and Globus Connect Personal (`/_emulator/...`):
 * `POST /https/drop` (the next matching GET/PUT drops after N bytes), `GET /https/requests`
 * (what HTTPS access was asked, with Range headers), `POST /collections/gcp` (a Globus Connect
 * Personal collection serving this disk's paths as they are).
 */
import type { CollectionConfig } from './constants';
import { GCP_ENTITY_TYPE } from './gcp';
import { httpsDropMethods, type HttpsDropMethod, type HttpsFaults } from './https-faults';
import { HttpError } from './http-util';

export interface HttpsControl {
  readonly faults: HttpsFaults;
  /** Creates or updates a collection (database and live list). */
  readonly addCollection: (config: CollectionConfig) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Handles the route and returns what to answer, or undefined when the route is not one of these. */
export function controlHttps(c: HttpsControl, method: string, path: string, body: Record<string, unknown>): Record<string, unknown> | undefined {
  const str = (key: string): string | undefined => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  if (method === 'GET' && path === '/https/requests') return { requests: [...c.faults.requests] };
  if (method === 'POST' && path === '/https/drop') {
    const m = str('method');
    const afterBytes = body['afterBytes'];
    if (!m || !(httpsDropMethods as readonly string[]).includes(m)) throw new HttpError(400, { code: 'BadRequest', message: `method must be one of ${httpsDropMethods.join(', ')}` });
    if (typeof afterBytes !== 'number' || !Number.isInteger(afterBytes) || afterBytes < 0) throw new HttpError(400, { code: 'BadRequest', message: 'afterBytes must be a whole number of bytes' });
    c.faults.addDrop({
      method: m as HttpsDropMethod,
      afterBytes,
      collectionId: str('collectionId')?.toLowerCase(),
      pathContains: str('pathContains'),
      ...(typeof body['count'] === 'number' ? { count: body['count'] } : {}),
    });
    return { ok: true };
  }
  if (method === 'POST' && path === '/collections/gcp') {
    const id = str('id');
    const displayName = str('displayName');
    if (!id || !UUID.test(id)) throw new HttpError(400, { code: 'BadRequest', message: 'id must be a collection id (UUID)' });
    if (!displayName) throw new HttpError(400, { code: 'BadRequest', message: 'displayName is required' });
    c.addCollection({ id, display_name: displayName, root: str('root') ?? '/', entity_type: GCP_ENTITY_TYPE, description: 'Globus Connect Personal (emulated)' });
    return { ok: true, id: id.toLowerCase() };
  }
  return undefined;
}
