/**
 * Contract slice: Globus sign-in (browser or pasted code), consent and sign-out. Tokens never cross it.
 * Channels are named `account:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import { accountStates, type AccountStatus } from '../account';
import type { Transport } from '../api-client';
import { globusIdSchema } from '../ids';
import type { Listener, Unsubscribe } from '../ipc-contract';

const noArgs = z.tuple([]);
/** A resource server's own scope (not a data_access scope: those hang under Transfer's). */
const resourceScopeSchema = z
  .string()
  .trim()
  .max(300)
  .regex(/^https:\/\/auth\.globus\.org\/scopes\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/[A-Za-z0-9_.:-]+$/i, 'must be a resource-server scope such as https://auth.globus.org/scopes/<uuid>/relay_all')
  .refine((scope) => !/\/data_access$/i.test(scope), 'a data_access scope is granted per collection (account:add-consent), not here');
const signInOptions = z.object({ collections: z.array(globusIdSchema).max(50).optional() }).strict();

export const accountInvoke = {
  'account:get-status': { args: noArgs },
  'account:sign-in': { args: z.tuple([signInOptions]) },
  'account:begin-paste-sign-in': { args: z.tuple([signInOptions]) },
  'account:complete-paste-sign-in': { args: z.tuple([z.string().trim().min(1, 'paste the code Globus showed you').max(2048)]) },
  'account:cancel-sign-in': { args: noArgs },
  'account:add-consent': { args: z.tuple([z.array(globusIdSchema).min(1).max(50)]) },
  /** Consent to another resource server's scope, such as ProxyStore's relay (`https://auth.globus.org/scopes/<uuid>/<name>`). */
  'account:add-scope-consent': { args: z.tuple([z.array(resourceScopeSchema).min(1).max(10)]) },
  'account:sign-out': { args: noArgs },
} as const satisfies Record<`account:${string}`, { readonly args: z.ZodTuple }>;

export interface AccountResults {
  'account:get-status': AccountStatus;
  'account:sign-in': AccountStatus;
  'account:begin-paste-sign-in': { readonly url: string };
  'account:complete-paste-sign-in': AccountStatus;
  'account:cancel-sign-in': AccountStatus;
  'account:add-consent': AccountStatus;
  'account:add-scope-consent': AccountStatus;
  'account:sign-out': AccountStatus;
}

const text = z.string().max(10_000);
export const accountStatusSchema = z.object({
  state: z.enum(accountStates),
  identity: z.object({ sub: text, username: text.nullable(), name: text.nullable(), email: text.nullable() }).nullable(),
  accessTokenExpiresAt: z.number().nullable(),
  consentedCollections: z.array(text).readonly(),
  secretStorage: z.enum(['os-keychain', 'file-0600']),
  loginUrl: text.nullable(),
  pendingLogin: z.object({ mode: z.enum(['browser', 'paste']), url: text, collections: z.array(text).readonly() }).nullable(),
  message: text.nullable(),
  refreshTokenWarning: text.nullable(),
  refreshTokenUsedAt: z.number().nullable(),
  environment: z.enum(['production', 'custom']),
}) satisfies z.ZodType<AccountStatus>;

export const accountEvents = {
  'account:status': accountStatusSchema,
} as const satisfies Record<`account:${string}`, z.ZodType>;

export interface AccountApi {
  getStatus(): Promise<AccountStatus>;
  /** Starts the browser sign-in; progress arrives through `onStatus`. */
  signIn(options?: { collections?: readonly string[] }): Promise<AccountStatus>;
  beginPasteSignIn(options?: { collections?: readonly string[] }): Promise<{ readonly url: string }>;
  completePasteSignIn(code: string): Promise<AccountStatus>;
  cancelSignIn(): Promise<AccountStatus>;
  addConsent(collectionIds: readonly string[]): Promise<AccountStatus>;
  /** Signs in again consenting to these resource-server scopes too (e.g. ProxyStore's relay). */
  addScopeConsent(scopes: readonly string[]): Promise<AccountStatus>;
  signOut(): Promise<AccountStatus>;
  onStatus(listener: Listener<AccountStatus>): Unsubscribe;
}

export function createAccountApi(t: Transport): AccountApi {
  const options = (o: { collections?: readonly string[] }) => ({ ...o, collections: o.collections ? [...o.collections] : undefined });
  return {
    getStatus: () => t.invoke('account:get-status', []),
    signIn: (o = {}) => t.invoke('account:sign-in', [options(o)]),
    beginPasteSignIn: (o = {}) => t.invoke('account:begin-paste-sign-in', [options(o)]),
    completePasteSignIn: (code) => t.invoke('account:complete-paste-sign-in', [code]),
    cancelSignIn: () => t.invoke('account:cancel-sign-in', []),
    addConsent: (ids) => t.invoke('account:add-consent', [[...ids]]),
    addScopeConsent: (scopes) => t.invoke('account:add-scope-consent', [scopes as string[]]),
    signOut: () => t.invoke('account:sign-out', []),
    onStatus: (listener) => t.subscribe('account:status', listener),
  };
}
