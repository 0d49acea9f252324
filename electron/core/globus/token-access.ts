import type { GlobusEnvironment } from './environment';

/**
 * How the Transfer service gets Authorization headers from the sign-in service without any
 * token becoming a public property. Reached through `tokenAccessKey`, which index.ts does not
 * export: outside this folder a GlobusAuth has no way to hand out a token.
 */
export interface TokenAccess {
  /** The Globus the tokens belong to (all calls go there). */
  environment(): GlobusEnvironment;
  /** `Bearer <token>` for a resource server, refreshed first when it is about to expire. */
  authorization(resourceServer: string): Promise<string>;
  /**
   * After a 401 with `failedHeader`: refresh (once, shared by concurrent callers) and return the
   * new header. A refused refresh moves the account to `expired` and throws `SessionExpired`.
   */
  refreshAfter401(resourceServer: string, failedHeader: string): Promise<string>;
  /** True when the sign-in holds a token for this resource server (e.g. groups.api.globus.org). */
  granted?(resourceServer: string): boolean;
}

export const tokenAccessKey: unique symbol = Symbol('ferry.globus.tokenAccess');

export interface HasTokenAccess {
  readonly [tokenAccessKey]: TokenAccess;
}
