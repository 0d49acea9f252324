import { assertNever } from '../../../shared/assert-never';
import { useAppStore } from '../../app/store-context';
import { collectionsSelectors, type PaneId } from './collections-slice';

const paneSelectors = [collectionsSelectors.pane(0), collectionsSelectors.pane(1)] as const;

/** What a pane says about the files last dropped on it or downloaded from it: sending, refused, or a consent to give. */
export function PaneNoticeView({ id }: { readonly id: PaneId }) {
  const notice = useAppStore(paneSelectors[id]).notice;
  const actions = useAppStore(collectionsSelectors.actions);
  if (!notice) return null;
  switch (notice.kind) {
    case 'working':
      return (
        <p className="muted small" role="status">
          {notice.message}
        </p>
      );
    case 'error':
      return (
        <div className="note warn pane-notice" role="alert">
          <span>{notice.message}</span>
          <button type="button" className="link-button" onClick={() => actions.dismissNotice(id)}>
            Dismiss
          </button>
        </div>
      );
    case 'consent':
      return (
        <div className="note warn pane-notice" role="alert">
          <span>
            Globus needs your consent before Ferry can move these files{notice.scopes.length > 0 ? ' over HTTPS' : ''}. Ferry carries on as soon as you give it.
          </span>
          <button type="button" className="primary" disabled={notice.requested} onClick={() => void actions.grantNoticeConsent(id)}>
            {notice.requested ? 'Waiting for consent…' : 'Give consent'}
          </button>
        </div>
      );
    default:
      return assertNever(notice);
  }
}
