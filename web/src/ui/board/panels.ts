// The board page's panels and what links them: the inspector, outline, legend, network figures, dot vote,
// snapshots, "what changed since" and a merged board's support slider. Each is told of the others here,
// so the page only places them and passes on the model's changes.
import { canRestore } from '../../access/roles';
import { LiveFigures } from '../../figures/live';
import { Inspector } from '../inspector';
import { Outline } from '../outline';
import { FiguresPanel } from '../figures';
import { BoardVote } from '../vote';
import { Legend } from '../legend';
import { displayName } from '../identity';
import { SnapshotsPanel } from '../snapshots';
import { SincePanel } from '../since';
import { SupportPanel } from '../support';
import type { BoardPage } from './page';

/** What the panels need of the board page beyond its layers. */
export interface PanelsPage extends Pick<BoardPage, 'ctx' | 'boardId' | 'role' | 'navigate' | 'model' | 'editor' | 'viewport' | 'renderer' | 'schedule'> {
  /** The hidden elements changed, so the export links (which carry `minSupport`) are written again. */
  exportLinksChanged(): void;
  /** Whether the outline tab is the one shown (the figures refresh only their part of it). */
  outlineShown(): boolean;
}

export class BoardPanels {
  readonly inspector: Inspector;
  readonly outline: Outline;
  readonly legend: Legend;
  /** The board's snapshots; a snapshot's own view has none. */
  readonly snapshots: SnapshotsPanel | null;
  /** "What changed since last time", on a live board for everyone but viewers (a projector follows the presenter). */
  readonly since: SincePanel | null;
  /** On a merged board: the "at least k of n maps" slider and each element's sources. */
  readonly support: SupportPanel;
  /** The workshop's dot vote on this board; a snapshot shows only the totals it kept. */
  readonly vote: BoardVote;
  /** Network figures, off until someone turns them on (numbers shown while drawing steer the drawing). */
  readonly liveFigures: LiveFigures;
  private readonly figuresPanel: FiguresPanel;
  private readonly stopFigureUpdates: () => void;

  constructor(private readonly page: PanelsPage) {
    const { ctx, boardId, role, model, editor, renderer } = page;
    const focusCanvas = () => renderer.root.focus({ preventScroll: true });
    this.snapshots = ctx.snapshot ? null : new SnapshotsPanel({
      boardId, token: ctx.token, role, author: () => displayName(),
      boardTitle: () => model.meta.title || ctx.access.board.title,
      canRestore: () => canRestore(role), navigate: page.navigate, workshopId: ctx.access.board.workshopId,
    });
    this.inspector = new Inspector(model, editor);
    this.outline = new Outline(model, editor);
    this.liveFigures = new LiveFigures(model, boardId);
    this.figuresPanel = new FiguresPanel(model, this.liveFigures, () => this.toggleFigures(), (id) => this.outline.show(id));
    this.outline.figures = this.figuresPanel;
    this.vote = new BoardVote(boardId, ctx.token, ctx.snapshot ? 'viewer' : role, model, () => this.voteChanged());
    this.outline.vote = this.vote;
    this.inspector.vote = this.vote;
    this.stopFigureUpdates = this.liveFigures.onUpdate(() => this.showFigures());
    this.legend = new Legend(model, editor);
    this.since = ctx.snapshot || role === 'viewer' ? null : new SincePanel({
      boardId, token: ctx.token, role, model, editor, viewport: page.viewport,
      setGhosts: (ghosts) => {
        renderer.ghosts = ghosts;
        page.schedule('scene');
      },
      focusCanvas,
    });
    this.support = new SupportPanel({
      model, workshopId: ctx.access.board.workshopId, token: ctx.token,
      apply: (hidden) => this.hideBySupport(hidden),
    });
    this.inspector.provenance = (id) => this.support.details(id);
    this.outline.support = (id) => this.support.outlineText(id);
  }

  /** The document changed: the panels that follow it on their own schedule hear of it. */
  modelChanged(): void {
    this.since?.modelChanged();
    this.support.modelChanged();
  }

  /** The chrome was rebuilt: the panels draw themselves into it again. */
  render(): void {
    this.inspector.update(true);
    this.since?.render();
    this.support.render();
  }

  destroy(): void {
    this.since?.destroy();
    this.stopFigureUpdates();
    this.liveFigures.stop();
  }

  /** The support slider hid what fewer maps hold: the map, the outline and the editor leave it out. */
  private hideBySupport(hidden: Set<string>): void {
    const { renderer, editor } = this.page;
    renderer.hideBySupport(hidden);
    this.outline.hidden = hidden;
    editor.hiddenIds = hidden;
    // What is no longer shown is no longer selected (a Delete would otherwise reach it unseen).
    const shown = [...editor.selection].filter((id) => !hidden.has(id));
    if (shown.length !== editor.selection.size) editor.select(shown);
    this.page.exportLinksChanged();
    this.page.schedule('scene', 'panels');
  }

  private toggleFigures(): void {
    if (this.liveFigures.running) this.liveFigures.stop();
    else this.liveFigures.start();
    this.showFigures();
  }

  /** Dots placed or taken back, or the vote started, revealed or ended: the cards and the panels. */
  private voteChanged(): void {
    this.page.renderer.showVotes(this.vote.badges());
    this.inspector.update(true);
    this.page.schedule('scene', 'panels');
  }

  /** New figures (or none): the map and the figures' part of the outline, not the whole outline. */
  private showFigures(): void {
    this.page.renderer.showFigures(this.liveFigures.running ? this.liveFigures.figures : null);
    this.page.schedule('scene');
    if (this.page.outlineShown()) this.figuresPanel.refresh();
  }
}
