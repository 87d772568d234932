// Readable by default: the view a board opens with, names on zoomed-out cards, and where the name field goes.
import { describe, expect, it } from 'vitest';
import { OPENING_EDGE_MARGIN_PX, OPENING_ZOOM_PHONE, OPENING_ZOOM_WIDE, openingView } from '../src/render/opening-view';
import { FAR_NAME_MIN_SCREEN_PX, FAR_NAME_SCREEN_PX, READ_ONLY_FAR_NAME_ZOOM, charWidth, farNameLayout } from '../src/render/card';
import { FarNameRooms, farNameOverhang, fitWithFarNames } from '../src/render/far-names';
import { Viewport } from '../src/render/viewport';
import { actorCardWidth, farNameFullSizeZoom } from '../src/render/card';
import { CARD } from '../src/generated/protocol';
import { NAME_FIELD_MARGIN_PX, nameFieldBox } from '../src/ui/inline';
import { intersects } from '../src/render/viewport';
import { hiddenEnds } from '../src/ui/toolbar';
import type { Rect } from '../src/render/viewport';

/** A card-sized rectangle centred at (x, y). */
const card = (x: number, y: number): Rect => ({ x: x - 92, y: y - 22, w: 184, h: 44 });

/** The board area a view shows on a `width` × `height` screen. */
const shown = (view: ReturnType<typeof openingView>, width: number, height: number): Rect =>
  ({ x: view.centre.x - width / 2 / view.zoom, y: view.centre.y - height / 2 / view.zoom, w: width / view.zoom, h: height / view.zoom });

/** Cards of different widths on a wide ring and inside it, as a group's map grows. */
function ringOfCards(): Rect[] {
  const widths = [96, 184, 130, 96, 160, 184, 110, 96, 150, 184, 96, 120, 184, 96];
  return widths.map((w, i) => {
    const r = i < 4 ? 260 : 980;
    const angle = (i / (i < 4 ? 4 : widths.length - 4)) * 2 * Math.PI + 0.3;
    return { x: 300 + r * Math.cos(angle) - w / 2, y: -100 + 0.7 * r * Math.sin(angle) - 22, w, h: i % 3 ? 44 : 58 };
  });
}

describe('the opening view', () => {
  it('shows an empty board at 100 % around its centre', () => {
    expect(openingView([], 1280, 800)).toEqual({ zoom: 1, centre: { x: 0, y: 0 } });
  });

  it('shows a small map whole at 100 %, centred on it, however far from the origin', () => {
    const view = openingView([card(5000, 3000), card(5300, 3100)], 1280, 800);
    expect(view.zoom).toBe(1);
    expect(view.centre).toEqual({ x: 5150, y: 3050 });
  });

  it('fits a middling map whole when that leaves names readable', () => {
    const view = openingView([card(-600, 0), card(600, 0)], 1280, 800);
    expect(view.zoom).toBeGreaterThan(OPENING_ZOOM_WIDE);
    expect(view.zoom).toBeLessThan(1);
  });

  it('opens a large map at the readable floor, 75 % on a laptop and 60 % on a phone, centred on its content', () => {
    const ring = Array.from({ length: 12 }, (_, i) => card(4000 + 900 * Math.cos(i / 2), -2000 + 900 * Math.sin(i / 2)));
    const laptop = openingView(ring, 1280, 800);
    expect(laptop.zoom).toBe(OPENING_ZOOM_WIDE);
    const phone = openingView(ring, 390, 844);
    expect(phone.zoom).toBe(OPENING_ZOOM_PHONE);
    for (const [view, w, h] of [[laptop, 1280, 800], [phone, 390, 844]] as const) {
      expect(ring.some((r) => intersects(r, shown(view, w, h))), 'some of the content is on screen').toBe(true);
    }
  });

  it('opens a phone at a zoom where names are at least 10 px on screen', () => {
    expect(CARD.nameSizeOneLine * OPENING_ZOOM_PHONE).toBeGreaterThanOrEqual(11);
    expect(CARD.nameSizeWrapped * OPENING_ZOOM_PHONE).toBeGreaterThanOrEqual(10);
  });

  it('cuts no card in two at the screen\'s edge when the content is larger than the screen', () => {
    // Cards of different widths on a wide ring and inside it, as a group's map grows.
    const cards = ringOfCards();
    const cutBy = (area: Rect, margin: number) => cards.filter((r) => intersects(r, area)
      && !(r.x >= area.x + margin && r.y >= area.y + margin && r.x + r.w <= area.x + area.w - margin && r.y + r.h <= area.y + area.h - margin));
    const left = Math.min(...cards.map((r) => r.x));
    const top = Math.min(...cards.map((r) => r.y));
    const middle = { x: (left + Math.max(...cards.map((r) => r.x + r.w))) / 2, y: (top + Math.max(...cards.map((r) => r.y + r.h))) / 2 };
    let cutAtMiddle = 0;
    for (const [w, h] of [[940, 745], [1280, 800], [390, 700], [360, 640]] as const) {
      const view = openingView(cards, w, h);
      const area = shown(view, w, h);
      expect(cutBy(area, OPENING_EDGE_MARGIN_PX / view.zoom - 0.5), `${w}×${h}`).toEqual([]);
      expect(cards.some((r) => intersects(r, area))).toBe(true);
      // The middle of the content stays on screen: moved by at most half the screen each way.
      expect(Math.abs(view.centre.x - middle.x)).toBeLessThanOrEqual(w / 2 / view.zoom + 1);
      expect(Math.abs(view.centre.y - middle.y)).toBeLessThanOrEqual(h / 2 / view.zoom + 1);
      // Centred on the middle as before, the screen would have cut some card (the case is not trivially met).
      cutAtMiddle += cutBy(shown({ zoom: view.zoom, centre: middle }, w, h), 0).length;
    }
    expect(cutAtMiddle).toBeGreaterThan(0);
  });

  it('leaves no card half under a floating tool bar: each is whole in the free part or off the screen', () => {
    // A phone's tool bar floats along the bottom (112 px); a laptop's along the left (66 px).
    const cards = ringOfCards();
    const phones = [360, 390, 412].flatMap((w) => [640, 700, 760, 844, 915].map((h) => ({ w, h, covered: { left: 0, top: 0, right: 0, bottom: 112 } })));
    const laptops = [900, 940, 1100, 1280].map((w) => ({ w, h: 745, covered: { left: 66, top: 0, right: 0, bottom: 0 } }));
    const cases = [...phones, ...laptops];
    let halfUnderBefore = 0;
    for (const { w, h, covered } of cases) {
      const free = { w: w - covered.left - covered.right, h: h - covered.top - covered.bottom };
      const halfUnder = (view: ReturnType<typeof openingView>) => {
        const area = shown(view, free.w, free.h);
        const screen = { x: area.x - covered.left / view.zoom, y: area.y - covered.top / view.zoom, w: w / view.zoom, h: h / view.zoom };
        const margin = OPENING_EDGE_MARGIN_PX / view.zoom - 0.5;
        return cards.filter((r) => intersects(r, screen)
          && !(r.x >= area.x + margin && r.y >= area.y + margin && r.x + r.w <= area.x + area.w - margin && r.y + r.h <= area.y + area.h - margin));
      };
      const view = openingView(cards, free.w, free.h, covered);
      expect(halfUnder(view), `${w}×${h}`).toEqual([]);
      expect(cards.some((r) => intersects(r, shown(view, free.w, free.h)))).toBe(true);
      // Placed for the free part alone, as before, a card showed beside or under the bar.
      halfUnderBefore += halfUnder(openingView(cards, free.w, free.h)).length;
    }
    expect(halfUnderBefore).toBeGreaterThan(0);
  });

  it('centres the element nearest the middle when the middle of the content is empty', () => {
    const clusters = [card(-3000, 0), card(-2900, 100), card(3000, 0), card(3100, 0)];
    const view = openingView(clusters, 390, 844);
    expect(view.zoom).toBe(OPENING_ZOOM_PHONE);
    expect(clusters.some((r) => intersects(r, shown(view, 390, 844)))).toBe(true);
  });
});

describe('fitting beside a floating tool bar', () => {
  it('places the map in what the bar leaves free, left or bottom', () => {
    const bounds = { x: -500, y: -200, w: 1000, h: 400 };
    const beside = new Viewport();
    beside.setSize(900, 700);
    beside.covered = () => ({ left: 66, top: 0, right: 0, bottom: 0 });
    beside.fit(bounds, 24);
    expect(beside.toScreen(bounds.x, 0).x).toBeCloseTo(66 + 24);
    expect(beside.toScreen(bounds.x + bounds.w, 0).x).toBeCloseTo(900 - 24);
    const above = new Viewport();
    above.setSize(390, 800);
    above.covered = () => ({ left: 0, top: 0, right: 0, bottom: 112 });
    above.fit({ x: 0, y: 0, w: 300, h: 900 }, 24);
    expect(above.toScreen(0, 900).y).toBeCloseTo(800 - 112 - 24);
    expect(above.toScreen(0, 0).y).toBeCloseTo(24);
  });
});

describe('names on zoomed-out cards', () => {
  const width = (line: string, size: number) => Array.from(line).reduce((sum, ch) => sum + charWidth(ch), 0) * size / 1000;

  it('are one line at a legible size on screen, shortened to the card with an ellipsis', () => {
    const layout = farNameLayout('Varsinais-Suomen hyvinvointialue', 0.4, 44)!;
    expect(layout.fontSize * 0.4).toBeCloseTo(FAR_NAME_SCREEN_PX);
    expect(layout.line.endsWith(CARD.ellipsis)).toBe(true);
    expect(layout.line.startsWith('Varsin')).toBe(true);
    expect(width(layout.line, layout.fontSize)).toBeLessThanOrEqual(CARD.nameMaxWidth);
  });

  it('keep a short name whole', () => {
    expect(farNameLayout('Kela', 0.4, 44)?.line).toBe('Kela');
  });

  it('stay inside the card while they can, smaller on screen as the card shrinks; then stand out of it a little at the smallest legible size; then are gone', () => {
    const inside = farNameLayout('Kela', 0.25, 44)!;
    expect(inside.fontSize).toBeLessThanOrEqual(44 - 8);
    expect(inside.fontSize * 0.25).toBeGreaterThanOrEqual(FAR_NAME_MIN_SCREEN_PX);
    // A wide map fitted to a phone: the card is 4–8 px tall on screen, its name 8 px.
    for (const zoom of [0.19, 0.15, 0.1]) {
      const out = farNameLayout('Kela', zoom, 44, 240 / zoom)!;
      expect(out.fontSize * zoom).toBeCloseTo(FAR_NAME_MIN_SCREEN_PX);
      expect(out.standsOut).toBe(true);
      expect(out.fontSize).toBeLessThanOrEqual(44 * 2);
    }
    expect(inside.standsOut).toBe(false);
    // Further out, a legible name would cover the card and its neighbours.
    expect(farNameLayout('Kela', 0.08, 44, 240 / 0.08)).toBeNull();
    expect(farNameLayout('Kela', 0.02, 44, 240 / 0.02)).toBeNull();
    // A taller card keeps its name inside further out.
    expect(farNameLayout('Kela', 0.15, 70, 400)!.fontSize).toBeLessThanOrEqual(70 - 8);
  });

  it('are whole when given the room, and shortened to it otherwise', () => {
    const name = 'Varsinais-Suomen hyvinvointialue';
    const fontSize = FAR_NAME_SCREEN_PX / 0.4;
    expect(farNameLayout(name, 0.4, 44, width(name, fontSize))?.line).toBe(name);
    const cut = farNameLayout(name, 0.4, 44, width(name, fontSize) - 1)!.line;
    expect(cut).toMatch(/^Varsinais-Suomen .*…$/);
    expect(width(cut, fontSize)).toBeLessThanOrEqual(width(name, fontSize) - 1);
  });

  it('run to the next card on their line, however far, up to a limit, and never less than a card\'s name room', () => {
    const rooms = new FarNameRooms();
    // A name starting at x = 0 on the line from y = -15 to 15 (a 30-unit font: half a line is 15).
    rooms.add('self', card(60, 0));
    rooms.add('right', { x: 600, y: -20, w: 184, h: 44 });
    rooms.add('above', { x: 100, y: -100, w: 184, h: 44 }); // ends above the line: not in the way
    rooms.add('below', { x: 100, y: 16, w: 184, h: 44 }); // starts below the line: not in the way
    rooms.add('under the start', { x: -50, y: -10, w: 184, h: 44 }); // covers where the name starts
    expect(rooms.room('self', 0, -15, 15, 2000)).toBe(600 - 15);
    expect(rooms.room('self', 0, -15, 15, 400)).toBe(400);
    // Across grid cells: a note far to the right, in another cell, is found.
    const far = new FarNameRooms();
    far.add('note', { x: 1000, y: 5, w: 200, h: 200 });
    expect(far.room('self', 0, -15, 15, 5000)).toBe(1000 - 15);
    // A neighbour nearer than a card's name room does not take away what every far name had.
    const near = new FarNameRooms();
    near.add('close', { x: 40, y: -20, w: 184, h: 44 });
    expect(near.room('self', 0, -15, 15, 2000)).toBe(CARD.nameMaxWidth);
    // A name standing out of a small card keeps no card's room: it stops before the neighbour.
    expect(near.room('self', 0, -15, 15, 2000, 0)).toBe(40 - 15);
    near.add('over the start', { x: 1, y: -20, w: 184, h: 44 });
    expect(near.room('self', 0, -15, 15, 2000, 0)).toBe(0);
    expect(new FarNameRooms().room('self', 0, -15, 15, 700)).toBe(700);
  });

  it('stand out of a small card only where no other card or note is in their way', () => {
    const rooms = new FarNameRooms();
    rooms.add('self', { x: -36, y: -22, w: 184, h: 44 });
    rooms.add('neighbour', { x: -36, y: 60, w: 184, h: 44 });
    // A name 80 units tall, standing out 18 above and below its card: the neighbour is 38 below.
    expect(rooms.blocked('self', { x: -36, y: -40, w: 300, h: 80 })).toBe(false);
    // Taller still, it would reach over the neighbour, from below the card's start or its right.
    expect(rooms.blocked('self', { x: -36, y: -70, w: 300, h: 140 })).toBe(true);
    expect(rooms.blocked('self', { x: 100, y: -70, w: 50, h: 140 })).toBe(true);
    // Its own card is never in its way, the other is; so is a note kept apart (too large for the cells).
    expect(rooms.blocked('neighbour', { x: -36, y: 10, w: 300, h: 144 })).toBe(true);
    rooms.add('huge note', { x: 1000, y: -1e12, w: 10, h: 2e12 });
    expect(rooms.blocked('self', { x: -36, y: -40, w: 1100, h: 80 })).toBe(true);
    // A name too far out to look up is not drawn rather than drawn over something.
    expect(new FarNameRooms().blocked('self', { x: 1e300, y: 0, w: 300, h: 80 })).toBe(true);
  });

  it('stay quick and right with positions and sizes any Yjs client may write', () => {
    const rooms = new FarNameRooms();
    rooms.add('far out', { x: 1e300, y: 1e300, w: 184, h: 44 });
    rooms.add('huge note', { x: 500, y: -1e12, w: 1e12, h: 2e12 });
    rooms.add('not a number', { x: Number.NaN, y: 0, w: 184, h: 44 });
    // The huge note, kept apart from the cells, still stops a name on its line.
    expect(rooms.room('self', 0, -15, 15, 2000)).toBe(500 - 15);
    // A name that far out keeps a card's name room, at once.
    expect(rooms.room('far out', 1e300, 1e300 - 15, 1e300 + 15, 2000)).toBe(CARD.nameMaxWidth);
  });

  it('are not cut by the screen\'s edge in a fitted view: the fit keeps room for them on the right', () => {
    // Two far-apart cards on one line: fitted to the cards alone, the right one's long name would
    // run past the screen's edge at the zoom the fit chooses.
    const cards = [
      { x: 0, y: 0, name: 'Turku', influence: null, alias: '' },
      { x: 2000, y: 0, name: 'Varsinais-Suomen hyvinvointialue', influence: null, alias: '' },
    ];
    const bounds = { x: -100, y: -22, w: 2200, h: 44 };
    const nameEnd = (v: Viewport) => {
      const right = cards[1]!;
      const start = right.x - actorCardWidth(right) / 2 + CARD.nameLeft;
      return v.toScreen(start, 0).x + width(right.name, FAR_NAME_SCREEN_PX);
    };
    const fit = (screenWidth: number, withNames: boolean) => {
      const v = new Viewport();
      v.setSize(screenWidth, 400);
      if (withNames) fitWithFarNames(v, bounds, 24, cards);
      else v.fit(bounds, 24);
      return v;
    };
    const plain = fit(900, false);
    expect(plain.zoom).toBeLessThan(0.5);
    expect(farNameOverhang(cards, bounds, plain.zoom)).toBeGreaterThan(24);
    expect(nameEnd(plain)).toBeGreaterThan(900);
    const fitted = fit(900, true);
    expect(fitted.zoom).toBeLessThan(plain.zoom);
    expect(nameEnd(fitted)).toBeLessThanOrEqual(900 - 24 + 1);
    expect(fitted.toScreen(bounds.x, 0).x).toBeGreaterThanOrEqual(24 - 0.5);
    // On a narrow screen the room is not bought with the names' size: the view stays where a
    // one-line card's name is drawn at 11 px (or as it was, had it been smaller already).
    const narrowPlain = fit(740, false);
    const narrow = fit(740, true);
    expect(narrowPlain.zoom).toBeGreaterThan(farNameFullSizeZoom(CARD.minHeight));
    expect(narrow.zoom).toBeGreaterThanOrEqual(farNameFullSizeZoom(CARD.minHeight) - 1e-9);
    expect(narrow.zoom).toBeLessThan(narrowPlain.zoom);
    // Near names (50 % and closer) are drawn inside their cards: nothing is kept.
    expect(farNameOverhang(cards, bounds, 0.5)).toBe(0);
    // A pane that is only read switches to one-line names at 75 %: at 60 % they run past the map.
    expect(farNameOverhang(cards, bounds, 0.6)).toBe(0);
    expect(farNameOverhang(cards, bounds, 0.6, READ_ONLY_FAR_NAME_ZOOM)).toBeGreaterThan(0);
  });

  it('are not drawn when fewer than three letters would fit', () => {
    // A taller card allows a large font, so that only two letters of a long word fit in its width.
    expect(farNameLayout('Työllisyyspalvelut', 0.12, 120)).toBeNull();
    expect(farNameLayout('Työllisyyspalvelut', 0.3, 120)?.line).toMatch(/^Työ.*…$/);
  });
});

describe('the name field', () => {
  it('sits over the card, at least as wide as it', () => {
    const box = nameFieldBox({ x: 640, y: 400, width: 276 }, 1280, 800);
    expect(box.left + box.width / 2).toBe(640);
    expect(box.top + box.height / 2).toBe(400);
    expect(box.width).toBe(276);
  });

  it('keeps a usable width when the card is small on screen', () => {
    expect(nameFieldBox({ x: 640, y: 400, width: 46 }, 1280, 800).width).toBeGreaterThanOrEqual(200);
  });

  it('stays whole inside a phone screen for a card at the edge or off it', () => {
    for (const card of [{ x: 2, y: 400, width: 110 }, { x: 389, y: 5, width: 110 }, { x: -300, y: 900, width: 500 }]) {
      const box = nameFieldBox(card, 390, 700);
      expect(box.left).toBeGreaterThanOrEqual(NAME_FIELD_MARGIN_PX);
      expect(box.top).toBeGreaterThanOrEqual(NAME_FIELD_MARGIN_PX);
      expect(box.left + box.width).toBeLessThanOrEqual(390 - NAME_FIELD_MARGIN_PX);
      expect(box.top + box.height).toBeLessThanOrEqual(700 - NAME_FIELD_MARGIN_PX);
    }
  });
});

describe('the phone palette\'s one scrolling row', () => {
  it('says which ends have more swatches to swipe to', () => {
    expect(hiddenEnds(0, 300, 300)).toBe('');
    expect(hiddenEnds(0, 460, 374)).toBe('end');
    expect(hiddenEnds(40, 460, 374)).toBe('both');
    expect(hiddenEnds(86, 460, 374)).toBe('start');
    // Fractional layouts: half a pixel short of the end is the end.
    expect(hiddenEnds(85.5, 460, 374)).toBe('start');
  });
});
