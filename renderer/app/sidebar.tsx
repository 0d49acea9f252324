import { areas, navSelectors, type Area } from '../store/nav-slice';
import { appSelectors } from '../store/app-slice';
import { useAppStore } from './store-context';
import { attentionSelectors } from '../features/activity/attention-slice';

export const areaLabels: Record<Area, string> = {
  account: 'Account',
  collections: 'Collections',
  'object-stores': 'Object stores',
  connectors: 'Connectors',
  stage: 'Stage',
  syncs: 'Syncs',
  timers: 'Timers',
  sharing: 'Sharing',
  queue: 'Queue',
  activity: 'Activity',
  settings: 'Settings',
};

const icons: Record<Area, string> = {
  account: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8a7 7 0 0 1 14 0',
  collections: 'M3 7l3-3h5l2 2h8v13H3zM3 10h18',
  'object-stores': 'M4 6h16M4 12h16M4 18h16M7 6v0M7 12v0M7 18v0',
  connectors: 'M8 7h8M8 17h8M6 7a2 2 0 1 1-4 0 2 2 0 0 1 4 0zm16 10a2 2 0 1 1-4 0 2 2 0 0 1 4 0zM18 7a2 2 0 1 0 4 0 2 2 0 0 0-4 0zM2 17a2 2 0 1 0 4 0 2 2 0 0 0-4 0',
  stage: 'M12 3v12m0-12l-4 4m4-4l4 4M4 17v3h16v-3',
  syncs: 'M4 12a8 8 0 0 1 14-5.3M20 12a8 8 0 0 1-14 5.3M18 3v4h-4M6 21v-4h4',
  timers: 'M12 21a8 8 0 1 0 0-16 8 8 0 0 0 0 16zM12 9v4l3 2M9 2h6',
  sharing: 'M18 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM6 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM18 22a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM8.6 13.5l6.8 4M15.4 6.5l-6.8 4',
  queue: 'M4 6h12M4 12h16M4 18h8',
  activity: 'M3 12h4l3-8 4 16 3-8h4',
  settings: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1-2-4-2 1-2-2 1-2-4-2-1 2h-2L9 2 5 4l1 2-2 2-2-1-2 4 2 1',
};

export function Sidebar() {
  const view = useAppStore(navSelectors.view);
  const go = useAppStore(navSelectors.go);
  const info = useAppStore(appSelectors.info);
  const alertCount = useAppStore(attentionSelectors.alertCount);
  return (
    <nav className="sidebar" aria-label="Areas">
      <div className="brand">
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <path d="M3 15l9 5 9-5M5 11h14l-2-5H7z" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />
        </svg>
        <span>Ferry</span>
      </div>
      <ul>
        {areas.map((a) => (
          <li key={a}>
            <button type="button" className="nav-item" aria-current={a === view ? 'page' : undefined} onClick={() => go(a)}>
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                <path d={icons[a]} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
              {areaLabels[a]}
              {a === 'activity' && alertCount > 0 && ' '}
              {a === 'activity' && alertCount > 0 && (
                <span className="nav-badge" data-testid="alerts-badge">
                  {alertCount}
                  <span className="visually-hidden"> {alertCount === 1 ? 'alert' : 'alerts'}</span>
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <div className="sidebar-footer muted">{info ? `v${info.version} · ${info.capabilities.label}` : ''}</div>
    </nav>
  );
}
