export function StageView() {
  return (
    <div className="empty-state">
      <p>Drop files anywhere on the window to put them through a connector.</p>
    </div>
  );
}
