import { describe, expect, it } from 'vitest';
import { fakeCollection } from '../globus/testing/fake-globus-access';
import { collectionDetails } from './details';

describe('collection details', () => {
  it('says whether the person manages the collection, and carries what its managers wrote', () => {
    const base = fakeCollection('c3a1f5e7-9b2d-4c6e-8f0a-1b3d5e7f9a25');
    const guest = fakeCollection(base.id, {
      entityType: 'GCSv5_guest_collection',
      myEffectiveRoles: ['administrator'],
      highAssurance: true,
      authenticationTimeoutMins: 30,
      about: { ...base.about, description: 'Beamline results', contactEmail: 'lab@example.org', mappedCollectionId: 'src' },
    });
    expect(collectionDetails(guest)).toMatchObject({
      entityType: 'GCSv5_guest_collection',
      youManage: true,
      highAssurance: true,
      loginTimeoutMinutes: 30,
      description: 'Beamline results',
      contactEmail: 'lab@example.org',
      mappedCollectionId: 'src',
    });
    expect(collectionDetails(fakeCollection(base.id, { myEffectiveRoles: ['activity_monitor'] })).youManage).toBe(false);
  });

  it('says whether Globus asks this person for a data_access consent', () => {
    const mapped = fakeCollection('c3a1f5e7-9b2d-4c6e-8f0a-1b3d5e7f9a25');
    expect(collectionDetails(mapped).consent).toBe('needed');
    expect(collectionDetails(mapped, ['C3A1F5E7-9B2D-4C6E-8F0A-1B3D5E7F9A25']).consent).toBe('granted');
    expect(collectionDetails(fakeCollection(mapped.id, { highAssurance: true })).consent).toBe('not-needed');
    expect(collectionDetails(fakeCollection(mapped.id, { entityType: 'GCSv5_guest_collection' })).consent).toBe('not-needed');
  });
});
