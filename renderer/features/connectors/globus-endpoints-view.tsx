export function GlobusEndpointsView() {
  return (
    <div className="empty-state">
      <p>ProxyStore GlobusEndpoints: UUIDs, paths and host patterns, imported from and exported to ProxyStore JSON.</p>
    </div>
  );
}
