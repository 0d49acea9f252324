export function ProxyEndpointsView() {
  return (
    <div className="empty-state">
      <p>ProxyStore-style object-store endpoints on this machine.</p>
    </div>
  );
}
