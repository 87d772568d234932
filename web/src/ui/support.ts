//! On a merged board: the "show what at least k of n maps contain" slider, and each element's sources for the details and the outline.
import type { BoardModel } from '../model/board';
import { hiddenBelow, relationSupport, supportCount, supportUnits } from '../model/support';
import { t } from '../i18n';
import { api } from '../api/client';
import { h } from './dom';

export interface SupportContext {
  model: BoardModel;
  workshopId: string;
  token: string;
  /** The threshold or the board changed: these ids are hidden now. */
  apply: (hidden: Set<string>) => void;
}

export class SupportPanel {
  // A region named by its slider's label, so the slider sits in a landmark like the rest of the page.
  readonly element = h('section', { class: 'k-support-bar', id: 'k-support', hidden: true, 'aria-labelledby': 'k-support-label' });
  private minSupport = 1;
  private shownFor = '';
  private hiddenKey = '';
  /** Board titles of the workshop, looked up once; a snapshot or a deleted board shows as "another map". */
  private titles = new Map<string, string>();
  private titlesAsked = false;

  constructor(private readonly ctx: SupportContext) {}

  /** The n of "k of n" (maps, or groups on a board merged group by group); 0 on a board that was not merged. */
  get mapCount(): number {
    return supportUnits(this.ctx.model.meta).total;
  }

  /** Whether "k of n" counts groups (the maps were merged group by group). */
  private get byGroup(): boolean {
    return supportUnits(this.ctx.model.meta).byGroup;
  }

  /** What the exports taken from the page add to their address (`?minSupport=k`). */
  exportParams(): Record<string, string> {
    return this.mapCount > 0 && this.minSupport > 1 ? { minSupport: String(this.minSupport) } : {};
  }

  /** The board changed: the slider follows n, and what is hidden follows the elements. */
  modelChanged(): void {
    const n = this.mapCount;
    if (n > 0 && !this.titlesAsked) void this.loadTitles();
    if (this.minSupport > Math.max(1, n)) this.minSupport = Math.max(1, n);
    if (`${n}|${this.byGroup}` !== this.shownFor) this.render();
    this.applyFilter();
  }

  render(): void {
    const n = this.mapCount;
    const byGroup = this.byGroup;
    this.shownFor = `${n}|${byGroup}`;
    const valueText = (k: number) => t(byGroup ? 'support.valueTextGroups' : 'support.valueText', { k, n });
    this.element.hidden = n === 0;
    if (n === 0) {
      this.element.replaceChildren();
      return;
    }
    const slider = h('input', { type: 'range', id: 'k-support-slider', min: 1, max: n, step: 1, value: this.minSupport, 'aria-valuetext': valueText(this.minSupport) });
    const output = h('output', { for: 'k-support-slider', id: 'k-support-value' }, [t('support.value', { k: this.minSupport, n })]);
    slider.addEventListener('input', () => {
      this.minSupport = Math.min(n, Math.max(1, Number(slider.value) || 1));
      output.textContent = t('support.value', { k: this.minSupport, n });
      slider.setAttribute('aria-valuetext', valueText(this.minSupport));
      this.applyFilter();
    });
    this.element.replaceChildren(
      h('label', { for: 'k-support-slider', id: 'k-support-label' }, [t(byGroup ? 'support.sliderGroups' : 'support.slider', { n })]),
      slider,
      output,
    );
    if (!this.titlesAsked) void this.loadTitles();
    this.applyFilter();
  }

  private applyFilter(): void {
    const model = this.ctx.model;
    const hidden = hiddenBelow({ actors: model.actors, relations: model.liveRelations(), meta: model.meta }, this.minSupport);
    const key = `${this.minSupport}|${[...hidden].sort().join(',')}`;
    if (key === this.hiddenKey) return;
    this.hiddenKey = key;
    this.ctx.apply(hidden);
  }

  /** "In 2 of 3 maps" for the outline (a relation: of the maps with both its actors), or null on an element without sources. */
  outlineText(id: string): string | null {
    const model = this.ctx.model;
    const relation = model.relations.get(id);
    if (relation) {
      const support = relationSupport(relation.sources, model.actors.get(relation.from)?.sources, model.actors.get(relation.to)?.sources, model.meta);
      return support === null ? null : t(this.byGroup ? 'support.inGroupsWithBoth' : 'support.inMapsWithBoth', support);
    }
    const k = supportCount(model.actors.get(id)?.sources, model.meta);
    return k === null ? null : t(this.byGroup ? 'support.inGroups' : 'support.inMaps', { k, n: this.mapCount });
  }

  /** The details panel's lines: how many maps, which ones, and a relation's other kinds. */
  details(id: string): HTMLElement | null {
    const model = this.ctx.model;
    const actor = model.actors.get(id);
    const relation = actor ? undefined : model.relations.get(id);
    const sources = actor?.sources ?? relation?.sources;
    const text = this.outlineText(id);
    if (!text || !sources) return null;
    const known = new Set(model.meta.mergedFrom);
    const titles = sources.filter((s) => known.has(s)).map((s) => this.titles.get(s) ?? t('support.otherMap'));
    const otherKinds = relation?.otherKinds ?? [];
    return h('div', { class: 'k-support-details', id: 'k-support-details' }, [
      h('p', {}, [h('strong', {}, [text])]),
      h('p', {}, [t('support.sources', { titles: titles.join(', ') })]),
      otherKinds.length > 0 ? h('p', {}, [t('support.otherKinds', { kinds: otherKinds.map((k) => t(`relationKind.${k}`)).join(', ') })]) : null,
    ]);
  }

  private async loadTitles(): Promise<void> {
    this.titlesAsked = true;
    try {
      const workshop = await api.workshop(this.ctx.workshopId, this.ctx.token);
      this.titles = new Map(workshop.boards.map((b) => [b.id, b.title || t('board.untitled')]));
      // Redraw the details with the titles now known.
      this.hiddenKey = '';
      this.applyFilter();
    } catch {
      // Titles are a help only: the counts show without them.
    }
  }
}
