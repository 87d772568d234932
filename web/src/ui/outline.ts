// The outline: a text twin of the map that screen-reader and keyboard users can read and edit.
import type { BoardModel } from '../model/board';
import type { Editor } from '../tools/editor';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import { ACTOR_KIND_CODES, RELATION_KIND_CODES } from '../generated/protocol';
import type { ActorKind, RelationKind } from '../generated/protocol';
import { freeSpot } from '../model/free-space';
import { actorRect, noteRect } from '../tools/hit';
import { actorCardHeight, actorCardWidth } from '../render/card';
import { actorFields, relationEndFields, relationFields } from './element-fields';
import type { Field } from './element-fields';
import { h } from './dom';
import { placementText } from './placement-text';
import type { FiguresPanel } from './figures';
import type { BoardVote } from './vote';

/** Where an actor named `name` added from the outline goes: free space, beyond the rings or sectors on those backgrounds. */
export function spotForNewActor(model: BoardModel, name: string, near: { x: number; y: number }): { x: number; y: number } {
  const occupied = [...[...model.actors.values()].map((a) => actorRect(a)), ...[...model.notes.values()].map((n) => noteRect(n))];
  const fields = { name, influence: null, alias: '' };
  const card = { w: actorCardWidth(fields), h: actorCardHeight(fields) };
  return freeSpot(model.meta.template, occupied, card, near);
}

/**
 * Rows of each list (actors, relations) built until someone asks for all: on a board of thousands
 * the outline's form controls took seconds to build, style and lay out, and froze the page each
 * time the outline or the figures beside it were opened. A forum map (~100 actors) shows all.
 */
export const OUTLINE_LIST_ROWS = 200;

type OutlineList = 'actors' | 'relations';

export class Outline {
  readonly element = h('div', { class: 'k-outline' });
  /** Kept across rebuilds so screen readers hear the confirmation of a new relation. */
  private readonly status = h('p', { class: 'k-sr-status', role: 'status' });
  /** The network figures' toggle and table, shown after the help text when the board has them. */
  figures: FiguresPanel | null = null;
  /** The workshop's dot vote: its question above the actors, and a dots column in their rows. */
  vote: BoardVote | null = null;
  /** On a merged board: "in 3 of 5 maps" for an actor or relation (ui/support.ts). */
  support: ((id: string) => string | null) | null = null;
  /** On a merged board: what the "at least k of n maps" slider hides, left out here as on the map. */
  hidden: ReadonlySet<string> = new Set();
  /** The single selected actor the list last brought into view. */
  private shownSelection: string | null = null;

  /** The rows whose "All fields" are unfolded. */
  private readonly openFields = new Set<string>();
  /** The lists someone asked to see whole (see `OUTLINE_LIST_ROWS`). */
  private readonly wholeLists = new Set<OutlineList>();

  constructor(private readonly model: BoardModel, private readonly editor: Editor) {}

  update(): void {
    // A row unfolded a moment ago may not have had its 'toggle' event yet (it comes as a task of
    // its own, and a rebuild can come first): what the page shows open is what stays open.
    this.element.querySelectorAll<HTMLDetailsElement>('details[data-more]').forEach((details) => {
      if (details.open) this.openFields.add(details.dataset.more!);
      else this.openFields.delete(details.dataset.more!);
    });
    // Keep focus and any half-typed text across the rebuild (remote edits arrive while someone types).
    const active = document.activeElement as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null;
    const focusKey = active && this.element.contains(active) ? active.dataset.key : undefined;
    const typed = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement
      ? { value: active.value, start: active.selectionStart, end: active.selectionEnd } : null;
    // Where focus was, in case its control goes away (its row deleted): the same place in the same list.
    const row = active && this.element.contains(active) ? active.closest<HTMLElement>('li[data-id]') : null;
    const list = row?.parentElement?.dataset.list;
    const rowIndex = row?.parentElement ? [...row.parentElement.children].indexOf(row) : -1;
    const kept = new Map<string, string>();
    this.element.querySelectorAll<HTMLSelectElement>('select[data-key^="connect"], select[data-key="new-kind"]').forEach((s) => kept.set(s.dataset.key!, s.value));
    this.element.replaceChildren(...this.build());
    // The row of one newly selected actor (found with Ctrl+F, or clicked on the map) comes into view.
    const only = this.editor.selection.size === 1 ? [...this.editor.selection][0]! : null;
    if (only && only !== this.shownSelection) this.element.querySelector(`li[data-id="${CSS.escape(only)}"]`)?.scrollIntoView({ block: 'nearest' });
    this.shownSelection = only;
    kept.forEach((value, key) => {
      const select = this.element.querySelector<HTMLSelectElement>(`[data-key="${key}"]`);
      if (select && [...select.options].some((o) => o.value === value)) select.value = value;
    });
    if (!focusKey) return;
    const next = this.element.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`);
    if (next) {
      next.focus({ preventScroll: true });
      if (typed && (next instanceof HTMLInputElement || next instanceof HTMLTextAreaElement) && next.type !== 'checkbox') {
        next.value = typed.value;
        next.setSelectionRange(typed.start, typed.end);
      }
      return;
    }
    if (list) this.focusNear(list, rowIndex, focusKey.split(':')[0]!);
  }

  /**
   * After a row went away under focus (deleted here or by someone else): the same control of the row
   * that took its place, else the list's last row, else the form that adds to that list. Never the page body.
   */
  private focusNear(list: string, index: number, control: string): void {
    const rows = [...this.element.querySelectorAll<HTMLElement>(`ul[data-list="${list}"] > li[data-id]`)];
    const row = rows[Math.min(index, rows.length - 1)];
    const target = row?.querySelector<HTMLElement>(`[data-key^="${CSS.escape(control)}:"]:not(:disabled)`)
      ?? row?.querySelector<HTMLElement>('button:not(:disabled), input:not(:disabled), select:not(:disabled)')
      ?? this.element.querySelector<HTMLElement>(list === 'actors' ? '#k-outline-new' : '#k-connect-from');
    target?.focus({ preventScroll: true });
  }

  /**
   * Every field the details panel has, folded under the row (the row keeps the most used ones).
   * Which are open survives the outline's rebuilds; a folded row builds its fields only when
   * unfolded, so a large board's outline does not carry thousands of hidden controls.
   */
  private moreFields(id: string, name: string, makeFields: () => Field[], locked: boolean): HTMLElement {
    const fieldset = h('fieldset', { disabled: locked }, [h('legend', { class: 'k-sr-only' }, [name])]);
    const fill = () => {
      if (fieldset.childElementCount === 1) fieldset.append(...makeFields().map(([element]) => element));
    };
    const open = this.openFields.has(id);
    if (open) fill();
    const details = h('details', { class: 'k-outline-more', 'data-more': id, open }, [
      h('summary', { 'data-key': `more:${id}` }, [t('outline.allFields'), h('span', { class: 'k-sr-only' }, [` – ${name}`])]),
      fieldset,
    ]) as HTMLDetailsElement;
    // Which rows are open is read from the page at each rebuild (`update`); here only the fields.
    details.addEventListener('toggle', () => {
      if (details.open) fill();
    });
    return details;
  }

  /**
   * The rows of a list to build: all, or the first `OUTLINE_LIST_ROWS` plus every selected one, so
   * an actor found with Ctrl+F or clicked on the map still has its row here.
   */
  private shownRows<T extends { id: string }>(list: OutlineList, items: T[]): T[] {
    if (items.length <= OUTLINE_LIST_ROWS || this.wholeLists.has(list)) return items;
    const selection = this.editor.selection;
    return items.filter((item, index) => index < OUTLINE_LIST_ROWS || selection.has(item.id));
  }

  /** "Show all 2,000 actors" under a list that shows only its first rows; focus goes on to the first row it adds. */
  private showAllButton(list: OutlineList, shown: number, total: number): HTMLElement | null {
    if (shown >= total) return null;
    return h('button', {
      type: 'button', class: 'k-small', 'data-key': `show-all:${list}`,
      onclick: () => {
        const rows = () => [...this.element.querySelectorAll<HTMLElement>(`ul[data-list="${list}"] > li[data-id]`)];
        const before = new Set(rows().map((row) => row.dataset.id));
        this.wholeLists.add(list);
        this.update();
        rows().find((row) => !before.has(row.dataset.id))?.querySelector<HTMLElement>('input, button')?.focus();
      },
    }, [t(list === 'actors' ? 'outline.showAllActors' : 'outline.showAllRelations', { count: total })]);
  }

  private build(): Node[] {
    const model = this.model;
    const locked = !model.canWrite();
    const actors = [...model.actors.values()].filter((a) => !this.hidden.has(a.id)).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const relations = model.liveRelations().filter((r) => !this.hidden.has(r.id));
    const nameOf = (id: string) => model.actors.get(id)?.name || t('outline.unnamed');
    const shownActors = this.shownRows('actors', actors);
    const shownRelations = this.shownRows('relations', relations);

    const newName = h('input', { id: 'k-outline-new', type: 'text', 'data-key': 'new-name', autocomplete: 'off' });
    const newKind = h('select', { id: 'k-outline-new-kind', 'data-key': 'new-kind' },
      ACTOR_KIND_CODES.map((k) => h('option', { value: k }, [t(`actorKind.${k}`)])));
    newKind.value = this.editor.actorKind;
    const add = (e: Event) => {
      e.preventDefault();
      const name = newName.value.trim();
      if (!name || locked) return;
      const spot = spotForNewActor(model, name, this.editor.viewport.center());
      model.addActor({ name, kind: newKind.value as ActorKind, ...spot });
      newName.value = '';
      newName.focus();
    };

    const actorOptions = (placeholder: boolean) => [
      ...(placeholder ? [h('option', { value: '' }, [t('outline.choose')])] : []),
      ...actors.map((a) => h('option', { value: a.id }, [a.name || t('outline.unnamed')])),
    ];
    const from = h('select', { id: 'k-connect-from', 'data-key': 'connect-from' }, actorOptions(true));
    const to = h('select', { id: 'k-connect-to', 'data-key': 'connect-to' }, actorOptions(true));
    const kind = h('select', { id: 'k-connect-kind', 'data-key': 'connect-kind' }, RELATION_KIND_CODES.map((k) => h('option', { value: k }, [t(`relationKind.${k}`)])));
    const status = this.status;
    const connect = (e: Event) => {
      e.preventDefault();
      if (locked || !from.value || !to.value) return;
      const id = model.addRelation(from.value, to.value, { kind: kind.value as RelationKind });
      if (id) status.textContent = t('outline.relation', { from: nameOf(from.value), to: nameOf(to.value), kind: t(`relationKind.${kind.value as RelationKind}`) });
    };

    const nodes: (HTMLElement | null)[] = [
      h('p', { class: 'k-muted' }, [t('outline.help')]),
      ...(this.figures ? [this.figuresSection(this.figures)] : []),
      h('form', { class: 'k-outline-add', onsubmit: add }, [
        h('div', { class: 'k-field' }, [h('label', { for: 'k-outline-new' }, [t('outline.newActor')]), newName]),
        h('div', { class: 'k-field' }, [h('label', { for: 'k-outline-new-kind' }, [t('field.kind')]), newKind]),
        h('button', { type: 'submit', id: 'k-outline-add', class: 'k-primary', 'data-key': 'add', disabled: locked }, [t('outline.add')]),
      ]),
      ...[this.vote?.summary()].filter((node): node is HTMLElement => Boolean(node)),
      h('h3', {}, [t('outline.actors', { count: actors.length })]),
      actors.length === 0 ? h('p', { class: 'k-muted' }, [t('outline.noActors')]) : h('ul', { class: 'k-outline-list', 'data-list': 'actors' }, shownActors.map((a) => {
        const label = a.name || t('outline.unnamed');
        const name = h('input', { type: 'text', value: a.name, title: a.name, 'data-key': `name:${a.id}`, 'aria-label': t('outline.rename', { name: label }), disabled: locked });
        name.addEventListener('change', () => model.updateActor(a.id, { name: name.value.trim() }));
        const kindSelect = h('select', { 'data-key': `kind:${a.id}`, 'aria-label': t('outline.kindOf', { name: label }), disabled: locked },
          ACTOR_KIND_CODES.map((k) => h('option', { value: k }, [t(`actorKind.${k}`)])));
        kindSelect.value = a.kind;
        kindSelect.addEventListener('change', () => model.updateActor(a.id, { kind: kindSelect.value as ActorKind }));
        const support = this.support?.(a.id);
        const placement = placementText(model.meta.template, a.x, a.y);
        const selected = this.editor.selection.has(a.id);
        return h('li', { 'data-id': a.id, class: selected ? 'k-outline-selected' : null, 'aria-current': selected ? 'true' : null }, [
          name, kindSelect,
          placement ? h('span', { class: 'k-placement-text', 'data-placement': a.id }, [placement]) : null,
          this.vote?.actorCell(a.id, label) ?? null,
          support ? h('span', { class: 'k-support-text', 'data-support': a.id }, [support]) : null,
          h('button', { type: 'button', class: 'k-small', 'data-key': `show:${a.id}`, onclick: () => this.show(a.id) }, [t('outline.show')]),
          h('button', { type: 'button', class: 'k-small k-danger', 'data-key': `del:${a.id}`, 'aria-label': t('outline.deleteActor', { name: label }), disabled: locked, onclick: () => model.deleteElements([a.id]) }, ['✕']),
          this.moreFields(a.id, label, () => actorFields(model, [a.id], { keySuffix: a.id, omit: ['kind'] }), locked),
        ]);
      })),
      this.showAllButton('actors', shownActors.length, actors.length),
      h('h3', {}, [t('outline.relations', { count: relations.length })]),
      h('form', { class: 'k-outline-connect', onsubmit: connect }, [
        h('div', { class: 'k-field' }, [h('label', { for: 'k-connect-from' }, [t('field.from')]), from]),
        h('div', { class: 'k-field' }, [h('label', { for: 'k-connect-to' }, [t('field.to')]), to]),
        h('div', { class: 'k-field' }, [h('label', { for: 'k-connect-kind' }, [t('field.kind')]), kind]),
        h('button', { type: 'submit', id: 'k-connect', class: 'k-primary', 'data-key': 'connect', disabled: locked }, [t('outline.connect')]),
        status,
      ]),
      relations.length === 0 ? h('p', { class: 'k-muted' }, [t('outline.noRelations')]) : h('ul', { class: 'k-outline-list', 'data-list': 'relations' }, shownRelations.map((r) => {
        const text = t('outline.relation', { from: nameOf(r.from), to: nameOf(r.to), kind: t(`relationKind.${r.kind}`) })
          + (r.status !== 'existing' ? ` (${t(`status.${r.status}` as MessageKey)})` : '') + (r.label ? ` – ${r.label}` : '')
          + (this.support?.(r.id) ? ` (${this.support(r.id)})` : '');
        return h('li', { 'data-id': r.id }, [
          h('span', {}, [text]),
          h('button', { type: 'button', class: 'k-small', 'data-key': `showr:${r.id}`, onclick: () => this.show(r.id) }, [t('outline.show')]),
          h('button', { type: 'button', class: 'k-small k-danger', 'data-key': `delr:${r.id}`, 'aria-label': t('outline.deleteRelation', { from: nameOf(r.from), to: nameOf(r.to) }), disabled: locked, onclick: () => model.deleteElements([r.id]) }, ['✕']),
          this.moreFields(r.id, `${nameOf(r.from)} → ${nameOf(r.to)}`, () => [...relationEndFields(model, r.id, { keySuffix: r.id }), ...relationFields(model, [r.id], { keySuffix: r.id })], locked),
        ]);
      })),
      this.showAllButton('relations', shownRelations.length, relations.length),
    ];
    return nodes.filter((node): node is HTMLElement => node !== null);
  }

  private figuresSection(figures: FiguresPanel): HTMLElement {
    figures.refresh();
    return figures.element;
  }

  show(id: string): void {
    this.editor.select([id]);
    const actor = this.model.actors.get(id);
    const relation = this.model.relations.get(id);
    if (actor) this.editor.viewport.centerOn(actor.x, actor.y);
    else if (relation) {
      const a = this.model.actors.get(relation.from);
      const b = this.model.actors.get(relation.to);
      if (a && b) this.editor.viewport.centerOn((a.x + b.x) / 2, (a.y + b.y) / 2);
    }
  }
}
