import { auth, groups, transfer, type authorization } from '@globus/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  COLLEAGUE_IDENTITY,
  DEMO_COLLAB_GROUP_ID,
  DEMO_GUEST_COLLECTION_ID as GUEST,
  DEMO_LAB_GROUP_ID,
  DEMO_SOURCE_COLLECTION_ID as SRC,
  EMULATOR_DEFAULT_USER,
  GROUPS_SCOPE,
  TRANSFER_SCOPE,
} from './index';
import type { Doc } from './sdk-client';
import { signIn, startHarness, type Harness } from './test-harness';

const VIEW_IDENTITIES = 'urn:globus:auth:scope:auth.globus.org:view_identities';
const SCOPE = `openid profile email ${VIEW_IDENTITIES} ${TRANSFER_SCOPE} ${GROUPS_SCOPE}`;

let h: Harness;
let manager: authorization.AuthorizationManager;

beforeEach(async () => {
  h = await startHarness();
  manager = (await signIn({ scope: SCOPE })).manager;
});
afterEach(async () => {
  await h.close();
});

async function json(response: Promise<Response>): Promise<{ status: number; body: Doc }> {
  const res = await response;
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Doc };
}

const rule = (over: Doc = {}): Doc => ({ DATA_TYPE: 'access', principal_type: 'identity', principal: COLLEAGUE_IDENTITY.sub, path: '/results/', permissions: 'r', ...over });
const create = (m: authorization.AuthorizationManager, doc: Doc, collection = GUEST) => json(transfer.access.create(collection, { payload: doc as never }, { manager: m }));

describe('Auth identity lookup', () => {
  it('resolves the colleague by username and by id', async () => {
    const byName = await json(auth.identities.getAll({ query: { usernames: 'colleague@example.org,researcher@example.org' } as never }, { manager }));
    expect(byName.status).toBe(200);
    expect(byName.body['identities']).toEqual([
      expect.objectContaining({ id: COLLEAGUE_IDENTITY.sub, username: 'colleague@example.org', status: 'used', name: COLLEAGUE_IDENTITY.name }),
      expect.objectContaining({ id: EMULATOR_DEFAULT_USER.sub, status: 'used' }),
    ]);
    const byId = await json(auth.identities.getAll({ query: { ids: COLLEAGUE_IDENTITY.sub } as never }, { manager }));
    expect(byId.body['identities']).toEqual([expect.objectContaining({ username: 'colleague@example.org' })]);
    const unknown = await json(auth.identities.getAll({ query: { usernames: 'nobody@elsewhere.test,newcomer@example.org' } as never }, { manager }));
    expect(unknown.body['identities']).toEqual([expect.objectContaining({ username: 'newcomer@example.org', status: 'unused', name: null })]);
  });
});

describe('Transfer ACL on the guest collection', () => {
  it('shows the guest collection as one the person manages', async () => {
    const doc = await json(transfer.endpoint.get(GUEST, {}, { manager }));
    expect(doc.body).toMatchObject({ entity_type: 'GCSv5_guest_collection', mapped_collection_id: SRC, owner_id: EMULATOR_DEFAULT_USER.sub, my_effective_roles: ['administrator'], acl_available: true, acl_editable: true });
    expect((await json(transfer.endpoint.get(SRC, {}, { manager }))).body).toMatchObject({ entity_type: 'GCSv5_mapped_collection', acl_available: false });
  });

  it('adds, lists, reads, updates and deletes an access rule', async () => {
    const created = await create(manager, rule({ notify_email: 'colleague@example.org' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ DATA_TYPE: 'access_create_result', code: 'Created', message: 'Access rule created successfully.', resource: `/endpoint/${GUEST}/access` });
    const id = String(created.body['access_id']);

    const list = await json(transfer.access.getAll(GUEST, {}, { manager }));
    expect(list.body).toMatchObject({ DATA_TYPE: 'access_list', endpoint: GUEST, length: 2 });
    expect(list.body['DATA']).toEqual([
      expect.objectContaining({ id: null, role_type: 'administrator', principal: EMULATOR_DEFAULT_USER.sub, path: '/', permissions: 'rw' }),
      expect.objectContaining({ id, principal_type: 'identity', principal: COLLEAGUE_IDENTITY.sub, path: '/results/', permissions: 'r', notify_email: 'colleague@example.org' }),
    ]);

    const updated = await json(transfer.access.update({ endpoint_xid: GUEST, id }, { payload: { permissions: 'rw', expiration_date: '2099-01-01T00:00:00+00:00' } as never }, { manager }));
    expect(updated.body).toMatchObject({ DATA_TYPE: 'result', code: 'Updated' });
    expect((await json(transfer.access.get({ endpoint_xid: GUEST, id }, {}, { manager }))).body).toMatchObject({
      DATA_TYPE: 'access',
      id,
      permissions: 'rw',
      expiration_date: '2099-01-01T00:00:00+00:00',
    });

    const removed = await json(transfer.access.remove({ endpoint_xid: GUEST, id }, {}, { manager }));
    expect(removed.body).toMatchObject({ DATA_TYPE: 'result', code: 'Deleted' });
    const gone = await json(transfer.access.get({ endpoint_xid: GUEST, id }, {}, { manager }));
    expect(gone).toMatchObject({ status: 404, body: { code: 'AccessRuleNotFound' } });
  });

  it('answers Transfer’s errors: Exists, InvalidPath, InvalidPrincipal, not a guest collection, not the manager', async () => {
    expect((await create(manager, rule())).status).toBe(201);
    expect(await create(manager, rule({ permissions: 'rw' }))).toMatchObject({ status: 409, body: { code: 'Exists' } });
    expect(await create(manager, rule({ path: '/results' }))).toMatchObject({ status: 400, body: { code: 'InvalidPath' } });
    expect(await create(manager, rule({ principal: 'colleague@example.org' }))).toMatchObject({ status: 400, body: { code: 'InvalidPrincipal' } });
    expect(await create(manager, rule({ principal_type: 'all_authenticated_users', principal: '', permissions: 'x' }))).toMatchObject({ status: 400, body: { code: 'BadRequest' } });
    expect(await create(manager, rule(), SRC)).toMatchObject({ status: 400, body: { code: 'BadRequest' } });
    expect((await json(transfer.access.getAll('00000000-0000-4000-8000-000000000000', {}, { manager }))).body).toMatchObject({ code: 'EndpointNotFound' });

    await h.emulator.control.signInAs(COLLEAGUE_IDENTITY);
    const colleague = (await signIn({ scope: SCOPE })).manager;
    await h.emulator.control.signInAs(null);
    expect(await json(transfer.access.getAll(GUEST, {}, { manager: colleague }))).toMatchObject({ status: 403, body: { code: 'PermissionDenied' } });
    expect((await json(transfer.endpoint.get(GUEST, {}, { manager: colleague }))).body).toMatchObject({ my_effective_roles: [], acl_editable: false });
  });
});

describe('Groups API', () => {
  it('lists my groups with my memberships and reads one with all members', async () => {
    const mine = await json(groups.groups.getMyGroups({}, { manager }));
    expect(mine.status).toBe(200);
    const list = mine.body as unknown as Doc[];
    expect(list.map((g) => g['id'])).toEqual([DEMO_LAB_GROUP_ID, DEMO_COLLAB_GROUP_ID]);
    expect(list[0]).toMatchObject({ name: 'Example Research Lab', group_type: 'regular', my_memberships: [{ identity_id: EMULATOR_DEFAULT_USER.sub, role: 'admin', status: 'active' }] });
    expect(list[1]).toMatchObject({ my_memberships: [{ role: 'member' }] });

    const one = await json(groups.groups.get(DEMO_LAB_GROUP_ID, { query: { include: 'memberships,allowed_actions' } as never }, { manager }));
    expect((one.body['memberships'] as Doc[]).map((m) => m['username'])).toEqual(['researcher@example.org', 'colleague@example.org']);
    expect(one.body['allowed_actions']).toMatchObject({ add: [EMULATOR_DEFAULT_USER.sub] });
    expect((await json(groups.groups.get('00000000-0000-4000-8000-000000000000', {}, { manager }))).body).toMatchObject({ code: 'NOT_FOUND' });
  });
});
