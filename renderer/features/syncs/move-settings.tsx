import { useState } from 'react';
import { ConfirmDialog } from '../../app/ui/confirm-dialog';
import type { SyncForm } from './sync-form';

/**
 * Checksum verification and the verified move. Turning the move on asks first: it deletes files
 * on this machine (those a checksum-verified task carried and that have not changed since).
 */
export function MoveSettings({
  form,
  error,
  put,
}: {
  form: SyncForm;
  error: string | undefined;
  put: <K extends keyof SyncForm>(key: K, value: SyncForm[K]) => void;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <fieldset className="sy-fieldset">
      <legend>After the transfer</legend>
      <label className="sy-check">
        <input
          type="checkbox"
          checked={form.verifyChecksum}
          onChange={(e) => {
            put('verifyChecksum', e.target.checked);
            if (!e.target.checked) put('moveAfterVerify', false);
          }}
        />
        Verify checksums (Globus compares each file's checksum after copying it)
      </label>
      <label className="sy-check">
        <input
          type="checkbox"
          checked={form.moveAfterVerify}
          disabled={!form.verifyChecksum}
          onChange={(e) => {
            if (e.target.checked) setAsking(true);
            else put('moveAfterVerify', false);
          }}
        />
        Move: delete local files once a checksum-verified transfer carried them
      </label>
      {error && <p className="field-error">{error}</p>}
      <ConfirmDialog
        open={asking}
        onOpenChange={setAsking}
        title="Delete files from this machine after each run?"
        confirmLabel="Yes, delete after verified transfers"
        cancelLabel="Keep local files"
        onConfirm={() => put('moveAfterVerify', true)}
      >
        <p>
          Only files whose task succeeded with checksum verification, and whose size and modification time have not changed since, are deleted; every deletion is written to the
          run&apos;s log. This cannot be undone.
        </p>
      </ConfirmDialog>
    </fieldset>
  );
}
