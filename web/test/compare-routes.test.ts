// The compare page's and the wall's addresses: which maps and boards they name, and what is refused.
import { describe, expect, it } from 'vitest';
import { comparePath, parseMapRef, parseRoute, wallBoards, wallPath } from '../src/access/links';

describe('compare and wall addresses', () => {
  it('routes a workshop\'s compare page and wall', () => {
    expect(parseRoute('/w/ws1/compare')).toEqual({ page: 'compare', workshopId: 'ws1' });
    expect(parseRoute('/w/ws1/wall')).toEqual({ page: 'wall', workshopId: 'ws1' });
    expect(parseRoute('/w/ws1/other')).toEqual({ page: 'landing' });
  });

  it('carries each side as a board or a snapshot, and round-trips', () => {
    const path = comparePath('ws1', { kind: 'snapshot', id: 's1' }, { kind: 'board', id: 'b1' });
    expect(path).toBe('/w/ws1/compare?left=s%3As1&right=b%3Ab1');
    const query = new URLSearchParams(path.split('?')[1]);
    expect(parseMapRef(query.get('left'))).toEqual({ kind: 'snapshot', id: 's1' });
    expect(parseMapRef(query.get('right'))).toEqual({ kind: 'board', id: 'b1' });
  });

  it('refuses a side that is not a board or snapshot id', () => {
    expect(parseMapRef(null)).toBeNull();
    expect(parseMapRef('x:b1')).toBeNull();
    expect(parseMapRef('b:../../etc')).toBeNull();
    expect(parseMapRef('b:')).toBeNull();
  });

  it('keeps at most four distinct, valid boards on a wall, in order', () => {
    expect(wallBoards(new URL(`http://x${wallPath('ws1', ['a', 'b', 'c'])}`).search)).toEqual(['a', 'b', 'c']);
    expect(wallBoards('?boards=a,a,b,bad id,c,d,e')).toEqual(['a', 'b', 'c', 'd']);
    expect(wallBoards('')).toEqual([]);
  });
});
