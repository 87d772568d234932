// Who goes where: where a joiner lands, and the facilitator's list of assigned names.
import { describe, expect, it } from 'vitest';
import { assignmentRows, cleanAssignedName, joinDestination } from '../src/access/assign';
import type { Workshop } from '../src/generated/protocol';

const workshop = { id: 'W1', boards: [{ id: 'B1', title: 'Ryhmä 1' }, { id: 'B2', title: '' }] } as unknown as Workshop;

describe('assignments', () => {
  it('sends a joiner with an assigned board straight to it, else to the board list', () => {
    expect(joinDestination({ workshop, boardId: 'B2' })).toBe('/b/B2');
    expect(joinDestination({ workshop, boardId: null })).toBe('/w/W1');
    expect(joinDestination({ workshop, boardId: 'gone' })).toBe('/w/W1');
  });

  it('cleans a name the way it is typed', () => {
    expect(cleanAssignedName('  Anna   Virtanen ')).toBe('Anna Virtanen');
    expect(cleanAssignedName('   ')).toBe('');
    expect(cleanAssignedName('x'.repeat(60))).toHaveLength(40);
  });

  it('lists assignments to existing boards by name, with board titles', () => {
    const rows = assignmentRows(
      [{ name: 'Pekka', boardId: 'B2' }, { name: 'Anna', boardId: 'B1' }, { name: 'Ghost', boardId: 'gone' }, { name: 'Null', boardId: null }],
      workshop.boards, 'Untitled');
    expect(rows).toEqual([
      { name: 'Anna', boardId: 'B1', boardTitle: 'Ryhmä 1' },
      { name: 'Pekka', boardId: 'B2', boardTitle: 'Untitled' },
    ]);
  });
});
