//! The wall: one board opened large from the overview, or two to four boards of a workshop large and live side by side, read-only, for the projector.
import { api } from '../api/client';
import { accessStore } from '../access/store';
import { resolveWorkshop } from '../access/resolve';
import { wallBoards, workshopPath } from '../access/links';
import { onLocaleChange, t } from '../i18n';
import type { Workshop } from '../generated/protocol';
import { accessOrMessage, messagePage } from './common';
import { h } from './dom';
import { MapPane } from './map-pane';

type Navigate = (path: string, state?: unknown) => void;

export const WALL_MIN_BOARDS = 2;
export const WALL_MAX_BOARDS = 4;

export function mountWall(root: HTMLElement, workshopId: string, search: string, navigate: Navigate, linkToken: string | null): () => void {
  let wall: Wall | null = null;
  let cancelled = false;
  const start = async () => {
    const resolved = await accessOrMessage(root, navigate, () => resolveWorkshop(api, accessStore, workshopId, linkToken), () => cancelled, () => void start());
    if (!resolved) return;
    const known = new Set(resolved.value.boards.map((b) => b.id));
    const boardIds = wallBoards(search).filter((id) => known.has(id));
    // One board is a card of the overview opened large; the picker asks for two or more.
    if (boardIds.length < 1) {
      messagePage(root, navigate, 'wall.pickBoards', '');
      return;
    }
    wall = new Wall(root, resolved.value, resolved.token, boardIds, navigate);
  };
  void start();
  return () => {
    cancelled = true;
    wall?.destroy();
  };
}

class Wall {
  private readonly panes: MapPane[];
  private readonly cleanups: (() => void)[] = [];
  private fitFrame = 0;

  constructor(private readonly root: HTMLElement, private readonly workshop: Workshop, token: string, private readonly boardIds: string[], private readonly navigate: Navigate) {
    this.panes = boardIds.map((boardId) => new MapPane({ live: { boardId, token } }, t('wall.boardLabel', { title: this.titleOf(boardId) })));
    for (const pane of this.panes) {
      // Each board stays fitted to its content as the groups draw, since nobody pans a wall.
      this.cleanups.push(pane.model.onChange(() => this.refitSoon()));
      pane.whenSynced(() => this.refitSoon());
      const resize = new ResizeObserver(() => this.refitSoon());
      resize.observe(pane.root);
      this.cleanups.push(() => resize.disconnect());
    }
    this.cleanups.push(onLocaleChange(() => this.layout()));
    this.layout();
    const debugWindow = window as unknown as { karttaWall?: unknown; karttaDebug?: boolean };
    if (import.meta.env.DEV || debugWindow.karttaDebug === true) debugWindow.karttaWall = { panes: this.panes };
  }

  destroy(): void {
    cancelAnimationFrame(this.fitFrame);
    this.cleanups.forEach((c) => c());
    this.panes.forEach((p) => p.destroy());
  }

  private titleOf(boardId: string): string {
    return this.workshop.boards.find((b) => b.id === boardId)?.title || t('board.untitled');
  }

  private layout(): void {
    const back = workshopPath(this.workshop.id);
    this.root.className = 'k-wall-page';
    this.root.replaceChildren(h('main', { class: `k-wall k-wall-${this.panes.length}` }, [
      h('h1', { class: 'k-sr-only' }, [t('wall.title', { title: this.workshop.title })]),
      h('a', { class: 'k-wall-back', href: back, id: 'k-wall-back', onclick: (e: Event) => { e.preventDefault(); this.navigate(back); } }, [t('wall.back')]),
      ...this.panes.map((pane, i) => h('section', { class: 'k-wall-board', 'aria-labelledby': `k-wall-title-${i}` }, [
        h('h2', { class: 'k-wall-title', id: `k-wall-title-${i}` }, [this.titleOf(this.boardIds[i]!)]),
        h('div', { class: 'k-pane-box' }, [pane.root]),
      ])),
    ]));
    document.title = `${t('wall.title', { title: this.workshop.title })} · ${t('app.name')}`;
    this.refitSoon();
  }

  private refitSoon(): void {
    if (this.fitFrame) return;
    this.fitFrame = requestAnimationFrame(() => {
      this.fitFrame = 0;
      for (const pane of this.panes) if (pane.synced) pane.fitToContent();
    });
  }
}
