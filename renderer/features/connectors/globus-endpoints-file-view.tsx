import { useState } from 'react';
import { useAppStore } from '../../app/store-context';
import { CollectionPicker } from '../collections/collection-picker';
import { PathPicker } from '../collections/path-picker';
import type { EndpointRow } from '../../../shared/contract/connectors';
import { connectorsSelectors } from './connectors-slice';
import { downloadText, ImportJsonButton } from './json-file';
import './connectors.css';
import { ActionButton } from '../../app/ui/action-button';

const fields = [
  { key: 'uuid', label: 'Collection UUID', placeholder: '8-4-4-4-12 hex digits' },
  { key: 'endpointPath', label: 'Path in collection', placeholder: '/~/proxystore' },
  { key: 'localPath', label: 'Local path', placeholder: '/home/me/proxystore' },
  { key: 'hostRegex', label: 'Host pattern', placeholder: 'login\\d+\\.example\\.org' },
] as const;

/**
 * The Globus endpoints file (ProxyStore's GlobusEndpoints JSON, which a GlobusConnector reads): a
 * table with inline checks, host badges, collection names, import/export.
 */
export function GlobusEndpointsFileView() {
  const rows = useAppStore(connectorsSelectors.globusEndpointRows);
  const check = useAppStore(connectorsSelectors.globusEndpointsCheck);
  const hostname = useAppStore(connectorsSelectors.hostname);
  const error = useAppStore(connectorsSelectors.globusEndpointsError);
  const file = useAppStore(connectorsSelectors.globusEndpointsFile);
  const dirty = useAppStore(connectorsSelectors.globusEndpointsDirty);
  const saved = useAppStore(connectorsSelectors.globusEndpointsSaved);
  const names = useAppStore(connectorsSelectors.collectionNames);
  const epoch = useAppStore(connectorsSelectors.globusEndpointsEpoch);
  const actions = useAppStore(connectorsSelectors.actions);

  const exportJson = async () => {
    const text = await actions.exportGlobusEndpoints();
    if (text !== null) downloadText(text, 'globus-endpoints.json');
  };

  return (
    <section className="cn-globus-endpoints" aria-labelledby="cn-globus-endpoints-title">
      <div className="cn-toolbar">
        <h2 id="cn-globus-endpoints-title" className="cn-title">
          Globus endpoints file
        </h2>
        <span className="muted">
          This host: <span className="mono" data-testid="this-host">{hostname || '…'}</span>
        </span>
        <span className="cn-spacer" />
        <ImportJsonButton label="Import Globus endpoints file" onText={(text) => actions.importGlobusEndpoints(text)} />
        <button type="button" onClick={() => void exportJson()} disabled={saved.length === 0}>
          Export Globus endpoints file
        </button>
      </div>
      <p className="help">
        ProxyStore's <span className="mono">GlobusEndpoints</span> JSON, which a GlobusConnector reads: one Globus endpoint per collection, its
        folder as Globus sees it and as this machine sees it. A host pattern is a Python regular expression that must match the whole host
        name. Saved to <span className="mono">{file}</span>.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {check && check.table.length > 0 && rows.length > 0 && <p className="field-error">{check.table.join(' ')}</p>}

      {rows.length === 0 ? (
        <div className="empty-state">
          <p>No Globus endpoints yet. Import a Globus endpoints file or add one.</p>
        </div>
      ) : (
        <table className="cn-table cn-endpoints-table" aria-label="Globus endpoints">
          <colgroup>
            <col className="cn-col-n" />
            <col className="cn-col-uuid" />
            <col />
            <col />
            <col />
            <col className="cn-col-actions" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">#</th>
              {fields.map((f) => (
                <th key={f.key} scope="col">
                  {f.label}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <GlobusEndpointRowView
                key={`${epoch}-${index}`}
                row={row}
                index={index}
                messages={check?.rows[index]?.messages ?? {}}
                matchesHost={check?.rows[index]?.matchesHost ?? null}
                displayName={names.signedIn ? (names.names[row.uuid.trim()] ?? null) : null}
                signedIn={names.signedIn}
                onEdit={(patch) => actions.editGlobusEndpoint(index, patch)}
                onRemove={() => actions.removeGlobusEndpoint(index)}
              />
            ))}
          </tbody>
        </table>
      )}

      <div className="form-actions cn-actions">
        <button type="button" onClick={() => actions.addGlobusEndpoint()}>
          Add Globus endpoint
        </button>
        <span className="cn-spacer" />
        {dirty && <span className="muted">Unsaved changes</span>}
        <button type="button" onClick={() => actions.revertGlobusEndpoints()} disabled={!dirty}>
          Revert
        </button>
        <ActionButton
          className="primary"
          onClick={() => void actions.saveGlobusEndpoints()}
          disabledReason={!dirty ? 'Nothing changed yet.' : check !== null && !check.ok && rows.length > 0 ? 'Fix the problems above to save.' : null}
        >
          Save Globus endpoints
        </ActionButton>
      </div>
    </section>
  );
}

interface RowProps {
  readonly row: EndpointRow;
  readonly index: number;
  readonly messages: { readonly [K in keyof EndpointRow]?: string };
  readonly matchesHost: boolean | null;
  readonly displayName: string | null;
  readonly signedIn: boolean;
  onEdit(patch: Partial<EndpointRow>): void;
  onRemove(): void;
}

function GlobusEndpointRowView({ row, index, messages, matchesHost, displayName, signedIn, onEdit, onRemove }: RowProps) {
  const n = index + 1;
  const [picking, setPicking] = useState(false);
  return (
    <tr data-testid={`globus-endpoint-row-${n}`}>
      <td className="muted">{n}</td>
      {fields.map((f) => {
        const id = `cn-ep-${index}-${f.key}`;
        const message = messages[f.key];
        const common = {
          id,
          'aria-label': `${f.label} of Globus endpoint ${n}`,
          value: row[f.key],
          title: row[f.key] || undefined,
          placeholder: f.placeholder,
          spellCheck: false,
          'aria-invalid': message ? true : undefined,
          'aria-describedby': message ? `${id}-error` : undefined,
        } as const;
        return (
          <td key={f.key}>
            {f.key === 'uuid' ? (
              <input {...common} className="mono cn-uuid" onChange={(e) => onEdit({ uuid: e.target.value })} />
            ) : (
              // Paths and patterns wrap to show in full: one logical line, grown to fit (Enter does not break it).
              <textarea
                {...common}
                rows={1}
                className="mono cn-wrap"
                onKeyDown={(e) => {
                  if (e.key === 'Enter') e.preventDefault();
                }}
                onChange={(e) => onEdit({ [f.key]: e.target.value.replace(/[\r\n]+/g, '') })}
              />
            )}
            {message && (
              <p id={`${id}-error`} className="field-error">
                {message}
              </p>
            )}
            {f.key === 'endpointPath' && signedIn && (
              <PathPicker label={`Path in collection of Globus endpoint ${n}`} collectionId={row.uuid.trim()} value={row.endpointPath} onChange={(p) => onEdit({ endpointPath: p })} />
            )}
            {f.key === 'uuid' && (
              <>
                {signedIn && (
                  <button type="button" className="link-button" aria-expanded={picking} onClick={() => setPicking((v) => !v)}>
                    {picking ? 'Close the collection picker' : `Pick the collection of Globus endpoint ${n}`}
                  </button>
                )}
                {picking && (
                  <CollectionPicker
                    label={`Collection of Globus endpoint ${n}`}
                    value={row.uuid.trim()}
                    onChange={(c) => {
                      onEdit({ uuid: c.id });
                      setPicking(false);
                    }}
                  />
                )}
                <p className="help" aria-label={`Collection name of Globus endpoint ${n}`}>
                  {signedIn ? (displayName ?? '—') : '—'}
                </p>
                <p className="cn-host-line">
                  {matchesHost === null ? null : matchesHost ? (
                    <span className="cn-badge cn-badge-ok">matches this host</span>
                  ) : (
                    <span className="cn-badge">other host</span>
                  )}
                </p>
              </>
            )}
          </td>
        );
      })}
      <td>
        <button type="button" className="link-button" aria-label={`Remove Globus endpoint ${n}`} onClick={onRemove}>
          Remove
        </button>
      </td>
    </tr>
  );
}
