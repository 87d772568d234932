// "Who goes where" on the workshop page: a name and a board; a participant joining with that name lands on that board.
import type { Assignment } from '../../generated/protocol';
import { t } from '../../i18n';
import { api } from '../../api/client';
import { assignmentRows, cleanAssignedName } from '../../access/assign';
import { h } from '../dom';
import type { WorkshopContext } from './context';

export class AssignPanel {
  private assignments: Assignment[] = [];
  private boardOptions = '';

  constructor(private readonly ctx: WorkshopContext) {}

  section(): HTMLElement {
    this.boardOptions = '';
    const name = h('input', { id: 'k-assign-name', type: 'text', maxlength: 40, autocomplete: 'off', required: true, 'aria-describedby': 'k-assign-help' });
    const board = h('select', { id: 'k-assign-board', required: true });
    const submit = (e: Event) => {
      e.preventDefault();
      const clean = cleanAssignedName(name.value);
      if (!clean) {
        name.focus();
        return;
      }
      void this.assign(clean, board.value || null).then(() => {
        name.value = '';
        name.focus();
      });
    };
    return h('section', { class: 'k-card k-assign', 'aria-labelledby': 'k-assign-heading' }, [
      h('h2', { id: 'k-assign-heading' }, [t('workshop.assignHeading')]),
      h('p', { class: 'k-muted', id: 'k-assign-help' }, [t('workshop.assignHelp')]),
      h('form', { class: 'k-row k-wrap k-assign-form', id: 'k-assign-form', onsubmit: submit }, [
        h('div', { class: 'k-control-row' }, [h('label', { for: 'k-assign-name' }, [t('workshop.assignName')]), name]),
        h('div', { class: 'k-control-row' }, [h('label', { for: 'k-assign-board' }, [t('workshop.assignBoard')]), board]),
        h('button', { type: 'submit', id: 'k-assign-submit' }, [t('workshop.assign')]),
      ]),
      h('ul', { class: 'k-assign-list', id: 'k-assign-list', 'aria-label': t('workshop.assignList') }),
    ]);
  }

  /** Refreshes the board choices (only when the boards changed, so an open select is left alone) and the list. */
  update(): void {
    const root = this.ctx.root;
    const select = root.querySelector<HTMLSelectElement>('#k-assign-board');
    const list = root.querySelector<HTMLElement>('#k-assign-list');
    if (!select || !list) return;
    const boards = this.ctx.workshop().boards;
    const options = boards.map((b) => `${b.id}\u0000${b.title}`).join('\u0001');
    if (options !== this.boardOptions) {
      this.boardOptions = options;
      const selected = select.value;
      select.replaceChildren(...boards.map((b) => h('option', { value: b.id }, [b.title || t('board.untitled')])));
      if (boards.some((b) => b.id === selected)) select.value = selected;
    }
    const rows = assignmentRows(this.assignments, boards, t('board.untitled'));
    const signature = JSON.stringify(rows);
    if (list.dataset.signature === signature) return;
    list.dataset.signature = signature;
    if (rows.length === 0) {
      list.replaceChildren(h('li', { class: 'k-muted' }, [t('workshop.assignNone')]));
      return;
    }
    list.replaceChildren(...rows.map((row) => h('li', { class: 'k-assign-item', 'data-assigned': row.name }, [
      h('span', {}, [h('strong', {}, [row.name]), ' → ', row.boardTitle]),
      h('button', { type: 'button', class: 'k-small', 'data-unassign': row.name, 'aria-label': t('workshop.assignRemove', { name: row.name }), onclick: () => void this.unassign(row.name) }, [t('workshop.unassign')]),
    ])));
  }

  async load(): Promise<void> {
    try {
      this.assignments = await api.assignments(this.ctx.workshop().id, this.ctx.token);
      this.update();
    } catch {
      // The list stays as it was; assigning still works and reloads it.
    }
  }

  private assign(name: string, boardId: string | null): Promise<void> {
    if (!boardId) return Promise.resolve();
    const w = this.ctx.workshop();
    const title = w.boards.find((b) => b.id === boardId)?.title || t('board.untitled');
    return this.ctx.act(async () => {
      await api.assign(w.id, this.ctx.token, { name, boardId });
      await this.load();
      return t('workshop.assigned', { name, board: title });
    });
  }

  private unassign(name: string): Promise<void> {
    return this.ctx.act(async () => {
      await api.assign(this.ctx.workshop().id, this.ctx.token, { name, boardId: null });
      await this.load();
      this.ctx.root.querySelector<HTMLElement>('#k-assign-name')?.focus();
      return t('workshop.unassigned', { name });
    });
  }
}
