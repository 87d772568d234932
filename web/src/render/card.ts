// The layout of an actor card, the same as the server's (protocol/src/card.rs): its name's lines and size, its details line, its width and height.
//
// Both renderers break a name with the generated width table (thousandths of an em, so the
// arithmetic is exact), which keeps exports and thumbnails looking like the canvas; the shared
// table of names in protocol/testdata/card-names.json is checked by both test suites.
import { CARD, CARD_CHARS, CARD_CHAR_WIDTHS } from '../generated/protocol';
import type { Actor } from '../model/types';

export interface NameLayout {
  lines: string[];
  fontSize: number;
  /** Whether the last line was cut with an ellipsis: the whole name is then in the tooltip and details. */
  shortened: boolean;
}

const WIDTHS = new Map<string, number>(Array.from(CARD_CHARS).map((ch, i) => [ch, CARD_CHAR_WIDTHS[i]!]));
const HYPHENS = new Set(['-', '\u2010', '\u2013']);
const WHITESPACE = /\p{White_Space}+/u;
const ALPHANUMERIC = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u;

export function charWidth(ch: string): number {
  return WIDTHS.get(ch) ?? CARD.defaultCharWidth;
}

function fits(chars: readonly string[], fontSize: number, room: number = CARD.nameMaxWidth): boolean {
  let units = 0;
  for (const ch of chars) units += charWidth(ch);
  return units * fontSize <= room * 1000;
}

/** A line may end after a space, or after a hyphen between two letters or digits ("Varsinais-|Suomen"). */
function breakAfter(chars: readonly string[], index: number): boolean {
  const ch = chars[index]!;
  if (ch === ' ') return true;
  return HYPHENS.has(ch) && index > 0 && ALPHANUMERIC.test(chars[index - 1]!) && index + 1 < chars.length && ALPHANUMERIC.test(chars[index + 1]!);
}

function trimEnd(chars: readonly string[]): string[] {
  let end = chars.length;
  while (end > 0 && chars[end - 1] === ' ') end--;
  return chars.slice(0, end);
}

/** The end of the longest run from `start` that fits and ends where a line may end; inside a word only as a last resort. */
function lineEnd(chars: readonly string[], start: number, fontSize: number): number {
  let best = -1;
  for (let end = start + 1; end <= chars.length; end++) {
    if (end - 1 > start && !fits(chars.slice(start, end - 1), fontSize)) break;
    const atBreak = end === chars.length || breakAfter(chars, end - 1);
    if (atBreak && fits(trimEnd(chars.slice(start, end)), fontSize)) best = end;
  }
  if (best >= 0) return best;
  let end = start + 1;
  while (end < chars.length && fits(chars.slice(start, end + 1), fontSize)) end++;
  return end;
}

function shorten(chars: readonly string[], fontSize: number, room: number = CARD.nameMaxWidth): string {
  const withEllipsis = (keep: number) => [...trimEnd(chars.slice(0, keep)), CARD.ellipsis];
  let keep = 0;
  while (keep < chars.length && fits(withEllipsis(keep + 1), fontSize, room)) keep++;
  return withEllipsis(keep).join('');
}

/** Breaks a name into its card's lines: one line in the larger size if it fits, else up to three, then an ellipsis. */
export function nameLayout(name: string): NameLayout {
  const chars = Array.from(name.split(WHITESPACE).filter(Boolean).join(' '));
  if (fits(chars, CARD.nameSizeOneLine)) {
    return { lines: chars.length ? [chars.join('')] : [], fontSize: CARD.nameSizeOneLine, shortened: false };
  }
  const fontSize = CARD.nameSizeWrapped;
  const lines: string[] = [];
  let start = 0;
  while (start < chars.length) {
    if (lines.length === CARD.nameMaxLines - 1) {
      const rest = chars.slice(start);
      if (fits(rest, fontSize)) return { lines: [...lines, rest.join('')], fontSize, shortened: false };
      return { lines: [...lines, shorten(rest, fontSize)], fontSize, shortened: true };
    }
    const end = lineEnd(chars, start, fontSize);
    lines.push(trimEnd(chars.slice(start, end)).join(''));
    start = end;
  }
  return { lines, fontSize, shortened: false };
}

/** The width of `text` at `fontSize` in thousandths of a board unit, as the layout counts. */
export function textUnits(text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) units += charWidth(ch);
  return units * fontSize;
}

/** The line under a card's name: influence pips, then the alias, shortened to the widest card's room; '' when neither. */
export function detailsLine(influence: number | null, alias: string): string {
  const parts: string[] = [];
  if (influence !== null) {
    const filled = Math.min(Math.max(Math.round(influence), 0), CARD.influencePips);
    parts.push('●'.repeat(filled) + '○'.repeat(CARD.influencePips - filled));
  }
  const words = alias.split(WHITESPACE).filter(Boolean).join(' ');
  if (words) parts.push(words);
  const text = parts.join('  ');
  const room = CARD.detailsMaxWidth * 1000;
  if (textUnits(text, CARD.detailsSize) <= room) return text;
  const chars = Array.from(text);
  const withEllipsis = (keep: number) => [...trimEnd(chars.slice(0, keep)), CARD.ellipsis].join('');
  let keep = 0;
  while (keep < chars.length && textUnits(withEllipsis(keep + 1), CARD.detailsSize) <= room) keep++;
  return withEllipsis(keep);
}

/** A card's width: the kind's shape and the widest of its name's lines and details line, with padding, from 96 to 184. */
export function cardWidth(layout: NameLayout, details: string): number {
  let widest = textUnits(details, CARD.detailsSize);
  for (const line of layout.lines) widest = Math.max(widest, textUnits(line, layout.fontSize));
  const width = CARD.nameLeft + CARD.textRightPadding + Math.ceil(widest / 1000);
  return Math.min(Math.max(width, CARD.minWidth), CARD.maxWidth);
}

/** A card's height for `nameLines` lines of name (an empty name counts as one) and an optional details line. */
export function cardHeight(nameLines: number, detailsLine: boolean): number {
  const lines = Math.min(Math.max(nameLines, 1), CARD.nameMaxLines);
  return Math.max(CARD.minHeight, lines * CARD.nameLineHeight + (detailsLine ? CARD.detailsLineHeight : 0) + CARD.padding);
}

/** Whether the card shows influence or an alias under the name. */
export function hasDetails(actor: Pick<Actor, 'influence' | 'alias'>): boolean {
  return actor.influence !== null || actor.alias !== '';
}

// Hit testing asks for every card's height at each pointer move; names change rarely.
const layouts = new Map<string, NameLayout>();

/** `nameLayout`, remembered per name. */
export function cachedNameLayout(name: string): NameLayout {
  let layout = layouts.get(name);
  if (!layout) {
    if (layouts.size > 20000) layouts.clear();
    layout = nameLayout(name);
    layouts.set(name, layout);
  }
  return layout;
}

/** The actor's card height in board units, as drawn. */
export function actorCardHeight(actor: Pick<Actor, 'name' | 'influence' | 'alias'>): number {
  return cardHeight(cachedNameLayout(actor.name).lines.length, hasDetails(actor));
}

// Like the layouts, widths are asked for at every pointer move and change only with the text.
const widths = new Map<string, number>();

/** The actor's card width in board units, as drawn: the card is centred on the actor's position, so it grows to both sides. */
export function actorCardWidth(actor: Pick<Actor, 'name' | 'influence' | 'alias'>): number {
  const key = `${actor.influence}\u0000${actor.alias}\u0000${actor.name}`;
  let width = widths.get(key);
  if (width === undefined) {
    if (widths.size > 20000) widths.clear();
    width = cardWidth(cachedNameLayout(actor.name), detailsLine(actor.influence, actor.alias));
    widths.set(key, width);
  }
  return width;
}

/**
 * Below this zoom a card's name as laid out (14 or 12 board px, at most 7 px on screen) is too small
 * to read: each card then shows its name on one line at a legible size instead (`farNameLayout`).
 */
export const FAR_NAME_ZOOM = 0.5;
/**
 * Where a pane is only read, not drawn on (the compare page, the wall on a projector), cards switch
 * to one-line names below this zoom instead: between 50 and 75 % their own names are 7–10.5 px,
 * too small to read across a room, while a one-line name is 11 px.
 */
export const READ_ONLY_FAR_NAME_ZOOM = 0.75;
/** Zoomed out, a card's name is drawn on one line at this size on screen (px), the name shortened to fit. */
export const FAR_NAME_SCREEN_PX = 11;
/** Smaller than this on screen (px), letters cannot be read: the name is then not drawn. */
export const FAR_NAME_MIN_SCREEN_PX = 8;
/** A name shortened to fewer letters than this says nothing: it is then not drawn. */
export const FAR_NAME_MIN_LETTERS = 3;
/** The name keeps this much room (board units) above and below it inside the card's border. */
const FAR_NAME_MARGIN = 4;

export interface FarNameLayout {
  line: string;
  /** In board units: on screen it is `fontSize × zoom`. */
  fontSize: number;
  /** Whether the line was cut to its room with an ellipsis. */
  shortened: boolean;
  /** Whether the line is taller than the card's inside: it then stands out above and below the card. */
  standsOut: boolean;
}

/** Below this zoom a card `cardHeight` tall draws its far name smaller than `FAR_NAME_SCREEN_PX`: the card limits it. */
export function farNameFullSizeZoom(cardHeight: number): number {
  return FAR_NAME_SCREEN_PX / (cardHeight - 2 * FAR_NAME_MARGIN);
}

/**
 * Where a card is too small on screen to hold a legible name inside its border, the name may stand
 * out of it, at the smallest legible size, up to this many times the card's height (where no other
 * card or note is in its way, see `FarNameRooms.blocked`): so that a wide map fitted to a phone
 * (14–19 %) still shows its names, while one zoomed out to a speck shows none.
 */
const FAR_NAME_MOST_OVERFLOW = 2;

/**
 * The size (board units) of a far name at `zoom` on a card `cardHeight` tall: legible on screen and
 * inside the card's border; where that cannot be, the smallest legible size if the name then stands
 * out of the card by little (`FAR_NAME_MOST_OVERFLOW`), else the card's size (too small: not drawn).
 */
export function farNameFontSize(zoom: number, cardHeight: number): number {
  const inside = Math.min(FAR_NAME_SCREEN_PX / zoom, cardHeight - 2 * FAR_NAME_MARGIN);
  if (inside * zoom >= FAR_NAME_MIN_SCREEN_PX) return inside;
  const smallest = FAR_NAME_MIN_SCREEN_PX / zoom;
  return smallest <= cardHeight * FAR_NAME_MOST_OVERFLOW ? smallest : inside;
}

/** Whether a far name at `zoom` is taller than a card `cardHeight` tall holds inside its border: it then stands out of the card. */
export function farNameStandsOut(zoom: number, cardHeight: number): boolean {
  return farNameFontSize(zoom, cardHeight) > cardHeight - 2 * FAR_NAME_MARGIN;
}

/**
 * How a card `cardHeight` tall shows its name at `zoom` when its three-line layout would be too
 * small to read: one line at a legible size on screen (no taller than the card), shortened with an
 * ellipsis to `room` (board units from where the name starts: by default the widest card's name
 * room; the scene gives more where the map leaves space, see `FarNameRooms`); null when the card
 * cannot hold a few letters at a legible size.
 * A narrow card's far name may run past its right side (drawn with a halo): its card was sized for
 * the name at 14 units, and at a legible size far out a short name like "Kela" would otherwise never fit.
 */
export function farNameLayout(name: string, zoom: number, cardHeight: number, room: number = CARD.nameMaxWidth): FarNameLayout | null {
  if (!(zoom > 0)) return null;
  const fontSize = farNameFontSize(zoom, cardHeight);
  if (fontSize * zoom < FAR_NAME_MIN_SCREEN_PX - 1e-9) return null;
  const standsOut = farNameStandsOut(zoom, cardHeight);
  const chars = Array.from(name.split(WHITESPACE).filter(Boolean).join(' '));
  if (chars.length === 0) return { line: CARD.ellipsis, fontSize, shortened: false, standsOut };
  if (fits(chars, fontSize, room)) return { line: chars.join(''), fontSize, shortened: false, standsOut };
  const line = shorten(chars, fontSize, room);
  // The ellipsis is not a letter; spaces kept before it are not either.
  const letters = Array.from(line).length - 1;
  return letters >= FAR_NAME_MIN_LETTERS ? { line, fontSize, shortened: true, standsOut } : null;
}
