export function SyncsView() {
  return (
    <div className="empty-state">
      <p>Scheduled directory syncs that send only what changed.</p>
    </div>
  );
}
