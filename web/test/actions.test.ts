// The action registry: one definition drives the key handler, the buttons and the shortcut sheet; a disabled action does nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { BoardModel } from '../src/model/board';
import { Presence } from '../src/model/presence';
import { Viewport } from '../src/render/viewport';
import { Editor } from '../src/tools/editor';
import type { KeyInput } from '../src/tools/tool';
import { BOARD_ACTIONS, contextMenuGroups } from '../src/actions/board-actions';
import { EXPORT_MENU, PAGE_ACTIONS } from '../src/actions/page-actions';
import { LANGUAGE_ACTIONS } from '../src/actions/language-actions';
import type { Locale } from '../src/generated/protocol';
import { en } from '../src/i18n/en';
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
      exports: true, snapshot: false, workshopArchive: manages,
      exportView: (format) => done.push(`view ${format}`),
      exportLink: (target) => ({ href: `/x/${target === 'zip' ? 'zip' : `${target.format}${target.separator ? `;${target.separator}` : ''}`}`, download: 'f' }),
      canImport: () => !locked,
      chooseImportFile: () => done.push('import'),
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
    expect(lock.currentLabel?.(commands)).toBe('board.lock');
    lock.perform(commands);
    // A locked board's button offers to unlock it, and is not also a pressed toggle.
    expect(lock.currentLabel?.(commands)).toBe('workshop.unlockBoard');
    expect(lock.pressed).toBeUndefined();
    expect(lock.icon(commands)).toBe('lock');
    for (const action of PAGE_ACTIONS.filter((a) => a.id !== 'lock')) action.perform(commands);
    expect(done).toEqual(['lock', 'present', 'share']);
  });

  it('draw the export menu: the view, the board\'s files (the archive for a facilitator) and import while unlocked', () => {
    const menu = (manages: boolean) => {
      const { commands, done } = page(manages, true);
      const enabled = EXPORT_MENU.map((section) => section.actions.filter((a) => a.enabled(commands)).map((a) => a.link?.(commands).href ?? a.id));
      return { commands, done, enabled };
    };
    expect(menu(false).enabled).toEqual([
      ['export.view.png', 'export.view.svg'],
      ['/x/export.png', '/x/export.svg', '/x/export.json', '/x/actors.csv', '/x/relations.csv', '/x/actors.csv;semicolon', '/x/relations.csv;semicolon'],
      ['import'],
    ]);
    const { commands, done, enabled } = menu(true);
    expect(enabled[1]).toContain('/x/zip');
    for (const action of [...EXPORT_MENU[0]!.actions, ...EXPORT_MENU[2]!.actions]) action.perform(commands);
    expect(done).toEqual(['view png', 'view svg', 'import']);
    // A locked board takes no import.
    PAGE_ACTIONS.find((a) => a.id === 'lock')!.perform(commands);
    expect(EXPORT_MENU[2]!.actions[0]!.enabled(commands)).toBe(false);
  });

  it('offer each language, named in itself, and switch to the chosen one', () => {
    let current: Locale = 'fi';
    const context = { language: () => current, setLanguage: (l: Locale) => { current = l; } };
    expect(LANGUAGE_ACTIONS.map((a) => [a.locale, en[a.label]])).toEqual([['fi', 'Suomi'], ['sv', 'Svenska'], ['en', 'English']]);
    expect(LANGUAGE_ACTIONS.filter((a) => a.selected(context)).map((a) => a.locale)).toEqual(['fi']);
    LANGUAGE_ACTIONS.find((a) => a.locale === 'sv')!.perform(context);
    expect(current).toBe('sv');
  });
});

describe('the context menu', () => {
  const menuIds = (editor: Editor) => contextMenuGroups(editor).map((group) => group.map((a) => a.id));

  it('lists exactly the actions that apply to the selection', () => {
    const { editor, model } = setup();
    editor.host.clipboard = { copy: () => {}, paste: () => {} };
    editor.host.openFind = () => {};
    // Nothing selected: paste, and what acts on the whole board.
    expect(menuIds(editor)).toEqual([['paste'], ['selectAll', 'find']]);
    const a = model.addActor({ name: 'A', kind: 'other', x: 0, y: 0 });
    const b = model.addActor({ name: 'B', kind: 'other', x: 300, y: 0 });
    const c = model.addActor({ name: 'C', kind: 'other', x: 600, y: 90 });
    editor.select([a]);
    expect(menuIds(editor)).toEqual([['cut', 'copy', 'paste', 'duplicate', 'rename', 'delete'], ['selectAll', 'find']]);
    editor.select([a, b]);
    expect(menuIds(editor)).toEqual([
      ['cut', 'copy', 'paste', 'duplicate', 'delete'],
      ['align.left', 'align.center', 'align.right', 'align.top', 'align.middle', 'align.bottom'],
      ['selectAll', 'find'],
    ]);
    editor.select([a, b, c]);
    expect(menuIds(editor)[2]).toEqual(['distribute.horizontal', 'distribute.vertical']);
    // A relation alone can be deleted, not copied (it goes along with its actors).
    const relation = model.addRelation(a, b)!;
    editor.select([relation]);
    expect(menuIds(editor)[0]).toEqual(['paste', 'delete']);
    // A read-only board offers only what changes nothing.
    model.canWrite = () => false;
    editor.select([a, b]);
    expect(menuIds(editor)).toEqual([['copy'], ['selectAll', 'find']]);
  });

  it('performs from the menu what the key performs', () => {
    const { editor, model } = setup();
    const copied: string[][] = [];
    editor.host.clipboard = { copy: (ids) => copied.push(ids), paste: () => {} };
    const a = model.addActor({ name: 'A', kind: 'other', x: 0, y: 0 });
    editor.select([a]);
    expect(editor.keyDown(key('c', { mod: true }))).toBe(true);
    expect(copied).toEqual([[a]]);
    expect(editor.keyDown(key('d', { mod: true }))).toBe(true);
    expect(model.actors.size).toBe(2);
    expect(editor.selection.has(a)).toBe(false);
    model.undo();
    expect(model.actors.size).toBe(1);
  });
});
