// The action registry: one definition drives the key handler, the buttons and the shortcut sheet; a disabled action does nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { BoardModel } from '../src/model/board';
import { Presence } from '../src/model/presence';
import { Viewport } from '../src/render/viewport';
import { Editor } from '../src/tools/editor';
import type { KeyInput } from '../src/tools/tool';
import { BOARD_ACTIONS } from '../src/actions/board-actions';
import { PAGE_ACTIONS } from '../src/actions/page-actions';
import type { BoardPageCommands } from '../src/actions/page-actions';
import { helpDialog } from '../src/ui/help';
import { StandInElement, standInDocument } from './standin-dom';

function setup() {
  const doc = new Y.Doc();
  const model = new BoardModel(doc);
  const viewport = new Viewport();
  viewport.setSize(1000, 800);
  const editor = new Editor(model, viewport, new Presence(new Awareness(doc), { name: 'Test', color: '#026aa2' }, 0));
  const asked: string[] = [];
  editor.host = {
    editActorName: (id) => asked.push(`name ${id}`),
    editNote: (id) => asked.push(`note ${id}`),
    showOutline: () => asked.push('outline'),
    openHelp: () => asked.push('help'),
  };
  return { model, viewport, editor, asked };
}

function key(k: string, extra: Partial<KeyInput> = {}): KeyInput {
  return { key: k, shift: false, mod: false, alt: false, ...extra };
}

/** Every element of a tag under `el`, in document order. */
function all(el: StandInElement, tag: string): StandInElement[] {
  return [...(el.tagName === tag ? [el] : []), ...el.children.flatMap((child) => all(child, tag))];
}

describe('the shortcut sheet', () => {
  beforeAll(() => vi.stubGlobal('document', standInDocument()));
  afterAll(() => vi.unstubAllGlobals());

  it('lists exactly the shortcuts of the registry, each beside its action', () => {
    const dialog = helpDialog() as unknown as StandInElement;
    const shown = all(dialog, 'tr').map((row) => all(row, 'kbd').map((k) => k.textContent));
    const registered = BOARD_ACTIONS.filter((a) => a.shortcuts.length > 0).map((a) => a.shortcuts.map((s) => s.label));
    // The sheet groups by tools, editing and view; within a group it keeps the registry's order.
    const byGroup = (['tools', 'editing', 'view'] as const).flatMap((group) =>
      BOARD_ACTIONS.filter((a) => a.group === group && a.shortcuts.length > 0).map((a) => a.shortcuts.map((s) => s.label)));
    expect(shown).toEqual(byGroup);
    expect(shown.flat().sort()).toEqual(registered.flat().sort());
    expect(shown.flat()).toContain('Ctrl Z');
    expect(shown.flat()).toContain('O');
  });
});

describe('board actions from the keyboard', () => {
  it('no key press is claimed by two actions', () => {
    const keys = ['Escape', 'Enter', 'Delete', 'Backspace', ' ', 'ArrowLeft', 'ArrowUp', ...'abcdefghijklmnopqrstuvwxyz0123456789+-=_!?[]'];
    for (const k of keys) {
      for (const shift of [false, true]) {
        for (const mod of [false, true]) {
          const input = key(shift && k.length === 1 ? k.toUpperCase() : k, { shift, mod });
          const claimed = BOARD_ACTIONS.filter((a) => a.shortcuts.some((s) => s.matches(input))).map((a) => a.id);
          expect(claimed.length, `${JSON.stringify(input)} → ${claimed.join(', ')}`).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('a key performs its action as the action defines it', () => {
    const { editor, viewport, asked, model } = setup();
    editor.keyDown(key('r'));
    expect(editor.tool).toBe('relation');
    editor.keyDown(key('Escape'));
    expect(editor.tool).toBe('select');
    editor.keyDown(key('+'));
    expect(viewport.zoom).toBeCloseTo(1.25);
    editor.keyDown(key('0'));
    expect(viewport.zoom).toBeCloseTo(1);
    editor.keyDown(key('o'));
    editor.keyDown(key('?', { shift: true }));
    expect(asked).toEqual(['outline', 'help']);
    const id = model.addActor({ name: 'Kunta', kind: 'municipality', x: 0, y: 0 });
    editor.select([id]);
    editor.keyDown(key('ArrowRight', { shift: true }));
    expect(model.actors.get(id)).toMatchObject({ x: 50, y: 0 });
    editor.keyDown(key('Enter'));
    expect(asked).toContain(`name ${id}`);
  });

  it('a disabled action does nothing from its key, and leaves the key to the browser', () => {
    const { editor, model, asked } = setup();
    const id = model.addActor({ name: 'Kunta', kind: 'municipality', x: 0, y: 0 });
    model.canWrite = () => false;
    editor.select([id]);
    // Delete is disabled on a read-only board, the actor tool too, Enter (rename) outside the select tool's rest.
    expect(editor.keyDown(key('Delete'))).toBe(false);
    expect(model.actors.has(id)).toBe(true);
    expect(editor.keyDown(key('a'))).toBe(false);
    expect(editor.tool).toBe('select');
    expect(editor.keyDown(key('z', { mod: true }))).toBe(false);
    expect(model.actors.has(id)).toBe(true);
    // Without a page to open it, the outline's key is disabled.
    editor.host = {};
    expect(editor.keyDown(key('o'))).toBe(false);
    expect(asked).toEqual([]);
    // Space is held, not pressed: it performs nothing through the editor.
    expect(editor.keyDown(key(' '))).toBe(false);
  });
});

describe('the header\'s page actions', () => {
  function page(manages: boolean, live: boolean) {
    const done: string[] = [];
    let locked = false;
    const commands: BoardPageCommands = {
      manages, live,
      presenting: () => false,
      togglePresent: () => done.push('present'),
      locked: () => locked,
      toggleLock: () => { locked = !locked; done.push('lock'); },
      openShare: () => done.push('share'),
    };
    return { commands, done };
  }

  it('offer lock and present to a facilitator on a live board, sharing to anyone on one', () => {
    const enabledFor = (manages: boolean, live: boolean) => PAGE_ACTIONS.filter((a) => a.enabled(page(manages, live).commands)).map((a) => a.id);
    expect(enabledFor(true, true)).toEqual(['lock', 'present', 'share']);
    expect(enabledFor(false, true)).toEqual(['share']);
    expect(enabledFor(false, false)).toEqual([]);
  });

  it('perform the page\'s command and show its state', () => {
    const { commands, done } = page(true, true);
    const lock = PAGE_ACTIONS.find((a) => a.id === 'lock')!;
    expect(lock.icon(commands)).toBe('unlock');
    lock.perform(commands);
    expect(lock.pressed?.(commands)).toBe(true);
    expect(lock.icon(commands)).toBe('lock');
    for (const action of PAGE_ACTIONS.filter((a) => a.id !== 'lock')) action.perform(commands);
    expect(done).toEqual(['lock', 'present', 'share']);
  });
});
