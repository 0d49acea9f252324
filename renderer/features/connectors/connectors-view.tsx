import { useId, useMemo, useState, type ReactNode } from 'react';
import { useAppStore } from '../../app/store-context';
import type { ConnectorDraft, ConnectorDraftCheck, EndpointRow, PolicyDraft } from '../../../shared/contract/connectors';
import { formatCount } from '../../../shared/format';
import { parseList } from '../../app/list-text';
import { CONNECTOR_PATHS, connectorsSelectors, globusEndpointsDictOf, type NewConnectorKind } from './connectors-slice';
import { downloadText, ImportJsonButton } from './json-file';
import { routeWords } from './route-words';
import './connectors.css';
import { ActionButton } from '../../app/ui/action-button';

const kindLabels: Record<NewConnectorKind, string> = {
  file: 'File (a folder)',
  local: 'Local (memory)',
  globus: 'Globus (the Globus endpoints file)',
  endpoint: 'Endpoint (an object store)',
};

/** Named connectors with their policies (ProxyStore MultiConnector), and a route tester. */
export function ConnectorsView() {
  const drafts = useAppStore(connectorsSelectors.drafts);
  const check = useAppStore(connectorsSelectors.draftsCheck);
  const dirty = useAppStore(connectorsSelectors.draftsDirty);
  const error = useAppStore(connectorsSelectors.connectorsError);
  const file = useAppStore(connectorsSelectors.connectorsFile);
  const hostname = useAppStore(connectorsSelectors.hostname);
  const epoch = useAppStore(connectorsSelectors.draftsEpoch);
  const savedGlobusEndpoints = useAppStore(connectorsSelectors.globusEndpointsSaved);
  const actions = useAppStore(connectorsSelectors.actions);
  const [kind, setKind] = useState<NewConnectorKind>('file');

  const exportJson = async () => {
    const text = await actions.exportConfig();
    if (text !== null) downloadText(text, 'multi-connector.json');
  };

  return (
    <div className="cn-connectors">
      <section aria-labelledby="cn-connectors-title">
        <div className="cn-toolbar">
          <h2 id="cn-connectors-title" className="cn-title">
            Connectors
          </h2>
          <span className="muted">
            This host: <span className="mono">{hostname || '…'}</span>
          </span>
          <span className="cn-spacer" />
          <ImportJsonButton label="Import MultiConnector JSON" onText={(text) => actions.importConfig(text)} />
          <button type="button" onClick={() => void exportJson()}>
            Export MultiConnector JSON
          </button>
        </div>
        <p className="help">
          A ProxyStore <span className="mono">MultiConnector</span>: each object goes to the highest-priority connector whose policy accepts its
          size, tags and this host. The exported file loads in Python with <span className="mono">MultiConnector.from_config</span>. Saved to{' '}
          <span className="mono">{file}</span>.
        </p>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        {drafts.length === 0 && (
          <div className="empty-state">
            <p>No connectors yet. Add one below or import a MultiConnector config.</p>
          </div>
        )}
        <div className="cn-cards">
          {drafts.map((draft, index) => (
            <ConnectorCard
              key={`${epoch}-${index}`}
              draft={draft}
              index={index}
              check={check?.connectors[index] ?? null}
              savedGlobusEndpoints={savedGlobusEndpoints}
              onChange={(d) => actions.editDraft(index, d)}
              onRemove={() => actions.removeDraft(index)}
            />
          ))}
        </div>
        <div className="form-actions cn-actions">
          <label htmlFor="cn-new-kind">New connector</label>
          <select id="cn-new-kind" value={kind} onChange={(e) => setKind(e.target.value as NewConnectorKind)}>
            {(Object.keys(CONNECTOR_PATHS) as NewConnectorKind[]).map((k) => (
              <option key={k} value={k}>
                {kindLabels[k]}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => actions.addConnector(kind)}>
            Add connector
          </button>
          <span className="cn-spacer" />
          {dirty && <span className="muted">Unsaved changes</span>}
          <button type="button" onClick={() => actions.revertDrafts()} disabled={!dirty}>
            Revert
          </button>
          <ActionButton
            className="primary"
            onClick={() => void actions.saveDrafts()}
            disabledReason={!dirty ? 'Nothing changed yet.' : check !== null && !check.ok ? 'Fix the problems above to save.' : null}
          >
            Save connectors
          </ActionButton>
        </div>
      </section>
      <RouteTester />
    </div>
  );
}

interface CardProps {
  readonly draft: ConnectorDraft;
  readonly index: number;
  readonly check: ConnectorDraftCheck | null;
  readonly savedGlobusEndpoints: readonly EndpointRow[];
  onChange(draft: ConnectorDraft): void;
  onRemove(): void;
}

function Field({ id, label, message, help, children }: { id: string; label: string; message?: string | undefined; help?: string | undefined; children: ReactNode }) {
  return (
    <div className="cn-field">
      <label htmlFor={id}>{label}</label>
      {children}
      {help && !message && <p className="help">{help}</p>}
      {message && (
        <p id={`${id}-error`} className="field-error">
          {message}
        </p>
      )}
    </div>
  );
}

function ConnectorCard({ draft, index, check, savedGlobusEndpoints, onChange, onRemove }: CardProps) {
  const base = useId();
  const m = check?.messages ?? {};
  const setPolicy = (patch: Partial<PolicyDraft>) => onChange({ ...draft, policy: { ...draft.policy, ...patch } });
  const setConfig = (patch: Record<string, unknown>) => onChange({ ...draft, config: { ...draft.config, ...patch } });
  const invalid = (msg: string | undefined, id: string) => (msg ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {});
  const name = draft.name || `connector ${index + 1}`;
  const type = check?.type ?? 'other';

  const [priorityText, setPriorityText] = useState(String(draft.policy.priority));
  const [patternsText, setPatternsText] = useState(
    draft.policy.hostPattern === null ? '' : typeof draft.policy.hostPattern === 'string' ? draft.policy.hostPattern : draft.policy.hostPattern.join('\n'),
  );
  const [asList, setAsList] = useState(Array.isArray(draft.policy.hostPattern));
  const [subsetText, setSubsetText] = useState(draft.policy.subsetTags.join(', '));
  const [supersetText, setSupersetText] = useState(draft.policy.supersetTags.join(', '));
  const storeUuids = Array.isArray(draft.config.endpoints) ? (draft.config.endpoints as unknown[]).map(String) : [];
  const [uuidsText, setUuidsText] = useState(storeUuids.join('\n'));

  const patternsOf = (text: string, list: boolean): PolicyDraft['hostPattern'] => {
    const lines = parseList(text, /\n/);
    if (lines.length === 0) return list ? [] : null;
    return lines.length === 1 && !list ? (lines[0] ?? null) : lines;
  };

  const globusCount = typeof draft.config.endpoints === 'object' && draft.config.endpoints !== null && !Array.isArray(draft.config.endpoints) ? Object.keys(draft.config.endpoints).length : 0;

  return (
    <fieldset className="panel cn-card" aria-label={`Connector ${name}`} data-testid={`connector-${index + 1}`}>
      <legend className="cn-card-title">
        <span>{name}</span> <span className="muted">{check?.typeLabel ?? draft.connectorPath.split('.').pop()}</span>
        {check?.dormant && (
          <span className="cn-badge cn-badge-warn" title={check.warning ?? undefined}>
            dormant
          </span>
        )}
      </legend>
      {check?.dormant && (
        <p className="note warn cn-note">
          {check.dormantReason === 'host'
            ? 'Dormant here: no host pattern matches this host. It is kept for the hosts it is meant for.'
            : (check.warning ?? 'Dormant.')}
        </p>
      )}
      {!check?.dormant && check?.warning && <p className="note warn cn-note">{check.warning}</p>}
      <div className="cn-grid">
        <Field id={`${base}-name`} label="Name" message={m.name}>
          <input id={`${base}-name`} value={draft.name} onChange={(e) => onChange({ ...draft, name: e.target.value })} {...invalid(m.name, `${base}-name`)} />
        </Field>
        <Field id={`${base}-priority`} label="Priority" message={m.priority} help="Higher goes first; ties keep this order.">
          <input
            id={`${base}-priority`}
            inputMode="numeric"
            value={priorityText}
            onChange={(e) => {
              setPriorityText(e.target.value);
              const n = Number(e.target.value);
              if (e.target.value.trim() !== '' && Number.isInteger(n)) setPolicy({ priority: n });
            }}
            {...invalid(m.priority, `${base}-priority`)}
          />
        </Field>
        <Field id={`${base}-min`} label="Minimum size" message={m.minSize} help={check?.minSizeBytes ? `${check.minSizeBytes} bytes` : undefined}>
          <input id={`${base}-min`} value={draft.policy.minSize} onChange={(e) => setPolicy({ minSize: e.target.value })} {...invalid(m.minSize, `${base}-min`)} />
        </Field>
        <Field id={`${base}-max`} label="Maximum size" message={m.maxSize} help={check?.maxSizeBytes ? `${check.maxSizeBytes} bytes` : undefined}>
          <input id={`${base}-max`} value={draft.policy.maxSize} onChange={(e) => setPolicy({ maxSize: e.target.value })} {...invalid(m.maxSize, `${base}-max`)} />
        </Field>
        <Field id={`${base}-hosts`} label="Host patterns" message={m.hostPattern} help="One Python regex per line, matched against the whole host name; empty: any host.">
          <textarea
            id={`${base}-hosts`}
            className="mono"
            rows={2}
            value={patternsText}
            spellCheck={false}
            onChange={(e) => {
              setPatternsText(e.target.value);
              setPolicy({ hostPattern: patternsOf(e.target.value, asList) });
            }}
            {...invalid(m.hostPattern, `${base}-hosts`)}
          />
          <label className="check">
            <input
              type="checkbox"
              checked={asList}
              onChange={(e) => {
                setAsList(e.target.checked);
                setPolicy({ hostPattern: patternsOf(patternsText, e.target.checked) });
              }}
            />
            Write as a list
          </label>
        </Field>
        <Field id={`${base}-subset`} label="Allowed tags (subset_tags)" message={m.subsetTags} help="Comma separated. An object's tags must all be in this list.">
          <input
            id={`${base}-subset`}
            value={subsetText}
            onChange={(e) => {
              setSubsetText(e.target.value);
              setPolicy({ subsetTags: parseList(e.target.value) });
            }}
          />
        </Field>
        <Field id={`${base}-superset`} label="Required tags (superset_tags)" message={m.supersetTags} help="Comma separated. An object must carry all of these.">
          <input
            id={`${base}-superset`}
            value={supersetText}
            onChange={(e) => {
              setSupersetText(e.target.value);
              setPolicy({ supersetTags: parseList(e.target.value) });
            }}
          />
        </Field>

        {type === 'file' && (
          <Field id={`${base}-store`} label="Store folder" message={m.config} help="Objects are files in this folder (ProxyStore's FileConnector layout).">
            <input
              id={`${base}-store`}
              className="mono"
              value={typeof draft.config.store_dir === 'string' ? draft.config.store_dir : ''}
              onChange={(e) => setConfig({ store_dir: e.target.value })}
              {...invalid(m.config, `${base}-store`)}
            />
          </Field>
        )}
        {type === 'local' && <p className="help cn-wide">Objects stay in Ferry's memory until it quits.</p>}
        {type === 'globus' && (
          <div className="cn-field cn-wide cn-globus">
            <span>
              Uses {formatCount(globusCount, 'Globus endpoint')}.
            </span>{' '}
            <button type="button" onClick={() => setConfig({ endpoints: globusEndpointsDictOf(savedGlobusEndpoints) })} disabled={savedGlobusEndpoints.length === 0}>
              Use the {formatCount(savedGlobusEndpoints.length, 'saved Globus endpoint')}
            </button>
            {m.config && <p className="field-error">{m.config}</p>}
          </div>
        )}
        {type === 'endpoint' && (
          <>
            <Field id={`${base}-eps`} label="Object store UUIDs" message={m.config} help="ProxyStore's endpoints list: one per line, in order of preference; the first one running here is used.">
              <textarea
                id={`${base}-eps`}
                className="mono"
                rows={2}
                value={uuidsText}
                spellCheck={false}
                onChange={(e) => {
                  setUuidsText(e.target.value);
                  setConfig({ endpoints: parseList(e.target.value) });
                }}
                {...invalid(m.config, `${base}-eps`)}
              />
            </Field>
            <Field id={`${base}-psdir`} label="ProxyStore folder (optional)" help="Where object stores (ProxyStore endpoints) keep their configs; empty: $PROXYSTORE_HOME or ~/.local/share/proxystore.">
              <input
                id={`${base}-psdir`}
                className="mono"
                value={typeof draft.config.proxystore_dir === 'string' ? draft.config.proxystore_dir : ''}
                onChange={(e) => setConfig({ proxystore_dir: e.target.value.trim() === '' ? null : e.target.value })}
              />
            </Field>
          </>
        )}
        {(type === 'other' || type === 'redis' || type === 'multi') && (
          <div className="cn-field cn-wide">
            <span className="mono">{draft.connectorPath}</span>
            <pre className="cn-json">{JSON.stringify(draft.config, null, 2)}</pre>
          </div>
        )}
      </div>
      <div className="form-actions">
        <span className="cn-spacer" />
        <button type="button" className="link-button" onClick={onRemove} aria-label={`Remove connector ${name}`}>
          Remove
        </button>
      </div>
    </fieldset>
  );
}

function RouteTester() {
  const query = useAppStore(connectorsSelectors.routeQuery);
  const route = useAppStore(connectorsSelectors.route);
  const drafts = useAppStore(connectorsSelectors.drafts);
  const check = useAppStore(connectorsSelectors.draftsCheck);
  const actions = useAppStore(connectorsSelectors.actions);
  const [subsetText, setSubsetText] = useState(query.subsetTags.join(', '));
  const [supersetText, setSupersetText] = useState(query.supersetTags.join(', '));
  const words = useMemo(() => (route ? routeWords(route, query, drafts, check) : null), [route, query, drafts, check]);

  return (
    <section className="panel cn-route" aria-labelledby="cn-route-title">
      <h2 id="cn-route-title" className="cn-title">
        Route tester
      </h2>
      <p className="help">Where would an object go with the connectors as edited above (saved or not)?</p>
      <div className="cn-grid">
        <div className="cn-field">
          <label htmlFor="cn-route-size">Object size</label>
          <input id="cn-route-size" value={query.size} onChange={(e) => actions.setRouteQuery({ ...query, size: e.target.value })} />
        </div>
        <div className="cn-field">
          <label htmlFor="cn-route-tags">Tags</label>
          <input
            id="cn-route-tags"
            value={subsetText}
            placeholder="comma separated"
            onChange={(e) => {
              setSubsetText(e.target.value);
              actions.setRouteQuery({ ...query, subsetTags: parseList(e.target.value) });
            }}
          />
        </div>
        <div className="cn-field">
          <label htmlFor="cn-route-required">Required tags</label>
          <input
            id="cn-route-required"
            value={supersetText}
            placeholder="comma separated"
            onChange={(e) => {
              setSupersetText(e.target.value);
              actions.setRouteQuery({ ...query, supersetTags: parseList(e.target.value) });
            }}
          />
        </div>
      </div>
      {drafts.length === 0 ? (
        <p className="muted">Add a connector to try routes.</p>
      ) : (
        <>
          <p className={route?.chosen ? 'cn-route-answer' : 'cn-route-answer cn-route-none'} role="status" aria-label="Route">
            {words?.headline}
          </p>
          {words?.detail && <p className="help cn-route-detail">{words.detail}</p>}
          {route && route.candidates.length > 0 && (
            <ul className="cn-candidates" aria-label="Connectors considered">
              {route.candidates.map((c) => (
                <li key={c.name}>
                  <span className={`cn-badge cn-status-${c.status}`}>{c.status}</span> <strong>{c.name}</strong>{' '}
                  <span className="muted">priority {c.priority}</span>
                  {c.reasons.length > 0 && <span className="muted"> — {c.reasons.join('; ')}</span>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
