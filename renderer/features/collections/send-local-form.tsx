import { useState } from 'react';
import { isAbsolutePath } from '../../../shared/paths';
import { ActionButton } from '../../app/ui/action-button';
import { useAppStore } from '../../app/store-context';
import { collectionsSelectors, type PaneId } from './collections-slice';

/** Why the typed paths cannot be sent, or null. */
export function localPathsProblem(paths: readonly string[]): string | null {
  if (paths.length === 0) return 'Type the path of a file or folder on this computer.';
  const relative = paths.find((p) => !isAbsolutePath(p));
  return relative ? `${relative} is not a full path (such as /home/me/data/file.h5).` : null;
}

/** The paths typed in the form: one per line, blank lines skipped. */
export function localPathsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * Sends files of this computer to the pane's folder without dragging them (the keyboard's way to
 * do what a drop does): the same choice of a Globus task from This computer, or HTTPS.
 */
export function SendLocalForm({ id, side, where, onDone }: { readonly id: PaneId; readonly side: string; readonly where: string; readonly onDone: () => void }) {
  const actions = useAppStore(collectionsSelectors.actions);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const fieldId = `send-local-${id}`;
  const paths = localPathsOf(text);
  const problem = localPathsProblem(paths);
  return (
    <form
      className="path-row send-local-form"
      aria-label={`${side} send from this computer`}
      onSubmit={async (e) => {
        e.preventDefault();
        if (problem) return;
        setBusy(true);
        try {
          await actions.sendLocal(id, paths);
          onDone();
        } finally {
          setBusy(false);
        }
      }}
    >
      <label htmlFor={fieldId}>Send to {where} from this computer (one path per line)</label>
      <textarea id={fieldId} value={text} autoFocus rows={2} onChange={(e) => setText(e.target.value)} placeholder="/home/me/data/run-001" spellCheck={false} />
      <ActionButton type="submit" className="primary" disabled={busy} disabledReason={problem}>
        Send
      </ActionButton>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}
