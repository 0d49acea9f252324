import { useState } from 'react';
import { formatCount } from '../../../shared/format';
import { ActionButton } from '../../app/ui/action-button';
import { useAppStore } from '../../app/store-context';
import { collectionsSelectors, type PaneId } from './collections-slice';

/** Where the pane's selected files go on this computer (no native dialog in a browser: a folder path). */
export function DownloadForm({ id, side, fileCount, onDone }: { readonly id: PaneId; readonly side: string; readonly fileCount: number; readonly onDone: () => void }) {
  const actions = useAppStore(collectionsSelectors.actions);
  const first = useAppStore(collectionsSelectors.defaultDownloadFolder);
  const [folder, setFolder] = useState(first);
  const [busy, setBusy] = useState(false);
  const fieldId = `download-folder-${id}`;
  return (
    <form
      className="path-row download-form"
      aria-label={`${side} download`}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
          if (await actions.downloadSelected(id, folder)) onDone();
        } finally {
          setBusy(false);
        }
      }}
    >
      <label htmlFor={fieldId}>Download {formatCount(fileCount, 'file')} to</label>
      <input id={fieldId} value={folder} autoFocus onChange={(e) => setFolder(e.target.value)} placeholder="a folder on this computer" spellCheck={false} />
      <ActionButton type="submit" className="primary" disabled={busy} disabledReason={folder.trim() ? null : 'Type a folder on this computer.'}>
        Download
      </ActionButton>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}
