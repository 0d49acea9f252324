/**
 * What may be dropped on a pane: selected items dragged from the other pane (a transfer), or
 * files and folders from this computer (a file manager's drag: `Files` and a `text/uri-list`),
 * which go with `transfers.sendLocal`. The window's own drop target (stage/window-drop.tsx)
 * leaves a drop on a pane alone: the pane carries LOCAL_DROP_ZONE.
 */
import type { PaneId } from './collections-slice';

export { LOCAL_DROP_ZONE } from '../stage/window-drop';

/** The type of the drag data of items dragged from a pane. */
export const ITEMS_DRAG_TYPE = 'application/x-ferry-items';

/** The pane a drag of selected items started in (drag data cannot be read during dragover). */
let itemsFrom: PaneId | null = null;

export function startItemsDrag(from: PaneId, data: DataTransfer): void {
  itemsFrom = from;
  data.setData(ITEMS_DRAG_TYPE, String(from));
  data.effectAllowed = 'copy';
}

export function endItemsDrag(): void {
  itemsFrom = null;
}

/** The pane items are dragged from, or null. */
export function itemsDragSource(): PaneId | null {
  return itemsFrom;
}

export type DropKind = 'items' | 'local';

/** What a drag over pane `id` carries that the pane takes, or null. */
export function dropKind(id: PaneId, types: readonly string[]): DropKind | null {
  if (types.includes(ITEMS_DRAG_TYPE)) return itemsFrom !== null && itemsFrom !== id ? 'items' : null;
  if (types.includes('Files') || types.includes('text/uri-list')) return 'local';
  return null;
}
