import type { Area } from '../store/nav-slice';

type PlaceholderArea = Exclude<Area, 'settings' | 'account' | 'collections' | 'activity'>;

const plans: Record<PlaceholderArea, string> = {
  endpoints: 'Edit ProxyStore GlobusEndpoints: UUIDs, paths, host patterns, with import and export.',
  connectors: 'Name connectors, give them policies, and test where an object would be routed.',
  stage: 'Drop files here to put them through a connector and manage their keys.',
  syncs: 'Scheduled directory syncs that send only what changed since the last transfer.',
  queue: 'The batched send queue: items per state, active tasks, destinations.',
};

export function PlaceholderView({ area }: { area: PlaceholderArea }) {
  return (
    <div className="empty-state">
      <p>{plans[area]}</p>
      <p className="muted">This area is not available in this build yet.</p>
    </div>
  );
}
