/**
 * Globus Transfer `filter_rules`, evaluated the way Globus does: the rules are tried in order on an
 * entry's name; the first whose `type` fits (absent: files and folders) and whose shell-style glob
 * matches decides; when none matches, the entry is included. Pure: used by Ferry's mirror preview
 * and by the Globus emulator.
 */

/** One of Globus' `filter_rules`: an fnmatch glob on a name, for files, folders or both (`type` absent). */
export interface GlobusFilterRule {
  readonly method: 'include' | 'exclude';
  readonly name: string;
  readonly type?: 'file' | 'dir';
}

export type FilterEntryType = 'file' | 'dir';

/** An fnmatch glob (`*`, `?`, `[...]`, `[!...]`) as a whole-name regular expression. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      // As in fnmatch, a `]` right after `[` or `[!` belongs to the set.
      let from = i + 1;
      if (glob[from] === '!') from += 1;
      if (glob[from] === ']') from += 1;
      const end = glob.indexOf(']', from);
      if (end < 0) out += '\\[';
      else {
        const raw = glob.slice(i + 1, end);
        const negated = raw.startsWith('!');
        const body = (negated ? raw.slice(1) : raw).replace(/[\\\]^]/g, '\\$&');
        out += `[${negated ? '^' : ''}${body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

/** Whether Globus includes an entry: the first rule that fits its type and matches its name decides; none: included. */
export function passesFilterRules(rules: readonly GlobusFilterRule[], name: string, type: FilterEntryType): boolean {
  for (const rule of rules) {
    if (rule.type !== undefined && rule.type !== type) continue;
    if (globToRegExp(rule.name).test(name)) return rule.method === 'include';
  }
  return true;
}

/**
 * A walked tree (entries by `/`-separated path relative to its root, parents before children)
 * without what the rules exclude, nor anything below an excluded folder.
 */
export function filterTree<T extends { readonly rel: string; readonly isDir: boolean }>(tree: readonly T[], rules: readonly GlobusFilterRule[]): T[] {
  if (rules.length === 0) return [...tree];
  const out: T[] = [];
  const dropped: string[] = [];
  for (const entry of tree) {
    if (dropped.some((d) => entry.rel.startsWith(`${d}/`))) continue;
    const name = entry.rel.slice(entry.rel.lastIndexOf('/') + 1);
    if (passesFilterRules(rules, name, entry.isDir ? 'dir' : 'file')) out.push(entry);
    else if (entry.isDir) dropped.push(entry.rel);
  }
  return out;
}
