// Presenting and following as a state machine: transitions, effects and what the follow bar shows.
import { describe, expect, it } from 'vitest';
import { followBar, initialPresenting, step } from '../src/model/presenting';
import type { PresentingEffect, PresentingEvent, PresentingMachine } from '../src/model/presenting';

/** Runs events in order; returns the final machine and every effect, in order. */
function run(machine: PresentingMachine, ...events: PresentingEvent[]): { machine: PresentingMachine; effects: PresentingEffect[] } {
  const effects: PresentingEffect[] = [];
  for (const event of events) {
    const next = step(machine, event);
    machine = next.machine;
    effects.push(...next.effects);
  }
  return { machine, effects };
}

const BOARD = 'b1';
const workshop = (boardId: string | null): PresentingEvent => ({ type: 'workshopPresents', boardId, thisBoard: BOARD });
const presenter = (clientId: number | null): PresentingEvent => ({ type: 'presenter', clientId });

describe('the facilitator presenting', () => {
  it('shares the view and tells the workshop, then stops the same way', () => {
    const started = run(initialPresenting(false), { type: 'present' });
    expect(started.machine.state).toEqual({ id: 'presenting', confirmed: false });
    expect(started.effects).toEqual(['shareView', 'announceStart']);
    const stopped = run(started.machine, { type: 'stopPresenting' });
    expect(stopped.machine.state).toEqual({ id: 'idle' });
    expect(stopped.effects).toEqual(['clearView', 'announceStop']);
  });

  it('ends when the workshop presents another board, but only after it had shown this one', () => {
    const early = run(initialPresenting(false), { type: 'present' }, workshop(null), workshop('other'));
    expect(early.machine.state).toEqual({ id: 'presenting', confirmed: false });
    const confirmed = run(early.machine, workshop(BOARD));
    expect(confirmed.machine.state).toEqual({ id: 'presenting', confirmed: true });
    const ended = run(confirmed.machine, workshop('other'));
    expect(ended.machine.state).toEqual({ id: 'idle' });
    // Stopped from elsewhere: the view leaves awareness, and the workshop is not told again.
    expect(ended.effects).toEqual(['clearView']);
  });

  it('is not moved by other presenters or follow requests', () => {
    const { machine, effects } = run(initialPresenting(true), { type: 'present' }, presenter(4), { type: 'follow' }, { type: 'unfollow' }, { type: 'present' });
    expect(machine.state).toEqual({ id: 'presenting', confirmed: false });
    expect(effects).toEqual(['shareView', 'announceStart']);
  });
});

describe('following a presenter', () => {
  it('a viewer follows at once and keeps up with each move of the presenter', () => {
    const { machine, effects } = run(initialPresenting(true), presenter(7), presenter(7));
    expect(machine.state).toEqual({ id: 'following', presenter: 7 });
    expect(effects).toEqual(['applyPresenterView', 'applyPresenterView']);
  });

  it('a participant is offered to follow and follows when asked', () => {
    const offered = run(initialPresenting(false), presenter(3), presenter(3));
    expect(offered.machine.state).toEqual({ id: 'offered', presenter: 3 });
    expect(offered.effects).toEqual([]);
    const following = run(offered.machine, { type: 'follow' });
    expect(following.machine.state).toEqual({ id: 'following', presenter: 3 });
    expect(following.effects).toEqual(['applyPresenterView']);
  });

  it('stopping by hand is remembered: the presenter coming back is offered, not followed', () => {
    const stopped = run(initialPresenting(true), presenter(7), { type: 'unfollow' });
    expect(stopped.machine.state).toEqual({ id: 'offered', presenter: 7 });
    expect(stopped.machine.declined).toBe(true);
    expect(stopped.effects).toEqual(['applyPresenterView', 'rememberDeclined']);
    const back = run(stopped.machine, presenter(7), presenter(null), presenter(8));
    expect(back.machine.state).toEqual({ id: 'offered', presenter: 8 });
    expect(back.effects).toEqual([]);
    // Choosing to follow again makes following the default once more.
    const again = run(back.machine, { type: 'follow' }, presenter(null), presenter(9));
    expect(again.machine.state).toEqual({ id: 'following', presenter: 9 });
    expect(again.machine.declined).toBe(false);
  });

  it('ends when nobody presents any more', () => {
    const { machine } = run(initialPresenting(true), presenter(7), presenter(null));
    expect(machine.state).toEqual({ id: 'idle' });
    expect(run(machine, { type: 'follow' }, { type: 'unfollow' }).machine.state).toEqual({ id: 'idle' });
  });
});

describe('the follow bar', () => {
  const elsewhere = (viewer: boolean, declined = false) => ({ boardId: 'b2', viewer, declined });

  it('shows the state, and the board presented elsewhere only when nothing happens here', () => {
    const idle = initialPresenting(false);
    expect(followBar(idle, null)).toEqual({ kind: 'none' });
    expect(followBar(idle, elsewhere(false))).toEqual({ kind: 'elsewhere', boardId: 'b2' });
    expect(followBar(run(idle, { type: 'present' }).machine, elsewhere(false))).toEqual({ kind: 'presenting' });
    expect(followBar(run(idle, presenter(3)).machine, null)).toEqual({ kind: 'offer', presenter: 3 });
    expect(followBar(run(idle, presenter(3), { type: 'follow' }).machine, elsewhere(true))).toEqual({ kind: 'following', presenter: 3 });
  });

  it('sends a viewer to the presented board unless they declined that presentation', () => {
    const viewer = initialPresenting(true);
    expect(followBar(viewer, elsewhere(true))).toEqual({ kind: 'goToPresented', boardId: 'b2' });
    expect(followBar(viewer, elsewhere(true, true))).toEqual({ kind: 'elsewhere', boardId: 'b2' });
  });
});
