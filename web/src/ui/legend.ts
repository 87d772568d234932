// The legend: each actor kind with its colour, shape and count; a click dims, hides or shows the kind.
import type { BoardModel } from '../model/board';
import type { Editor } from '../tools/editor';
import { t } from '../i18n';
import { ACTOR_KIND_CODES, RELATION_STATUS_CODES } from '../generated/protocol';
import type { ActorKind } from '../generated/protocol';
import { ACTOR_STYLE, STATUS_DASH } from '../render/style';
import { h } from './dom';

export function kindSwatch(kind: ActorKind, size = 18): SVGSVGElement {
  const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  s.setAttribute('viewBox', '-12 -12 24 24');
  s.setAttribute('width', String(size));
  s.setAttribute('height', String(size));
  s.setAttribute('aria-hidden', 'true');
  const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  p.setAttribute('d', ACTOR_STYLE[kind].shape);
  p.setAttribute('fill', ACTOR_STYLE[kind].color);
  p.setAttribute('fill-rule', 'evenodd');
  s.append(p);
  return s;
}

export class Legend {
  readonly element = h('div', { class: 'k-legend' });
  constructor(private readonly model: BoardModel, private readonly editor: Editor) {}

  update(): void {
    // Keep keyboard focus on the same kind across the rebuild.
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.kind;
    const hadFocus = focused !== undefined && this.element.contains(document.activeElement);
    const counts = new Map<ActorKind, number>();
    for (const actor of this.model.actors.values()) counts.set(actor.kind, (counts.get(actor.kind) ?? 0) + 1);
    const rows = ACTOR_KIND_CODES.map((kind) => {
      const mode = this.editor.legend.get(kind);
      const state = mode === 'dim' ? t('legend.dimmed') : mode === 'hide' ? t('legend.hidden') : '';
      return h('li', {}, [
        h('button', {
          type: 'button', class: `k-legend-item${mode ? ` k-legend-${mode}` : ''}`, 'data-kind': kind,
          'aria-pressed': mode ? 'true' : 'false', onclick: () => this.editor.cycleLegend(kind),
        }, [
          kindSwatch(kind),
          h('span', { class: 'k-legend-name' }, [t(`actorKind.${kind}`)]),
          h('span', { class: 'k-legend-count' }, [String(counts.get(kind) ?? 0)]),
          state ? h('span', { class: 'k-legend-state' }, [state]) : null,
        ]),
      ]);
    });
    const statusRows = RELATION_STATUS_CODES.map((status) => {
      const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      s.setAttribute('width', '36');
      s.setAttribute('height', '10');
      s.setAttribute('aria-hidden', 'true');
      const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
      Object.entries({ x1: '2', y1: '5', x2: '34', y2: '5', stroke: '#334155', 'stroke-width': '2.5', 'stroke-linecap': 'round' }).forEach(([k, v]) => line.setAttribute(k, v));
      if (STATUS_DASH[status]) line.setAttribute('stroke-dasharray', STATUS_DASH[status]);
      s.append(line);
      return h('li', { class: 'k-legend-status' }, [s, t(`status.${status}`)]);
    });
    this.element.replaceChildren(
      h('p', { class: 'k-muted k-small-text' }, [t('legend.help')]),
      h('ul', { class: 'k-legend-kinds' }, rows),
      h('h3', {}, [t('legend.relations')]),
      h('ul', { class: 'k-legend-statuses' }, statusRows),
    );
    if (hadFocus) this.element.querySelector<HTMLElement>(`[data-kind="${focused}"]`)?.focus();
  }
}
