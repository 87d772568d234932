// Who goes where: the facilitator assigns display names to boards; a joiner with an assigned name
// goes straight to that board. Pure functions, tested headless.
import type { Assignment, BoardSummary, Joined } from '../generated/protocol';
import { boardPath, workshopPath } from './links';

/** Where a participant goes after joining: the assigned board if it is one of the workshop's, else the board list. */
export function joinDestination(joined: Pick<Joined, 'workshop' | 'boardId'>): string {
  const { workshop, boardId } = joined;
  if (boardId && workshop.boards.some((b) => b.id === boardId)) return boardPath(boardId);
  return workshopPath(workshop.id);
}

/** A display name as it is assigned: trimmed, inner whitespace collapsed, at most 40 characters. */
export function cleanAssignedName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').slice(0, 40);
}

export type AssignmentRow = { name: string; boardId: string; boardTitle: string };

/** The assignments to list: only those pointing at a board of the workshop, sorted by name. */
export function assignmentRows(assignments: readonly Assignment[], boards: readonly Pick<BoardSummary, 'id' | 'title'>[], untitled: string): AssignmentRow[] {
  const titles = new Map(boards.map((b) => [b.id, b.title || untitled]));
  return assignments
    .filter((a): a is Assignment & { boardId: string } => a.boardId !== null && titles.has(a.boardId))
    .map((a) => ({ name: a.name, boardId: a.boardId, boardTitle: titles.get(a.boardId)! }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.boardTitle.localeCompare(b.boardTitle));
}
