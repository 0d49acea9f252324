/**
 * Control routes for the emulator clock, data_access consents and task events:
 * `GET clock`, `POST clock/advance {seconds}`, `POST consents/revoke|grant {collectionId, sub?}`,
 * `POST tasks/{id}/events {code, description?, details?, isError?}`.
 */
import type { AuthService } from './auth';
import { EMULATOR_DEFAULT_USER } from './constants';
import type { TaskEngine } from './engine';
import { faultDetails } from './engine-copy';
import type { FaultState } from './faults';
import { fileErrorCodes, type FileErrorCode } from './faults';
import { HttpError, isoTime } from './http-util';
import type { CollectionRow, TaskStore } from './state';
import type { EmulatorClock, TimerRunner } from './timers-clock';
import type { TimerStore } from './timers-store';

export interface ControlTimersDeps {
  readonly auth: AuthService;
  readonly faults: FaultState;
  readonly engine: TaskEngine;
  readonly tasks: TaskStore;
  readonly timers: TimerStore;
  readonly clock: EmulatorClock;
  readonly runner: TimerRunner;
  readonly collection: (id: string) => CollectionRow | undefined;
}

function clockState(clock: EmulatorClock): Record<string, unknown> {
  const now = clock.now();
  return { now: isoTime(now), nowMs: now, offsetSeconds: Math.round(clock.offset() / 1000) };
}

/** Answers a control route it knows; undefined for any other path. */
export async function controlTimers(
  deps: ControlTimersDeps,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  if (method === 'GET' && path === '/clock') return clockState(deps.clock);
  if (method !== 'POST') return undefined;
  if (path === '/clock/advance') {
    const seconds = body['seconds'];
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new HttpError(400, { code: 'BadRequest', message: 'seconds must be a non-negative number' });
    }
    const taskIds = await deps.runner.advance(seconds);
    return { ...clockState(deps.clock), taskIds };
  }
  const consent = /^\/consents\/(revoke|grant)$/.exec(path);
  if (consent) {
    const id = typeof body['collectionId'] === 'string' ? body['collectionId'].toLowerCase() : '';
    if (!deps.collection(id)) throw new HttpError(404, { code: 'EndpointNotFound', message: `No such collection ${id}` });
    const sub = typeof body['sub'] === 'string' ? body['sub'].toLowerCase() : EMULATOR_DEFAULT_USER.sub;
    if (consent[1] === 'revoke') {
      // The collection now needs data_access consent, which this person no longer has anywhere.
      deps.faults.consentOverrides.set(id, true);
      const tokens = deps.auth.revokeDataAccess(sub, id);
      let timers = 0;
      for (const row of deps.timers.byOwner(sub)) {
        const have = JSON.parse(row.data_access) as string[];
        if (!have.includes(id)) continue;
        row.data_access = JSON.stringify(have.filter((c) => c !== id));
        deps.timers.update(row);
        timers += 1;
      }
      return { tokens, timers };
    }
    return { tokens: deps.auth.grantDataAccess(sub, id) };
  }
  const event = /^\/tasks\/([^/]+)\/events$/.exec(path);
  if (event?.[1]) return injectEvent(deps, decodeURIComponent(event[1]), body);
  return undefined;
}

/** An error event on an unfinished task: written to its event_list, `faults` + 1, nice_status = the code. */
function injectEvent(deps: ControlTimersDeps, taskId: string, body: Record<string, unknown>): Record<string, unknown> {
  const live = deps.engine.live(taskId);
  if (!live) throw new HttpError(404, { code: 'TaskNotFound', message: `No unfinished task ${taskId}` });
  const code = typeof body['code'] === 'string' && body['code'] !== '' ? body['code'] : 'PERMISSION_DENIED';
  const isError = body['isError'] !== false && body['is_error'] !== false;
  const description = typeof body['description'] === 'string' ? body['description'] : code.toLowerCase().replace(/_/g, ' ');
  let details = typeof body['details'] === 'string' ? body['details'] : undefined;
  if (details === undefined) {
    const items = JSON.parse(live.items) as unknown[];
    const first = items[0];
    const src = typeof first === 'string' ? first : (first as { source_path?: string } | undefined)?.source_path ?? '/';
    const dst = typeof first === 'string' ? first : (first as { destination_path?: string } | undefined)?.destination_path ?? '/';
    const col = live.source_endpoint_id ? deps.collection(live.source_endpoint_id) : undefined;
    details = (fileErrorCodes as readonly string[]).includes(code)
      ? faultDetails(code as FileErrorCode, src, dst, col ? { collection: col } : {})
      : `Error (transfer)\nMessage: ${description}`;
  }
  deps.tasks.addEvent(taskId, code, isError, description, details);
  if (isError) {
    live.faults += 1;
    live.nice_status = code;
  }
  deps.tasks.update(live);
  return { faults: live.faults };
}
