import type { CollectionDetails } from '../../../shared/collections';
import { needsDataAccess, type CollectionPolicy } from '../globus';

/** Roles that let a person manage a collection (its access rules, its settings). */
const MANAGING_ROLES = ['administrator', 'access_manager', 'activity_manager'];

/** A collection document as the details panel shows it (plain JSON, no tokens). */
export function collectionDetails(p: CollectionPolicy, consented: readonly string[] = []): CollectionDetails {
  return {
    id: p.id,
    displayName: p.displayName,
    entityType: p.entityType,
    ownerString: p.ownerString,
    youManage: p.myEffectiveRoles.some((r) => MANAGING_ROLES.includes(r)),
    highAssurance: p.highAssurance,
    loginTimeoutMinutes: p.authenticationTimeoutMins,
    defaultDirectory: p.defaultDirectory,
    consent: !needsDataAccess(p) ? 'not-needed' : consented.some((id) => id.toLowerCase() === p.id.toLowerCase()) ? 'granted' : 'needed',
    ...p.about,
  };
}
