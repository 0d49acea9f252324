import { useState } from 'react';
import { GlobusEndpointsView } from '../features/connectors/globus-endpoints-view';
import { ProxyEndpointsView } from '../features/proxy-endpoints/proxy-endpoints-view';

const tabs = [
  { id: 'globus', label: 'Globus endpoints (ProxyStore JSON)' },
  { id: 'stores', label: 'Object-store endpoints' },
] as const;
type Tab = (typeof tabs)[number]['id'];

/** The Endpoints area: ProxyStore GlobusEndpoints files, and ProxyStore-style object-store endpoints. */
export function EndpointsArea() {
  const [tab, setTab] = useState<Tab>('globus');
  return (
    <div className="area-tabs">
      <div role="tablist" aria-label="Endpoint kinds" className="tablist">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'globus' ? <GlobusEndpointsView /> : <ProxyEndpointsView />}
      </div>
    </div>
  );
}
