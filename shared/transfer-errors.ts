/**
 * The error explainer: Globus Transfer event codes and the GridFTP / file-system texts that
 * appear in their details, each with its likely cause and what to do. Core uses it to word
 * "needs attention" alerts; the renderer shows the same words beside the raw event. Pure: no
 * node, no DOM.
 *
 * Codes are the ones Transfer puts in a task's event list (`event_list`, `code`) and in
 * `nice_status` / `fatal_error.code`; texts are matched when the code is unknown or generic
 * (e.g. `GENERAL_ERROR` with "No space left on device" in its details).
 */

export interface ErrorExplanation {
  /** Which entry matched (`unknown` when none did): stable, for tests and styling. */
  readonly id: string;
  /** A few words, e.g. "Permission denied". */
  readonly title: string;
  /** The likely cause, in plain words. */
  readonly cause: string;
  /** What to do about it. */
  readonly action: string;
  /** Fixing a path and resubmitting is a likely cure (offer the form). */
  readonly fixPath: boolean;
  /** Globus keeps retrying on its own; the task may still finish once the cause goes away. */
  readonly retries: boolean;
  /** The text this explains (code: description — details), trimmed and at most `maxRawLength` characters. */
  readonly raw: string;
}

export interface TransferErrorInput {
  readonly code?: string | null | undefined;
  readonly description?: string | null | undefined;
  readonly details?: string | null | undefined;
}

export interface TransferErrorEntry {
  readonly id: string;
  /** Globus codes (compared without case; dots and dashes count as underscores). */
  readonly codes: readonly string[];
  /** Texts seen in descriptions and details (GridFTP replies, errno strings). */
  readonly patterns: readonly RegExp[];
  readonly title: string;
  readonly cause: string;
  readonly action: string;
  readonly fixPath: boolean;
  readonly retries: boolean;
}

export const maxRawLength = 300;

/** Every entry, most specific first: a code match wins; otherwise the first entry whose text matches. */
export const transferErrorTable: readonly TransferErrorEntry[] = [
  {
    id: 'identical-paths',
    codes: ['CONFLICT'],
    patterns: [/identical paths/i],
    title: 'Another transfer of the same paths is still running',
    cause: 'Globus refuses a transfer whose source and destination paths equal those of a transfer that has not finished yet.',
    action: 'Wait for the earlier transfer to finish, or cancel it in Activity, then submit again.',
    fixPath: false,
    retries: false,
  },
  {
    id: 'same-path',
    codes: ['SAME_SOURCE_DESTINATION'],
    patterns: [/source and destination (?:paths? )?(?:are|is) (?:the same|identical)/i, /same (?:source and destination|file as the source)/i, /onto itself/i],
    title: 'Source and destination are the same',
    cause: 'The file would be copied onto itself: the destination path names the source file on the same collection.',
    action: 'Fix the destination path (another folder or another collection) and resubmit.',
    fixPath: true,
    retries: false,
  },
  {
    id: 'permission-denied',
    codes: ['PERMISSION_DENIED', 'EACCES', 'EPERM'],
    patterns: [/permission denied/i, /\b550\b[^\n]*\b(?:permission|not permitted|access)/i, /operation not permitted/i, /access (?:is )?denied/i, /\bEACCES\b/, /\bEPERM\b/],
    title: 'Permission denied',
    cause:
      'The account Globus uses on that collection may not read the source or write the destination: file or folder permissions, a sharing rule that does not cover the path, or a path outside what the collection allows.',
    action: 'Check the permissions of the path on that machine (or ask its administrator for access), or fix the path to one you may use, and resubmit.',
    fixPath: true,
    retries: true,
  },
  {
    id: 'file-not-found',
    codes: ['FILE_NOT_FOUND', 'ENOENT', 'NOT_FOUND', 'CLIENTERROR_NOTFOUND'],
    patterns: [/no such file or directory/i, /file not found/i, /\bENOENT\b/, /\b550\b[^\n]*\bnot found/i, /does not exist/i, /\bpath not found/i],
    title: 'File not found',
    cause: 'The source path does not exist (it was moved, renamed or deleted after the task was submitted, or the path has a typo).',
    action: 'Fix the source path and resubmit, or restore the file; to skip missing files next time, turn on "skip source errors".',
    fixPath: true,
    retries: true,
  },
  {
    id: 'quota',
    codes: ['QUOTA_EXCEEDED', 'NO_SPACE_LEFT', 'EDQUOT', 'ENOSPC'],
    patterns: [/disk quota exceeded/i, /no space left on device/i, /quota exceeded/i, /\bEDQUOT\b/, /\bENOSPC\b/, /\b452\b[^\n]*(?:space|storage)/i, /insufficient (?:storage|disk space)/i],
    title: 'Out of space or over quota',
    cause: 'The destination file system is full, or your quota there is used up.',
    action: 'Free space or ask for a larger quota at the destination (or pick another destination folder); Globus retries until the deadline.',
    fixPath: true,
    retries: true,
  },
  {
    id: 'endpoint-not-connected',
    codes: ['ENDPOINT_ERROR', 'GC_NOT_CONNECTED', 'GC_PAUSED', 'ENDPOINT_OFFLINE', 'NOT_CONNECTED'],
    patterns: [/not connected/i, /endpoint is (?:offline|not (?:running|available))/i, /globus connect personal[^\n]*(?:offline|not running|paused)/i, /\bgcp\b[^\n]*(?:offline|paused)/i],
    title: 'A collection is not connected',
    cause: 'The endpoint behind a collection is offline: Globus Connect Personal is not running or is paused, the machine sleeps or lost its network, or the server is down.',
    action: 'Start Globus Connect Personal (or wake the machine / ask the collection\'s administrator); the task resumes by itself once it reconnects.',
    fixPath: false,
    retries: true,
  },
  {
    id: 'endpoint-busy',
    codes: ['ENDPOINT_TOO_BUSY'],
    patterns: [/too busy/i, /too many (?:connections|sessions)/i],
    title: 'The endpoint is too busy',
    cause: 'The endpoint has reached its limit of concurrent transfers or connections.',
    action: 'Nothing to fix here: Globus retries. If it lasts, run fewer transfers to that collection at once.',
    fixPath: false,
    retries: true,
  },
  {
    id: 'checksum-mismatch',
    codes: ['CHECKSUM_MISMATCH', 'VERIFY_CHECKSUM', 'CHECKSUM_FAILED'],
    patterns: [/checksum (?:mismatch|verification failed|failed|error)/i, /checksums? (?:do not|don't) match/i],
    title: 'Checksum mismatch',
    cause: 'The copy at the destination differs from the source: the file changed while it was read, or data was damaged on the way or on disk.',
    action: 'Globus copies the file again. If it keeps failing, check that nothing writes the source during the transfer and check the destination disk.',
    fixPath: false,
    retries: true,
  },
  {
    id: 'file-size-changed',
    codes: ['FILE_SIZE_CHANGED'],
    patterns: [/changed size/i, /file size changed/i, /size (?:changed|mismatch) during/i],
    title: 'The file changed during the transfer',
    cause: 'Something was still writing the source file while Globus copied it (an instrument, a running job, a log).',
    action: 'Let the writer finish (or send only closed files, e.g. with an exclude pattern for files in progress); Globus retries.',
    fixPath: false,
    retries: true,
  },
  {
    id: 'connection',
    codes: ['CONNECTION_RESET', 'CONNECTION_BROKEN', 'CONNECT_FAILED', 'CONNECTION_FAILED', 'TIMEOUT', 'ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED'],
    patterns: [
      /connection timed out/i,
      /timed? ?out/i,
      /connection reset/i,
      /connection refused/i,
      /broken pipe/i,
      /\bETIMEDOUT\b/,
      /\bECONNRESET\b/,
      /\bECONNREFUSED\b/,
      /\b(?:421|425|426)\b[^\n]*connection/i,
      /data channel/i,
    ],
    title: 'Connection failed or timed out',
    cause: 'The network between the endpoints dropped or stalled: a firewall blocking the data ports (e.g. 50000–51000), an unstable link, or an overloaded server.',
    action: 'Usually passes by itself: Globus retries. If it lasts, check that both endpoints\' firewalls allow Globus\' ports and that the machines are reachable.',
    fixPath: false,
    retries: true,
  },
  {
    id: 'auth',
    codes: ['AUTH', 'NO_CREDENTIALS', 'INVALID_SERVICE_CREDENTIAL', 'CONSENT_REQUIRED', 'CONSENTREQUIRED', 'AUTHENTICATION_FAILED', 'AUTHENTICATIONFAILED', 'EXPIRED_CREDENTIAL', 'CREDENTIAL_EXPIRED'],
    patterns: [/consent required/i, /\bconsent\b/i, /credential[^\n]*(?:expired|invalid|missing)/i, /authentication (?:failed|required)/i, /\bdata_access\b/i, /token is not active/i, /login (?:is )?required/i, /session (?:has )?expired/i],
    title: 'Sign-in or consent needed',
    cause: 'Globus cannot act on a collection for you: its data-access consent is missing or was revoked, your session there expired, or the collection needs a recent or different login.',
    action: 'Sign in again in Account (and grant the consent the collection asks for), then resubmit; Globus resumes a waiting task once the credential is fixed.',
    fixPath: false,
    retries: true,
  },
  {
    id: 'deadline',
    codes: ['DEADLINE_EXPIRED', 'EXPIRED'],
    patterns: [/deadline/i],
    title: 'The deadline passed',
    cause: 'The task did not finish before its deadline (24 hours unless set), usually because an earlier error kept it retrying.',
    action: 'Fix what the earlier error events say and resubmit.',
    fixPath: false,
    retries: false,
  },
  {
    id: 'is-a-directory',
    codes: ['IS_A_DIRECTORY', 'EISDIR', 'NOT_A_DIRECTORY', 'ENOTDIR'],
    patterns: [/is a directory/i, /not a directory/i, /\bEISDIR\b/, /\bENOTDIR\b/],
    title: 'File and folder mixed up',
    cause: 'A path names a folder where a file was expected (or the other way round): a folder sent without "recursive", or a file where the destination has a folder of that name.',
    action: 'Fix the path (or send the folder as a folder) and resubmit.',
    fixPath: true,
    retries: false,
  },
  {
    id: 'invalid-path',
    codes: ['INVALID_PATH_NAME', 'AMBIGUOUS_PATH', 'INVALID_PATH'],
    patterns: [/invalid path/i, /ambiguous path/i, /path name (?:is )?invalid/i],
    title: 'Invalid path',
    cause: 'The path is not valid on that collection (characters it does not allow, or it resolves ambiguously).',
    action: 'Fix the path and resubmit.',
    fixPath: true,
    retries: false,
  },
  {
    id: 'invalid-symlink',
    codes: ['INVALID_SYMLINK'],
    patterns: [/symlink|symbolic link/i],
    title: 'Broken symbolic link',
    cause: 'A symbolic link in the source points at nothing (or outside what the collection serves).',
    action: 'Remove or fix the link, or exclude it, and resubmit.',
    fixPath: true,
    retries: false,
  },
  {
    id: 'limit-exceeded',
    codes: ['LIMIT_EXCEEDED', 'LIMITEXCEEDED'],
    patterns: [/limit exceeded/i, /too many (?:pending )?tasks/i],
    title: 'Too many tasks',
    cause: 'You have reached Globus\' limit of pending tasks (about 100 per user).',
    action: 'Wait for some tasks to finish (or cancel some), then submit again; the queue does this on its own.',
    fixPath: false,
    retries: false,
  },
  {
    id: 'cancelled',
    codes: ['CANCELED', 'CANCELLED'],
    patterns: [/\bcancel+ed\b/i],
    title: 'Cancelled',
    cause: 'The task was cancelled (from Ferry, the Globus web app, or by an administrator).',
    action: 'Nothing to fix; resubmit it if it is still needed.',
    fixPath: false,
    retries: false,
  },
];

function normCode(code: string): string {
  return code.trim().toUpperCase().replace(/[.\-\s]+/g, '_');
}

function clean(value: string | null | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** `CODE: description — details`, without empty parts, cut to `maxRawLength` characters. */
export function rawErrorText(input: TransferErrorInput | string): string {
  const parts =
    typeof input === 'string'
      ? [input.trim()]
      : [clean(input.code), [clean(input.description), clean(input.details)].filter(Boolean).join(' — ')].filter(Boolean);
  const joined = typeof input === 'string' ? (parts[0] ?? '') : parts.join(': ');
  return joined.length > maxRawLength ? `${joined.slice(0, maxRawLength - 1)}…` : joined;
}

function fromEntry(entry: TransferErrorEntry, raw: string): ErrorExplanation {
  return { id: entry.id, title: entry.title, cause: entry.cause, action: entry.action, fixPath: entry.fixPath, retries: entry.retries, raw };
}

/** The entry a code names exactly, if any (`PERMISSION_DENIED`, `ClientError.NotFound`, …). */
function byCode(code: string): TransferErrorEntry | undefined {
  if (!code) return undefined;
  const n = normCode(code);
  return transferErrorTable.find((e) => e.codes.some((c) => c === n));
}

/**
 * Explains a task event (or a bare text): the entry its code names, else the first entry whose
 * text matches its description or details, else a generic explanation naming the raw text.
 * Never throws.
 */
export function explainTransferError(input: TransferErrorInput | string): ErrorExplanation {
  const raw = rawErrorText(input);
  const code = typeof input === 'string' ? '' : clean(input.code);
  const byName = byCode(code) ?? (typeof input === 'string' ? byCode(input) : undefined);
  if (byName) return fromEntry(byName, raw);
  const text = typeof input === 'string' ? input : [clean(input.description), clean(input.details), code].join('\n');
  const byText = transferErrorTable.find((e) => e.patterns.some((p) => p.test(text)));
  if (byText) return fromEntry(byText, raw);
  return {
    id: 'unknown',
    title: 'Transfer error',
    cause: raw ? `Globus reported an error Ferry has no explanation for: "${raw}".` : 'Globus reported an error without any details.',
    action: 'Read the task\'s event log for more; if the error repeats, cancel the task and check both collections (paths, permissions, whether they are online).',
    fixPath: false,
    retries: true,
    raw,
  };
}
