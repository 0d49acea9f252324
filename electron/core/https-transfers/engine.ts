/**
 * The HTTPS transfer engine: every transfer's state (queued → running → succeeded | failed;
 * paused, interrupted, cancelled), one file at a time per transfer, at most `maxRunning`
 * transfers at once, progress events throttled to a few a second (always one on a state change),
 * and the list kept on disk so a transfer that was running when Ferry stopped shows
 * `interrupted` on the next start and resumes. A dropped connection is retried by itself a few
 * times (on the injected clock), then waits for Resume.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { HttpsDirection, HttpsTransfer, HttpsTransfersApi, HttpsTransferState } from '../../../shared/contract/https-transfers';
import { formatDuration } from '../../../shared/format';
import { AppError, systemClock, type Clock } from '../kernel';
import { explainStop, QUIT_MESSAGE } from './explain';
import { downloadFile, localNameTaken, probeSize, uploadFile, type MoveContext, type MutableFile } from './file-moves';
import { createTransferBook, type Rec } from './transfer-book';
import { Aborted, HttpStatusError } from './http-client';
import { PART_SUFFIX, checkDownloadFolder, collectionBaseName, expandUploads, freeLocalName } from './paths';
import { createTransferFile } from './store';

/** What the engine needs to know of a collection (from its Globus document). */
export interface HttpsCollection {
  readonly displayName: string | null;
  /** The collection's `https_server`; null when it does not allow HTTPS access. */
  readonly httpsServer: string | null;
}

export interface HttpsEngineOptions {
  /** The JSON file the list is kept in. */
  readonly stateFile: string;
  readonly collection: (collectionId: string) => Promise<HttpsCollection>;
  /** GlobusAuth.tokenFor: throws ConsentRequired (requiredScopes) when the sign-in lacks the scope. */
  readonly tokenFor: (scope: string, options?: { readonly refresh?: boolean }) => Promise<string>;
  /** Hears every change (the capability emits `https:changed`). */
  readonly emit: (transfer: HttpsTransfer) => void;
  readonly clock?: Clock;
  /** Transfers running at once (default 2). */
  readonly maxRunning?: number;
  /** Tries after a dropped connection before waiting for Resume (default 3). */
  readonly autoRetries?: number;
  /**
   * Wait before each try (default 30 s, 2 min, 5 min; the last repeats). Long enough that a person
   * who sees "Interrupted" can press Resume (or Pause) before Ferry tries by itself.
   */
  readonly retryDelaysMs?: readonly number[];
  /** Progress events at most this often per transfer (default 250 ms). */
  readonly progressIntervalMs?: number;
  readonly log?: (message: string, error?: unknown) => void;
}

/** The contract's verbs (without the event subscription, which goes through the bus), and more. */
export interface HttpsEngine extends Omit<HttpsTransfersApi, 'onChanged'> {
  /** Transfers queued or running now (what would stop if Ferry quit). */
  activeCount(): number;
  /** Stops every running transfer (they show `interrupted` next time) and saves the list. */
  dispose(): Promise<void>;
}

/** The collection's own scope for HTTPS access. */
export const httpsScope = (collectionId: string): string => `https://auth.globus.org/scopes/${collectionId}/https`;

export function createHttpsEngine(o: HttpsEngineOptions): HttpsEngine {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? ((m: string, e?: unknown) => console.error(m, e ?? ''));
  const maxRunning = o.maxRunning ?? 2;
  const autoRetries = o.autoRetries ?? 3;
  const delays = o.retryDelaysMs?.length ? o.retryDelaysMs : [30_000, 120_000, 300_000];
  const book = createTransferBook({ file: createTransferFile(o.stateFile, log), clock, emit: o.emit, intervalMs: o.progressIntervalMs ?? 250 });
  const { recs, runtime, snapshot, save, emitNow, changed, progressed, setState, loaded } = book;
  const active = new Set<string>();
  let disposed = false;

  const find = (id: string): Rec => {
    const t = recs.get(id);
    if (!t) throw new AppError('not-found', 'TransferNotFound', 'Ferry does not remember this HTTPS transfer; it may have been removed.');
    return t;
  };

  const requireHttps = async (collectionId: string): Promise<HttpsCollection & { readonly name: string; readonly httpsServer: string }> => {
    const c = await o.collection(collectionId);
    const name = c.displayName ?? collectionId;
    if (!c.httpsServer) throw new AppError('refused', 'NoHttpsAccess', `${name} does not allow HTTPS access; transfer with Globus instead.`);
    return { ...c, name, httpsServer: c.httpsServer };
  };
  const token = async (collectionId: string, name: string, refresh = false): Promise<string> => {
    const scope = httpsScope(collectionId);
    try {
      return await o.tokenFor(scope, refresh ? { refresh: true } : undefined);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ConsentRequired') throw error;
      throw new AppError('forbidden', 'ConsentRequired', `${name} needs your consent before Ferry can move files over HTTPS. Grant it and Ferry starts the transfer.`, {
        requiredScopes: [scope],
        collectionId,
      });
    }
  };

  /** Schedules the next try after a dropped connection; what to add to the message ('' when out of tries). */
  const scheduleRetry = (t: Rec): string => {
    const r = runtime(t.id);
    if (r.retries >= autoRetries || disposed) return '';
    const delay = delays[Math.min(r.retries, delays.length - 1)]!;
    r.retries += 1;
    r.cancelRetry = clock.setTimeout(() => {
      r.cancelRetry = undefined;
      if (t.state !== 'interrupted' || disposed || !recs.has(t.id)) return;
      void setState(t, 'queued', null).then(pump);
    }, delay);
    return ` Ferry tries again by itself in ${formatDuration(delay)} (${r.retries} of ${autoRetries}).`;
  };

  const removeParts = async (t: Rec): Promise<void> => {
    if (t.direction !== 'download') return;
    for (const f of t.files) if (!f.done) await rm(`${f.destination}${PART_SUFFIX}`, { force: true });
  };

  const run = async (t: Rec): Promise<void> => {
    const r = runtime(t.id);
    const abort = new AbortController();
    r.abort = abort;
    r.stop = undefined;
    const signal = abort.signal;
    const check = (): void => {
      if (signal.aborted) throw new Aborted();
    };
    let current: MutableFile | null = null;
    let name = t.collectionName ?? t.collectionId;
    await setState(t, 'running', null);
    try {
      const c = await requireHttps(t.collectionId);
      check();
      name = c.name;
      t.collectionName = c.displayName ?? t.collectionName;
      let bearer = await token(t.collectionId, name);
      check();
      const context: MoveContext = {
        httpsServer: c.httpsServer,
        createdAt: t.createdAt,
        signal,
        progress: () => progressed(t),
        withToken: async (request) => {
          try {
            return await request(bearer);
          } catch (error) {
            if (!(error instanceof HttpStatusError && error.status === 401) || signal.aborted) throw error;
            bearer = await token(t.collectionId, name, true);
            return request(bearer);
          }
        },
      };
      if (t.direction === 'download') {
        for (const f of t.files) {
          if (f.done || f.bytes > 0) continue;
          current = f;
          await probeSize(f, context);
        }
        current = null;
        emitNow(t);
      }
      for (const f of t.files) {
        if (f.done) continue;
        check();
        current = f;
        await (t.direction === 'upload' ? uploadFile(f, context) : downloadFile(f, context));
        f.done = true;
        f.doneBytes = f.bytes;
        current = null;
        r.retries = 0;
        // Told and saved with the progress (thousands of small files would flood both otherwise).
        progressed(t);
      }
      await setState(t, 'succeeded', null);
    } catch (error) {
      let next: { state: HttpsTransferState; error: string | null };
      if (r.stop === 'pause') next = { state: 'paused', error: null };
      else if (r.stop === 'cancel') {
        await removeParts(t);
        next = { state: 'cancelled', error: null };
      } else if (r.stop === 'dispose' || error instanceof Aborted) next = { state: 'interrupted', error: QUIT_MESSAGE };
      else {
        const s = snapshot(t);
        const stop = explainStop(error, { direction: t.direction, name, file: current, doneBytes: s.doneBytes, totalBytes: s.totalBytes, filesDone: s.filesDone }, log);
        next = { state: stop.state, error: stop.retry ? `${stop.message}${scheduleRetry(t)}` : stop.message };
      }
      // The server keeps no part of an unfinished upload: that file starts over.
      if (t.direction === 'upload' && current && !current.done) current.doneBytes = 0;
      await setState(t, next.state, next.error);
    } finally {
      r.abort = undefined;
    }
  };

  function pump(): void {
    if (disposed) return;
    const waiting = [...recs.values()].filter((t) => t.state === 'queued' && !active.has(t.id)).sort((a, b) => a.createdAt - b.createdAt);
    for (const t of waiting) {
      if (active.size >= maxRunning) return;
      active.add(t.id);
      const r = runtime(t.id);
      r.running = run(t)
        .catch((error: unknown) => log('HTTPS transfer run failed', error))
        .finally(() => {
          active.delete(t.id);
          r.running = undefined;
          pump();
        });
    }
  }

  const start = async (direction: HttpsDirection, collectionId: string, displayName: string | null, files: MutableFile[]): Promise<HttpsTransfer> => {
    const now = clock.now();
    const t: Rec = {
      id: randomUUID(),
      direction,
      collectionId,
      collectionName: displayName,
      state: 'queued',
      createdAt: now,
      updatedAt: now,
      totalBytes: 0,
      doneBytes: 0,
      fileCount: files.length,
      filesDone: 0,
      bytesPerSecond: null,
      error: null,
      files,
    };
    recs.set(t.id, t);
    await changed(t);
    const first = snapshot(t);
    pump();
    return first;
  };

  /** Waits for a running transfer to stop after asking it to. */
  const stopRunning = async (t: Rec, why: 'pause' | 'cancel'): Promise<HttpsTransfer> => {
    const r = runtime(t.id);
    r.stop = why;
    r.abort?.abort();
    await r.running;
    return snapshot(t);
  };
  const ended = (t: Rec): AppError => new AppError('conflict', 'TransferEnded', `This HTTPS transfer has ${t.state === 'succeeded' ? 'finished' : 'been cancelled'}; start a new one to move the files again.`);

  return {
    async upload(request) {
      await loaded;
      const files = await expandUploads(request.paths, request.folder);
      const c = await requireHttps(request.collectionId);
      await token(request.collectionId, c.name);
      return start('upload', request.collectionId, c.displayName, files.map((f) => ({ ...f, doneBytes: 0, done: false })));
    },
    async download(request) {
      await loaded;
      await checkDownloadFolder(request.folder);
      const names = request.paths.map(collectionBaseName);
      const c = await requireHttps(request.collectionId);
      await token(request.collectionId, c.name);
      // Every file gets a local name of its own: `name (1).ext` when `name.ext` exists already.
      const reserved = new Set<string>([...recs.values()].filter((t) => t.direction === 'download').flatMap((t) => t.files.map((f) => f.destination)));
      const files: MutableFile[] = [];
      for (const [i, path] of request.paths.entries()) {
        const destination = await freeLocalName(request.folder, names[i]!, async (f) => reserved.has(f) || (await localNameTaken(f)));
        reserved.add(destination);
        files.push({ source: path, destination, bytes: 0, doneBytes: 0, done: false });
      }
      return start('download', request.collectionId, c.displayName, files);
    },
    async list() {
      await loaded;
      return [...recs.values()].sort((a, b) => b.createdAt - a.createdAt).map(snapshot);
    },
    async pause(id) {
      await loaded;
      const t = find(id);
      if (t.state === 'running') return stopRunning(t, 'pause');
      if (t.state === 'queued' || t.state === 'interrupted') {
        runtime(id).cancelRetry?.();
        await setState(t, 'paused', null);
      } else if (t.state !== 'paused') throw t.state === 'failed' ? new AppError('conflict', 'NotRunning', 'This HTTPS transfer is not running; press Resume to try it again.') : ended(t);
      return snapshot(t);
    },
    async resume(id) {
      await loaded;
      const t = find(id);
      if (t.state === 'running' || t.state === 'queued') return snapshot(t);
      if (t.state === 'succeeded' || t.state === 'cancelled') throw ended(t);
      // Asked now, so a missing consent reaches the person as ConsentRequired (grant, then resume).
      const c = await requireHttps(t.collectionId);
      await token(t.collectionId, c.name);
      const r = runtime(id);
      r.cancelRetry?.();
      r.retries = 0;
      await setState(t, 'queued', null);
      const queued = snapshot(t);
      pump();
      return queued;
    },
    async cancel(id) {
      await loaded;
      const t = find(id);
      if (t.state === 'running') return stopRunning(t, 'cancel');
      if (t.state === 'succeeded' || t.state === 'cancelled') throw ended(t);
      runtime(id).cancelRetry?.();
      await removeParts(t);
      await setState(t, 'cancelled', null);
      return snapshot(t);
    },
    async remove(id) {
      await loaded;
      const t = recs.get(id);
      if (!t) return { removed: false };
      if (t.state === 'running' || t.state === 'queued') throw new AppError('conflict', 'TransferRunning', 'This HTTPS transfer is running; pause or cancel it before removing it.');
      const r = runtime(id);
      r.cancelRetry?.();
      r.cancelEmit?.();
      if (t.state !== 'succeeded') await removeParts(t);
      recs.delete(id);
      book.runtimes.delete(id);
      await save();
      return { removed: true };
    },
    activeCount: () => [...recs.values()].filter((t) => t.state === 'running' || t.state === 'queued').length,
    async dispose() {
      await loaded;
      // No new runs, no more events: the hosts are going away.
      disposed = true;
      book.mute();
      const running = [...active].map((id) => {
        const r = runtime(id);
        r.stop = 'dispose';
        r.abort?.abort();
        return r.running;
      });
      await Promise.all(running);
      // Timers the stopping runs set.
      book.mute();
      // Queued transfers would start next time only by a person's Resume: say so.
      for (const t of recs.values()) if (t.state === 'queued') Object.assign(t, { state: 'interrupted', error: QUIT_MESSAGE });
      await save();
    },
  };
}
