/**
 * Contract slice: sharing folders of the guest collections a person manages (issue 15).
 * Channels are named `sharing:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 *
 * An access rule (Globus Transfer's "access" document) gives an identity or a group read or
 * read-write access to a path of a guest collection, optionally until an expiry date. Everything
 * here is plain readonly JSON; dates are ISO 8601 strings.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import type { InvokeArgs } from '../ipc-contract';
import { globusIdSchema, UUID_PATTERN } from '../ids';

export const sharingPermissions = ['r', 'rw'] as const;
export type SharingPermission = (typeof sharingPermissions)[number];

/** Who a rule gives access to (Transfer's `principal_type`). */
export const sharingPrincipalTypes = ['identity', 'group', 'all_authenticated_users', 'anonymous'] as const;
export type SharingPrincipalType = (typeof sharingPrincipalTypes)[number];

/** How close a rule is to its expiry: `expired` rules no longer give access. */
export const sharingExpiryStates = ['none', 'ok', 'expiring', 'expired'] as const;
export type SharingExpiryState = (typeof sharingExpiryStates)[number];

/** A guest collection whose access rules this person may manage. */
export interface SharedCollection {
  readonly id: string;
  readonly name: string;
  /** `GCSv5_guest_collection` or `GCP_guest_collection`. */
  readonly entityType: string;
  readonly owner: string | null;
  /** The folder of the host collection it shares, when Globus tells. */
  readonly hostPath: string | null;
  /** The longest expiry the collection allows for a rule, in minutes; null: no limit. */
  readonly maxExpiryMinutes: number | null;
}

export interface SharingRule {
  readonly id: string;
  readonly collectionId: string;
  readonly principalType: SharingPrincipalType;
  /** The identity or group id ('' for all users / anonymous). */
  readonly principal: string;
  /** Who it is, for people: an identity's username or name, a group's name, "All Globus users". */
  readonly principalName: string;
  readonly path: string;
  readonly permissions: SharingPermission;
  /** ISO date, null when the rule never expires. */
  readonly expiresAt: string | null;
  readonly expiry: SharingExpiryState;
  /** A role (administrator, access manager) made this rule: it cannot be edited here. */
  readonly fromRole: boolean;
  readonly createdAt: string | null;
}

export interface SharingRuleList {
  readonly collection: SharedCollection;
  readonly rules: readonly SharingRule[];
  /** The alerts setting used to mark rules as expiring. */
  readonly warnDaysBefore: number;
  readonly checkedAt: string;
}

export interface SharingIdentity {
  readonly id: string;
  readonly username: string;
  readonly name: string | null;
  readonly email: string | null;
}

export interface SharingGroup {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
}

export interface SharingGroupSearch {
  readonly groups: readonly SharingGroup[];
  /**
   * False when Ferry's sign-in has no Groups access (it was granted before Ferry asked for it):
   * only a pasted group id works until the person signs in again.
   */
  readonly listable: boolean;
}

/** An ISO date (or date-time) in the future, or null for "never". Checked again in core. */
const expirySchema = z
  .string()
  .trim()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'the expiry must be a date such as 2027-01-31')
  .nullable();

const sharePathSchema = z
  .string()
  .trim()
  .min(1, 'choose the folder to share')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => p.startsWith('/'), 'the folder starts with / (the root of the guest collection)')
  .refine((p) => p.endsWith('/'), 'the folder ends with / (Globus shares folders)')
  .refine((p) => !p.includes('\u0000'), 'path may not contain NUL');

/** Who to share with: a username or e-mail (resolved by Globus Auth), or a group. */
export const sharingRecipientSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('identity'), username: z.string().trim().min(1, 'enter a Globus username or e-mail').max(320) }).strict(),
  z.object({ kind: z.literal('identity-id'), id: globusIdSchema }).strict(),
  z.object({ kind: z.literal('group'), id: globusIdSchema }).strict(),
]);
export type SharingRecipient = z.input<typeof sharingRecipientSchema>;

export const sharingAddRequestSchema = z
  .object({
    collectionId: globusIdSchema,
    recipient: sharingRecipientSchema,
    path: sharePathSchema,
    permissions: z.enum(sharingPermissions, 'permissions are r (read) or rw (read and write)'),
    expiresAt: expirySchema.optional(),
    /** Globus e-mails this address about the new access, when given. */
    notifyEmail: z.email('enter an e-mail address').max(320).optional(),
  })
  .strict();
export type SharingAddRequest = z.input<typeof sharingAddRequestSchema>;

const ruleIdSchema = z.string().trim().min(1).max(100);
const noArgs = z.tuple([]);

export const sharingInvoke = {
  'sharing:list-collections': { args: noArgs },
  'sharing:list-rules': { args: z.tuple([globusIdSchema]) },
  'sharing:find-identities': { args: z.tuple([z.string().trim().min(1).max(320)]) },
  'sharing:find-groups': { args: z.tuple([z.string().trim().max(200)]) },
  'sharing:add-rule': { args: z.tuple([sharingAddRequestSchema]) },
  'sharing:remove-rule': { args: z.tuple([globusIdSchema, ruleIdSchema]) },
  'sharing:set-expiry': { args: z.tuple([globusIdSchema, ruleIdSchema, expirySchema]) },
} as const satisfies Record<`sharing:${string}`, { readonly args: z.ZodTuple }>;

export interface SharingResults {
  'sharing:list-collections': readonly SharedCollection[];
  'sharing:list-rules': SharingRuleList;
  'sharing:find-identities': readonly SharingIdentity[];
  'sharing:find-groups': SharingGroupSearch;
  'sharing:add-rule': SharingRule;
  'sharing:remove-rule': { readonly removed: true };
  'sharing:set-expiry': SharingRule;
}

export const sharingEvents = {} as const satisfies Record<`sharing:${string}`, z.ZodType>;

/** True for what a person may paste as a group: a bare UUID. */
export function looksLikeGroupId(text: string): boolean {
  return UUID_PATTERN.test(text.trim());
}

export interface SharingApi {
  listCollections(): Promise<readonly SharedCollection[]>;
  listRules(collectionId: string): Promise<SharingRuleList>;
  /** Globus identities for a username or e-mail (exact match, as Globus Auth looks them up). */
  findIdentities(usernameOrEmail: string): Promise<readonly SharingIdentity[]>;
  /** The person's groups whose name contains the text (all of them for ''); a pasted UUID finds that group. */
  findGroups(text: string): Promise<SharingGroupSearch>;
  addRule(request: SharingAddRequest): Promise<SharingRule>;
  removeRule(collectionId: string, ruleId: string): Promise<{ readonly removed: true }>;
  /** Sets (an ISO date) or clears (null) a rule's expiry. */
  setExpiry(collectionId: string, ruleId: string, expiresAt: string | null): Promise<SharingRule>;
}

export function createSharingApi(t: Transport): SharingApi {
  return {
    listCollections: () => t.invoke('sharing:list-collections', []),
    listRules: (id) => t.invoke('sharing:list-rules', [id]),
    findIdentities: (text) => t.invoke('sharing:find-identities', [text]),
    findGroups: (text) => t.invoke('sharing:find-groups', [text]),
    // Sent as it is: the host checks it (a malformed request is refused there, never here).
    addRule: (request) => t.invoke('sharing:add-rule', [request as InvokeArgs<'sharing:add-rule'>[0]]),
    removeRule: (collectionId, ruleId) => t.invoke('sharing:remove-rule', [collectionId, ruleId]),
    setExpiry: (collectionId, ruleId, expiresAt) => t.invoke('sharing:set-expiry', [collectionId, ruleId, expiresAt]),
  };
}
