// The inspector: every field of the selected actor, relation or note, editable.
import type { BoardModel } from '../model/board';
import type { Editor } from '../tools/editor';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import { NOTE_COLORS } from '../model/types';
import { h, icon, ICONS } from './dom';
import { placementText } from './placement-text';
import { selectField, textField } from './fields';
import { actorFields, relationEndFields, relationFields } from './element-fields';
import type { Binding } from './fields';
import type { BoardVote } from './vote';

export const NOTE_COLOR_KEYS: MessageKey[] = ['color.yellow', 'color.green', 'color.blue', 'color.pink', 'color.lilac'];

export class Inspector {
  readonly element = h('div', { class: 'k-inspector' });
  private bindings: Binding[] = [];
  private shownFor = '';
  /** The workshop's dot vote, whose dots can be placed on the selected actor from here. */
  vote: BoardVote | null = null;
  /** On a merged board: how many and which maps hold the element (ui/support.ts). */
  provenance: ((id: string) => HTMLElement | null) | null = null;

  constructor(private readonly model: BoardModel, private readonly editor: Editor) {}

  /** Rebuilds when the selection or language changed, otherwise refreshes values in place. */
  update(force = false): void {
    // A relation's From and To list the actors, so they are rebuilt when actors come or go.
    const ends = [...this.editor.selection].some((id) => this.model.relations.has(id)) ? this.model.actors.size : '';
    const key = [...this.editor.selection].sort().join(',') + '|' + !this.model.canWrite() + '|' + ends;
    if (!force && key === this.shownFor) {
      this.bindings.forEach((b) => b.refresh());
      return;
    }
    this.shownFor = key;
    this.bindings = [];
    this.element.replaceChildren(...this.build());
  }

  private build(): Node[] {
    const ids = [...this.editor.selection];
    if (ids.length === 0) {
      // A running vote says so here too, where a participant looks first.
      const summary = this.vote?.summary();
      return [h('p', { class: 'k-muted' }, [t('inspector.empty')]), ...(summary ? [summary] : [])];
    }
    const fieldset = (title: string, nodes: [HTMLElement, Binding][]) => {
      this.bindings.push(...nodes.map((n) => n[1]));
      const set = h('fieldset', { disabled: !this.model.canWrite() }, [h('legend', {}, [title]), ...nodes.map((n) => n[0])]);
      return [set, this.deleteButton()];
    };
    if (ids.length > 1) {
      const types = new Set(ids.map((id) => this.model.typeOf(id)));
      if (types.size === 1 && types.has('actor')) return fieldset(t('inspector.actors', { count: ids.length }), actorFields(this.model, ids));
      if (types.size === 1 && types.has('relation')) return fieldset(t('inspector.relations', { count: ids.length }), relationFields(this.model, ids));
      return [h('p', {}, [t('inspector.many', { count: ids.length })]), h('p', { class: 'k-muted' }, [t('inspector.mixedTypes')]), this.deleteButton()];
    }
    const id = ids[0]!;
    const type = this.model.typeOf(id);
    if (type === 'actor') {
      const a = () => this.model.actors.get(id)!;
      const fields = [...this.provenanceOf(id), ...this.placementOf(id), ...fieldset(t('inspector.actor'), [
        textField(t('field.name'), () => a().name, (v) => this.model.updateActor(id, { name: v }), { key: 'name' }),
        ...actorFields(this.model, [id]),
      ])];
      const summary = this.vote?.summary();
      if (!summary) return fields;
      summary.append(this.vote?.actorCell(id, a().name || t('outline.unnamed')) ?? '');
      return [...fields, summary];
    }
    if (type === 'relation') {
      const r = () => this.model.relations.get(id)!;
      const name = (actorId: string) => this.model.actors.get(actorId)?.name || t('outline.unnamed');
      const endsText = () => `${name(r().from)} → ${name(r().to)}`;
      const ends = h('p', { class: 'k-relation-ends' }, [endsText()]);
      this.bindings.push({ refresh: () => { if (this.model.relations.has(id)) ends.textContent = endsText(); } });
      return [
        ends,
        ...this.provenanceOf(id),
        ...fieldset(t('inspector.relation'), [...relationEndFields(this.model, id), ...relationFields(this.model, [id])]),
      ];
    }
    if (type === 'note') {
      const n = () => this.model.notes.get(id)!;
      const fields: [HTMLElement, Binding][] = [
        textField(t('field.text'), () => n().body, (v) => this.model.setNoteBody(id, v), { multiline: true }),
      ];
      if (n().variant === 'sticky') {
        fields.push(selectField(t('field.color'), NOTE_COLORS.map((c, i) => ({ value: c, label: colorName(i) })), () => n().color, (v) => v && this.model.updateNote(id, { color: v })));
      }
      return fieldset(t(n().variant === 'sticky' ? 'inspector.note' : 'tool.label'), fields);
    }
    if (type === 'stroke') return [h('p', {}, [t('inspector.stroke')]), this.deleteButton()];
    return [];
  }

  /** The actor's ring or sector on those backgrounds, kept current as it is moved or the background changes. */
  private placementOf(id: string): Node[] {
    const line = h('p', { class: 'k-placement', id: 'k-placement', 'aria-live': 'polite' });
    const fill = () => {
      const actor = this.model.actors.get(id);
      const text = actor ? placementText(this.model.meta.template, actor.x, actor.y) : null;
      line.hidden = text === null;
      if (line.textContent !== (text ?? '')) line.textContent = text ?? '';
    };
    fill();
    this.bindings.push({ refresh: fill });
    return [line];
  }

  /** The provenance lines, kept current (board titles arrive after the panel is built). */
  private provenanceOf(id: string): Node[] {
    const provenance = this.provenance;
    if (!provenance) return [];
    const box = h('div', {});
    const fill = () => box.replaceChildren(...[provenance(id)].filter((n): n is HTMLElement => n !== null));
    fill();
    this.bindings.push({ refresh: fill });
    return [box];
  }

  private deleteButton(): HTMLElement {
    return h('button', { type: 'button', class: 'k-danger', disabled: !this.model.canWrite(), onclick: () => this.editor.deleteSelection() }, [icon(ICONS.trash, 16), t('action.delete')]);
  }
}

function colorName(index: number): string {
  return t(NOTE_COLOR_KEYS[index]!);
}
