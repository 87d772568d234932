//! The compare page's list: what is only on one map, on both but different, and on both, by category, each item a button.
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import { COMPARE_CATEGORIES, itemsOf } from '../model/compare-maps';
import type { CompareCategory, ComparedItem, Difference, MapComparison } from '../model/compare-maps';
import { h } from './dom';
import { CATEGORY_LOOK } from './compare-panes';

/**
 * Items of one category drawn at first, and added by each "show more": two 500-actor maps differ in
 * a thousand or more items, and a button for each took seconds to lay out; nobody reads past the
 * first screenfuls before choosing one.
 */
const LIST_PAGE = 50;
/** Categories open when the page opens: what differs. What is on both is a count until opened. */
const OPEN_AT_FIRST: ReadonlySet<CompareCategory> = new Set(['onlyLeft', 'onlyRight', 'different']);

export class CompareList {
  readonly items = h('div', { class: 'k-cmp-items', id: 'k-cmp-items' });
  readonly status = h('p', { class: 'k-cmp-summary', id: 'k-cmp-summary', role: 'status' });
  readonly note = h('p', { class: 'k-cmp-note', id: 'k-cmp-note' });
  /** How many items each list (`actors-onlyLeft`…) shows; 0 is closed. Kept while the maps change. */
  private readonly shown = new Map<string, number>();
  private comparison: MapComparison | null = null;
  private chosenKey: string | null = null;

  /** `choose` is called with the item a person picked from the list. */
  constructor(private readonly titles: { left: string; right: string }, private readonly choose: (item: ComparedItem) => void) {}

  /** The legend of the signs and colours, as on the drawings. */
  legend(): HTMLElement {
    const entry = (category: CompareCategory, text: string) => h('li', {}, [signOf(category), text]);
    return h('ul', { class: 'k-cmp-legend', 'aria-label': t('compareMaps.legend') }, [
      entry('onlyLeft', t('compareMaps.onlyOn', { title: this.titles.left })),
      entry('onlyRight', t('compareMaps.onlyOn', { title: this.titles.right })),
      entry('different', t('compareMaps.differentShort')),
    ]);
  }

  /** Draws the list of `comparison` (or says it is still loading), keeping the focus on the item that had it. */
  render(comparison: MapComparison | null, matchNote: string): void {
    this.comparison = comparison;
    this.note.textContent = matchNote;
    if (!comparison) {
      this.status.textContent = t('compareMaps.loading');
      this.items.replaceChildren();
      return;
    }
    const count = (category: CompareCategory) => itemsOf(comparison.actors, category).length;
    this.status.textContent = t('compareMaps.summary', {
      left: this.titles.left, right: this.titles.right,
      onlyLeft: count('onlyLeft'), onlyRight: count('onlyRight'), different: count('different'), both: count('both'),
    });
    const group = (type: 'actors' | 'relations', items: ComparedItem[]) => h('section', { class: 'k-cmp-group', 'aria-labelledby': `k-cmp-${type}` }, [
      h('h3', { id: `k-cmp-${type}` }, [t(type === 'actors' ? 'compareMaps.actors' : 'compareMaps.relations')]),
      ...COMPARE_CATEGORIES.map((category) => this.categoryBlock(type, category, itemsOf(items, category))),
    ]);
    const active = document.activeElement instanceof HTMLElement && this.items.contains(document.activeElement) ? document.activeElement : null;
    const focused = active?.dataset.key ?? active?.id;
    this.items.replaceChildren(group('actors', comparison.actors), group('relations', comparison.relations));
    if (focused) this.items.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"], #${CSS.escape(focused)}`)?.focus();
  }

  /** Shows `item` as the chosen one and says what it is (the status is a live region). */
  markChosen(item: ComparedItem): void {
    this.chosenKey = item.key;
    for (const button of this.items.querySelectorAll<HTMLElement>('.k-cmp-item')) button.setAttribute('aria-pressed', String(button.dataset.key === item.key));
    this.status.textContent = [item.label, ...item.differences.map((d) => this.differenceText(item, d))].join('. ');
  }

  /** "Kind: Funding (left map) – Collaboration (right map)" in the page's language. */
  differenceText(item: ComparedItem, difference: Difference): string {
    const value = (code: string | null) => valueLabel(item.type, difference.field, code);
    return t('compareMaps.difference', {
      field: fieldLabel(difference.field), left: value(difference.left), right: value(difference.right),
      leftTitle: this.titles.left, rightTitle: this.titles.right,
    });
  }

  /**
   * One category of the list: its heading is a button that opens or closes it (with the count, so a
   * closed one still says how many), and an open one draws its first items with "show more" after.
   */
  private categoryBlock(type: 'actors' | 'relations', category: CompareCategory, these: ComparedItem[]): HTMLElement {
    const listKey = `${type}-${category}`;
    const headingId = `k-cmp-${listKey}`;
    const listId = `k-cmp-${listKey}-list`;
    const title = [signOf(category), this.categoryTitle(category, these.length)];
    if (these.length === 0) {
      return h('div', { class: `k-cmp-category k-cmp-${category}`, 'data-category': category }, [
        h('h4', { id: headingId }, title),
        h('p', { class: 'k-cmp-none' }, [t('compareMaps.none')]),
      ]);
    }
    if (!this.shown.has(listKey)) this.shown.set(listKey, OPEN_AT_FIRST.has(category) ? LIST_PAGE : 0);
    const count = Math.min(this.shown.get(listKey)!, these.length);
    const open = count > 0;
    const toggle = h('button', {
      type: 'button', class: 'k-cmp-toggle', id: `${headingId}-toggle`, 'aria-expanded': String(open), 'aria-controls': listId,
      onclick: () => {
        this.shown.set(listKey, open ? 0 : LIST_PAGE);
        this.rerender();
      },
    }, [h('span', { class: 'k-cmp-chevron', 'aria-hidden': 'true' }, [open ? '▾' : '▸']), ...title]);
    const rest = these.length - count;
    const more = open && rest > 0
      ? h('button', {
        type: 'button', class: 'k-small k-cmp-more', id: `${headingId}-more`,
        onclick: () => {
          this.shown.set(listKey, count + LIST_PAGE);
          this.rerender();
          // The first of the items just shown takes the focus, so a keyboard user reads on from there.
          const next = these[count];
          if (next) this.items.querySelector<HTMLElement>(`[data-key="${CSS.escape(next.key)}"]`)?.focus();
        },
      }, [t('compareMaps.showMore', { count: Math.min(LIST_PAGE, rest), rest })])
      : null;
    return h('div', { class: `k-cmp-category k-cmp-${category}`, 'data-category': category, 'data-open': String(open) }, [
      h('h4', { id: headingId }, [toggle]),
      h('ul', { id: listId, 'aria-labelledby': headingId, hidden: !open }, these.slice(0, count).map((i) => h('li', {}, [this.itemButton(i)]))),
      more,
    ]);
  }

  private rerender(): void {
    this.render(this.comparison, this.note.textContent ?? '');
  }

  private categoryTitle(category: CompareCategory, count: number): string {
    switch (category) {
      case 'onlyLeft': return t('compareMaps.onlyOnCount', { title: this.titles.left, count });
      case 'onlyRight': return t('compareMaps.onlyOnCount', { title: this.titles.right, count });
      case 'different': return t('compareMaps.different', { count });
      case 'both': return t('compareMaps.both', { count });
    }
  }

  private itemButton(item: ComparedItem): HTMLElement {
    const lines = item.differences.map((d) => h('span', { class: 'k-cmp-diff' }, [this.differenceText(item, d)]));
    return h('button', {
      type: 'button', class: 'k-cmp-item', 'data-key': item.key, 'aria-pressed': String(item.key === this.chosenKey),
      onclick: () => this.choose(item),
    }, [h('span', { class: 'k-cmp-label' }, [item.label]), ...lines]);
  }
}

function signOf(category: CompareCategory): HTMLElement {
  return h('span', { class: `k-cmp-sign k-cmp-sign-${category}`, 'aria-hidden': 'true' }, [CATEGORY_LOOK[category].sign]);
}

function fieldLabel(field: Difference['field']): string {
  const keys: Record<Difference['field'], MessageKey> = {
    name: 'field.name', kind: 'field.kind', stance: 'field.stance', ring: 'compareMaps.ring', sector: 'compareMaps.sector',
    direction: 'field.direction', strength: 'field.strength', status: 'field.status',
  };
  return t(keys[field]);
}

function valueLabel(type: ComparedItem['type'], field: Difference['field'], code: string | null): string {
  if (code === null) return t('compareMaps.unset');
  if (field === 'name') return code;
  if (field === 'ring' && code === 'outside') return t('compareMaps.outside');
  if (field === 'direction' && code === 'reversed') return t('compareMaps.reversed');
  const prefix = field === 'kind' ? (type === 'actor' ? 'actorKind' : 'relationKind') : field;
  return t(`${prefix}.${code}` as MessageKey);
}
