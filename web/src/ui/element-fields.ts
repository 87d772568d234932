//! The editable fields of actors and relations, defined once for the details panel and the outline.
import type { ActorPatch, BoardModel, RelationPatch } from '../model/board';
import type { Actor, Relation } from '../model/types';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import {
  ACTOR_KIND_CODES, COORDINATION_CODES, DIRECTION_CODES, RELATION_KIND_CODES, RELATION_STATUS_CODES, STANCE_CODES, STRENGTH_CODES,
} from '../generated/protocol';
import { MIXED, checkField, selectField, textField } from './fields';
import type { Binding } from './fields';

export type Field = [HTMLElement, Binding];

export interface FieldOptions {
  /**
   * Appended to each control's `data-key` (`kind:<id>`): the outline shows the fields of many
   * elements at once, and keeps focus on a field across its rebuilds by that key.
   */
  keySuffix?: string;
  /** Fields shown elsewhere already (the outline's rows show the kind beside the name). */
  omit?: readonly string[];
}

function options<C extends string>(codes: readonly C[], prefix: string, optional = false): { value: C | ''; label: string }[] {
  const list: { value: C | ''; label: string }[] = codes.map((c) => ({ value: c, label: t(`${prefix}.${c}` as MessageKey) }));
  return optional ? [{ value: '', label: t('field.notSet') }, ...list] : list;
}

/** The one value all share, or MIXED (arrays compare by content). */
function common<T>(values: T[]): T | typeof MIXED {
  if (values.length === 0) return MIXED;
  const first = JSON.stringify(values[0]);
  return values.every((v) => JSON.stringify(v) === first) ? values[0]! : MIXED;
}

const keyed = (name: string, options: FieldOptions) => (options.keySuffix ? `${name}:${options.keySuffix}` : name);
const keep = (fields: [string, () => Field][], options: FieldOptions): Field[] =>
  fields.filter(([name]) => !options.omit?.includes(name)).map(([, make]) => make());

/** The actor fields shared by every id (all but the name); with several ids, differing values show as mixed. */
export function actorFields(model: BoardModel, ids: string[], fieldOptions: FieldOptions = {}): Field[] {
  const mixedLabel = ids.length > 1 ? t('field.mixed') : undefined;
  const value = <T>(get: (a: Actor) => T): T | typeof MIXED => common(ids.map((id) => model.actors.get(id)).filter((a): a is Actor => !!a).map(get));
  const up = (patch: ActorPatch) => model.batch(() => ids.forEach((id) => model.updateActor(id, patch)));
  const key = (name: string) => keyed(name, fieldOptions);
  return keep([
    ['kind', () => selectField(t('field.kind'), options(ACTOR_KIND_CODES, 'actorKind'), () => value((a) => a.kind), (v) => v && up({ kind: v }), key('kind'), mixedLabel)],
    ['description', () => textField(t('field.description'), () => value((a) => a.description), (v) => up({ description: v }), { multiline: true, mixedLabel, key: key('description') })],
    ['tags', () => textField(t('field.tags'), () => value((a) => a.tags.join(', ')), (v) => up({ tags: v.split(',').map((s) => s.trim()).filter(Boolean) }), { mixedLabel, key: key('tags') })],
    ['alias', () => textField(t('field.alias'), () => value((a) => a.alias), (v) => up({ alias: v }), { mixedLabel, key: key('alias') })],
    ['influence', () => selectField(t('field.influence'), [{ value: '', label: t('field.notSet') }, ...['0', '1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v }))],
      () => value((a) => (a.influence === null ? '' : String(a.influence))), (v) => up({ influence: v === '' ? null : Number(v) }), key('influence'), mixedLabel)],
    ['stance', () => selectField(t('field.stance'), options(STANCE_CODES, 'stance', true), () => value((a) => a.stance ?? ''), (v) => up({ stance: v || null }), key('stance'), mixedLabel)],
    ['isPerson', () => checkField(t('field.isPerson'), () => { const v = value((a) => a.isPerson); return v === MIXED ? null : v; }, (v) => up({ isPerson: v }), key('isPerson'))],
  ], fieldOptions);
}

/** The relation fields shared by every id (all but the ends). */
export function relationFields(model: BoardModel, ids: string[], fieldOptions: FieldOptions = {}): Field[] {
  const mixedLabel = ids.length > 1 ? t('field.mixed') : undefined;
  const value = <T>(get: (r: Relation) => T): T | typeof MIXED => common(ids.map((id) => model.relations.get(id)).filter((r): r is Relation => !!r).map(get));
  const up = (patch: RelationPatch) => model.batch(() => ids.forEach((id) => model.updateRelation(id, patch)));
  const key = (name: string) => keyed(name, fieldOptions);
  return keep([
    ['kind', () => selectField(t('field.kind'), options(RELATION_KIND_CODES, 'relationKind'), () => value((r) => r.kind), (v) => v && up({ kind: v }), key('kind'), mixedLabel)],
    ['label', () => textField(t('field.label'), () => value((r) => r.label), (v) => up({ label: v }), { mixedLabel, key: key('label') })],
    ['direction', () => selectField(t('field.direction'), options(DIRECTION_CODES, 'direction'), () => value((r) => r.direction), (v) => v && up({ direction: v }), key('direction'), mixedLabel)],
    ['strength', () => selectField(t('field.strength'), options(STRENGTH_CODES, 'strength'), () => value((r) => r.strength), (v) => v && up({ strength: v }), key('strength'), mixedLabel)],
    ['coordination', () => selectField(t('field.coordination'), options(COORDINATION_CODES, 'coordination', true), () => value((r) => r.coordination ?? ''), (v) => up({ coordination: v || null }), key('coordination'), mixedLabel)],
    ['status', () => selectField(t('field.status'), options(RELATION_STATUS_CODES, 'status'), () => value((r) => r.status), (v) => v && up({ status: v }), key('status'), mixedLabel)],
  ], fieldOptions);
}

/** A relation's From and To, each movable to another actor (as dragging an end on the canvas does). */
export function relationEndFields(model: BoardModel, id: string, fieldOptions: FieldOptions = {}): Field[] {
  const name = (actorId: string) => model.actors.get(actorId)?.name || t('outline.unnamed');
  const actorOptions = () => [...model.actors.values()]
    .map((x) => ({ value: x.id, label: name(x.id) }))
    .sort((x, y) => x.label.localeCompare(y.label));
  const end = (which: 'from' | 'to'): Field => selectField(t(`field.${which}`), actorOptions(), () => model.relations.get(id)?.[which] ?? '', (v) => {
    if (v) model.reconnectRelation(id, which, v);
  }, keyed(which, fieldOptions));
  return [end('from'), end('to')];
}
