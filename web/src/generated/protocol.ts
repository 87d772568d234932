// Generated from the kartta-protocol crate. Do not edit by hand:
// run `KARTTA_UPDATE_GENERATED=1 cargo test -p kartta-protocol` instead.

export const ROOT = {
  meta: 'meta',
  actors: 'actors',
  relations: 'relations',
  notes: 'notes',
  strokes: 'strokes',
} as const;

export const FIELD = {
  meta: { title: 'title', template: 'template', locale: 'locale', locked: 'locked' },
  actor: { name: 'name', kind: 'kind', x: 'x', y: 'y', description: 'description', tags: 'tags', alias: 'alias', influence: 'influence', stance: 'stance', isPerson: 'isPerson' },
  relation: { from: 'from', to: 'to', kind: 'kind', label: 'label', direction: 'direction', strength: 'strength', coordination: 'coordination', status: 'status' },
  note: { x: 'x', y: 'y', width: 'w', height: 'h', color: 'color', variant: 'variant', body: 'body' },
  stroke: { tool: 'tool', color: 'color', width: 'width', points: 'points' },
} as const;

export type ActorKind = 'municipality' | 'regional_authority' | 'state_agency' | 'business' | 'education_research' | 'association' | 'residents' | 'funder' | 'media' | 'other';
export const ACTOR_KIND_CODES: readonly ActorKind[] = ['municipality', 'regional_authority', 'state_agency', 'business', 'education_research', 'association', 'residents', 'funder', 'media', 'other'];

export type RelationKind = 'collaboration' | 'information' | 'funding' | 'agreement' | 'membership' | 'conflict' | 'other';
export const RELATION_KIND_CODES: readonly RelationKind[] = ['collaboration', 'information', 'funding', 'agreement', 'membership', 'conflict', 'other'];

export type Direction = 'none' | 'one_way' | 'both_ways';
export const DIRECTION_CODES: readonly Direction[] = ['none', 'one_way', 'both_ways'];

export type Strength = 'weak' | 'normal' | 'strong';
export const STRENGTH_CODES: readonly Strength[] = ['weak', 'normal', 'strong'];

export type Coordination = 'hierarchy' | 'market' | 'network' | 'ecosystem';
export const COORDINATION_CODES: readonly Coordination[] = ['hierarchy', 'market', 'network', 'ecosystem'];

export type RelationStatus = 'existing' | 'desired' | 'weakening';
export const RELATION_STATUS_CODES: readonly RelationStatus[] = ['existing', 'desired', 'weakening'];

export type Stance = 'supports' | 'neutral' | 'opposes';
export const STANCE_CODES: readonly Stance[] = ['supports', 'neutral', 'opposes'];

export type Template = 'blank' | 'rings' | 'sectors' | 'hierarchy_market_network';
export const TEMPLATE_CODES: readonly Template[] = ['blank', 'rings', 'sectors', 'hierarchy_market_network'];

export type Sector = 'public' | 'education_research' | 'business' | 'third_sector' | 'residents';
export const SECTOR_CODES: readonly Sector[] = ['public', 'education_research', 'business', 'third_sector', 'residents'];

export type Ring = 'core' | 'close' | 'wider';
export const RING_CODES: readonly Ring[] = ['core', 'close', 'wider'];

export type NoteVariant = 'sticky' | 'label';
export const NOTE_VARIANT_CODES: readonly NoteVariant[] = ['sticky', 'label'];

export type StrokeTool = 'pen' | 'highlighter';
export const STROKE_TOOL_CODES: readonly StrokeTool[] = ['pen', 'highlighter'];

export type Locale = 'fi' | 'sv' | 'en';
export const LOCALE_CODES: readonly Locale[] = ['fi', 'sv', 'en'];

export interface ErrorBody {
  error: string;
  message: string;
}

export interface Health {
  status: string;
  rooms: number;
  connections: number;
}

export const MESSAGE_TYPE = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const;

export const DEFAULT_LIMITS = {
  maxMessageBytes: 8388608,
  maxAwarenessClients: 16,
  maxAwarenessStateBytes: 16384,
} as const;

export const CLOSE_CODE = {
  goingAway: 1001,
  unsupportedData: 1003,
  malformedMessage: 1007,
  messageTooBig: 1009,
  internalError: 1011,
  tooSlow: 4008,
  boardFull: 4009,
  boardTooLarge: 4013,
  rateLimited: 4029,
  tooManyPending: 4030,
  invalidBoard: 4004,
} as const;
