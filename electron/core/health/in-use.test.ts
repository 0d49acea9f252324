import { describe, expect, it } from 'vitest';
import { followNewCollections } from './in-use';

describe('collections starting to be used', () => {
  it('are checked once, the first time they appear after the baseline', async () => {
    const checked: string[] = [];
    const follow = followNewCollections((id) => checked.push(id));
    follow('syncs', ['a', 'b']);
    follow('syncs', ['a', 'b', 'c']);
    follow('syncs', ['c', 'd', 'd']);
    follow('queue', ['x']);
    follow('queue', ['x', 'a']);
    await Promise.resolve();
    await Promise.resolve();
    expect(checked).toEqual(['c', 'd', 'a']);
  });
});
