/**
 * How a pane's selection, filter, hidden files and sort change (the rules are pane-model.ts';
 * these apply them to the store). Part of the collections slice.
 */
import type { CollectionsSlice, PaneId, PaneState } from './collections-slice';
import { selectAfterClick, visibleEntries } from './pane-model';

export type PaneSelection = Pick<CollectionsSlice, 'toggle' | 'select' | 'selectAll' | 'moveSelection' | 'setFilter' | 'setShowHidden' | 'sortBy'>;

export function createPaneSelection(pane: (id: PaneId) => PaneState, setPane: (id: PaneId, patch: Partial<PaneState>) => void, self: () => PaneSelection): PaneSelection {
  return {
    toggle(id, name) {
      self().select(id, name, 'toggle');
    },
    select(id, name, mode) {
      const p = pane(id);
      const order = visibleEntries(p).map((e) => e.name);
      setPane(id, selectAfterClick(order, p.selected, p.anchor, name, mode));
    },
    selectAll(id, on) {
      setPane(id, { selected: on ? visibleEntries(pane(id)).map((e) => e.name) : [], anchor: null });
    },
    moveSelection(id, by, extend) {
      const p = pane(id);
      const order = visibleEntries(p).map((e) => e.name);
      if (order.length === 0) return;
      const cursor = p.selected.length > 0 ? (p.selected[p.selected.length - 1] as string) : null;
      const at = cursor === null ? (by === 1 ? -1 : order.length) : order.indexOf(cursor);
      const next = order[Math.min(order.length - 1, Math.max(0, at + by))] as string;
      if (!extend) {
        setPane(id, { selected: [next], anchor: next });
        return;
      }
      const anchor = p.anchor ?? cursor ?? next;
      const range = selectAfterClick(order, p.selected, anchor, next, 'range');
      // The moving end stays last, so the next key press moves from it.
      setPane(id, { selected: [...range.selected.filter((n) => n !== next), next], anchor: range.anchor });
    },
    setFilter(id, filter) {
      const p = pane(id);
      const next = { ...p, filter };
      const shown = new Set(visibleEntries(next).map((e) => e.name));
      setPane(id, { filter, selected: p.selected.filter((n) => shown.has(n)) });
    },
    setShowHidden(id, showHidden) {
      const p = pane(id);
      setPane(id, { showHidden, selected: showHidden ? p.selected : p.selected.filter((n) => !n.startsWith('.')) });
    },
    sortBy(id, key) {
      const sort = pane(id).sort;
      setPane(id, { sort: { key, direction: sort.key === key && sort.direction === 'asc' ? 'desc' : 'asc' } });
    },
  };
}
