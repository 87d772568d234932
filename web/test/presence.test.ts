// Presence stays under the server's awareness size limit however much is selected or drawn.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { Presence, PRESENCE_BUDGET_BYTES, thinPoints } from '../src/model/presence';

describe('presence', () => {
  it('shortens huge selections, drags and ink to fit the budget', () => {
    const awareness = new Awareness(new Y.Doc());
    const presence = new Presence(awareness, { name: 'Äänekoski-ryhmä', color: '#026aa2' }, 0);
    const ids = Array.from({ length: 3000 }, (_, i) => `actor-id-${String(i).padStart(8, '0')}`);
    const points = Array.from({ length: 9000 }, (_, i) => (i % 3 === 2 ? 0.5 : i * 1.234567));
    presence.set({ selection: ids, drag: { ids, dx: 10, dy: 5 }, ink: { tool: 'pen', color: '#000000', width: 4, points } });
    const state = awareness.getLocalState() as { selection: string[]; ink: { points: number[] } };
    expect(new TextEncoder().encode(JSON.stringify(state)).length).toBeLessThanOrEqual(PRESENCE_BUDGET_BYTES);
    expect(state.selection.length).toBeGreaterThan(0);
    expect(state.ink.points.length).toBeGreaterThanOrEqual(150);
    // Small states pass through untouched.
    presence.set({ selection: ['a', 'b'], drag: null, ink: null });
    expect(awareness.getLocalState()).toMatchObject({ selection: ['a', 'b'] });
  });

  it('a client without a user (a viewer) publishes no state, whatever it sets', () => {
    const awareness = new Awareness(new Y.Doc());
    const presence = new Presence(awareness, null, 0);
    expect(awareness.getLocalState()).toBeNull();
    presence.set({ cursor: { x: 1, y: 2 }, present: { x: 0, y: 0, zoom: 1 } });
    presence.flush();
    expect(awareness.getLocalState()).toBeNull();
    expect(awareness.getStates().size).toBe(0);
  });

  it('thinning keeps the first and last point', () => {
    const points = [0, 0, 0.1, 1, 1, 0.2, 2, 2, 0.3, 3, 3, 0.4, 4, 4, 0.5];
    expect(thinPoints(points, 9)).toEqual([0, 0, 0.1, 2, 2, 0.3, 4, 4, 0.5]);
    expect(thinPoints(points, 30)).toBe(points);
  });

  it('lists peers with safe colours and drops malformed states', () => {
    const doc = new Y.Doc();
    const mine = new Awareness(doc);
    const presence = new Presence(mine, { name: 'Me', color: '#026aa2' }, 0);
    mine.states.set(999, { user: { name: 'Eve', color: 'red;background:url(x)' }, cursor: { x: 1, y: 2 } });
    mine.states.set(998, { nonsense: true });
    const peers = presence.peers();
    expect(peers).toHaveLength(1);
    expect(peers[0]).toMatchObject({ clientId: 999, user: { name: 'Eve', color: '#6b7280' }, cursor: { x: 1, y: 2 }, selection: [] });
  });
});
