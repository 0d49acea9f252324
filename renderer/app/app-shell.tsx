import type { ReactNode } from 'react';
import { assertNever } from '../../shared/assert-never';
import { AccountView } from '../features/account/account-view';
import { ActivityView } from '../features/activity/activity-view';
import { CollectionsView } from '../features/collections/collections-view';
import { ConnectorsArea } from '../features/connectors/connectors-area';
import { ObjectStoresView } from '../features/object-stores/object-stores-view';
import { QueueView } from '../features/queue/queue-view';
import { TimersView } from '../features/timers/timers-view';
import { SharingView } from '../features/sharing/sharing-view';
import { SettingsView } from '../features/settings/settings-view';
import { StageView } from '../features/stage/stage-view';
import { WindowDropTarget } from '../features/stage/window-drop';
import { SyncsView } from '../features/syncs/syncs-view';
import { WelcomeView } from '../features/welcome/welcome-view';
import { appSelectors } from '../store/app-slice';
import { navSelectors, type View } from '../store/nav-slice';
import { settingsSelectors } from '../store/settings-slice';
import { ErrorBoundary } from './error-boundary';
import { areaLabels, Sidebar } from './sidebar';
import { useAppStore } from './store-context';
import { ToastArea } from './toast-area';
import { useTheme } from './use-theme';

function viewFor(view: View): ReactNode {
  switch (view) {
    case 'welcome':
      return <WelcomeView />;
    case 'settings':
      return <SettingsView />;
    case 'account':
      return <AccountView />;
    case 'collections':
      return <CollectionsView />;
    case 'activity':
      return <ActivityView />;
    case 'object-stores':
      return <ObjectStoresView />;
    case 'connectors':
      return <ConnectorsArea />;
    case 'stage':
      return <StageView />;
    case 'syncs':
      return <SyncsView />;
    case 'queue':
      return <QueueView />;
    case 'timers':
      return <TimersView />;
    case 'sharing':
      return <SharingView />;
    default:
      return assertNever(view, 'view');
  }
}

export function AppShell() {
  const view = useAppStore(navSelectors.view);
  const theme = useAppStore(settingsSelectors.theme);
  const connection = useAppStore(appSelectors.connection);
  const settingsNotice = useAppStore(appSelectors.settingsNotice);
  useTheme(theme);
  return (
    <WindowDropTarget>
    <div className="shell">
      <Sidebar />
      <main className="main" aria-labelledby="area-title">
        {connection !== 'open' && (
          <div className="banner" role="status">
            {connection === 'connecting' ? 'Connecting to Ferry…' : 'Lost the connection to Ferry. Reconnecting…'}
          </div>
        )}
        {settingsNotice && (
          <div className="banner" role="alert">
            {settingsNotice}
          </div>
        )}
        <header className="main-header">
          <h1 id="area-title">{view === null ? 'Ferry' : view === 'welcome' ? 'Welcome to Ferry' : areaLabels[view]}</h1>
        </header>
        <div className="main-body">
          {view === null ? <p className="muted">Reading your sign-in state…</p> : <ErrorBoundary area={view}>{viewFor(view)}</ErrorBoundary>}
        </div>
      </main>
      <ToastArea />
    </div>
    </WindowDropTarget>
  );
}
