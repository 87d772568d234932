// The side panels of the board page: details, outline, legend and snapshots as tabs, open or closed.
import { t } from '../../i18n';
import type { BoardModel } from '../../model/board';
import type { Inspector } from '../inspector';
import type { Outline } from '../outline';
import type { Legend } from '../legend';
import type { SnapshotsPanel } from '../snapshots';
import { h } from '../dom';

export type Tab = 'details' | 'outline' | 'legend' | 'snapshots';

const OUTLINE_IMMEDIATE_LIMIT = 300;
const OUTLINE_COALESCE_MS = 400;

export interface SidePanelParts {
  root: HTMLElement;
  model: BoardModel;
  inspector: Inspector;
  outline: Outline;
  legend: Legend;
  snapshots: SnapshotsPanel | null;
  /** The board page's own panel updates (toolbar, title) after the side changed. */
  updatePanels: () => void;
}

export class SidePanels {
  tab: Tab = 'details';
  open = window.matchMedia('(min-width: 900px)').matches;
  element: HTMLElement = h('aside', { class: 'k-side' });
  private outlineTimer: ReturnType<typeof setTimeout> | null = null;
  /** The outline tab was just opened: its first build is not held back with the coalesced updates. */
  private outlineOpened = false;

  constructor(private readonly parts: SidePanelParts) {}

  build(): HTMLElement {
    const { inspector, outline, legend, snapshots } = this.parts;
    const tabs: [Tab, string][] = [['details', t('inspector.title')], ['outline', t('action.outline')], ['legend', t('action.legend')]];
    if (snapshots) tabs.push(['snapshots', t('snapshots.title')]);
    const content = this.tab === 'details' ? inspector.element : this.tab === 'outline' ? outline.element : this.tab === 'snapshots' && snapshots ? snapshots.element : legend.element;
    if (this.tab === 'snapshots') snapshots?.render();
    this.element = h('aside', { class: 'k-side', id: 'k-side', 'aria-label': tabs.find((x) => x[0] === this.tab)![1], tabindex: '-1' }, [
      h('div', { class: 'k-tabs', role: 'tablist' }, tabs.map(([id, label]) => h('button', {
        type: 'button', role: 'tab', id: `k-tab-${id}`, 'aria-selected': String(this.tab === id), 'aria-controls': 'k-tabpanel',
        onclick: () => this.showTab(id),
      }, [label]))),
      h('section', { class: 'k-tabpanel', id: 'k-tabpanel', role: 'tabpanel', 'aria-labelledby': `k-tab-${this.tab}` }, [
        h('h2', { class: 'k-sr-only' }, [tabs.find((x) => x[0] === this.tab)![1]]),
        content,
      ]),
    ]);
    return this.element;
  }

  showTab(tab: Tab): void {
    this.tab = tab;
    this.outlineOpened = tab === 'outline';
    if (!this.open) this.toggle();
    const previous = this.element;
    const side = this.build();
    previous.replaceWith(side);
    this.parts.updatePanels();
    if (tab === 'snapshots') void this.parts.snapshots?.refresh();
    (side.querySelector(`#k-tab-${tab}`) as HTMLElement | null)?.focus();
  }

  toggle(): void {
    this.open = !this.open;
    const root = this.parts.root;
    root.querySelector('.k-body')?.classList.toggle('k-side-open', this.open);
    root.querySelector('#k-panel-button')?.setAttribute('aria-expanded', String(this.open));
  }

  /** The shown tab follows the board (the details panel always, as it also keeps its own state). */
  update(): void {
    this.parts.inspector.update();
    if (this.tab === 'outline') this.updateOutline();
    if (this.tab === 'legend') this.parts.legend.update();
  }

  destroy(): void {
    if (this.outlineTimer !== null) clearTimeout(this.outlineTimer);
  }

  /**
   * The outline is rebuilt from the model; on a large board that is thousands of form controls, so
   * bursts of changes (a busy room, a drag) are coalesced into one rebuild.
   */
  private updateOutline(): void {
    if (this.parts.model.actors.size < OUTLINE_IMMEDIATE_LIMIT || this.outlineOpened) {
      this.outlineOpened = false;
      return this.parts.outline.update();
    }
    if (this.outlineTimer !== null) return;
    this.outlineTimer = setTimeout(() => {
      this.outlineTimer = null;
      if (this.tab === 'outline') this.parts.outline.update();
    }, OUTLINE_COALESCE_MS);
  }
}
