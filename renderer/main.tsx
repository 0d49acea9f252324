/**
 * The one bootstrap file that reads `window`: pick the host's AppApi (Electron's preload
 * exposes `window.api`; in a browser, connect to the serve bridge), build the store, render.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppApi, withBridgedErrors } from '../shared/api-client';
import type { AppApi } from '../shared/ipc-contract';
import { AppShell } from './app/app-shell';
import { StoreProvider } from './app/store-context';
import { createAppStore } from './store/create-app-store';
import { isArea } from './store/nav-slice';
import { uploadHostFiles } from './transport/upload-files';
import { createWsTransport } from './transport/ws-transport';
import './styles.css';

const preloadApi = (window as unknown as { api?: AppApi }).api;
let api: AppApi;
let watchConnection: ((onChange: (s: 'connecting' | 'open' | 'closed') => void) => void) | undefined;
if (preloadApi) {
  api = withBridgedErrors(preloadApi);
} else {
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`;
  const transport = createWsTransport(wsUrl);
  api = createAppApi(transport, uploadHostFiles);
  watchConnection = (onChange) => transport.onConnectionChange(onChange);
}

const hashArea = location.hash.slice(1);
const store = createAppStore(api, { initialArea: isArea(hashArea) ? hashArea : null });
store.start();
watchConnection?.((state) => store.getState().app.setConnection(state));
store.subscribe((s, prev) => {
  if (s.nav.area !== null && s.nav.area !== prev.nav.area) history.replaceState(null, '', `#${s.nav.area}`);
});
window.addEventListener('unhandledrejection', (event) => {
  const reason: unknown = event.reason;
  store.getState().toasts.push('error', reason instanceof Error ? reason.message : String(reason));
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <AppShell />
    </StoreProvider>
  </StrictMode>,
);
