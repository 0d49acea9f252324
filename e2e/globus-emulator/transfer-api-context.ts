/**
 * What the Transfer API routes share: the options of the API, the context of one request, query
 * parameter parsing, and the collection lookup and consent check every collection route makes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenInfo } from './auth';
import { transferScopeWithDataAccess } from './constants';
import type { EmulatorDatabase } from './database';
import type { TaskEngine } from './engine';
import { transferError } from './http-util';
import type { CollectionRow, TaskStore } from './state';

export interface TransferApiOptions {
  readonly db: EmulatorDatabase;
  readonly store: TaskStore;
  readonly engine: TaskEngine;
  readonly collection: (id: string) => CollectionRow | undefined;
  readonly collections: () => readonly CollectionRow[];
  readonly consentRequired: (collectionId: string) => boolean;
  /** Now on the emulator clock (ms). */
  readonly now: () => number;
  /** The collection's HTTPS server (`https_server`), or null when it has none. */
  readonly httpsServer?: (collectionId: string) => string | null;
}

/** One Transfer API request being answered. */
export interface TransferCtx {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** Path below /v0.10, e.g. `/task_list`; also the `resource` of error documents. */
  readonly resource: string;
  readonly token: TokenInfo;
}

/** An integer query parameter between 0 and `max`, or 400 ClientError.BadRequest. */
export function intParam(ctx: TransferCtx, name: string, fallback: number, max: number): number {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw transferError(400, 'ClientError.BadRequest', `Invalid ${name}: must be an integer between 0 and ${max}`, ctx.resource);
  }
  return n;
}

/** The collection `id` names (any case), or 404 EndpointNotFound. */
export function requireCollection(opts: TransferApiOptions, ctx: Pick<TransferCtx, 'resource'>, id: unknown): CollectionRow {
  const col = typeof id === 'string' ? opts.collection(id.toLowerCase()) : undefined;
  if (!col) throw transferError(404, 'EndpointNotFound', `No such collection '${String(id)}'`, ctx.resource);
  return col;
}

/** 403 ConsentRequired when the collection needs data_access consent the token lacks. */
export function requireConsent(opts: TransferApiOptions, ctx: TransferCtx, col: CollectionRow): void {
  if (!opts.consentRequired(col.id) || ctx.token.dataAccess.has(col.id)) return;
  const scopes = [transferScopeWithDataAccess(col.id)];
  const message = `Missing required data_access consent for collection '${col.display_name}' (${col.id})`;
  throw transferError(403, 'ConsentRequired', message, ctx.resource, {
    required_scopes: scopes,
    authorization_parameters: { session_message: message, required_scopes: scopes },
  });
}
