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
  meta: { title: 'title', template: 'template', locale: 'locale', locked: 'locked', timerEndsAt: 'timerEndsAt', presenting: 'presenting', mergedFrom: 'mergedFrom', mergedGroups: 'mergedGroups', vote: 'vote', schemaVersion: 'schemaVersion', lastRestore: 'lastRestore' },
  actor: { name: 'name', kind: 'kind', x: 'x', y: 'y', description: 'description', tags: 'tags', alias: 'alias', influence: 'influence', stance: 'stance', isPerson: 'isPerson', sources: 'sources' },
  relation: { from: 'from', to: 'to', kind: 'kind', label: 'label', direction: 'direction', strength: 'strength', coordination: 'coordination', status: 'status', sources: 'sources', otherKinds: 'otherKinds' },
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

export type RingPlacement = 'core' | 'close' | 'wider' | 'outside';
export const RING_PLACEMENT_CODES: readonly RingPlacement[] = ['core', 'close', 'wider', 'outside'];

export type NoteVariant = 'sticky' | 'label';
export const NOTE_VARIANT_CODES: readonly NoteVariant[] = ['sticky', 'label'];

export type StrokeTool = 'pen' | 'highlighter';
export const STROKE_TOOL_CODES: readonly StrokeTool[] = ['pen', 'highlighter'];

export type Locale = 'fi' | 'sv' | 'en';
export const LOCALE_CODES: readonly Locale[] = ['fi', 'sv', 'en'];

export const TEMPLATE_GEOMETRY = {
  ringRadii: [300, 620, 960],
  sectorRadius: 1000,
  sectorStartAngle: -1.5707963267948966,
  ringLabelAngle: -2.356194490192345,
  labelInset: 30,
  labelSize: 32,
} as const;

/** Colour and shape of each actor kind (protocol/src/style.rs). */
export const ACTOR_STYLE: Readonly<Record<ActorKind, { color: string; shape: string }>> = {
  municipality: { color: '#1d4ed8', shape: 'M-9-9H9V9H-9Z' },
  regional_authority: { color: '#4338ca', shape: 'M0-10L8.7-5V5L0 10L-8.7 5V-5Z' },
  state_agency: { color: '#334155', shape: 'M0-10L9.5-3.1L5.9 8.1H-5.9L-9.5-3.1Z' },
  business: { color: '#b45309', shape: 'M0-11L11 0L0 11L-11 0Z' },
  education_research: { color: '#7e22ce', shape: 'M0-10L10 8H-10Z' },
  association: { color: '#be185d', shape: 'M-10 0A10 10 0 1 0 10 0A10 10 0 1 0-10 0Z' },
  residents: { color: '#15803d', shape: 'M-9.5 9A4.5 4.5 0 0 1-0.5 9ZM0.5 9A4.5 4.5 0 0 1 9.5 9ZM-8-3.5A3 3 0 1 1-2-3.5A3 3 0 1 1-8-3.5ZM2-3.5A3 3 0 1 1 8-3.5A3 3 0 1 1 2-3.5Z' },
  funder: { color: '#0e7490', shape: 'M0-11L3-3.5L11-3.5L4.5 1.5L7 9.5L0 4.5L-7 9.5L-4.5 1.5L-11-3.5L-3-3.5Z' },
  media: { color: '#c2410c', shape: 'M-10-8H10V5H-2L-7 10V5H-10Z' },
  other: { color: '#57534e', shape: 'M-10 0A10 10 0 1 0 10 0A10 10 0 1 0-10 0ZM-5 0A5 5 0 1 1 5 0A5 5 0 1 1-5 0Z' },
};

/** Line colour of each relation kind. */
export const RELATION_COLOR: Readonly<Record<RelationKind, string>> = {
  collaboration: '#0f172a',
  information: '#1b57ae',
  funding: '#1c481f',
  agreement: '#3b0a8f',
  membership: '#09838b',
  conflict: '#f43d51',
  other: '#a15400',
};

/** Line colour of each relation kind on the dark map (`prefers-color-scheme: dark`). */
export const RELATION_COLOR_DARK: Readonly<Record<RelationKind, string>> = {
  collaboration: '#f1f5f9',
  information: '#2f86d0',
  funding: '#9efe58',
  agreement: '#deb3ff',
  membership: '#5dc5ba',
  conflict: '#ff5372',
  other: '#dd9700',
};

/** Line width of each strength, in board units. */
export const STRENGTH_WIDTH: Readonly<Record<Strength, number>> = {
  weak: 1.5,
  normal: 2.5,
  strong: 5,
};

/** `stroke-dasharray` of each status; empty for a solid line. */
export const STATUS_DASH: Readonly<Record<RelationStatus, string>> = {
  existing: '',
  desired: '9 6',
  weakening: '2 6',
};

export type VoteView = { 
/**
 * Random; a device keeps its voter secret per vote id, so votes cannot be linked.
 */
id: string, title: string, dots: number, revealed: boolean, 
/**
 * Actor id → dots, only after the reveal. Actors without dots are absent.
 */
totals?: { [key in string]: number }, };

export type RestoreNotice = { 
/**
 * The name of the snapshot whose content the board now holds.
 */
restoredSnapshotName: string, 
/**
 * The display name the facilitator gave, empty when none was given.
 */
restoredBy: string, 
/**
 * The snapshot of the board as it was just before; restoring it undoes the restore.
 */
undoSnapshotId: string, undoSnapshotName: string, 
/**
 * Unix milliseconds.
 */
restoredAt: number, };

export type MetaView = { title: string, template: Template, locale: Locale | null, locked: boolean, timerEndsAt: number | null, presenting: string | null, 
/**
 * Absent in files written before dot voting, and while no vote runs.
 */
vote?: VoteView, 
/**
 * The maps a merged board was made from (empty on other boards).
 */
mergedFrom?: Array<string>, 
/**
 * Absent until the facilitator restores a snapshot into the board.
 */
lastRestore?: RestoreNotice, 
/**
 * The group of each map in `merged_from` when they were merged group by group (empty
 * otherwise; ignored unless it is as long as `merged_from`).
 */
mergedGroups?: Array<string>, };

export type ActorView = { id: string, name: string, kind: ActorKind, x: number, y: number, description: string, tags: Array<string>, alias: string, influence: number | null, stance: Stance | null, isPerson: boolean, 
/**
 * The closeness ring the actor sits in on a rings board: derived from the position when
 * the board is read, exported, and ignored on import.
 */
ring?: RingPlacement, 
/**
 * The sector the actor sits in on a sectors board; derived like `ring`.
 */
sector?: Sector, 
/**
 * On a merged board: the maps holding this actor.
 */
sources?: Array<string>, 
/**
 * On a merged board: "k of n", derived from `sources` and `meta.mergedFrom`.
 */
support?: string, };

export type RelationView = { id: string, from: string, to: string, kind: RelationKind, label: string, direction: Direction, strength: Strength, coordination: Coordination | null, status: RelationStatus, 
/**
 * On a merged board: the maps holding this relation.
 */
sources?: Array<string>, 
/**
 * On a merged board: kinds some maps gave it besides the majority's `kind`.
 */
otherKinds?: Array<RelationKind>, 
/**
 * On a merged board: "k of m", where k maps hold the relation and m maps hold both of
 * its actors ([`relation_support`]); derived from the sources and `meta.mergedFrom`.
 */
support?: string, };

export type NoteView = { id: string, x: number, y: number, width: number, height: number, color: string, variant: NoteVariant, body: string, };

export type StrokeView = { id: string, tool: StrokeTool, color: string, width: number, points: Array<number>, };

export type BoardView = { meta: MetaView, actors: Array<ActorView>, relations: Array<RelationView>, notes: Array<NoteView>, strokes: Array<StrokeView>, };

export type Role = "viewer" | "participant" | "facilitator";

export type WorkshopKind = "quick" | "workshop";

export type BoardKind = "quick" | "group" | "personal" | "fork";

export type SnapshotReason = "manual" | "workshop" | "before_restore";

export type ErrorBody = { 
/**
 * A stable machine-readable code, e.g. `not_found`, `forbidden`, `invalid_csv`.
 */
error: string, 
/**
 * A sentence for the person reading it.
 */
message: string, };

export type Health = { status: string, rooms: number, connections: number, };

export type CreateBoardRequest = { title?: string, template?: Template, locale?: Locale, };

export type CreateWorkshopRequest = { title: string, locale: Locale, template: Template, groupCount: number, personalBoards: Array<string>, 
/**
 * Each participant who joins with a name gets a personal board of their own, created at
 * join, which only they (and the facilitator) edit; others read it once it is shared.
 * Off when absent, so older clients keep their workshops as they were.
 */
personalBoardsAtJoin?: boolean, 
/**
 * Days until the workshop and all its data are purged (default 180, at most 730).
 */
retentionDays?: number, };

export type AccessTokens = { facilitator: string, participant: string, viewer: string, };

export type Created = { workshop: Workshop, tokens: AccessTokens, };

export type Workshop = { id: string, kind: WorkshopKind, title: string, locale: Locale, template: Template, 
/**
 * The participant join code (e.g. `KRTA-7MXP`); absent for viewers and quick boards.
 */
joinCode: string | null, 
/**
 * Unix seconds after which the workshop is purged.
 */
retentionUntil: number, 
/**
 * The caller's role.
 */
role: Role, boards: Array<BoardSummary>, 
/**
 * Unix milliseconds when the workshop's timer ends; absent when none runs.
 */
timerEndsAt: number | null, 
/**
 * The board presented to the whole workshop; absent when none is.
 */
presenting: string | null, 
/**
 * The participant and viewer tokens, for the facilitator to share again; absent for others.
 */
sharedTokens: SharedTokens | null, 
/**
 * Joining with a name creates a personal board (see `CreateWorkshopRequest`).
 */
personalBoardsAtJoin: boolean, };

export type SharedTokens = { participant: string, viewer: string, };

export type BoardSummary = { id: string, workshopId: string, title: string, kind: BoardKind, locked: boolean, 
/**
 * Live connections right now (0 when the board is not loaded).
 */
connections: number, 
/**
 * Display names of the people on the board right now, sorted (live presence, never
 * stored). Only in a workshop read by its facilitator or a participant; empty otherwise.
 */
people: Array<string>, snapshots: number, 
/**
 * Unix seconds of the board's creation.
 */
createdAt: number, 
/**
 * A personal board created at join: only its owner's capability (and the facilitator)
 * edits it, and others see it only once it is shared.
 */
owned: boolean, 
/**
 * An owned personal board the facilitator shared: participants and viewers read it.
 */
shared: boolean, };

export type BoardAccess = { board: BoardSummary, workshopTitle: string, workshopKind: WorkshopKind, role: Role, };

export type JoinRequest = { 
/**
 * Case and separators do not matter: `krta7mxp` and `KRTA-7MXP` are the same code.
 */
code: string, 
/**
 * The participant's display name, used to find the board the facilitator assigned to that
 * name (or the personal board with that name). Stored only as the title of the personal
 * board a workshop with `personalBoardsAtJoin` creates for it.
 */
name?: string, 
/**
 * A personal capability this device got at an earlier join: when it still owns a personal
 * board of this workshop, that board is handed back instead of a new one.
 */
personalToken?: string, };

export type Joined = { workshop: Workshop, 
/**
 * The participant token, to keep for this workshop.
 */
token: string, 
/**
 * The board assigned to the given name, if any: open it directly.
 */
boardId: string | null, 
/**
 * The joiner's own personal board (workshops with `personalBoardsAtJoin`, joined with a
 * name), and the capability that alone edits it: keep it on this device.
 */
personalBoardId: string | null, personalToken: string | null, };

export type Assignment = { name: string, boardId: string | null, };

export type UpdateBoardRequest = { title?: string, locked?: boolean, 
/**
 * The background switches the whole group's board at once, so only the facilitator
 * changes it (also refused over the websocket from anyone else).
 */
template?: Template, 
/**
 * Shares (or stops sharing) a personal board made at join; see `ShareRequest`.
 */
shared?: boolean, };

export type AddBoardRequest = { title: string, };

export type LockRequest = { locked: boolean, };

export type UpdateWorkshopRequest = { personalBoardsAtJoin?: boolean, };

export type ShareRequest = { shared: boolean, };

export type TimerRequest = { 
/**
 * Unix milliseconds when the timer ends, or `null` to stop it.
 */
endsAt: number | null, };

export type CreateSnapshotRequest = { name: string, 
/**
 * Display name of whoever takes it.
 */
author?: string, };

export type Snapshot = { id: string, boardId: string, name: string, reason: SnapshotReason, author: string | null, createdAt: number, 
/**
 * Size of the stored state in bytes.
 */
bytes: number, };

export type Restored = { saved: Snapshot, };

export type RestoreRequest = { author?: string, };

export type Forked = { board: BoardSummary, };

export type BoardExport = { 
/**
 * Always `kartta-board`.
 */
format: string, 
/**
 * 1 for this shape.
 */
version: number, meta: MetaView, actors: Array<ActorView>, relations: Array<RelationView>, notes: Array<NoteView>, strokes: Array<StrokeView>, };

export type Imported = { actors: number, relations: number, notes: number, strokes: number, };

export type MatchBand = "maybe" | "likely";

export type MatchReason = "same_id" | "alias" | "same_name" | "confirmed" | "loose_spelling" | "acronym" | "contains" | "similar_spelling" | "translated_place" | "shared_abbreviation" | "generic_name" | "kind_differs";

export type MatchVerdict = "same" | "different";

export type MapSelection = { boardIds: Array<string>, snapshotIds: Array<string>, };

export type MapSourceKind = "board" | "snapshot";

export type MapSource = { 
/**
 * The board's or the snapshot's id: what `sources` of merged elements hold.
 */
id: string, kind: MapSourceKind, 
/**
 * The board's title; for a snapshot, "board title – snapshot name".
 */
title: string, };

export type MatchMember = { sourceId: string, actorId: string, name: string, kind: ActorKind, 
/**
 * The name's strict key: what a decision about this name is stored under.
 */
key: string, 
/**
 * Relations the actor has on its map (to show how central it is there).
 */
relations: number, };

export type MatchGroup = { members: Array<MatchMember>, reasons: Array<MatchReason>, };

export type MatchProposal = { groupA: number, groupB: number, band: MatchBand, reason: MatchReason, keyA: string, keyB: string, 
/**
 * Ids of the maps holding a card of each group: a merge keeps two cards of one map apart,
 * so "same" does not join these (the table says why and offers "different"). Empty when
 * a "same" would be followed.
 */
sharedMaps: Array<string>, };

export type MatchTable = { sources: Array<MapSource>, groups: Array<MatchGroup>, proposals: Array<MatchProposal>, };

export type MatchDecision = { keyA: string, keyB: string, verdict: MatchVerdict, };

export type MatchDecisionChange = { keyA: string, keyB: string, verdict: MatchVerdict | null, };

export type MatchDecisionsUpdate = { decisions: Array<MatchDecisionChange>, };

export type MergeRequest = { boardIds: Array<string>, snapshotIds: Array<string>, 
/**
 * The new board's title; empty: "Merged map" in the workshop's language.
 */
title: string, 
/**
 * The chosen maps' ids (boards and snapshots) in groups, each chosen map in exactly one.
 * Given, the maps of each group are merged first and then the groups, and support counts
 * groups ("k of G groups", `merge::merge_in_groups`); empty or absent, map by map.
 */
groups: Array<Array<string>>, };

export type Merged = { board: BoardSummary, sources: Array<MapSource>, actors: number, relations: number, };

export type StartVoteRequest = { title: string, 
/**
 * Dots per person, 1 to 20.
 */
dots: number, };

export type DotChange = "place" | "takeBack";

export type DotRequest = { voter: string, actorId: string, change: DotChange, };

export type VoterRequest = { voter: string, };

export type VoteStatus = { vote: VoteView | null, 
/**
 * Actor id → this voter's dots on it, on this board.
 */
mine: { [key in string]: number }, left: number, totals: { [key in string]: number } | null, };

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

export const CARD = {
  maxWidth: 184,
  minWidth: 96,
  textRightPadding: 12,
  minHeight: 44,
  nameLeft: 36,
  nameMaxWidth: 142,
  nameSizeOneLine: 14,
  nameSizeWrapped: 12,
  nameLineHeight: 14,
  nameMaxLines: 3,
  detailsLineHeight: 13,
  detailsSize: 10,
  detailsMaxWidth: 136,
  influencePips: 5,
  padding: 16,
  defaultCharWidth: 1000,
  ellipsis: '…',
} as const;

/** Advance widths (thousandths of an em) of the characters of `CARD_CHARS`, in order. */
export const CARD_CHARS = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ¡¢£¤¥¦§¨©ª«¬­®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿŒœŠšŽž–—‘’“”•…€○●";
export const CARD_CHAR_WIDTHS: readonly number[] = [348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838, 348, 456, 696, 696, 636, 696, 365, 500, 500, 1000, 564, 646, 838, 0, 1000, 500, 500, 838, 438, 438, 500, 736, 636, 380, 500, 438, 564, 646, 1035, 1035, 1035, 580, 774, 774, 774, 774, 774, 774, 1085, 734, 683, 683, 683, 683, 372, 372, 372, 372, 838, 837, 850, 850, 850, 850, 850, 838, 850, 812, 812, 812, 812, 724, 738, 719, 675, 675, 675, 675, 675, 675, 1048, 593, 678, 678, 678, 678, 343, 343, 343, 343, 687, 712, 687, 687, 687, 687, 687, 838, 687, 712, 712, 712, 712, 652, 716, 652, 1167, 1094, 720, 595, 725, 582, 500, 1000, 380, 380, 657, 657, 639, 1000, 696, 873, 873];

export const CLOSE_CODE = {
  goingAway: 1001,
  unsupportedData: 1003,
  malformedMessage: 1007,
  messageTooBig: 1009,
  internalError: 1011,
  tooSlow: 4008,
  boardFull: 4009,
  boardTooLarge: 4013,
  tooManyPending: 4030,
  invalidBoard: 4004,
  missingDependencies: 4031,
  accessWithdrawn: 4003,
} as const;
