// The clipboard payload: a round trip gives new ids and keeps relations, lands without covering cards, is one undo step; hostile payloads are refused whole.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from '../src/model/board';
import {
  CLIPBOARD_FORMAT, CLIPBOARD_LIMITS, TEXT_PASTE_LIMITS, copyPayload, parseClipboard, pasteOffset, pastePayload, serializePayload, textPayload,
} from '../src/model/clipboard';
import type { ClipboardPayload } from '../src/model/clipboard';
import { actorRect } from '../src/tools/hit';
import { intersects } from '../src/render/viewport';

function boardWithPair() {
  const model = new BoardModel(new Y.Doc());
  const turku = model.addActor({ name: 'Turun kaupunki', kind: 'municipality', x: 0, y: 0, tags: ['kunta'], influence: 4 });
  const yrittajat = model.addActor({ name: 'Varsinais-Suomen Yrittäjät ry', kind: 'business', x: 300, y: 0 });
  const third = model.addActor({ name: 'Kela', kind: 'state_agency', x: 0, y: 300 });
  const relation = model.addRelation(turku, yrittajat, { kind: 'funding', direction: 'one_way', strength: 'strong', label: 'avustus' })!;
  model.addRelation(turku, third);
  const note = model.addNote({ x: 500, y: 500, body: 'Kysy Kelasta' });
  return { model, turku, yrittajat, third, relation, note };
}

function roundTrip(payload: ClipboardPayload): ClipboardPayload {
  const parsed = parseClipboard(serializePayload(payload));
  if (parsed.kind !== 'elements') throw new Error(`not elements: ${JSON.stringify(parsed)}`);
  return parsed.payload;
}

describe('the clipboard payload', () => {
  it('carries the copied actors, the relations between them and notes, and reads back equal', () => {
    const { model, turku, yrittajat, note } = boardWithPair();
    const payload = copyPayload(model, [turku, yrittajat, note]);
    expect(payload.format).toBe(CLIPBOARD_FORMAT);
    expect(payload.actors.map((a) => a.name).sort()).toEqual(['Turun kaupunki', 'Varsinais-Suomen Yrittäjät ry']);
    // The relation to Kela is left behind: Kela was not copied.
    expect(payload.relations).toHaveLength(1);
    expect(payload.notes.map((n) => n.body)).toEqual(['Kysy Kelasta']);
    expect(roundTrip(payload)).toEqual(payload);
  });

  it('pastes on another board with new ids, the relation joined to the new copies, in one undo step', () => {
    const { model, turku, yrittajat, note } = boardWithPair();
    const payload = roundTrip(copyPayload(model, [turku, yrittajat, note]));
    const other = new BoardModel(new Y.Doc());
    other.addActor({ name: 'Already here', kind: 'other', x: 0, y: 0 });
    const created = pastePayload(other, payload, pasteOffset(other, payload, { x: 0, y: 0 }));
    expect(created).toHaveLength(4);
    for (const id of created) expect([turku, yrittajat, note]).not.toContain(id);
    const names = new Map([...other.actors.values()].map((a) => [a.name, a]));
    const newTurku = names.get('Turun kaupunki')!;
    const newYrittajat = names.get('Varsinais-Suomen Yrittäjät ry')!;
    expect(newTurku.tags).toEqual(['kunta']);
    expect(newTurku.influence).toBe(4);
    const relations = other.liveRelations();
    expect(relations).toHaveLength(1);
    expect(relations[0]).toMatchObject({ from: newTurku.id, to: newYrittajat.id, kind: 'funding', direction: 'one_way', strength: 'strong', label: 'avustus' });
    // Nothing pasted covers the card that was there.
    const existing = [...other.actors.values()].find((a) => a.name === 'Already here')!;
    for (const actor of [newTurku, newYrittajat]) expect(intersects(actorRect(actor), actorRect(existing))).toBe(false);
    // Their arrangement is kept: the same distance apart as on the first board.
    expect(newYrittajat.x - newTurku.x).toBe(300);
    other.undo();
    expect(other.actors.size).toBe(1);
    expect(other.relations.size).toBe(0);
    expect(other.notes.size).toBe(0);
  });

  it('pasted on its own board, lands beside the originals instead of on them', () => {
    const { model, turku, yrittajat } = boardWithPair();
    const payload = copyPayload(model, [turku, yrittajat]);
    const created = pastePayload(model, payload, pasteOffset(model, payload, null));
    const originals = [model.actors.get(turku)!, model.actors.get(yrittajat)!, ...[...model.actors.values()].filter((a) => a.name === 'Kela')];
    for (const id of created.filter((c) => model.actors.has(c))) {
      for (const original of originals) expect(intersects(actorRect(model.actors.get(id)!), actorRect(original))).toBe(false);
    }
  });

  it('adds nothing to a board that may not change', () => {
    const { model, turku } = boardWithPair();
    const payload = copyPayload(model, [turku]);
    const other = new BoardModel(new Y.Doc());
    other.canWrite = () => false;
    expect(pastePayload(other, payload, { dx: 0, dy: 0 })).toEqual([]);
    expect(other.actors.size).toBe(0);
  });

  it('refuses a hostile or oversized payload whole', () => {
    const { model, turku, yrittajat } = boardWithPair();
    const good = copyPayload(model, [turku, yrittajat]);
    const refused = (changed: unknown) => parseClipboard(JSON.stringify(changed));
    expect(refused({ ...good, version: 99 })).toEqual({ kind: 'refused', reason: 'newerVersion' });
    expect(refused({ ...good, version: '1' })).toMatchObject({ kind: 'refused', reason: 'invalid' });
    expect(refused({ ...good, actors: 'many' })).toMatchObject({ kind: 'refused', reason: 'invalid' });
    expect(refused({ ...good, actors: [{ ...good.actors[0], kind: 'dragon' }] })).toMatchObject({ kind: 'refused', reason: 'invalid' });
    expect(refused({ ...good, actors: [{ ...good.actors[0], x: 1e300 }] })).toMatchObject({ kind: 'refused', reason: 'invalid' });
    expect(refused({ ...good, actors: [{ ...good.actors[0], name: { toString: 'x' } }] })).toMatchObject({ kind: 'refused', reason: 'invalid' });
    expect(refused({ ...good, actors: [{ ...good.actors[0], name: 'x'.repeat(CLIPBOARD_LIMITS.fieldLength + 1) }] })).toMatchObject({ kind: 'refused', reason: 'invalid' });
    expect(refused({ ...good, actors: [good.actors[0], good.actors[0]] })).toMatchObject({ kind: 'refused', reason: 'invalid' });
    expect(refused({ ...good, notes: [{ id: 'n', x: 0, y: 0, w: 10, h: 10, color: 'url(javascript:x)', variant: 'sticky', body: '' }] })).toMatchObject({ kind: 'refused', reason: 'invalid' });
    expect(refused({ ...good, strokes: [{ id: 's', tool: 'pen', color: '#000', width: 4, points: [1, 2] }] })).toMatchObject({ kind: 'refused', reason: 'invalid' });
    const many = Array.from({ length: CLIPBOARD_LIMITS.elements + 1 }, (_, i) => ({ ...good.actors[0], id: `a${i}` }));
    expect(refused({ ...good, actors: many })).toEqual({ kind: 'refused', reason: 'tooLarge' });
    expect(parseClipboard(' '.repeat(CLIPBOARD_LIMITS.textLength + 1))).toEqual({ kind: 'refused', reason: 'tooLarge' });
    // A relation to an actor the payload lacks is dropped, not pasted dangling.
    const dangling = refused({ ...good, relations: [{ ...good.relations[0], to: 'missing' }] });
    expect(dangling.kind === 'elements' && dangling.payload.relations).toEqual([]);
  });

  it('reads plain text as one actor per line, capped, and hostile text stays text', () => {
    expect(parseClipboard('Turun kaupunki\r\n\n  Kela  \n')).toEqual({ kind: 'text', names: ['Turun kaupunki', 'Kela'], cut: false });
    expect(parseClipboard('<img src=x onerror=alert(1)>')).toEqual({ kind: 'text', names: ['<img src=x onerror=alert(1)>'], cut: false });
    expect(parseClipboard('{"format": "something else"}')).toMatchObject({ kind: 'text' });
    expect(parseClipboard('{not json')).toMatchObject({ kind: 'text' });
    expect(parseClipboard('  \n\t\n')).toEqual({ kind: 'empty' });
    const lines = Array.from({ length: TEXT_PASTE_LIMITS.lines + 10 }, (_, i) => `Toimija ${i}`).join('\n');
    const parsed = parseClipboard(lines);
    expect(parsed.kind === 'text' && parsed.names.length).toBe(TEXT_PASTE_LIMITS.lines);
    expect(parsed.kind === 'text' && parsed.cut).toBe(true);
    const long = parseClipboard('ä'.repeat(500));
    expect(long.kind === 'text' && Array.from(long.names[0]!).length).toBe(TEXT_PASTE_LIMITS.nameLength);
    const model = new BoardModel(new Y.Doc());
    const payload = textPayload(['Turun kaupunki', 'Kela'], 'municipality');
    const created = pastePayload(model, payload, pasteOffset(model, payload, { x: 0, y: 0 }));
    expect(created).toHaveLength(2);
    expect([...model.actors.values()].map((a) => a.name).sort()).toEqual(['Kela', 'Turun kaupunki']);
  });
});
