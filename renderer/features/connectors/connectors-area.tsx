import { useState } from 'react';
import { ConnectorsView } from './connectors-view';
import { GlobusEndpointsFileView } from './globus-endpoints-file-view';

const tabs = [
  { id: 'connectors', label: 'Connectors and policies' },
  { id: 'globus-endpoints', label: 'Globus endpoints file' },
] as const;
type Tab = (typeof tabs)[number]['id'];

/**
 * The Connectors area: ProxyStore's MultiConnector (connectors, their policies, a route tester) and
 * the Globus endpoints file its GlobusConnectors read, as two tabs.
 */
export function ConnectorsArea() {
  const [tab, setTab] = useState<Tab>('connectors');
  return (
    <div className="area-tabs">
      <div role="tablist" aria-label="Connector settings" className="tablist">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'connectors' ? <ConnectorsView /> : <GlobusEndpointsFileView />}
      </div>
    </div>
  );
}
