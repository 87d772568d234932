// Tells screen-reader users what the canvas selection is when it changes (e.g. stepping with [ and ]).
import { t } from '../../i18n';
import type { BoardModel } from '../../model/board';
import type { Editor } from '../../tools/editor';
import { h } from '../dom';

export class SelectionAnnouncer {
  readonly element = h('p', { class: 'k-sr-only', role: 'status', id: 'k-announce' });
  private announced = '';

  constructor(private readonly model: BoardModel, private readonly editor: Editor) {}

  update(): void {
    const ids = [...this.editor.selection];
    const key = ids.join(',');
    if (key === this.announced) return;
    this.announced = key;
    const name = (id: string) => this.model.actors.get(id)?.name || t('outline.unnamed');
    let text = '';
    if (ids.length > 1) text = t('inspector.many', { count: ids.length });
    else if (ids.length === 1) {
      const id = ids[0]!;
      const actor = this.model.actors.get(id);
      const relation = this.model.relations.get(id);
      if (actor) text = t('announce.selected', { name: `${name(id)}, ${t(`actorKind.${actor.kind}`)}` });
      else if (relation) text = t('announce.selected', { name: t('outline.relation', { from: name(relation.from), to: name(relation.to), kind: t(`relationKind.${relation.kind}`) }) });
      else if (this.model.notes.has(id)) text = t('announce.selected', { name: t('inspector.note') });
    }
    this.element.textContent = text;
  }
}
