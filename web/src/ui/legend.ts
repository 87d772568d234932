// The legend: each actor kind with its colour, shape and count (a click dims, hides or shows the kind),
// then what a relation's colour, line pattern and thickness mean.
import type { BoardModel } from '../model/board';
import type { Editor } from '../tools/editor';
import { t } from '../i18n';
import { ACTOR_KIND_CODES, RELATION_KIND_CODES, RELATION_STATUS_CODES, STRENGTH_CODES } from '../generated/protocol';
import type { ActorKind } from '../generated/protocol';
import type { MessageKey } from '../i18n';
import { ACTOR_STYLE, RELATION_COLOR, STATUS_DASH, STRENGTH_WIDTH } from '../render/style';
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

/** The colour of the status and strength swatches, which show a pattern or a width and not a kind. */
const NEUTRAL_LINE = RELATION_COLOR.collaboration;

/** A short line drawn as a relation would be; widths are board units, as on the canvas at 100 %. */
function lineSwatch(style: { stroke: string; width: number; dash?: string }): SVGSVGElement {
  const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  s.setAttribute('width', '44');
  s.setAttribute('height', '14');
  s.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
  const attributes: Record<string, string> = { x1: '4', y1: '7', x2: '40', y2: '7', stroke: style.stroke, 'stroke-width': String(style.width), 'stroke-linecap': 'round' };
  if (style.dash) attributes['stroke-dasharray'] = style.dash;
  Object.entries(attributes).forEach(([k, v]) => line.setAttribute(k, v));
  s.append(line);
  return s;
}

/**
 * The words for a `stroke-dasharray`: none is a solid line, dashes no longer than the round caps'
 * width read as dots, longer ones as dashes.
 */
export function dashName(dash: string): MessageKey {
  const first = Number(dash.trim().split(/[\s,]+/)[0]);
  if (!dash.trim() || !Number.isFinite(first) || first <= 0) return 'legend.solid';
  return first <= 3 ? 'legend.dotted' : 'legend.dashed';
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
    // Every swatch is drawn from the shared style definitions (protocol/src/style.rs), so the legend
    // cannot drift from what the canvas and the exports draw.
    const colorRows = RELATION_KIND_CODES.map((kind) => h('li', { class: 'k-legend-line', 'data-relation-kind': kind }, [
      lineSwatch({ stroke: RELATION_COLOR[kind], width: STRENGTH_WIDTH.normal }), t(`relationKind.${kind}`),
    ]));
    const statusRows = RELATION_STATUS_CODES.map((status) => h('li', { class: 'k-legend-line k-legend-status', 'data-status': status }, [
      lineSwatch({ stroke: NEUTRAL_LINE, width: STRENGTH_WIDTH.normal, dash: STATUS_DASH[status] }),
      `${t(`status.${status}`)} (${t(dashName(STATUS_DASH[status]))})`,
    ]));
    const widthRows = STRENGTH_CODES.map((strength) => h('li', { class: 'k-legend-line', 'data-strength': strength }, [
      lineSwatch({ stroke: NEUTRAL_LINE, width: STRENGTH_WIDTH[strength] }), t(`strength.${strength}`),
    ]));
    this.element.replaceChildren(
      h('p', { class: 'k-muted k-small-text' }, [t('legend.help')]),
      h('ul', { class: 'k-legend-kinds' }, rows),
      h('h3', {}, [t('legend.relations')]),
      h('h4', { id: 'k-legend-colors' }, [t('legend.relationColors')]),
      h('ul', { class: 'k-legend-lines', 'aria-labelledby': 'k-legend-colors' }, colorRows),
      h('h4', { id: 'k-legend-statuses' }, [t('legend.relationLines')]),
      h('ul', { class: 'k-legend-lines k-legend-statuses', 'aria-labelledby': 'k-legend-statuses' }, statusRows),
      h('h4', { id: 'k-legend-widths' }, [t('legend.relationWidths')]),
      h('ul', { class: 'k-legend-lines', 'aria-labelledby': 'k-legend-widths' }, widthRows),
    );
    if (hadFocus) this.element.querySelector<HTMLElement>(`[data-kind="${focused}"]`)?.focus();
  }
}
