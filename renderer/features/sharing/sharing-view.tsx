import { useEffect, useId, useState, type FormEvent } from 'react';
import type { SharingGroup, SharingPermission, SharingRule } from '../../../shared/contract/sharing';
import { looksLikeGroupId } from '../../../shared/contract/sharing';
import { formatExact } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { Combobox } from '../../app/ui/combobox';
import { ConfirmDialog } from '../../app/ui/confirm-dialog';
import { accountSelectors } from '../account/account-slice';
import { sharingSelectors } from './sharing-slice';
import './sharing.css';

const accessLabel = (p: SharingPermission): string => (p === 'rw' ? 'Read and write' : 'Read only');

/** Folders of guest collections the person manages, who may read or write them, until when. */
export function SharingView() {
  const account = useAppStore(accountSelectors.status);
  const collections = useAppStore(sharingSelectors.collections);
  const loadError = useAppStore(sharingSelectors.loadError);
  const selected = useAppStore(sharingSelectors.selected);
  const actions = useAppStore(sharingSelectors.actions);

  if (account?.state !== 'signed-in') {
    return (
      <div className="empty-state">
        <p className="muted">Sign in to Globus (Account) to share folders of your guest collections.</p>
      </div>
    );
  }
  if (collections === null) {
    return (
      <div className="empty-state">
        {loadError ? (
          <>
            <p className="field-error">Your guest collections could not be listed: {loadError}</p>
            <button type="button" onClick={() => void actions.load()}>
              Try again
            </button>
          </>
        ) : (
          <p className="muted">Looking for the guest collections you manage…</p>
        )}
      </div>
    );
  }
  if (collections.length === 0) {
    return (
      <div className="empty-state">
        <p className="muted">You manage no guest collection. Create one in the Globus web app on a collection that allows sharing; it shows up here.</p>
        <button type="button" onClick={() => void actions.load()}>
          Look again
        </button>
      </div>
    );
  }
  return (
    <div className="sh-view">
      <section className="panel">
        <label className="sh-field">
          <span>Guest collection</span>
          <select value={selected ?? ''} onChange={(e) => void actions.select(e.target.value)}>
            {collections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        {(() => {
          const c = collections.find((x) => x.id === selected);
          if (!c) return null;
          return (
            <p className="help">
              {c.owner ? `Owned by ${c.owner}. ` : ''}
              {c.hostPath ? `Shares ${c.hostPath} of its host collection. ` : ''}
              {c.maxExpiryMinutes !== null ? `Every rule must expire within ${Math.floor(c.maxExpiryMinutes / 1440)} days.` : ''}
            </p>
          );
        })()}
      </section>
      <RulesPanel />
      <AddRuleForm />
    </div>
  );
}

function expiryText(rule: SharingRule): string {
  if (!rule.expiresAt) return 'Never';
  const date = rule.expiresAt.slice(0, 10);
  switch (rule.expiry) {
    case 'expired':
      return `Expired ${date}`;
    case 'expiring':
      return `${date} (soon)`;
    default:
      return date;
  }
}

function RulesPanel() {
  const list = useAppStore(sharingSelectors.list);
  const loading = useAppStore(sharingSelectors.listLoading);
  const actions = useAppStore(sharingSelectors.actions);
  const expiring = list?.rules.filter((r) => r.expiry === 'expiring' || r.expiry === 'expired') ?? [];
  return (
    <section className="panel sh-wide" aria-labelledby="sh-rules-title">
      <div className="sh-bar">
        <h2 id="sh-rules-title">Who has access</h2>
        <button type="button" onClick={() => void actions.refresh()} disabled={loading}>
          Reload
        </button>
      </div>
      {expiring.length > 0 && list && (
        <p className="note warn" role="alert">
          {expiring.length === 1 ? '1 rule expires' : `${expiring.length} rules expire`} within {list.warnDaysBefore} days or already did: change the expiry to keep access.
        </p>
      )}
      {!list ? (
        <p className="muted">{loading ? 'Loading the access rules…' : 'Choose a guest collection.'}</p>
      ) : list.rules.length === 0 ? (
        <p className="muted">Nobody else has access to {list.collection.name} yet.</p>
      ) : (
        <table className="sh-table" aria-label="Access rules">
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col">Folder</th>
              <th scope="col">Access</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.rules.map((r) => (
              <RuleRow key={r.id} rule={r} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RuleRow({ rule }: { rule: SharingRule }) {
  const actions = useAppStore(sharingSelectors.actions);
  const busy = useAppStore(sharingSelectors.busy);
  const [editing, setEditing] = useState(false);
  const [date, setDate] = useState(rule.expiresAt?.slice(0, 10) ?? '');
  const expiryLabel = `Expiry for ${rule.principalName} on ${rule.path}`;
  return (
    <tr data-rule-id={rule.id} className={`sh-expiry-${rule.expiry}`}>
      <td>
        <span className="sh-who">{rule.principalName}</span>
        {rule.principalType === 'group' && <span className="sh-sub"> group</span>}
      </td>
      <td className="mono">{rule.path}</td>
      <td>{accessLabel(rule.permissions)}</td>
      <td title={rule.expiresAt ? formatExact(rule.expiresAt) : undefined}>
        {editing ? (
          <form
            className="sh-inline"
            onSubmit={(e) => {
              e.preventDefault();
              void actions.setExpiry(rule.id, date === '' ? null : date).then((ok) => ok && setEditing(false));
            }}
          >
            <input type="date" aria-label={expiryLabel} value={date} onChange={(e) => setDate(e.target.value)} />
            <button type="submit" disabled={busy[`expiry:${rule.id}`] === true}>
              Save
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <span className={rule.expiry === 'expiring' || rule.expiry === 'expired' ? 'sh-warn' : undefined}>{expiryText(rule)}</span>
        )}
      </td>
      <td className="sh-actions">
        {rule.fromRole ? (
          <span className="muted small">From a role</span>
        ) : (
          <>
            {!editing && (
              <button type="button" aria-label={`Change the expiry for ${rule.principalName} on ${rule.path}`} onClick={() => setEditing(true)}>
                {rule.expiresAt ? 'Change expiry' : 'Set expiry'}
              </button>
            )}
            <ConfirmDialog
              title={`Remove ${rule.principalName}'s access to ${rule.path}?`}
              confirmLabel="Remove access"
              onConfirm={() => actions.removeRule(rule.id)}
              trigger={
                <button type="button" className="danger" disabled={busy[`remove:${rule.id}`] === true} aria-label={`Remove access for ${rule.principalName} to ${rule.path}`}>
                  Remove
                </button>
              }
            >
              <p>
                {rule.principalName} will lose {rule.permissions === 'rw' ? 'read-write' : 'read'} access to {rule.path}. You can share the folder again later.
              </p>
            </ConfirmDialog>
          </>
        )}
      </td>
    </tr>
  );
}

type RecipientKind = 'identity' | 'group';

function AddRuleForm() {
  const selected = useAppStore(sharingSelectors.selected);
  const actions = useAppStore(sharingSelectors.actions);
  const busy = useAppStore(sharingSelectors.busy);
  const formId = useId();
  const [kind, setKind] = useState<RecipientKind>('identity');
  const [username, setUsername] = useState('');
  const [groupText, setGroupText] = useState('');
  const [group, setGroup] = useState<SharingGroup | null>(null);
  const [groups, setGroups] = useState<readonly SharingGroup[]>([]);
  const [listable, setListable] = useState(true);
  const [path, setPath] = useState('/');
  const [permissions, setPermissions] = useState<SharingPermission>('r');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<string | null>(null);

  // Groups matching what the person types (a pasted group id works too).
  useEffect(() => {
    if (kind !== 'group') return;
    let live = true;
    void actions.findGroups(groupText).then((found) => {
      if (!live) return;
      setGroups(found.groups);
      setListable(found.listable);
    });
    return () => {
      live = false;
    };
  }, [kind, groupText, actions]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!selected) return;
    const folder = path.trim().endsWith('/') ? path.trim() : `${path.trim()}/`;
    if (!folder.startsWith('/')) return setError('The folder starts with / (the root of the guest collection).');
    let recipient;
    if (kind === 'identity') {
      if (!username.trim()) return setError('Enter the Globus username or e-mail of the person.');
      recipient = { kind: 'identity' as const, username: username.trim() };
    } else {
      const id = group?.id ?? (looksLikeGroupId(groupText) ? groupText.trim() : null);
      if (!id) return setError('Choose one of your groups, or paste a group id.');
      recipient = { kind: 'group' as const, id };
    }
    setError(null);
    const rule = await actions.addRule({ collectionId: selected, recipient, path: folder, permissions, ...(expires ? { expiresAt: expires } : {}) });
    if (rule) {
      setUsername('');
      setGroup(null);
      setGroupText('');
      setExpires('');
    }
  };

  return (
    <section className="panel" aria-labelledby={`${formId}-title`}>
      <h2 id={`${formId}-title`}>Share a folder</h2>
      <form className="sh-form" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="sh-radios">
          <legend>Share with</legend>
          <label>
            <input type="radio" name={`${formId}-kind`} checked={kind === 'identity'} onChange={() => setKind('identity')} /> A person
          </label>
          <label>
            <input type="radio" name={`${formId}-kind`} checked={kind === 'group'} onChange={() => setKind('group')} /> A group
          </label>
        </fieldset>
        {kind === 'identity' ? (
          <label className="sh-field">
            <span>Globus username or e-mail</span>
            <input value={username} onChange={(e) => setUsername(e.target.value)} placeholder="someone@university.edu" autoComplete="off" />
          </label>
        ) : (
          <div className="sh-field">
            <Combobox
              label="Group name (or paste a group id)"
              value={groupText}
              onValueChange={(text) => {
                setGroupText(text);
                setGroup(null);
              }}
              options={group ? [] : groups.map((g) => ({ id: g.id, label: g.name, ...(g.description ? { detail: g.description } : {}) }))}
              onPick={(option) => {
                const g = groups.find((x) => x.id === option.id);
                if (!g) return;
                setGroup(g);
                setGroupText(g.name);
              }}
              listLabel="Matching groups"
            />
            {!listable && <p className="help">Ferry's sign-in cannot list your groups yet (sign in again to allow it); paste the group's id instead.</p>}
            {group && <p className="help">Chosen: {group.name}</p>}
          </div>
        )}
        <label className="sh-field">
          <span>Folder</span>
          <input className="mono" value={path} onChange={(e) => setPath(e.target.value)} />
        </label>
        <label className="sh-field">
          <span>Access</span>
          <select value={permissions} onChange={(e) => setPermissions(e.target.value === 'rw' ? 'rw' : 'r')}>
            <option value="r">Read only</option>
            <option value="rw">Read and write</option>
          </select>
        </label>
        <label className="sh-field">
          <span>Expires (optional)</span>
          <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </label>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div>
          <button type="submit" className="primary" disabled={busy.add === true || !selected}>
            Share
          </button>
        </div>
      </form>
    </section>
  );
}
