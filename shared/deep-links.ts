/**
 * `ferry://` links: what a link, a notification or the tray asks Ferry to show. Parsed here once
 * (pure, no node, no DOM) for the Electron host, which receives links from the OS, and for the
 * renderer, which navigates.
 *
 *   ferry://activity                 an area (any area name; the renderer checks it exists)
 *   ferry://activity/task/<uuid>     a task's detail in Activity
 *   ferry://syncs/job/<id>           a sync job
 *   ferry://timers/timer/<uuid>      a Globus timer
 *   ferry://collections/<uuid>?path=/data/run1/   a collection folder (path optional: its default)
 */
import { z } from 'zod';
import { assertNever } from './assert-never';

export const FERRY_SCHEME = 'ferry';
/** Links longer than this are refused unread (an OS hands over whatever a web page asks for). */
export const MAX_LINK_LENGTH = 2048;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const areaName = z.string().regex(/^[a-z][a-z-]{0,39}$/);
const jobId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
/** A Globus path: absolute or home-relative, without NUL or line breaks. */
const collectionPath = z.string().max(4096).regex(/^[/~][^\0\r\n]*$/);

export const openTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('area'), area: areaName }).strict(),
  z.object({ kind: z.literal('task'), taskId: uuid }).strict(),
  z.object({ kind: z.literal('sync-job'), jobId }).strict(),
  z.object({ kind: z.literal('timer'), timerId: uuid }).strict(),
  z.object({ kind: z.literal('collection'), collectionId: uuid, path: collectionPath.nullable() }).strict(),
]);
export type OpenTarget = z.infer<typeof openTargetSchema>;

/** The target a `ferry://` link names, or null for anything else (never throws). */
export function parseFerryLink(link: unknown): OpenTarget | null {
  if (typeof link !== 'string' || link.length > MAX_LINK_LENGTH) return null;
  const match = /^ferry:\/\/([a-z][a-z-]{0,39})(\/[^?#]*)?\/?(?:\?([^#]*))?(?:#.*)?$/i.exec(link.trim());
  if (!match) return null;
  const area = match[1]!.toLowerCase();
  const rest = (match[2] ?? '').split('/').filter((s) => s !== '');
  let segments: string[];
  let query: ReadonlyMap<string, string>;
  try {
    segments = rest.map((s) => decodeURIComponent(s));
    query = queryParams(match[3] ?? '');
  } catch {
    return null;
  }
  const candidate = ((): unknown => {
    if (segments.length === 0) return { kind: 'area', area };
    if (area === 'collections' && segments.length === 1) return { kind: 'collection', collectionId: segments[0]!.toLowerCase(), path: query.get('path') ?? null };
    if (segments.length !== 2) return null;
    const [what, id] = segments as [string, string];
    if (area === 'activity' && what === 'task') return { kind: 'task', taskId: id.toLowerCase() };
    if (area === 'syncs' && what === 'job') return { kind: 'sync-job', jobId: id };
    if (area === 'timers' && what === 'timer') return { kind: 'timer', timerId: id.toLowerCase() };
    return null;
  })();
  const parsed = openTargetSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

/** The `ferry://` link for a target: parseFerryLink(formatFerryLink(t)) equals t. */
export function formatFerryLink(target: OpenTarget): string {
  switch (target.kind) {
    case 'area':
      return `${FERRY_SCHEME}://${target.area}`;
    case 'task':
      return `${FERRY_SCHEME}://activity/task/${target.taskId}`;
    case 'sync-job':
      return `${FERRY_SCHEME}://syncs/job/${encodeURIComponent(target.jobId)}`;
    case 'timer':
      return `${FERRY_SCHEME}://timers/timer/${target.timerId}`;
    case 'collection':
      return `${FERRY_SCHEME}://collections/${target.collectionId}${target.path === null ? '' : `?path=${encodeURIComponent(target.path)}`}`;
    default:
      return assertNever(target, 'link target');
  }
}

/** `a=1&b=x%20y` as a map (form encoding: `+` is a space); throws on broken percent-encoding. */
function queryParams(text: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const decode = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    if (!out.has(key)) out.set(key, eq < 0 ? '' : decode(part.slice(eq + 1)));
  }
  return out;
}

/** The first `ferry://` link among a process's arguments (Windows and Linux pass links so). */
export function ferryLinkInArgs(argv: readonly string[]): OpenTarget | null {
  for (const arg of argv) {
    if (typeof arg === 'string' && arg.toLowerCase().startsWith(`${FERRY_SCHEME}://`)) return parseFerryLink(arg);
  }
  return null;
}
