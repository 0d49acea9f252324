/**
 * `ferry sync` argument parsing: each verb names the flags it takes (a flag it does not take is a
 * usage error that says which it does), flags with a value take it as the next word or after `=`,
 * and list flags (`--include`, `--exclude`) may repeat.
 */

export const syncVerbs = ['add', 'edit', 'remove', 'pause', 'resume', 'list', 'preview', 'run', 'log', 'files', 'help'] as const;
export type SyncVerb = (typeof syncVerbs)[number];

type FlagKind = 'value' | 'list' | 'switch';

/** The settings of a job, as `add` and `edit` take them. */
const jobFlags: Readonly<Record<string, FlagKind>> = {
  '--name': 'value',
  '--source-collection': 'value',
  '--local-path': 'value',
  '--source-path': 'value',
  '--dest-collection': 'value',
  '--dest-path': 'value',
  '--every': 'value',
  '--cron': 'value',
  '--manual': 'switch',
  '--watch': 'value',
  '--full-scan': 'value',
  '--include': 'list',
  '--exclude': 'list',
  '--symlinks': 'value',
  '--sync-level': 'value',
  '--max-items': 'value',
  '--empty-dirs': 'switch',
  '--no-empty-dirs': 'switch',
  '--enabled': 'switch',
  '--disabled': 'switch',
  '--verify-checksum': 'switch',
  '--no-verify-checksum': 'switch',
  '--preserve-timestamp': 'switch',
  '--no-preserve-timestamp': 'switch',
  '--notify': 'switch',
  '--no-notify': 'switch',
  '--move-after-verify': 'switch',
  '--no-move-after-verify': 'switch',
};

const verbFlags: Readonly<Record<SyncVerb, Readonly<Record<string, FlagKind>>>> = {
  add: { ...jobFlags, '--json': 'switch' },
  edit: { ...jobFlags, '--job': 'value', '--clear-include': 'switch', '--clear-exclude': 'switch', '--json': 'switch' },
  remove: { '--job': 'value', '--yes': 'switch', '--json': 'switch' },
  pause: { '--job': 'value', '--json': 'switch' },
  resume: { '--job': 'value', '--json': 'switch' },
  list: { '--json': 'switch' },
  preview: { '--job': 'value', '--sample': 'value', '--json': 'switch' },
  run: { '--job': 'value', '--all': 'switch', '--once': 'switch', '--no-wait': 'switch', '--json': 'switch' },
  log: { '--job': 'value', '--run': 'value', '--json': 'switch' },
  files: { '--job': 'value', '--run': 'value', '--search': 'value', '--offset': 'value', '--limit': 'value', '--csv': 'switch', '--json': 'switch' },
  help: {},
};

export interface SyncArgs {
  readonly verb: SyncVerb;
  /** `--help` anywhere. */
  readonly help: boolean;
  readonly values: ReadonlyMap<string, string>;
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly switches: ReadonlySet<string>;
}

function isVerb(word: string): word is SyncVerb {
  return (syncVerbs as readonly string[]).includes(word);
}

/** Parses `[sync] VERB [flags]`; a string is the usage error to print. */
export function parseSyncArgs(argv: readonly string[]): SyncArgs | string {
  const args = argv[0] === 'sync' ? argv.slice(1) : [...argv];
  const word = args.shift();
  if (word === undefined) return 'missing command';
  if (word === '--help' || word === '-h') return { verb: 'help', help: true, values: new Map(), lists: new Map(), switches: new Set() };
  if (!isVerb(word)) return `unknown command "${word}"`;
  const known = verbFlags[word];
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const switches = new Set<string>();
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--help' || a === '-h') {
      help = true;
      continue;
    }
    if (!a.startsWith('--')) return `unexpected argument "${a}" (flags start with --; see ferry sync ${word} --help)`;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const kind = known[name];
    if (!kind) {
      const accepted = Object.keys(known);
      return `ferry sync ${word} does not take ${name}${accepted.length ? ` (it takes ${accepted.join(', ')})` : ''}`;
    }
    if (kind === 'switch') {
      if (eq > 0) return `${name} takes no value`;
      switches.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      value = args[++i];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) return `${name} needs a value`;
    }
    if (kind === 'list') lists.set(name, [...(lists.get(name) ?? []), value]);
    else {
      if (values.has(name)) return `${name} is given twice`;
      values.set(name, value);
    }
  }
  return { verb: word, help, values, lists, switches };
}

/** A whole number from a flag, or a usage error message. */
export function intFlag(args: SyncArgs, name: string, min: number, max: number): number | undefined | string {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) return `${name} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, got "${raw}"`;
  return n;
}
