export function ConnectorsView() {
  return (
    <div className="empty-state">
      <p>Named connectors with their policies, and a route tester.</p>
    </div>
  );
}
