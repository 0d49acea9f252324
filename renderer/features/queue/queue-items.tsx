import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { queueItemStates, type QueueDestinationStatus, type QueueItemRow, type QueueItemState } from '../../../shared/contract/queue';
import { formatBytes, formatCount } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { queueSelectors } from './queue-slice';

const rowHeight = 44;
const stateLabels: Readonly<Record<QueueItemState, string>> = {
  queued: 'Queued',
  batched: 'Batched',
  submitted: 'At Globus',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

/** Items of the queue, filtered by state and destination; only rows near the viewport are in the DOM. */
export function ItemsTable({ names, destinations }: { names: ReadonlyMap<string, string>; destinations: readonly QueueDestinationStatus[] }) {
  const items = useAppStore(queueSelectors.items);
  const hasMore = useAppStore(queueSelectors.itemsHasMore);
  const loading = useAppStore(queueSelectors.itemsLoading);
  const filter = useAppStore(queueSelectors.filter);
  const actions = useAppStore(queueSelectors.actions);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    getItemKey: (index) => items[index]?.id ?? index,
  });
  const virtual = virtualizer.getVirtualItems();
  const lastIndex = virtual.at(-1)?.index ?? -1;

  // Near the end of what is loaded: fetch the next page.
  useEffect(() => {
    if (hasMore && !loading && lastIndex >= items.length - 20) void actions.loadMoreItems();
  }, [lastIndex, items.length, hasMore, loading, actions]);

  return (
    <div className="q-items">
      <div className="q-filters">
        <label>
          State
          <select value={filter.state ?? ''} onChange={(e) => actions.setFilter({ state: (e.target.value || null) as QueueItemState | null })}>
            <option value="">All states</option>
            {queueItemStates.map((s) => (
              <option key={s} value={s}>
                {stateLabels[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Destination
          <select value={filter.destination ?? ''} onChange={(e) => actions.setFilter({ destination: e.target.value || null })}>
            <option value="">All destinations</option>
            {destinations.map((d) => (
              <option key={d.collection} value={d.collection}>
                {d.name ?? d.collection}
              </option>
            ))}
          </select>
        </label>
        <span className="muted q-items-count" aria-live="polite">
          {loading && items.length === 0 ? 'Loading…' : `${formatCount(items.length)}${hasMore ? '+' : ''} shown`}
        </span>
      </div>
      {items.length === 0 && !loading ? (
        <p className="muted">No items{filter.state || filter.destination ? ' match these filters' : ' in the queue yet'}.</p>
      ) : (
        <div className="q-items-table" role="table" aria-label="Queue items" aria-rowcount={items.length + 1}>
          <div role="rowgroup">
            <div role="row" className="q-item-row q-item-head">
              <span role="columnheader">State</span>
              <span role="columnheader">Source path</span>
              <span role="columnheader">Destination</span>
              <span role="columnheader">Size</span>
              <span role="columnheader">Batch</span>
            </div>
          </div>
          <div ref={scrollRef} className="q-items-scroll">
            <div role="rowgroup" className="q-items-body" style={{ height: virtualizer.getTotalSize() }}>
              {virtual.map((v) => {
                const item = items[v.index];
                if (!item) return null;
                return <ItemRow key={v.key} item={item} index={v.index} top={v.start} names={names} />;
              })}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

const ItemRow = memo(function ItemRow({ item, index, top, names }: { item: QueueItemRow; index: number; top: number; names: ReadonlyMap<string, string> }) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-item-id={item.id}
      data-state={item.state}
      className="q-item-row q-item-body-row"
      style={{ transform: `translateY(${top}px)`, height: rowHeight }}
    >
      <span role="cell">
        <span className={`q-state q-state-${item.state}`}>{stateLabels[item.state]}</span>
        {item.attempts > 0 && <span className="q-sub"> · retry {item.attempts}</span>}
      </span>
      <span role="cell" className="q-path" title={item.sourcePath}>
        {item.sourcePath}
        {item.reason && <span className="q-reason">{item.reason}</span>}
      </span>
      <span role="cell" className="q-path" title={`${names.get(item.destination) ?? item.destination}:${item.destinationPath}`}>
        <span className="q-sub">{names.get(item.destination) ?? item.destination}</span> {item.destinationPath}
      </span>
      <span role="cell">{item.size > 0 ? formatBytes(item.size) : '—'}</span>
      <span role="cell">{item.batchId ?? '—'}</span>
    </div>
  );
});
