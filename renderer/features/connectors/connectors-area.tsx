import { Tabs } from '../../app/ui/tabs';
import { ConnectorsView } from './connectors-view';
import { GlobusEndpointsFileView } from './globus-endpoints-file-view';

/**
 * The Connectors area: ProxyStore's MultiConnector (connectors, their policies, a route tester) and
 * the Globus endpoints file its GlobusConnectors read, as two tabs.
 */
export function ConnectorsArea() {
  return (
    <Tabs
      label="Connector settings"
      items={[
        { id: 'connectors', label: 'Connectors and policies', render: () => <ConnectorsView /> },
        { id: 'globus-endpoints', label: 'Globus endpoints file', render: () => <GlobusEndpointsFileView /> },
      ]}
    />
  );
}
