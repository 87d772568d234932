// The "Network figures" part of the outline: the toggle, the caveat, and a sortable table of
// every actor's figures whose rows select and centre the actor on the map.
import type { BoardModel } from '../model/board';
import type { LiveFigures } from '../figures/live';
import type { ActorFigures } from '../figures/compute';
import { t, locale } from '../i18n';
import type { MessageKey } from '../i18n';
import { h } from './dom';
import { SAMPLED_SOURCES, betweennessIsSampled } from '../figures/limits';

type Column = 'actor' | 'degree' | 'inDegree' | 'outDegree' | 'betweenness' | 'community';
/** An isolated actor is told in its connections cell ("0, no relations"), not a column of its own: the side panel is narrow. */
const COLUMNS: Column[] = ['actor', 'degree', 'inDegree', 'outDegree', 'betweenness', 'community'];

/** Rows shown before "Show all": a table of thousands of rows takes seconds to build. */
export const FIGURES_TABLE_ROWS = 100;

export class FiguresPanel {
  /** Kept across outline rebuilds; new figures redraw only this, not the whole outline. */
  readonly element = h('section', { class: 'k-figures', 'aria-labelledby': 'k-figures-heading' });
  /** Sorted by broker score, highest first, until someone picks another column. */
  private sortColumn: Column = 'betweenness';
  private descending = true;
  private showAll = false;

  constructor(
    private readonly model: BoardModel,
    private readonly live: LiveFigures,
    /** Turns the figures on or off (the board also redraws the map). */
    private readonly toggle: () => void,
    /** Selects and centres an actor on the map. */
    private readonly show: (id: string) => void,
  ) {}

  /** Rebuilds the section, keeping keyboard focus on the control that had it. */
  refresh(): void {
    // The toggle is in view: get the worker ready, so turning figures on does not wait for it.
    if (!this.live.running) this.live.prepare();
    const active = document.activeElement as HTMLElement | null;
    const focusKey = active && this.element.contains(active) ? active.dataset.key : undefined;
    this.element.replaceChildren(...this.build());
    if (focusKey) this.element.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`)?.focus({ preventScroll: true });
  }

  private build(): Node[] {
    const on = this.live.running;
    const nodes: Node[] = [
      h('h3', { id: 'k-figures-heading' }, [t('figures.toggle')]),
      h('button', {
        type: 'button', class: 'k-small k-toggle', id: 'k-figures-toggle', 'data-key': 'figures-toggle', 'aria-pressed': String(on),
        onclick: () => this.toggle(),
      }, [t('figures.toggle')]),
      h('p', { class: 'k-muted' }, [t('figures.help')]),
    ];
    if (!on) return nodes;
    nodes.push(h('p', { class: 'k-figures-caveat', id: 'k-figures-caveat' }, [t('figures.caveat')]));
    if (this.live.figures.size === 0 && this.model.actors.size > 0) {
      nodes.push(h('p', { class: 'k-muted', role: 'status' }, [t('figures.computing')]));
      return nodes;
    }
    if (betweennessIsSampled(this.live.figures.size)) {
      nodes.push(h('p', { class: 'k-muted', id: 'k-figures-sampled' }, [t('figures.sampled', { count: SAMPLED_SOURCES, total: this.live.figures.size })]));
    }
    nodes.push(this.table());
    const total = this.live.figures.size;
    if (total > FIGURES_TABLE_ROWS && !this.showAll) {
      nodes.push(h('button', {
        type: 'button', class: 'k-small', 'data-key': 'figures-show-all',
        onclick: () => { this.showAll = true; this.refresh(); },
      }, [t('figures.showAll', { count: total })]));
    }
    return nodes;
  }

  private table(): HTMLElement {
    // In and out count only one-way relations. On a map without them (most are)
    // both are 0 for everyone: two columns that said nothing and pushed the cluster and "no
    // relations" columns past the side panel's edge.
    const directed = this.model.liveRelations().some((r) => r.direction === 'one_way');
    const columns = COLUMNS.filter((c) => directed || (c !== 'inDegree' && c !== 'outDegree'));
    if (!columns.includes(this.sortColumn)) {
      this.sortColumn = 'betweenness';
      this.descending = true;
    }
    const rows = [...this.live.figures.values()].filter((f) => this.model.actors.has(f.actorId));
    const name = (f: ActorFigures) => this.model.actors.get(f.actorId)?.name || t('outline.unnamed');
    const value = (f: ActorFigures, column: Column): string | number | boolean =>
      column === 'actor' ? name(f) : f[column];
    rows.sort((a, b) => {
      const x = value(a, this.sortColumn);
      const y = value(b, this.sortColumn);
      const order = typeof x === 'string' ? x.localeCompare(String(y), locale()) : Number(x) - Number(y);
      return (this.descending ? -order : order) || name(a).localeCompare(name(b), locale());
    });
    const number = new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const header = (column: Column) => {
      const sorted = column === this.sortColumn;
      return h('th', { scope: 'col', 'aria-sort': sorted ? (this.descending ? 'descending' : 'ascending') : 'none' }, [
        h('button', {
          type: 'button', class: 'k-figures-sort', 'data-key': `figures-sort:${column}`,
          onclick: () => {
            this.descending = sorted ? !this.descending : column !== 'actor';
            this.sortColumn = column;
            this.refresh();
          },
        }, [t(`figures.${column}` as MessageKey), sorted ? (this.descending ? ' ▼' : ' ▲') : '']),
      ]);
    };
    // A narrow panel scrolls the table sideways rather than cutting columns off (in Finnish, with In
    // and Out, it is wider than the side panel); focusable, so a keyboard can scroll it too.
    return h('div', { class: 'k-figures-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'k-figures-heading' }, [h('table', { class: 'k-figures-table', id: 'k-figures-table' }, [
      h('caption', { class: 'k-sr-only' }, [t('figures.caption', { count: rows.length })]),
      h('thead', {}, [h('tr', {}, columns.map(header))]),
      h('tbody', {}, (this.showAll ? rows : rows.slice(0, FIGURES_TABLE_ROWS)).map((f) => h('tr', { 'data-id': f.actorId }, [
        h('th', { scope: 'row' }, [h('button', {
          type: 'button', class: 'k-figures-actor', 'data-key': `figures-show:${f.actorId}`,
          'aria-label': t('figures.show', { name: name(f) }), onclick: () => this.show(f.actorId),
        }, [name(f)])]),
        h('td', { 'data-column': 'degree' }, [
          String(f.degree),
          f.isolated ? h('span', { class: 'k-figures-isolated' }, [t('figures.noRelations')]) : null,
        ]),
        ...(directed ? [
          h('td', { 'data-column': 'inDegree' }, [String(f.inDegree)]),
          h('td', { 'data-column': 'outDegree' }, [String(f.outDegree)]),
        ] : []),
        h('td', { 'data-column': 'betweenness' }, [number.format(f.betweenness)]),
        // People count clusters from 1.
        h('td', { 'data-column': 'community' }, [String(f.community + 1)]),
      ]))),
    ])]);
  }
}
