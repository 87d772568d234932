// Dot voting: a board's view of the workshop's vote (this device's own dots, placed and taken back
// through the API, and everyone's totals once the facilitator reveals them), and the facilitator's
// start / reveal / end controls on the workshop overview.
import type { Role, VoteStatus, VoteView } from '../generated/protocol';
import type { BoardModel } from '../model/board';
import { api } from '../api/client';
import { t } from '../i18n';
import { atLeast } from '../access/roles';
import { errorText } from './common';
import { h } from './dom';

const SECRET_PREFIX = 'kartta.voter.';

/**
 * This device's random secret for one vote, kept in localStorage so a reload keeps the dots
 * takeable-back. It is new per vote, so two votes cannot be linked, and it names nobody.
 */
export function voterSecret(voteId: string): string {
  const key = SECRET_PREFIX + voteId;
  try {
    const kept = localStorage.getItem(key);
    if (kept) return kept;
  } catch {
    // Storage blocked: the secret lives as long as the page.
  }
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  try {
    localStorage.setItem(key, secret);
  } catch {
    // As above.
  }
  return secret;
}

/** What a card shows: own dots before the reveal, everyone's after. */
export interface VoteBadge {
  count: number;
  revealed: boolean;
}

export class BoardVote {
  private status: VoteStatus | null = null;
  /** The vote id and reveal state the status was fetched for. */
  private fetchedFor = '';
  private busy = false;
  /** Kept across panel rebuilds, so screen readers hear each placed or taken-back dot. */
  private readonly announcer = h('p', { class: 'k-sr-status', role: 'status' });
  private error = '';

  constructor(
    private readonly boardId: string,
    private readonly token: string,
    private readonly role: Role,
    private readonly model: BoardModel,
    /** Redraws the cards, the outline and the details panel. */
    private readonly changed: () => void,
  ) {}

  get vote(): VoteView | null {
    return this.model.meta.vote;
  }

  private get canVote(): boolean {
    return atLeast(this.role, 'participant');
  }

  /** `meta.vote` changed (or the board synced): fetch this device's dots for a new vote or a reveal. */
  metaChanged(): void {
    const vote = this.vote;
    const key = vote ? `${vote.id}|${vote.revealed}` : '';
    if (key === this.fetchedFor) return;
    this.fetchedFor = key;
    this.status = null;
    this.error = '';
    this.changed();
    if (vote && this.canVote) void this.refresh(vote.id);
  }

  private async refresh(voteId: string): Promise<void> {
    try {
      const status = await api.myDots(this.boardId, this.token, voterSecret(voteId));
      if (this.vote?.id === voteId) this.status = status;
    } catch (error) {
      this.error = errorText(error);
    }
    this.changed();
  }

  /** Dots on each actor as the map shows them. */
  badges(): Map<string, VoteBadge> {
    const vote = this.vote;
    const badges = new Map<string, VoteBadge>();
    if (!vote) return badges;
    if (vote.revealed) {
      for (const [actorId, count] of Object.entries(vote.totals ?? {})) if (count > 0) badges.set(actorId, { count, revealed: true });
    } else {
      for (const [actorId, count] of Object.entries(this.status?.mine ?? {})) if (count > 0) badges.set(actorId, { count, revealed: false });
    }
    return badges;
  }

  private mine(actorId: string): number {
    return this.status?.mine[actorId] ?? 0;
  }

  private async change(actorId: string, name: string, change: 'place' | 'takeBack'): Promise<void> {
    const vote = this.vote;
    if (!vote || this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      this.status = await api.changeDot(this.boardId, this.token, { voter: voterSecret(vote.id), actorId, change });
      this.announcer.textContent = t(change === 'place' ? 'vote.placed' : 'vote.takenBack', { name, left: this.status.left });
    } catch (error) {
      this.error = errorText(error);
      this.announcer.textContent = this.error;
    } finally {
      this.busy = false;
    }
    this.changed();
  }

  /** The vote's question and this person's dots left (or that the results are out), or null without a vote. */
  summary(): HTMLElement | null {
    const vote = this.vote;
    if (!vote) return null;
    const lines: (HTMLElement | null)[] = [
      h('h3', { id: 'k-vote-heading' }, [vote.title ? t('vote.heading', { title: vote.title }) : t('vote.untitled')]),
    ];
    if (vote.revealed) lines.push(h('p', { id: 'k-vote-state' }, [t('vote.revealed')]));
    else if (this.canVote) {
      const left = this.status ? this.status.left : vote.dots;
      lines.push(h('p', { id: 'k-vote-state', class: 'k-vote-left' }, [t('vote.left', { left, dots: vote.dots })]));
      lines.push(h('p', { class: 'k-muted' }, [t('vote.hidden')]));
    } else lines.push(h('p', { id: 'k-vote-state' }, [t('vote.waiting')]));
    // Dots on an actor someone deleted since would otherwise be lost to their owner until the vote ends.
    const stranded = Object.entries(this.status?.mine ?? {}).filter(([id, count]) => count > 0 && !this.model.actors.has(id));
    if (!vote.revealed && stranded.length > 0) {
      const count = stranded.reduce((sum, [, n]) => sum + n, 0);
      lines.push(h('p', { id: 'k-vote-stranded' }, [
        t('vote.stranded', { count }), ' ',
        h('button', { type: 'button', class: 'k-small', onclick: () => void this.change(stranded[0]![0], t('vote.removedActor'), 'takeBack') }, [t('vote.takeBackStranded')]),
      ]));
    }
    if (this.error) lines.push(h('p', { class: 'k-error', role: 'alert' }, [this.error]));
    lines.push(this.announcer);
    return h('section', { class: 'k-vote', 'aria-labelledby': 'k-vote-heading' }, lines);
  }

  /** An actor's dots with the buttons to place and take back one (before the reveal), or its total (after). */
  actorCell(actorId: string, name: string): HTMLElement | null {
    const vote = this.vote;
    if (!vote) return null;
    if (vote.revealed) {
      const total = vote.totals?.[actorId] ?? 0;
      return h('span', { class: 'k-vote-cell', 'data-vote-total': String(total) }, [t('vote.total', { count: total })]);
    }
    if (!this.canVote) return null;
    const mine = this.mine(actorId);
    const left = this.status ? this.status.left : vote.dots;
    return h('span', { class: 'k-vote-cell', 'data-vote-mine': String(mine) }, [
      h('span', {}, [t('vote.mine', { count: mine })]),
      h('button', {
        type: 'button', class: 'k-small', 'data-key': `dot+:${actorId}`, 'aria-label': t('vote.place', { name }), title: t('vote.place', { name }),
        disabled: left <= 0, onclick: () => void this.change(actorId, name, 'place'),
      }, ['+']),
      h('button', {
        type: 'button', class: 'k-small', 'data-key': `dot-:${actorId}`, 'aria-label': t('vote.takeBack', { name }), title: t('vote.takeBack', { name }),
        disabled: mine <= 0, onclick: () => void this.change(actorId, name, 'takeBack'),
      }, ['−']),
    ]);
  }
}

/** The facilitator's part of the workshop overview: start a vote, show its results, end it. */
export class VoteControls {
  readonly element = h('form', { class: 'k-control-row k-vote-controls' });
  private vote: VoteView | null = null;
  private message = '';

  constructor(private readonly workshopId: string, private readonly token: string) {
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.start();
    });
    this.build();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.vote = await api.vote(this.workshopId, this.token);
    } catch (error) {
      this.message = errorText(error);
    }
    this.build();
  }

  private build(): void {
    const focusedId = this.element.contains(document.activeElement) ? document.activeElement?.id : undefined;
    // What the facilitator typed survives the rebuild after each action.
    const typedQuestion = this.element.querySelector<HTMLInputElement>('#k-vote-question')?.value;
    const typedDots = this.element.querySelector<HTMLInputElement>('#k-vote-dots')?.value;
    const question = h('input', { id: 'k-vote-question', type: 'text', maxlength: 200, value: typedQuestion ?? t('vote.defaultQuestion') });
    const dots = h('input', { id: 'k-vote-dots', type: 'number', min: 1, max: 20, value: typedDots ?? 3, inputmode: 'numeric' });
    const vote = this.vote;
    const state = !vote ? t('vote.none') : vote.revealed ? t('vote.shown', { title: vote.title }) : t('vote.running', { title: vote.title, dots: vote.dots });
    this.element.replaceChildren(
      h('h3', {}, [t('vote.manage')]),
      h('div', { class: 'k-field' }, [h('label', { for: 'k-vote-question' }, [t('vote.question')]), question]),
      h('div', { class: 'k-field' }, [h('label', { for: 'k-vote-dots' }, [t('vote.dotsEach')]), dots]),
      h('div', { class: 'k-row k-wrap' }, [
        h('button', { type: 'submit', id: 'k-vote-start' }, [t('vote.start')]),
        h('button', { type: 'button', id: 'k-vote-reveal', disabled: !vote || vote.revealed, onclick: () => void this.act(() => api.revealVote(this.workshopId, this.token)) }, [t('vote.reveal')]),
        h('button', { type: 'button', id: 'k-vote-end', disabled: !vote, onclick: () => void this.act(() => api.endVote(this.workshopId, this.token)) }, [t('vote.end')]),
      ]),
      h('p', { id: 'k-vote-status', role: 'status' }, [this.message || state]),
    );
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  private start(): Promise<void> {
    const question = this.element.querySelector<HTMLInputElement>('#k-vote-question')?.value.trim() ?? '';
    const dots = Number(this.element.querySelector<HTMLInputElement>('#k-vote-dots')?.value);
    return this.act(() => api.startVote(this.workshopId, this.token, { title: question, dots: Math.round(dots) }));
  }

  private async act(action: () => Promise<unknown>): Promise<void> {
    this.message = '';
    try {
      await action();
    } catch (error) {
      this.message = t('workshop.failed', { message: errorText(error) });
    }
    await this.load();
  }
}
