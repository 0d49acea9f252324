import { useState } from 'react';
import type { CollectionDetails } from '../../../shared/collections';
import { useAppStore } from '../../app/store-context';
import { Popover } from '../../app/ui/popover';
import { Tooltip } from '../../app/ui/tooltip';
import { collectionsSelectors } from './collections-slice';

/** Globus' entity types in the words the web app uses. */
export function collectionKind(entityType: string | null, isGlobusConnect: boolean): string {
  switch (entityType) {
    case 'GCSv5_mapped_collection':
      return 'Mapped collection (Globus Connect Server 5)';
    case 'GCSv5_guest_collection':
      return 'Guest collection (shared by a person)';
    case 'GCP_mapped_collection':
      return 'Globus Connect Personal';
    case 'GCP_guest_collection':
      return 'Guest collection on Globus Connect Personal';
    case 'GCSv4_host':
      return 'Globus Connect Server 4 endpoint';
    case 'GCSv4_share':
      return 'Shared endpoint (Globus Connect Server 4)';
    case 'GCSv5_endpoint':
      return 'Globus Connect Server 5 endpoint';
    default:
      return isGlobusConnect ? 'Globus Connect Personal' : (entityType ?? 'Unknown kind');
  }
}

/** The host of a server URL (`https://g-1a2b.data.globus.org` → `g-1a2b.data.globus.org`), or null. */
function hostOf(url: string | null): string | null {
  if (!url) return null;
  const m = /^[a-z]+:\/\/([^/:]+)/i.exec(url);
  return m?.[1] ?? null;
}

/** Rows of the details list: label and text, only for fields the collection has. */
export function detailRows(d: CollectionDetails): readonly (readonly [string, string])[] {
  const rows: [string, string | null][] = [
    ['Kind', collectionKind(d.entityType, d.isGlobusConnect)],
    ['Owner', d.ownerString],
    ['You manage it', d.youManage ? 'Yes' : null],
    ['Description', d.description],
    ['Organization', [d.organization, d.department].filter(Boolean).join(', ') || null],
    ['Contact', [d.contactEmail, d.contactInfo].filter(Boolean).join(' · ') || null],
    ['More information', d.infoLink],
    ['Keywords', d.keywords],
    ['Login', d.highAssurance ? `High assurance${d.loginTimeoutMinutes ? `: sign in again every ${d.loginTimeoutMinutes} minutes` : ''}` : d.loginTimeoutMinutes ? `Sign in again every ${d.loginTimeoutMinutes} minutes` : null],
    ['Consent', d.consent === 'granted' ? 'Your data_access consent is granted' : d.consent === 'needed' ? 'Needs your data_access consent before Ferry can read or write it' : null],
    ['Status', d.gcpConnected === null ? null : d.gcpPaused ? 'Paused by its owner' : d.gcpConnected ? 'Connected' : 'Not connected (the computer is off or Globus Connect Personal is not running)'],
    ['Domain', hostOf(d.httpsServer) ?? hostOf(d.tlsftpServer)],
    ['HTTPS access', d.httpsServer ? 'On' : null],
    ['Encryption', d.forceEncryption ? 'Always encrypted' : null],
    ['Shares from', d.mappedCollectionId],
    ['Default folder', d.defaultDirectory],
    ['HTTPS server', d.httpsServer],
    ['Server version', d.gcsVersion],
    ['Collection id', d.id],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== null && r[1] !== '');
}

/** An ⓘ button in a pane's header that opens the collection's details in a popover next to it. */
export function CollectionDetailsButton({ collectionId, side }: { collectionId: string; side: string }) {
  const actions = useAppStore(collectionsSelectors.actions);
  const [state, setState] = useState<{ kind: 'closed' } | { kind: 'loading' } | { kind: 'open'; details: CollectionDetails } | { kind: 'error'; message: string }>({ kind: 'closed' });
  const name = `About the ${side.toLowerCase()} collection`;
  const openChange = async (open: boolean) => {
    if (!open) return setState({ kind: 'closed' });
    setState({ kind: 'loading' });
    try {
      setState({ kind: 'open', details: await actions.details(collectionId) });
    } catch (error) {
      setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <Popover
      label={name}
      open={state.kind !== 'closed'}
      onOpenChange={(open) => void openChange(open)}
      trigger={
        <Tooltip text="About this collection">
          <button type="button" className="icon-button" aria-label={name}>
            {/* Drawn, not the ⓘ character: not every system font has it. */}
            <svg viewBox="0 0 16 16" width="15" height="15" aria-hidden="true">
              <circle cx="8" cy="8" r="6.8" fill="none" stroke="currentColor" strokeWidth="1.3" />
              <circle cx="8" cy="4.9" r="0.95" fill="currentColor" />
              <path d="M8 7.2v4.6" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
            </svg>
          </button>
        </Tooltip>
      }
    >
      <div className="collection-details">
        {state.kind === 'loading' && <p className="muted">Loading…</p>}
        {state.kind === 'error' && <p className="field-error">{state.message}</p>}
        {state.kind === 'open' && (
          <>
            {state.details.userMessage && (
              <p className="notice" role="note">
                {state.details.userMessage}{' '}
                {state.details.userMessageLink && <span className="mono">{state.details.userMessageLink}</span>}
              </p>
            )}
            <dl>
              {detailRows(state.details).map(([label, text]) => (
                <div key={label}>
                  <dt>{label}</dt>
                  <dd>{text}</dd>
                </div>
              ))}
            </dl>
          </>
        )}
      </div>
    </Popover>
  );
}
