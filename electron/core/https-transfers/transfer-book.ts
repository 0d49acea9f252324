/**
 * The transfers an engine holds and how a change reaches people and the disk: a state change is
 * told at once and saved; bytes moving are told at most every `intervalMs` (with the rate over the
 * last few seconds) and saved at most every few seconds. Transfers read from disk that were
 * queued or running show `interrupted` (Ferry stopped while they ran).
 */
import type { HttpsTransfer, HttpsTransferState } from '../../../shared/contract/https-transfers';
import type { Clock } from '../kernel';
import { QUIT_MESSAGE } from './explain';
import type { MutableFile } from './file-moves';
import type { TransferFile } from './store';

export type Rec = { -readonly [K in keyof Omit<HttpsTransfer, 'files'>]: HttpsTransfer[K] } & { files: MutableFile[] };

/** What a transfer has while this run of Ferry works on it (never saved). */
export interface Runtime {
  abort?: AbortController;
  stop?: 'pause' | 'cancel' | 'dispose';
  running?: Promise<void>;
  retries: number;
  cancelRetry?: () => void;
  cancelEmit?: () => void;
  lastEmit: number;
  lastSave: number;
  samples: [number, number][];
}

const RATE_WINDOW_MS = 5_000;
const SAVE_INTERVAL_MS = 2_000;

export function createTransferBook(o: { readonly file: TransferFile; readonly clock: Clock; readonly emit: (t: HttpsTransfer) => void; readonly intervalMs: number }) {
  const { clock } = o;
  const recs = new Map<string, Rec>();
  const runtimes = new Map<string, Runtime>();
  let muted = false;

  const runtime = (id: string): Runtime => {
    let r = runtimes.get(id);
    if (!r) runtimes.set(id, (r = { retries: 0, lastEmit: 0, lastSave: 0, samples: [] }));
    return r;
  };
  const snapshot = (t: Rec): HttpsTransfer => {
    const files = t.files.map((f) => ({ ...f }));
    return {
      ...t,
      files,
      totalBytes: files.reduce((n, f) => n + f.bytes, 0),
      doneBytes: files.reduce((n, f) => n + Math.min(f.doneBytes, f.bytes), 0),
      fileCount: files.length,
      filesDone: files.filter((f) => f.done).length,
    };
  };
  const save = (): Promise<void> => o.file.save([...recs.values()].map(snapshot));
  const emitNow = (t: Rec): void => {
    const r = runtime(t.id);
    r.cancelEmit?.();
    r.cancelEmit = undefined;
    r.lastEmit = clock.now();
    if (!muted) o.emit(snapshot(t));
  };
  /** A state change: told at once and saved. */
  const changed = (t: Rec): Promise<void> => {
    t.updatedAt = clock.now();
    emitNow(t);
    return save();
  };
  /** Bytes moved: told at most every `intervalMs`, saved at most every SAVE_INTERVAL_MS. */
  const progressed = (t: Rec): void => {
    const r = runtime(t.id);
    const now = clock.now();
    t.updatedAt = now;
    const done = t.files.reduce((n, f) => n + f.doneBytes, 0);
    r.samples.push([now, done]);
    while (r.samples.length > 2 && now - r.samples[0]![0] > RATE_WINDOW_MS) r.samples.shift();
    const [t0, b0] = r.samples[0]!;
    t.bytesPerSecond = now - t0 >= 200 ? Math.max(0, ((done - b0) * 1000) / (now - t0)) : t.bytesPerSecond;
    if (now - r.lastSave >= SAVE_INTERVAL_MS) {
      r.lastSave = now;
      void save();
    }
    if (now - r.lastEmit >= o.intervalMs) emitNow(t);
    else r.cancelEmit ??= clock.setTimeout(() => emitNow(t), o.intervalMs - (now - r.lastEmit));
  };
  const setState = (t: Rec, state: HttpsTransferState, error: string | null): Promise<void> => {
    t.state = state;
    t.error = error;
    if (state !== 'running') {
      t.bytesPerSecond = null;
      runtime(t.id).samples = [];
    }
    return changed(t);
  };

  const loaded = (async () => {
    let repaired = false;
    for (const t of await o.file.load()) {
      const wasActive = t.state === 'running' || t.state === 'queued';
      repaired ||= wasActive;
      recs.set(t.id, { ...t, files: t.files.map((f) => ({ ...f })), bytesPerSecond: null, ...(wasActive ? { state: 'interrupted' as const, error: QUIT_MESSAGE } : {}) });
    }
    if (repaired) await save();
  })();

  return {
    recs,
    runtimes,
    runtime,
    snapshot,
    save,
    emitNow,
    changed,
    progressed,
    setState,
    /** Resolves once the saved list is read. */
    loaded,
    /** No more events (the hosts are going away); saving goes on. */
    mute: () => {
      muted = true;
      for (const r of runtimes.values()) {
        r.cancelRetry?.();
        r.cancelEmit?.();
      }
    },
  };
}
