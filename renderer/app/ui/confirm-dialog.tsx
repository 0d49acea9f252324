import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useRef, useState, type ReactElement, type ReactNode } from 'react';
import './ui.css';

export interface ConfirmDialogProps {
  /** The question, naming what will happen: "Delete 3 items from Lab storage?". The dialog's accessible name. */
  readonly title: string;
  /** What follows from saying yes (consequences, what cannot be undone). */
  readonly children: ReactNode;
  /** The button that does it, labelled by its action: "Delete 3 items", never "OK". */
  readonly confirmLabel: string;
  /** The button that leaves everything as it is. */
  readonly cancelLabel?: string;
  /** A destructive action is shown in the danger colour (the default). */
  readonly destructive?: boolean;
  /**
   * Runs on the confirm button. Returning (or resolving to) `false` keeps the dialog open, e.g. when
   * the action failed and its error is shown elsewhere.
   */
  readonly onConfirm: () => void | boolean | Promise<void | boolean>;
  /** The button that opens the dialog (uncontrolled use). */
  readonly trigger?: ReactElement;
  /** Controlled use: whether the dialog is open (opened by a key, a checkbox …). */
  readonly open?: boolean;
  readonly onOpenChange?: (open: boolean) => void;
}

/**
 * A confirmation before something that cannot be undone: a modal alert dialog (Radix) that traps
 * focus, starts on the safe button, closes with Escape and returns focus to whatever opened it.
 */
export function ConfirmDialog({ title, children, confirmLabel, cancelLabel = 'Cancel', destructive = true, onConfirm, trigger, open, onOpenChange }: ConfirmDialogProps) {
  const [ownOpen, setOwnOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const opener = useRef<HTMLElement | null>(null);
  const isOpen = open ?? ownOpen;
  const setOpen = (next: boolean) => {
    if (open === undefined) setOwnOpen(next);
    onOpenChange?.(next);
  };
  const confirm = async () => {
    setBusy(true);
    try {
      const result = await onConfirm();
      if (result !== false) setOpen(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AlertDialog.Root open={isOpen} onOpenChange={setOpen}>
      {trigger && <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger>}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="ui-overlay" />
        <AlertDialog.Content
          className="ui-dialog"
          onOpenAutoFocus={() => {
            opener.current = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
          }}
          onCloseAutoFocus={(event) => {
            const back = opener.current;
            opener.current = null;
            if (back?.isConnected) {
              event.preventDefault();
              back.focus();
            }
          }}
        >
          <AlertDialog.Title className="ui-dialog-title">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="ui-dialog-body">{children}</div>
          </AlertDialog.Description>
          <div className="ui-dialog-actions">
            <AlertDialog.Cancel asChild>
              <button type="button">{cancelLabel}</button>
            </AlertDialog.Cancel>
            <button type="button" className={destructive ? 'ui-danger' : 'primary'} disabled={busy} aria-busy={busy} onClick={() => void confirm()}>
              {confirmLabel}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
