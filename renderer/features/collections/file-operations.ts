/**
 * A pane's file operations: new folder, rename, and delete (a Globus delete task). Part of the
 * collections slice; refusals reach the person through the error toast.
 */
import type { AppApi } from '../../../shared/ipc-contract';
import type { CollectionsSlice, PaneId, PaneState } from './collections-slice';
import { footprintOf, joinPath, type TaskFootprint } from './pane-model';

export interface FileOperationsDeps {
  readonly api: AppApi;
  readonly pane: (id: PaneId) => PaneState;
  readonly setPane: (id: PaneId, patch: Partial<PaneState>) => void;
  /** Lists a pane's folder again, keeping the selection of what is still there. */
  readonly list: (id: PaneId, path: string) => Promise<void>;
  readonly deleteStarted: (taskId: string, footprint: TaskFootprint) => void;
}

export type FileOperations = Pick<CollectionsSlice, 'mkdir' | 'rename' | 'deleteSelected'>;

export function createFileOperations(deps: FileOperationsDeps): FileOperations {
  const { api, pane, setPane, list } = deps;
  return {
    async mkdir(id, name) {
      const p = pane(id);
      if (!p.collection) return false;
      try {
        await api.collections.mkdir(p.collection.id, joinPath(p.path, name));
      } catch {
        // The error toast says why.
        return false;
      }
      await list(id, p.path);
      return true;
    },
    async rename(id, from, to) {
      const p = pane(id);
      if (!p.collection || !to.trim() || /[/\\]/.test(to) || from === to) return false;
      try {
        await api.collections.rename(p.collection.id, joinPath(p.path, from), joinPath(p.path, to.trim()));
      } catch {
        // The error toast says why.
        return false;
      }
      setPane(id, { selected: [to.trim()], anchor: to.trim() });
      await list(id, p.path);
      return true;
    },
    async deleteSelected(id) {
      const p = pane(id);
      if (!p.collection || p.selected.length === 0) return null;
      const items = p.selected.map((name) => ({ path: joinPath(p.path, name), recursive: p.entries.find((e) => e.name === name)?.type === 'dir' }));
      try {
        const result = await api.transfers.delete({
          collection: p.collection.id,
          paths: items.map((i) => i.path),
          label: `Delete ${p.selected.length === 1 ? p.selected[0] : `${p.selected.length} items`}`.slice(0, 128),
        });
        deps.deleteStarted(result.taskId, footprintOf(p.collection.id, items));
        setPane(id, { selected: [], anchor: null });
        return result.taskId;
      } catch {
        // The error toast says why.
        return null;
      }
    },
  };
}
