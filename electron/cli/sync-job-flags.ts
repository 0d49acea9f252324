/**
 * `ferry sync add|edit` flags -> a job draft (the contract's shape, which core then checks as it
 * checks the app's form), and core's complaints about a draft -> the flags to fix.
 */
import { resolve } from 'node:path';
import type { SyncJobDraft } from '../../shared/contract/syncs';
import type { SyncArgs } from './sync-args';

const required = ['--name', '--source-collection', '--local-path', '--source-path', '--dest-collection', '--dest-path'] as const;

/** `--x` / `--no-x` (or `--enabled` / `--disabled`): the value given, undefined when neither, a message when both. */
function toggle(args: SyncArgs, on: string, off: string): boolean | undefined | string {
  const yes = args.switches.has(on);
  const no = args.switches.has(off);
  if (yes && no) return `give ${on} or ${off}, not both`;
  return yes ? true : no ? false : undefined;
}

/**
 * The draft `add` (base null: every required flag) or `edit` (base: the job's draft; only what
 * is given changes) asks for, not yet checked; a string is a usage error.
 */
export function draftFromFlags(args: SyncArgs, base: SyncJobDraft | null, cwd: string): Record<string, unknown> | string {
  const v = (name: string): string | undefined => args.values.get(name);
  if (base === null) {
    const missing = required.filter((f) => v(f) === undefined);
    if (missing.length > 0) return `ferry sync add needs ${missing.join(', ')}`;
  }
  const schedules = ['--every', '--cron', '--manual', '--watch'].filter((f) => v(f) !== undefined || args.switches.has(f));
  if (schedules.length > 1) return `give one schedule: ${schedules.join(' or ')}`;
  let schedule: unknown = base?.schedule ?? { kind: 'interval', minutes: 15 };
  if (args.switches.has('--manual')) schedule = { kind: 'manual' };
  else if (v('--every') !== undefined) schedule = { kind: 'interval', minutes: Number(v('--every')) };
  else if (v('--cron') !== undefined) schedule = { kind: 'cron', expression: v('--cron') };
  else if (v('--watch') !== undefined) schedule = { kind: 'watch', quietSeconds: Number(v('--watch')), fullScanMinutes: Number(v('--full-scan') ?? 60) };
  if (v('--full-scan') !== undefined && v('--watch') === undefined) {
    const s = schedule as { kind?: string };
    if (s.kind !== 'watch') return '--full-scan goes with --watch';
    schedule = { ...s, fullScanMinutes: Number(v('--full-scan')) };
  }

  let syncLevel: unknown = base?.syncLevel ?? null;
  const level = v('--sync-level');
  if (level !== undefined) {
    if (!['none', '0', '1', '2', '3'].includes(level)) return `--sync-level must be none, 0 (exists), 1 (size), 2 (mtime) or 3 (checksum), got "${level}"`;
    syncLevel = level === 'none' ? null : Number(level);
  }
  const list = (flag: '--include' | '--exclude', clear: string, current: readonly string[] | undefined): readonly string[] | string => {
    const given = args.lists.get(flag);
    if (given && args.switches.has(clear)) return `give ${flag} or ${clear}, not both`;
    if (given) return given;
    return args.switches.has(clear) ? [] : [...(current ?? [])];
  };
  const include = list('--include', '--clear-include', base?.include);
  const exclude = list('--exclude', '--clear-exclude', base?.exclude);
  const emptyDirs = toggle(args, '--empty-dirs', '--no-empty-dirs');
  const enabled = toggle(args, '--enabled', '--disabled');
  const checksum = toggle(args, '--verify-checksum', '--no-verify-checksum');
  const timestamps = toggle(args, '--preserve-timestamp', '--no-preserve-timestamp');
  const notify = toggle(args, '--notify', '--no-notify');
  const move = toggle(args, '--move-after-verify', '--no-move-after-verify');
  for (const x of [include, exclude, emptyDirs, enabled, checksum, timestamps, notify, move]) if (typeof x === 'string') return x;

  const localPath = v('--local-path');
  const maxItems = v('--max-items');
  return {
    name: v('--name') ?? base?.name,
    source: {
      collectionId: v('--source-collection') ?? base?.source.collectionId,
      localPath: localPath !== undefined ? resolve(cwd, localPath) : base?.source.localPath,
      collectionPath: v('--source-path') ?? base?.source.collectionPath,
    },
    destination: { collectionId: v('--dest-collection') ?? base?.destination.collectionId, path: v('--dest-path') ?? base?.destination.path },
    schedule,
    syncLevel,
    include,
    exclude,
    symlinks: v('--symlinks') ?? base?.symlinks ?? 'skip',
    createEmptyDirs: (emptyDirs as boolean | undefined) ?? base?.createEmptyDirs ?? true,
    enabled: (enabled as boolean | undefined) ?? base?.enabled ?? true,
    maxItemsPerTransfer: maxItems !== undefined ? Number(maxItems) : (base?.maxItemsPerTransfer ?? 25_000),
    ...optional('preserveTimestamp', (timestamps as boolean | undefined) ?? base?.preserveTimestamp),
    ...optional('verifyChecksum', (checksum as boolean | undefined) ?? base?.verifyChecksum),
    ...optional('notify', (notify as boolean | undefined) ?? base?.notify),
    ...optional('moveAfterVerify', (move as boolean | undefined) ?? base?.moveAfterVerify),
  };
}

function optional(key: string, value: boolean | undefined): Record<string, boolean> {
  return value === undefined ? {} : { [key]: value };
}

const flagOfField: Readonly<Record<string, string>> = {
  name: '--name',
  'source.collectionId': '--source-collection',
  'source.localPath': '--local-path',
  'source.collectionPath': '--source-path',
  'destination.collectionId': '--dest-collection',
  'destination.path': '--dest-path',
  'schedule.quietSeconds': '--watch',
  'schedule.fullScanMinutes': '--full-scan',
  schedule: '--every / --cron',
  moveAfterVerify: '--move-after-verify',
  syncLevel: '--sync-level',
  include: '--include',
  exclude: '--exclude',
  symlinks: '--symlinks',
  maxItemsPerTransfer: '--max-items',
};

/** Core's message about a draft, with each field named by its flag (`source.localPath:` -> `--local-path:`). */
export function inFlagTerms(message: string, details: unknown): string {
  const issues = (details as { issues?: readonly { path: string; message: string }[] } | null)?.issues;
  const name = (path: string): string => {
    const key = Object.keys(flagOfField).find((k) => path === k || path.startsWith(`${k}.`));
    return key ? (flagOfField[key] as string) : path;
  };
  if (issues && issues.length > 0) return issues.map((i) => `${name(i.path)}: ${i.message}`).join('; ');
  return message.replace(/^([a-zA-Z.]+):/, (_, path: string) => `${name(path)}:`);
}
