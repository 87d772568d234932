//! The facilitator's choice of two maps to compare, and of two to four boards for the wall (on the workshop page).
import { api } from '../api/client';
import { comparePath, parseMapRef, wallPath } from '../access/links';
import { t } from '../i18n';
import type { Workshop } from '../generated/protocol';
import { h } from './dom';
import { WALL_MAX_BOARDS, WALL_MIN_BOARDS } from './wall';

type Navigate = (path: string, state?: unknown) => void;

export function compareAndWallSection(workshop: Workshop, token: string, navigate: Navigate): HTMLElement {
  const boards = workshop.boards;
  const mapSelect = (id: string, selected: number) => h('select', { id }, [
    h('optgroup', { label: t('workshop.boards', { count: boards.length }) }, boards.map((b, i) => h('option', { value: `b:${b.id}`, selected: i === selected }, [t('compareMaps.boardNow', { title: b.title || t('board.untitled') })]))),
  ]);
  const left = mapSelect('k-compare-left', 0);
  const right = mapSelect('k-compare-right', Math.min(1, boards.length - 1));
  // Snapshots join the choice as they arrive; the boards alone are enough to start.
  for (const board of boards) {
    if (board.snapshots === 0) continue;
    void api.snapshots(board.id, token).then((snapshots) => {
      for (const select of [left, right]) {
        select.append(h('optgroup', { label: board.title || t('board.untitled') }, snapshots.map((s) => h('option', { value: `s:${s.id}` }, [t('compareMaps.snapshotTitle', { title: board.title || t('board.untitled'), name: s.name })]))));
      }
    }).catch(() => undefined);
  }
  const wallError = h('p', { class: 'k-error', role: 'alert', id: 'k-wall-error' });
  const wallChoices = boards.map((b, i) => h('label', { class: 'k-check' }, [
    h('input', { type: 'checkbox', value: b.id, 'data-wall': b.id, checked: i < 3 }), b.title || t('board.untitled'),
  ]));
  const openCompare = (e: Event) => {
    e.preventDefault();
    const a = parseMapRef(left.value);
    const b = parseMapRef(right.value);
    if (a && b) navigate(comparePath(workshop.id, a, b));
  };
  const openWall = (e: Event) => {
    e.preventDefault();
    const chosen = wallChoices.map((l) => l.querySelector('input')!).filter((i) => i.checked).map((i) => i.value);
    if (chosen.length < WALL_MIN_BOARDS || chosen.length > WALL_MAX_BOARDS) {
      wallError.textContent = t('wall.count');
      return;
    }
    navigate(wallPath(workshop.id, chosen));
  };
  return h('section', { class: 'k-card k-compare-pick', 'aria-labelledby': 'k-compare-pick-heading' }, [
    h('h2', { id: 'k-compare-pick-heading' }, [t('compareMaps.pick')]),
    h('form', { class: 'k-control-row', onsubmit: openCompare }, [
      h('p', { class: 'k-muted' }, [t('compareMaps.pickHelp')]),
      h('label', { for: 'k-compare-left' }, [t('compareMaps.leftSelect')]),
      left,
      h('label', { for: 'k-compare-right' }, [t('compareMaps.rightSelect')]),
      right,
      h('div', { class: 'k-row' }, [h('button', { type: 'submit', id: 'k-compare-open', disabled: boards.length < 1 }, [t('compareMaps.open')])]),
    ]),
    h('form', { class: 'k-control-row', onsubmit: openWall }, [
      h('fieldset', { class: 'k-wall-choice' }, [h('legend', {}, [t('wall.choose')]), ...wallChoices]),
      wallError,
      h('div', { class: 'k-row' }, [h('button', { type: 'submit', id: 'k-wall-open' }, [t('wall.open')])]),
    ]),
  ]);
}
