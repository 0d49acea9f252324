/**
 * Transfer API collections: the endpoint document, `GET /endpoint/{id}` and
 * `GET /endpoint_search`.
 */
import { EMULATOR_DEFAULT_USER } from './constants';
import { sendJson } from './http-util';
import { collectionOwner } from './transfer-api-access';
import type { CollectionRow } from './state';
import { intParam, requireCollection, type TransferApiOptions, type TransferCtx } from './transfer-api-context';

/** The collection document; `viewer` (the caller's identity id) decides `my_effective_roles`. */
export function endpointDocument(opts: TransferApiOptions, col: CollectionRow, viewer?: string): Record<string, unknown> {
  const guest = col.entity_type === 'GCSv5_guest_collection';
  const gcp = col.entity_type === 'GCP_mapped_collection';
  const owner = collectionOwner(col);
  return {
    DATA_TYPE: 'endpoint',
    id: col.id,
    display_name: col.display_name,
    canonical_name: `${EMULATOR_DEFAULT_USER.username}#${col.id}`,
    owner_id: owner,
    owner_string: col.owner_string,
    description: col.description,
    organization: EMULATOR_DEFAULT_USER.organization,
    department: null,
    keywords: null,
    contact_email: EMULATOR_DEFAULT_USER.email,
    contact_info: null,
    info_link: null,
    entity_type: col.entity_type,
    gcs_version: gcp ? null : '5.4.80',
    non_functional: false,
    high_assurance: false,
    authentication_assurance_timeout: null,
    is_globus_connect: gcp,
    // Globus Connect Personal: connected to Globus and not paused by its owner.
    ...(gcp ? { gcp_connected: true, gcp_paused: false } : {}),
    globus_connect_setup_key: null,
    host_endpoint_id: null,
    mapped_collection_id: guest ? col.mapped_collection_id : null,
    my_effective_roles: viewer === owner ? ['administrator'] : [],
    public: true,
    activated: true,
    expires_in: -1,
    default_directory: '/~/',
    force_encryption: false,
    disable_verify: false,
    acl_available: guest,
    acl_editable: guest && viewer === owner,
    local_user_info_available: true,
    network_use: 'normal',
    subscription_id: null,
    https_server: opts.httpsServer?.(col.id) ?? null,
    tlsftp_server: null,
    data_access_consent_required: opts.consentRequired(col.id),
  };
}

export function getEndpoint(opts: TransferApiOptions, ctx: TransferCtx, id: string): void {
  sendJson(ctx.res, 200, endpointDocument(opts, requireCollection(opts, ctx, id), ctx.token.sub));
}

export function searchEndpoints(opts: TransferApiOptions, ctx: TransferCtx): void {
  const q = ctx.url.searchParams;
  const limit = intParam(ctx, 'limit', 25, 100);
  const offset = intParam(ctx, 'offset', 0, 999);
  const text = (q.get('filter_fulltext') ?? '').toLowerCase().trim();
  const words = text.split(/\s+/).filter(Boolean);
  const scope = q.get('filter_scope') ?? 'all';
  const all = opts.collections().filter((col) => {
    if (scope === 'shared-with-me' || scope === 'in-use') return false;
    if (scope === 'shared-by-me' && (col.entity_type !== 'GCSv5_guest_collection' || collectionOwner(col) !== ctx.token.sub)) return false;
    const hay = `${col.display_name} ${col.description ?? ''} ${col.owner_string} ${col.id}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const page = all.slice(offset, offset + limit);
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'endpoint_list',
    length: page.length,
    limit,
    offset,
    has_next_page: offset + page.length < all.length,
    DATA: page.map((c) => endpointDocument(opts, c, ctx.token.sub)),
  });
}
