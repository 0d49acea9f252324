import type { KeyRef, PutProgress, PutTags, StagedFile, StoredKey } from '../../../shared/contract/connectors';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export interface StageItem extends StagedFile {
  readonly id: string;
  readonly progress: PutProgress | null;
}

export interface KeyStatus {
  readonly busy: boolean;
  readonly exists: boolean | null;
  /** Where the last get-to-file wrote the object. */
  readonly gotTo: string | null;
  readonly error: string | null;
}

/** The Stage area: files dropped or picked, put through the saved connectors, and the keys they got. */
export interface StageSlice extends Attachable {
  /** True once the keys were first read. */
  readonly ready: boolean;
  readonly items: readonly StageItem[];
  readonly tags: PutTags;
  readonly signedIn: boolean;
  readonly putting: boolean;
  readonly keys: readonly StoredKey[];
  readonly keyStatus: { readonly [keyId: string]: KeyStatus };
  /** Files are being dragged over the window. */
  readonly dragging: boolean;

  setDragging(dragging: boolean): void;
  /** Resolves dropped or picked files to paths through the host, stages them and shows the Stage. */
  stageFiles(files: readonly unknown[]): Promise<void>;
  /** Adds paths; staged ones are inspected again (`[]`: only again, e.g. after the policies changed). */
  stagePaths(paths: readonly string[]): Promise<void>;
  unstage(id: string): void;
  clearStage(): void;
  setTags(tags: PutTags): void;
  putAll(): Promise<void>;
  refreshKeys(): Promise<void>;
  /** A listed key by id, or a key pasted from Python (`{pasted}`); its status is under keyStatusId(ref). */
  checkExists(ref: KeyRef): Promise<void>;
  getToFile(ref: KeyRef, destination: string | null): Promise<void>;
  evict(ref: KeyRef): Promise<void>;
}

const noTags: PutTags = { subsetTags: [], supersetTags: [] };
const idleKey: KeyStatus = { busy: false, exists: null, gotTo: null, error: null };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createStageSlice(api: AppApi, set: SliceSet<'stage'>, get: () => AppState): StageSlice {
  const slice = () => get().stage;
  let nextId = 0;

  const setKeyStatus = (keyId: string, patch: Partial<KeyStatus>) =>
    set((s) => ({ keyStatus: { ...s.keyStatus, [keyId]: { ...(s.keyStatus[keyId] ?? idleKey), ...patch } } }));

  const inspect = async (paths: readonly string[]) => {
    const result = await api.connectors.inspect(paths, slice().tags);
    set({ signedIn: result.signedIn });
    return result.files;
  };

  return {
    ready: false,
    items: [],
    tags: noTags,
    signedIn: false,
    putting: false,
    keys: [],
    keyStatus: {},
    dragging: false,

    attach() {
      void slice()
        .refreshKeys()
        .then(
          () => set({ ready: true }),
          () => set({ ready: true }),
        );
      const offs = [
        api.connectors.onPutProgress((p) => set((s) => ({ items: s.items.map((item) => (item.id === p.id ? { ...item, progress: p } : item)) }))),
        api.connectors.onKeysChanged((keys) => set({ keys })),
        api.account.onStatus((status) => {
          const signedIn = status.state === 'signed-in';
          if (signedIn === slice().signedIn) return;
          set({ signedIn });
          if (slice().items.length > 0) void slice().stagePaths([]);
        }),
      ];
      return () => offs.forEach((off) => off());
    },

    setDragging(dragging) {
      if (slice().dragging !== dragging) set({ dragging });
    },
    async stageFiles(files) {
      set({ dragging: false });
      if (files.length === 0) return;
      get().nav.go('stage');
      try {
        await slice().stagePaths(await api.files.pathsFor(files));
      } catch {
        // the toast says why
      }
    },
    async stagePaths(paths) {
      const current = slice().items;
      const fresh = paths.filter((p) => !current.some((i) => i.path === p));
      const all = [...current.map((i) => i.path), ...fresh];
      if (all.length === 0) return;
      try {
        const files = await inspect(all);
        set((s) => {
          const byPath = new Map(s.items.map((i) => [i.path, i]));
          return {
            items: files.map((f) => {
              const old = byPath.get(f.path);
              return { ...f, id: old?.id ?? `staged-${++nextId}`, progress: old?.progress ?? null };
            }),
          };
        });
      } catch {
        // the toast says why
      }
    },
    unstage(id) {
      set((s) => ({ items: s.items.filter((i) => i.id !== id) }));
    },
    clearStage() {
      set({ items: [] });
    },
    setTags(tags) {
      set({ tags });
      void slice().stagePaths([]);
    },
    async putAll() {
      const items = slice().items.filter((i) => i.error === null && i.progress?.state !== 'done');
      if (items.length === 0 || slice().putting) return;
      set((s) => ({
        putting: true,
        items: s.items.map((i) => (items.some((x) => x.id === i.id) ? { ...i, progress: null } : i)),
      }));
      try {
        const results = await api.connectors.put(
          items.map((i) => ({ id: i.id, path: i.path })),
          slice().tags,
        );
        // The result is the truth even when a progress event was missed.
        set((s) => ({
          items: s.items.map((item) => {
            const r = results.find((x) => x.id === item.id);
            if (!r) return item;
            const total = item.sizeBytes;
            return {
              ...item,
              progress: {
                id: item.id,
                path: item.path,
                state: r.error ? 'failed' : 'done',
                doneBytes: r.error ? (item.progress?.doneBytes ?? 0) : total,
                totalBytes: total,
                error: r.error,
              },
            };
          }),
        }));
        await slice().refreshKeys();
      } catch {
        // the toast says why
      } finally {
        set({ putting: false });
      }
    },
    async refreshKeys() {
      set({ keys: await api.connectors.keys() });
    },
    async checkExists(ref) {
      const keyId = keyStatusId(ref);
      setKeyStatus(keyId, { busy: true, error: null });
      try {
        const { exists } = await api.connectors.exists(ref);
        setKeyStatus(keyId, { busy: false, exists });
      } catch (error) {
        setKeyStatus(keyId, { busy: false, error: messageOf(error) });
      }
    },
    async getToFile(ref, destination) {
      const keyId = keyStatusId(ref);
      setKeyStatus(keyId, { busy: true, error: null });
      try {
        const r = await api.connectors.getToFile(ref, destination);
        setKeyStatus(keyId, { busy: false, gotTo: r.written ? r.path : null, exists: r.written, error: r.written ? null : 'The object no longer exists' });
      } catch (error) {
        setKeyStatus(keyId, { busy: false, error: messageOf(error) });
      }
    },
    async evict(ref) {
      const keyId = keyStatusId(ref);
      setKeyStatus(keyId, { busy: true, error: null });
      try {
        set({ keys: await api.connectors.evict(ref) });
        if (typeof ref === 'string') {
          set((s) => {
            const rest = { ...s.keyStatus };
            delete rest[keyId];
            return { keyStatus: rest };
          });
        } else setKeyStatus(keyId, { busy: false, exists: false, gotTo: null });
      } catch (error) {
        setKeyStatus(keyId, { busy: false, error: messageOf(error) });
      }
    },
  };
}

/** Where a key's status is kept: its id, or the pasted text (trimmed). */
export function keyStatusId(ref: KeyRef): string {
  return typeof ref === 'string' ? ref : `pasted:${ref.pasted.trim()}`;
}

export interface OverallProgress {
  readonly doneBytes: number;
  readonly totalBytes: number;
  readonly done: number;
  readonly failed: number;
  readonly count: number;
}

let lastItems: readonly StageItem[] | null = null;
let lastOverall: OverallProgress | null = null;

/** Bytes and files done over every staged file that has started (memoized on the items array). */
export function overallProgress(items: readonly StageItem[]): OverallProgress | null {
  if (items === lastItems) return lastOverall;
  const started = items.filter((i) => i.progress !== null);
  const result =
    started.length === 0
      ? null
      : {
          doneBytes: started.reduce((n, i) => n + (i.progress?.state === 'done' ? i.sizeBytes : (i.progress?.doneBytes ?? 0)), 0),
          totalBytes: started.reduce((n, i) => n + i.sizeBytes, 0),
          done: started.filter((i) => i.progress?.state === 'done').length,
          failed: started.filter((i) => i.progress?.state === 'failed').length,
          count: started.length,
        };
  lastItems = items;
  lastOverall = result;
  return result;
}

export const stageSelectors = {
  ready: (s: AppState) => s.stage.ready,
  items: (s: AppState) => s.stage.items,
  tags: (s: AppState) => s.stage.tags,
  overall: (s: AppState) => overallProgress(s.stage.items),
  signedIn: (s: AppState) => s.stage.signedIn,
  putting: (s: AppState) => s.stage.putting,
  keys: (s: AppState) => s.stage.keys,
  keyStatus: (s: AppState) => s.stage.keyStatus,
  dragging: (s: AppState) => s.stage.dragging,
  /** The slice itself: its verbs never change. */
  actions: (s: AppState) => s.stage,
};
