import { useEffect } from 'react';
import { toastSelectors } from '../store/toast-slice';
import { useAppStore } from './store-context';
import { Tooltip } from './ui/tooltip';

const LIFETIME_MS = { error: 12_000, success: 4_000, info: 6_000 } as const;

export function ToastArea() {
  const toasts = useAppStore(toastSelectors.items);
  const dismiss = useAppStore((s) => s.toasts.dismiss);
  useEffect(() => {
    const timers = toasts.map((t) => setTimeout(() => dismiss(t.id), LIFETIME_MS[t.kind]));
    return () => timers.forEach(clearTimeout);
  }, [toasts, dismiss]);
  return (
    <div className="toast-area" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <span>{t.message}</span>
          <Tooltip text="Dismiss this message">
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </Tooltip>
        </div>
      ))}
    </div>
  );
}
