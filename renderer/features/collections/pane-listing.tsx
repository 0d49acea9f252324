import { useMemo, type MouseEvent } from 'react';
import { formatBytes, formatCount, formatExact, formatRelative } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { collectionsSelectors, joinPath, type PaneId } from './collections-slice';
import { endItemsDrag, startItemsDrag } from './pane-drop';
import { visibleEntries, type SortKey } from './pane-model';

const columns: readonly { readonly key: SortKey; readonly title: string; readonly num?: boolean }[] = [
  { key: 'name', title: 'Name' },
  { key: 'size', title: 'Size', num: true },
  { key: 'modified', title: 'Modified' },
];

const paneSelectors = [collectionsSelectors.pane(0), collectionsSelectors.pane(1)] as const;

/** A pane's listing: sortable columns, click/shift/ctrl selection, keyboard moves, rows to drag to the other pane. */
export function PaneListing({ id, side, onDelete }: { readonly id: PaneId; readonly side: string; readonly onDelete: () => void }) {
  const pane = useAppStore(paneSelectors[id]);
  const actions = useAppStore(collectionsSelectors.actions);
  const shown = useMemo(() => visibleEntries(pane), [pane]);
  const allSelected = shown.length > 0 && shown.every((e) => pane.selected.includes(e.name));
  const hiddenCount = pane.showHidden ? 0 : pane.entries.filter((e) => e.name.startsWith('.')).length;
  const clickRow = (event: MouseEvent, name: string) => {
    if ((event.target as HTMLElement).closest('button, input, a')) return;
    actions.select(id, name, event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'only');
  };
  if (pane.loading && pane.entries.length === 0) return <p className="muted">Listing…</p>;
  return (
    <table
      className="listing"
      aria-label={`${side} listing`}
      aria-busy={pane.loading}
      tabIndex={0}
      title="Arrow keys move, shift extends, Enter opens a folder, Backspace goes up, Ctrl+A selects all, Delete deletes"
      onKeyDown={(event) => {
        if ((event.target as HTMLElement).closest('input, button, select')) return;
        const only = pane.selected.length === 1 ? shown.find((e) => e.name === pane.selected[0]) : undefined;
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') actions.moveSelection(id, event.key === 'ArrowDown' ? 1 : -1, event.shiftKey);
        else if (event.key === 'Enter' && only?.type === 'dir') void actions.list(id, `${joinPath(pane.path, only.name)}/`);
        else if (event.key === 'Backspace') void actions.up(id);
        else if (event.key === 'a' && (event.ctrlKey || event.metaKey)) actions.selectAll(id, true);
        else if (event.key === 'Delete' && pane.selected.length > 0) onDelete();
        else if (event.key === 'Escape') actions.selectAll(id, false);
        else return;
        event.preventDefault();
      }}
    >
      <thead>
        <tr>
          <th scope="col">
            <input type="checkbox" aria-label={`Select all in ${side.toLowerCase()} pane`} checked={allSelected} onChange={(e) => actions.selectAll(id, e.target.checked)} />
          </th>
          {columns.map((c) => (
            <th
              key={c.key}
              scope="col"
              className={c.num ? 'num' : undefined}
              aria-sort={pane.sort.key === c.key ? (pane.sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
            >
              <button type="button" className="link-button" onClick={() => actions.sortBy(id, c.key)}>
                {c.title}
                {pane.sort.key === c.key ? (pane.sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {shown.length === 0 && !pane.error && (
          <tr>
            <td colSpan={4} className="muted">
              {pane.entries.length === 0 ? 'This folder is empty.' : 'Nothing here matches the filter.'}
              {hiddenCount > 0 && pane.entries.length === hiddenCount ? ` (${formatCount(hiddenCount, 'hidden item')})` : ''}
            </td>
          </tr>
        )}
        {shown.map((e) => (
          <tr
            key={e.name}
            className={pane.selected.includes(e.name) ? 'selected' : undefined}
            onClick={(event) => clickRow(event, e.name)}
            aria-selected={pane.selected.includes(e.name)}
            draggable
            onDragStart={(event) => {
              if (!pane.selected.includes(e.name)) actions.select(id, e.name, 'only');
              startItemsDrag(id, event.dataTransfer);
            }}
            onDragEnd={endItemsDrag}
          >
            <td>
              <input type="checkbox" aria-label={`Select ${e.name}`} checked={pane.selected.includes(e.name)} onChange={() => actions.toggle(id, e.name)} />
            </td>
            <td>
              {e.type === 'dir' ? (
                <button type="button" className="link-button" onClick={() => void actions.list(id, `${joinPath(pane.path, e.name)}/`)}>
                  <span className="folder-icon" aria-hidden="true" />
                  {e.name}
                </button>
              ) : (
                <span>{e.name}</span>
              )}
            </td>
            <td className="num">{e.type === 'dir' ? '' : formatBytes(e.size)}</td>
            <td title={e.last_modified ? formatExact(e.last_modified) : undefined}>{e.last_modified ? formatRelative(Date.parse(e.last_modified)) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
