/**
 * Filter rules and mirror deletes of the task engine. The rule matching itself is shared with
 * Ferry's mirror preview (`shared/globus-filter-rules`).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { filterTree, globToRegExp, passesFilterRules, type GlobusFilterRule } from '../../shared/globus-filter-rules';
import { statOrNull, walkTree } from './fs-ops';

/** One of Globus' `filter_rules`: an fnmatch glob on a name, for files, folders or both (`type` absent). */
export type FilterRule = GlobusFilterRule;

/**
 * Whether Globus transfers an entry found below a recursive item (`passesFilter`): the rules are
 * tried in order on the entry's name; the first whose `type` fits and whose glob matches decides;
 * none matches: included. An excluded folder is not descended into (`filterTree`).
 */
export { filterTree, globToRegExp, passesFilterRules as passesFilter };

/**
 * delete_destination_extra: removes what the destination folder has below it that the source
 * folder does not (or has as the other type). The same filter rules apply to both sides, so an
 * excluded name at the destination is left alone.
 */
export async function deleteDestinationExtras(dstRootDisk: string, srcTree: readonly { rel: string; isDir: boolean }[], rules: readonly FilterRule[]): Promise<void> {
  const d = await statOrNull(dstRootDisk);
  if (!d?.isDirectory()) return;
  const source = new Map(srcTree.map((e) => [e.rel, e.isDir]));
  const removed: string[] = [];
  for (const entry of filterTree(await walkTree(dstRootDisk), rules)) {
    if (removed.some((p) => entry.rel.startsWith(`${p}/`))) continue;
    if (source.get(entry.rel) === entry.isDir) continue;
    await rm(join(dstRootDisk, entry.rel), { recursive: true, force: true });
    removed.push(entry.rel);
  }
}
