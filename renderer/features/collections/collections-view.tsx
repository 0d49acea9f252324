import { useAppStore } from '../../app/store-context';
import { accountSelectors } from '../account/account-slice';
import { HttpsTransfersPanel } from '../https-transfers/https-transfers-panel';
import { collectionsSelectors } from './collections-slice';
import { Pane } from './pane';
import { SearchBar } from './search-bar';
import { TransferBar } from './transfer-bar';
import './collections.css';

/** The Collections area: find collections, two panes to browse, HTTPS transfers, and the transfer bar. */
export function CollectionsView() {
  const signedIn = useAppStore(accountSelectors.signedIn);
  const go = useAppStore((s) => s.nav.go);

  if (!signedIn) {
    return (
      <div className="empty-state">
        <p>Sign in to Globus to browse collections.</p>
        <button type="button" className="primary" onClick={() => go('account')}>
          Go to Account
        </button>
      </div>
    );
  }

  return (
    <div className="collections">
      <SearchBar />
      <ConsentNotice />
      <div className="panes">
        <Pane id={0} />
        <Pane id={1} />
      </div>
      <TransferBar />
      <HttpsTransfersPanel />
    </div>
  );
}

/** A listing Globus refused until the person consents to the collection's data_access. */
function ConsentNotice() {
  const consent = useAppStore(collectionsSelectors.consent);
  const actions = useAppStore(collectionsSelectors.actions);
  const consentName = useAppStore((s) => {
    const c = s.collections.consent;
    const shown = c ? s.collections.panes[c.pane].collection : null;
    return shown && c && shown.id === c.collectionId ? shown.display_name : null;
  });
  if (!consent) return null;
  return (
    <div className="note warn consent" role="alert">
      <span>
        Globus needs your consent before Ferry can read collection <strong>{consentName ?? consent.collectionId}</strong>
        {consentName && <span className="mono small"> ({consent.collectionId})</span>}. Ferry retries as soon as you give it.
      </span>
      <button type="button" className="primary" onClick={() => void actions.grantConsent()} disabled={consent.requested}>
        {consent.requested ? 'Waiting for consent…' : 'Give consent'}
      </button>
    </div>
  );
}
