// The inspector: every field of the selected actor, relation or note, editable.
import type { BoardModel } from '../model/board';
import type { Editor } from '../tools/editor';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import {
  ACTOR_KIND_CODES, COORDINATION_CODES, DIRECTION_CODES, RELATION_KIND_CODES, RELATION_STATUS_CODES, STANCE_CODES, STRENGTH_CODES,
} from '../generated/protocol';
import { NOTE_COLORS } from '../model/types';
import { h, icon, ICONS } from './dom';
import { checkField, selectField, textField } from './fields';
import type { Binding } from './fields';

export const NOTE_COLOR_KEYS: MessageKey[] = ['color.yellow', 'color.green', 'color.blue', 'color.pink', 'color.lilac'];

function options<C extends string>(codes: readonly C[], prefix: string, optional = false): { value: C | ''; label: string }[] {
  const list: { value: C | ''; label: string }[] = codes.map((c) => ({ value: c, label: t(`${prefix}.${c}` as MessageKey) }));
  return optional ? [{ value: '', label: t('field.notSet') }, ...list] : list;
}

export class Inspector {
  readonly element = h('div', { class: 'k-inspector' });
  private bindings: Binding[] = [];
  private shownFor = '';

  constructor(private readonly model: BoardModel, private readonly editor: Editor) {}

  /** Rebuilds when the selection or language changed, otherwise refreshes values in place. */
  update(force = false): void {
    const key = [...this.editor.selection].sort().join(',') + '|' + !this.model.canWrite();
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
    if (ids.length === 0) return [h('p', { class: 'k-muted' }, [t('inspector.empty')])];
    if (ids.length > 1) return [h('p', {}, [t('inspector.many', { count: ids.length })]), this.deleteButton()];
    const id = ids[0]!;
    const type = this.model.typeOf(id);
    const fieldset = (title: string, nodes: [HTMLElement, Binding][]) => {
      this.bindings.push(...nodes.map((n) => n[1]));
      const set = h('fieldset', { disabled: !this.model.canWrite() }, [h('legend', {}, [title]), ...nodes.map((n) => n[0])]);
      return [set, this.deleteButton()];
    };
    if (type === 'actor') {
      const a = () => this.model.actors.get(id)!;
      const up = (patch: Parameters<BoardModel['updateActor']>[1]) => this.model.updateActor(id, patch);
      return fieldset(t('inspector.actor'), [
        textField(t('field.name'), () => a().name, (v) => up({ name: v }), { key: 'name' }),
        selectField(t('field.kind'), options(ACTOR_KIND_CODES, 'actorKind'), () => a().kind, (v) => v && up({ kind: v }), 'kind'),
        textField(t('field.description'), () => a().description, (v) => up({ description: v }), { multiline: true }),
        textField(t('field.tags'), () => a().tags.join(', '), (v) => up({ tags: v.split(',').map((s) => s.trim()).filter(Boolean) })),
        textField(t('field.alias'), () => a().alias, (v) => up({ alias: v })),
        selectField(t('field.influence'), [{ value: '', label: t('field.notSet') }, ...['0', '1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v }))],
          () => (a().influence === null ? '' : String(a().influence)), (v) => up({ influence: v === '' ? null : Number(v) })),
        selectField(t('field.stance'), options(STANCE_CODES, 'stance', true), () => a().stance ?? '', (v) => up({ stance: v || null })),
        checkField(t('field.isPerson'), () => a().isPerson, (v) => up({ isPerson: v })),
      ]);
    }
    if (type === 'relation') {
      const r = () => this.model.relations.get(id)!;
      const up = (patch: Parameters<BoardModel['updateRelation']>[1]) => this.model.updateRelation(id, patch);
      const name = (actorId: string) => this.model.actors.get(actorId)?.name || t('outline.unnamed');
      return [
        h('p', { class: 'k-relation-ends' }, [`${name(r().from)} → ${name(r().to)}`]),
        ...fieldset(t('inspector.relation'), [
          selectField(t('field.kind'), options(RELATION_KIND_CODES, 'relationKind'), () => r().kind, (v) => v && up({ kind: v }), 'kind'),
          textField(t('field.label'), () => r().label, (v) => up({ label: v })),
          selectField(t('field.direction'), options(DIRECTION_CODES, 'direction'), () => r().direction, (v) => v && up({ direction: v })),
          selectField(t('field.strength'), options(STRENGTH_CODES, 'strength'), () => r().strength, (v) => v && up({ strength: v })),
          selectField(t('field.coordination'), options(COORDINATION_CODES, 'coordination', true), () => r().coordination ?? '', (v) => up({ coordination: v || null })),
          selectField(t('field.status'), options(RELATION_STATUS_CODES, 'status'), () => r().status, (v) => v && up({ status: v }), 'status'),
        ]),
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

  private deleteButton(): HTMLElement {
    return h('button', { type: 'button', class: 'k-danger', disabled: !this.model.canWrite(), onclick: () => this.editor.deleteSelection() }, [icon(ICONS.trash, 16), t('action.delete')]);
  }
}

function colorName(index: number): string {
  return t(NOTE_COLOR_KEYS[index]!);
}
