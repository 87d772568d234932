// Presenting a board and following a presenter, as a state machine: its states, the events that move
// between them, and the effects the page carries out. Pure: no DOM, no network, no awareness.

export type PresentingState =
  /** Nobody presents this board (another board of the workshop may be presented). */
  | { id: 'idle' }
  /** This client presents; `confirmed` once the workshop shows this board as the presented one. */
  | { id: 'presenting'; confirmed: boolean }
  /** Someone presents this board (their awareness client id) and this client does not follow. */
  | { id: 'offered'; presenter: number }
  /** This client's view follows the presenter's. */
  | { id: 'following'; presenter: number };

export interface PresentingMachine {
  readonly state: PresentingState;
  /** Follows a presenter without being asked: a viewer (a projector), or someone sent here to follow. */
  readonly followsByDefault: boolean;
  /** Chose to stop following: not made to follow again by default until they choose to. */
  readonly declined: boolean;
}

export type PresentingEvent =
  /** The facilitator starts presenting this board. */
  | { type: 'present' }
  /** … and stops. */
  | { type: 'stopPresenting' }
  /** The workshop's presented board (`meta.presenting`) as the document now says. */
  | { type: 'workshopPresents'; boardId: string | null; thisBoard: string }
  /** Who presents this board now (awareness), null for nobody; sent again when their view moves. */
  | { type: 'presenter'; clientId: number | null }
  | { type: 'follow' }
  /** The "stop following" button, or a pan or zoom by hand. */
  | { type: 'unfollow' };

export type PresentingEffect =
  /** Put this client's view into its awareness state, for followers. */
  | 'shareView'
  /** Take it out again. */
  | 'clearView'
  /** Tell the workshop this board is presented (every board shows it). */
  | 'announceStart'
  | 'announceStop'
  /** Move this client's view to the presenter's. */
  | 'applyPresenterView'
  /** Remember, for this browser session, that the presented board is not to be followed. */
  | 'rememberDeclined';

export interface PresentingStep { machine: PresentingMachine; effects: PresentingEffect[] }

export function initialPresenting(followsByDefault: boolean): PresentingMachine {
  return { state: { id: 'idle' }, followsByDefault, declined: false };
}

export function step(machine: PresentingMachine, event: PresentingEvent): PresentingStep {
  const state = machine.state;
  const to = (next: PresentingState, effects: PresentingEffect[] = [], declined = machine.declined): PresentingStep =>
    ({ machine: { ...machine, state: next, declined }, effects });
  const stay: PresentingStep = { machine, effects: [] };
  switch (event.type) {
    case 'present':
      return state.id === 'presenting' ? stay : to({ id: 'presenting', confirmed: false }, ['shareView', 'announceStart']);
    case 'stopPresenting':
      return state.id === 'presenting' ? to({ id: 'idle' }, ['clearView', 'announceStop']) : stay;
    case 'workshopPresents':
      if (state.id !== 'presenting') return stay;
      if (event.boardId === event.thisBoard) return state.confirmed ? stay : to({ id: 'presenting', confirmed: true });
      // Only a presentation the workshop had shown can be ended from elsewhere (the overview, or
      // another board presented); before that, the document simply has not caught up yet.
      return state.confirmed ? to({ id: 'idle' }, ['clearView']) : stay;
    case 'presenter': {
      if (state.id === 'presenting') return stay;
      const presenter = event.clientId;
      if (presenter === null) return state.id === 'idle' ? stay : to({ id: 'idle' });
      if (state.id === 'following') return to({ id: 'following', presenter }, ['applyPresenterView']);
      if (machine.followsByDefault && !machine.declined) return to({ id: 'following', presenter }, ['applyPresenterView']);
      return state.id === 'offered' && state.presenter === presenter ? stay : to({ id: 'offered', presenter });
    }
    case 'follow':
      return state.id === 'offered' ? to({ id: 'following', presenter: state.presenter }, ['applyPresenterView'], false) : stay;
    case 'unfollow':
      return state.id === 'following' ? to({ id: 'offered', presenter: state.presenter }, ['rememberDeclined'], true) : stay;
  }
}

/** What the follow bar shows, or that a viewer goes to the board presented elsewhere. */
export type FollowBar =
  | { kind: 'none' }
  | { kind: 'presenting' }
  | { kind: 'following'; presenter: number }
  | { kind: 'offer'; presenter: number }
  | { kind: 'elsewhere'; boardId: string }
  | { kind: 'goToPresented'; boardId: string };

/**
 * The bar for a machine's state. `elsewhere`: the board the workshop presents when it is not this one;
 * a viewer (a projector, an observer) goes there unless they declined that presentation before.
 */
export function followBar(machine: PresentingMachine, elsewhere: { boardId: string; viewer: boolean; declined: boolean } | null): FollowBar {
  const state = machine.state;
  if (state.id === 'presenting') return { kind: 'presenting' };
  if (state.id === 'following') return { kind: 'following', presenter: state.presenter };
  if (state.id === 'offered') return { kind: 'offer', presenter: state.presenter };
  if (!elsewhere) return { kind: 'none' };
  return elsewhere.viewer && !elsewhere.declined ? { kind: 'goToPresented', boardId: elsewhere.boardId } : { kind: 'elsewhere', boardId: elsewhere.boardId };
}
