export function QueueView() {
  return (
    <div className="empty-state">
      <p>The batched send queue.</p>
    </div>
  );
}
