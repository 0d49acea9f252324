import { useId, type ButtonHTMLAttributes } from 'react';
import './ui.css';

export interface ActionButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** Why the action cannot run now, in words for the person; set: the button is disabled and says so. */
  readonly disabledReason?: string | null;
  /**
   * The id of a reason shown elsewhere (several buttons blocked for one reason share one text);
   * with it the button only points at that text instead of showing its own.
   */
  readonly reasonId?: string;
}

/**
 * A button that explains itself when it cannot run: disabled, with its reason in small muted text
 * beside it (not only in a tooltip, which a disabled button cannot show), tied to the button with
 * `aria-describedby` so a screen reader reads it too.
 */
export function ActionButton({ disabledReason, reasonId, disabled, type = 'button', children, ...rest }: ActionButtonProps) {
  const ownId = useId();
  const reason = disabledReason ? disabledReason : null;
  const id = reasonId ?? ownId;
  const describedBy = [rest['aria-describedby'], reason ? id : null].filter(Boolean).join(' ') || undefined;
  return (
    <span className="ui-action">
      <button {...rest} type={type} disabled={Boolean(disabled) || reason !== null} aria-describedby={describedBy}>
        {children}
      </button>
      {reason && !reasonId && (
        <span id={id} className="ui-action-reason">
          {reason}
        </span>
      )}
    </span>
  );
}

/** A reason several ActionButtons share (pass its `id` to each as `reasonId`). */
export function ActionReason({ id, reason }: { readonly id: string; readonly reason: string | null }) {
  if (!reason) return null;
  return (
    <span id={id} className="ui-action-reason">
      {reason}
    </span>
  );
}
