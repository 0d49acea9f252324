import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { needsRelayConsent, PROXYSTORE_RELAY_SCOPE } from '../../../shared/proxystore-relay';
import { assertNever } from '../../../shared/assert-never';
import type { ObjectStoreRow } from '../../../shared/contract/object-stores';
import { formatBytes, formatCount, formatExact, formatRelative } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { ConfirmDialog } from '../../app/ui/confirm-dialog';
import { checkCreateForm, emptyCreateForm, type CreateForm, type CreateFormField } from './create-form';
import { objectStoresSelectors, peerTestKey, type PeerTestState } from './object-stores-slice';
import './object-stores.css';

/** How often the list is re-read while this view is open, for object stores other processes serve. */
const REFRESH_MS = 5_000;

/** The Object stores area: ProxyStore endpoints on this machine, to create, run and peer. */
export function ObjectStoresView() {
  const ready = useAppStore(objectStoresSelectors.ready);
  const home = useAppStore(objectStoresSelectors.home);
  const loadError = useAppStore(objectStoresSelectors.loadError);
  const actions = useAppStore(objectStoresSelectors.actions);
  const refresh = actions.refresh;

  // Changes made here arrive as events; object stores the CLI or Python serve are re-read now and then.
  useEffect(() => {
    void refresh();
    const id = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(id);
  }, [refresh]);

  return (
    <div className="os-view">
      <p className="muted os-intro">
        Object stores on this machine: what ProxyStore calls endpoints. They live in{' '}
        {home ? <code className="os-mono">{home}</code> : 'ProxyStore’s home folder'}, where Python ProxyStore&rsquo;s{' '}
        <code className="os-mono">EndpointConnector</code> and <code className="os-mono">proxystore-endpoint</code> find them too.
      </p>
      {loadError && (
        <p className="field-error" role="alert">
          The object stores could not be read: {loadError}
        </p>
      )}
      {!ready ? <p className="muted">Reading object stores…</p> : <ObjectStoresTable />}
      <div className="os-side">
        <CreateObjectStoreForm />
        <LocalRelayPanel />
      </div>
    </div>
  );
}

function ObjectStoresTable() {
  const stores = useAppStore(objectStoresSelectors.stores);
  if (stores.length === 0) {
    return (
      <div className="empty-state os-empty">
        <p>No object stores yet.</p>
        <p className="muted">Create one below, start it, and point a ProxyStore EndpointConnector (or Ferry&apos;s Stage) at it.</p>
      </div>
    );
  }
  return (
    <div className="os-table-wrap">
      <table className="os-table" aria-label="Object stores">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Address</th>
            <th scope="col">Mode</th>
            <th scope="col" className="os-num">
              Objects
            </th>
            <th scope="col" className="os-num">
              Size
            </th>
            <th scope="col">Peers</th>
            <th scope="col">
              <span className="os-sr">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {stores.map((row) => (
            <ObjectStoreRowView key={row.name} row={row} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function stateLabel(row: ObjectStoreRow): string {
  switch (row.state) {
    case 'running':
      return row.runningHere ? 'Running' : `Running elsewhere${row.pid ? ` (pid ${row.pid})` : ''}`;
    case 'stopped':
      return 'Stopped';
    case 'hanging':
      return 'Stopped (stale pid)';
    default:
      return assertNever(row.state, 'object store state');
  }
}

function relayLabel(row: ObjectStoreRow): string | null {
  if (row.mode === 'SOLO') return null;
  if (row.relayState === null) return row.state === 'running' ? 'relay link unknown' : 'relay: idle while stopped';
  return `relay ${row.relayState}`;
}

function ObjectStoreRowView({ row }: { row: ObjectStoreRow }) {
  const pending = useAppStore(objectStoresSelectors.pending)[row.name];
  const actions = useAppStore(objectStoresSelectors.actions);
  const running = row.state === 'running';
  const relay = relayLabel(row);
  return (
    <>
      <tr aria-label={row.name} className="os-row">
        <th scope="row" className="os-name">
          <span className="os-line">{row.name}</span>
          <span className="os-sub os-mono os-uuid" title={row.uuid}>
            {row.uuid}
          </span>
        </th>
        <td>
          <span className={`os-badge os-${row.state}${running && !row.runningHere ? ' os-elsewhere' : ''}`}>{pending ? `${pending[0]?.toUpperCase()}${pending.slice(1)}…` : stateLabel(row)}</span>
        </td>
        <td className="os-mono">
          {row.host}:{row.port}
        </td>
        <td>
          <span className="os-line">{row.mode}</span>
          {relay && (
            <span className={`os-sub${row.relayState === 'rejected' || row.relayError ? ' os-warn' : ''}`} title={row.relayError ?? row.relayAddress ?? undefined}>
              {relay}
            </span>
          )}
          {needsRelayConsent(row.relayError) && <RelayConsentButton name={row.name} />}
        </td>
        <td className="os-num">
          {row.objectCount === null ? '—' : formatCount(row.objectCount)}
        </td>
        <td className="os-num" title={row.totalBytes === null ? undefined : formatCount(row.totalBytes, 'byte')}>
          {formatBytes(row.totalBytes)}
        </td>
        <td>
          <PeerList row={row} />
        </td>
        <td className="os-actions">
          {running ? (
            <button type="button" aria-label={`Stop ${row.name}`} disabled={pending !== undefined} onClick={() => void actions.stop(row.name)}>
              Stop
            </button>
          ) : (
            <button type="button" className="primary" aria-label={`Start ${row.name}`} disabled={pending !== undefined} onClick={() => void actions.start(row.name)}>
              Start
            </button>
          )}
          <ConfirmDialog
            title={`Remove ${row.name}?`}
            confirmLabel="Remove object store"
            onConfirm={() => actions.remove(row.name)}
            trigger={
              <button type="button" aria-label={`Remove ${row.name}`} disabled={pending !== undefined || running} title={running ? 'Stop it first' : undefined}>
                Remove
              </button>
            }
          >
            <p>
              Its folder is deleted: configuration, log
              {row.storage === 'sqlite' ? ` and ${row.objectCount === null ? 'any stored objects' : formatCount(row.objectCount, 'stored object')}` : ''}. This cannot be undone.
            </p>
          </ConfirmDialog>
        </td>
      </tr>
    </>
  );
}

function PeerList({ row }: { row: ObjectStoreRow }) {
  if (row.mode === 'SOLO') return <span className="muted">—</span>;
  const connections = row.connections ?? [];
  return (
    <>
      <RelayPeers row={row} />
      {connections.length > 0 && (
        <ul className="os-peers" aria-label={`Peer connections of ${row.name}`}>
          {connections.map((c) => (
            <PeerConnectionView key={c.uuid} storeName={row.name} connection={c} />
          ))}
        </ul>
      )}
    </>
  );
}

function peerTestText(state: PeerTestState | undefined): string | null {
  if (!state) return null;
  if (state.kind === 'running') return 'Testing…';
  if (state.kind === 'error') return `Test failed: ${state.message}`;
  const failed = state.result.steps.find((st) => !st.ok);
  if (!failed) return `Test passed: ${state.result.steps.map((st) => `${st.op} ${st.ms} ms`).join(', ')}`;
  return `Test failed at ${failed.op}: ${failed.error ?? 'no answer'}`;
}

/** "Test peer" (proxystore-endpoint test --remote UUID put|exists|get|evict) and its last result. */
function TestPeer({ storeName, uuid, name }: { storeName: string; uuid: string; name: string }) {
  const actions = useAppStore(objectStoresSelectors.actions);
  const test = useAppStore(objectStoresSelectors.peerTests)[peerTestKey(storeName, uuid)];
  const result = peerTestText(test);
  return (
    <>
      <button type="button" aria-label={`Test peer ${name} from ${storeName}`} disabled={test?.kind === 'running'} onClick={() => void actions.testPeer(storeName, uuid)}>
        Test peer
      </button>
      {result && (
        <span role="status" className={`os-sub${test?.kind === 'done' && test.result.ok ? '' : ' os-warn'}`}>
          {result}
        </span>
      )}
    </>
  );
}

function PeerConnectionView({ storeName, connection: c }: { storeName: string; connection: NonNullable<ObjectStoreRow['connections']>[number] }) {
  return (
    <li aria-label={`Connection to ${c.name}`} title={c.uuid}>
      <span className="os-line">
        {c.name} <span className="os-sub">{c.state}</span>
      </span>
      <span className="os-sub">
        {formatCount(c.channels, 'channel')} · sent {formatBytes(c.bytesSent)} · received {formatBytes(c.bytesReceived)}
      </span>
      {c.lastError && <span className="os-sub os-warn">Last error: {c.lastError}</span>}
      <TestPeer storeName={storeName} uuid={c.uuid} name={c.name} />
    </li>
  );
}

function RelayPeers({ row }: { row: ObjectStoreRow }) {
  if (row.peers.length === 0) return <span className="muted">{row.relayState === 'connected' ? 'none connected' : '—'}</span>;
  return (
    <ul className="os-peers" aria-label={`Peers of ${row.name}`}>
      {row.peers.map((p) => (
        <li key={p.uuid} title={`${p.uuid}\nconnected ${formatExact(p.connectedAt)}`}>
          {p.name} <span className="os-sub">since {formatRelative(Date.parse(p.connectedAt))}</span>
          {/* A peer with no connection yet: testing it opens one, as a first request would. */}
          {row.runningHere && !(row.connections ?? []).some((c) => c.uuid === p.uuid) && <TestPeer storeName={row.name} uuid={p.uuid} name={p.name} />}
        </li>
      ))}
    </ul>
  );
}

function CreateObjectStoreForm() {
  const stores = useAppStore(objectStoresSelectors.stores);
  const relay = useAppStore(objectStoresSelectors.relay);
  const actions = useAppStore(objectStoresSelectors.actions);
  const [form, setForm] = useState<CreateForm>(emptyCreateForm);
  const [touched, setTouched] = useState<ReadonlySet<CreateFormField>>(new Set());
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const names = useMemo(() => stores.map((e) => e.name), [stores]);
  const { errors, input } = checkCreateForm(form, names);
  const id = useId();

  const shown = (field: CreateFormField) => ((tried || touched.has(field)) && errors[field]) || undefined;
  const update = (patch: Partial<CreateForm>, field?: CreateFormField) => {
    setForm((f) => ({ ...f, ...patch }));
    if (field) setTouched((t) => new Set(t).add(field));
    setServerError(null);
    setCreated(null);
  };
  const fieldProps = (field: CreateFormField) => ({
    id: `${id}-${field}`,
    'aria-invalid': shown(field) ? true : undefined,
    'aria-describedby': shown(field) ? `${id}-${field}-error` : `${id}-${field}-help`,
    onBlur: () => setTouched((t) => new Set(t).add(field)),
  });
  const errorOf = (field: CreateFormField) =>
    shown(field) ? (
      <p className="field-error" id={`${id}-${field}-error`}>
        {shown(field)}
      </p>
    ) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!input || busy) return;
    setBusy(true);
    const outcome = await actions.configure(input);
    setBusy(false);
    if (outcome.ok) {
      setCreated(outcome.row.name);
      setForm(emptyCreateForm);
      setTouched(new Set());
      setTried(false);
    } else {
      setServerError(outcome.message);
    }
  };

  return (
    <form className="form panel os-form" aria-label="Create an object store" onSubmit={(e) => void submit(e)} noValidate>
      <fieldset>
        <legend>Create an object store</legend>
        <label htmlFor={`${id}-name`}>Name</label>
        <input type="text" {...fieldProps('name')} value={form.name} autoComplete="off" spellCheck={false} onChange={(e) => update({ name: e.target.value }, 'name')} />
        {errorOf('name') ?? (
          <p className="help" id={`${id}-name-help`}>
            Letters, digits, dashes and underscores, as ProxyStore requires of endpoint names.
          </p>
        )}

        <label htmlFor={`${id}-port`}>Port</label>
        <input type="text" inputMode="numeric" placeholder="any free port" {...fieldProps('port')} value={form.port} onChange={(e) => update({ port: e.target.value }, 'port')} />
        {errorOf('port') ?? (
          <p className="help" id={`${id}-port-help`}>
            The HTTP API listens on 127.0.0.1 at this port. Leave empty to pick a free one.
          </p>
        )}

        <span className="os-label" id={`${id}-storage-label`}>
          Storage
        </span>
        <div className="radio-row" role="radiogroup" aria-labelledby={`${id}-storage-label`}>
          <label>
            <input type="radio" name={`${id}-storage`} checked={form.storage === 'sqlite'} onChange={() => update({ storage: 'sqlite' })} />
            On disk (SQLite)
          </label>
          <label>
            <input type="radio" name={`${id}-storage`} checked={form.storage === 'memory'} onChange={() => update({ storage: 'memory' })} />
            In memory
          </label>
        </div>
        <p className="help">{form.storage === 'sqlite' ? 'Objects survive restarts (blobs.db in its folder).' : 'Objects are lost when the object store stops.'}</p>

        <label htmlFor={`${id}-maxObjectMb`}>Maximum object size (MB)</label>
        <input type="text" inputMode="decimal" {...fieldProps('maxObjectMb')} value={form.maxObjectMb} onChange={(e) => update({ maxObjectMb: e.target.value }, 'maxObjectMb')} />
        {errorOf('maxObjectMb') ?? (
          <p className="help" id={`${id}-maxObjectMb-help`}>
            Larger objects are refused. 1 MB = 1,000,000 bytes.
          </p>
        )}

        <span className="os-label" id={`${id}-relay-label`}>
          Peering
        </span>
        <div className="os-radio-col" role="radiogroup" aria-labelledby={`${id}-relay-label`}>
          <label>
            <input type="radio" name={`${id}-relay`} checked={form.relayKind === 'none'} onChange={() => update({ relayKind: 'none' })} />
            None (SOLO)
          </label>
          <label>
            <input type="radio" name={`${id}-relay`} checked={form.relayKind === 'local'} onChange={() => update({ relayKind: 'local' })} />
            Through this app&apos;s local relay{relay ? '' : ' (starts it)'}
          </label>
          <label>
            <input type="radio" name={`${id}-relay`} checked={form.relayKind === 'address'} onChange={() => update({ relayKind: 'address' })} />
            Through a relay at an address
          </label>
        </div>
        {form.relayKind === 'address' && (
          <>
            <label htmlFor={`${id}-relayAddress`}>Relay address</label>
            <input type="text" placeholder="ws://relay.example.org:8700" {...fieldProps('relayAddress')} value={form.relayAddress} spellCheck={false} onChange={(e) => update({ relayAddress: e.target.value }, 'relayAddress')} />
            {errorOf('relayAddress') ?? (
              <p className="help" id={`${id}-relayAddress-help`}>
                Where <code className="os-mono">ferry relay</code> runs. Object stores only dial out, so they work behind NAT.
              </p>
            )}
            <label htmlFor={`${id}-relaySecret`}>Relay secret</label>
            <input type="password" {...fieldProps('relaySecret')} value={form.relaySecret} autoComplete="off" onChange={(e) => update({ relaySecret: e.target.value }, 'relaySecret')} />
            {errorOf('relaySecret') ?? (
              <p className="help" id={`${id}-relaySecret-help`}>
                The shared secret the relay was started with. It is kept in the object store&apos;s config.toml (readable only by you).
              </p>
            )}
          </>
        )}
      </fieldset>
      {serverError && (
        <p className="field-error" role="alert">
          {serverError}
        </p>
      )}
      {created && (
        <p className="os-success" role="status">
          Created {created}. Start it from the table.
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || (tried && input === null)}>
          {busy ? 'Creating…' : 'Create object store'}
        </button>
      </div>
    </form>
  );
}

/** The relay wants a Globus token for its scope and the sign-in has no consent for it yet. */
function RelayConsentButton({ name }: { name: string }) {
  const addScopeConsent = useAppStore((s) => s.account.addScopeConsent);
  return (
    <span className="os-sub">
      The relay asks for your Globus sign-in; once you allow it, the link tries again by itself.{' '}
      <button type="button" className="link-button" aria-label={`Allow Ferry to use the relay for ${name}`} onClick={() => void addScopeConsent([PROXYSTORE_RELAY_SCOPE])}>
        Allow Ferry to use the relay
      </button>
    </span>
  );
}

function LocalRelayPanel() {
  const relay = useAppStore(objectStoresSelectors.relay);
  const busy = useAppStore(objectStoresSelectors.relayBusy);
  const actions = useAppStore(objectStoresSelectors.actions);
  const [secret, setSecret] = useState<string | null>(null);
  const toggleSecret = async () => setSecret(secret === null ? await actions.relaySecret() : null);
  return (
    <section className="panel os-relay" aria-labelledby="os-relay-heading">
      <h3 id="os-relay-heading">Local relay</h3>
      {relay ? (
        <>
          <p>
            Running at <code className="os-mono">{relay.address}</code> (this machine only).
          </p>
          <dl className="os-facts">
            <dt>Secret</dt>
            <dd>
              <code className="os-mono">{secret ?? '••••••••••'}</code>{' '}
              <button type="button" className="link-button" onClick={() => void toggleSecret()}>
                {secret !== null ? 'Hide' : 'Show'}
              </button>
            </dd>
            <dt>Connected</dt>
            <dd>
              {relay.peers.length === 0 ? (
                <span className="muted">no object stores yet</span>
              ) : (
                <ul className="os-peers" aria-label="Object stores connected to the local relay">
                  {relay.peers.map((p) => (
                    <li key={p.uuid} title={p.uuid}>
                      {p.name}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
          <button type="button" disabled={busy} onClick={() => void actions.stopRelay()}>
            Stop local relay
          </button>
        </>
      ) : (
        <>
          <p className="muted">
            To try peering on one machine: start a relay here, then create object stores that peer through it. An operation that names another
            object store&apos;s UUID is forwarded to it. For several machines run <code className="os-mono">ferry relay --port N</code> where all can reach it.
          </p>
          <button type="button" disabled={busy} onClick={() => void actions.startRelay()}>
            Start a local relay
          </button>
        </>
      )}
    </section>
  );
}
