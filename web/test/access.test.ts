// Capability links, join codes, the tokens kept on this device and what each role may do.
import { describe, expect, it } from 'vitest';
import {
  boardLink, formatJoinCode, hashWithoutToken, joinLink, parseBoardInput, parseRoute, parseWorkshopInput, tokenFromHash, withToken, workshopLink,
} from '../src/access/links';
import { canChangeBackground, canEdit, canExport, canImport, canManage, canRestore, canSnapshot, higherRole, readOnlyReason } from '../src/access/roles';
import { AccessStore, memoryStorage } from '../src/access/store';
import { resolveBoard, resolveWorkshop } from '../src/access/resolve';
import { ApiError, csvSheet } from '../src/api/client';
import type { BoardAccess, Role, Workshop } from '../src/generated/protocol';

describe('routes and links', () => {
  it('parses every page of the app', () => {
    expect(parseRoute('/')).toEqual({ page: 'landing' });
    expect(parseRoute('/b/abc_DEF-1')).toEqual({ page: 'board', boardId: 'abc_DEF-1' });
    expect(parseRoute('/b/abc/')).toEqual({ page: 'board', boardId: 'abc' });
    expect(parseRoute('/b/abc/s/snap1')).toEqual({ page: 'snapshot', boardId: 'abc', snapshotId: 'snap1' });
    expect(parseRoute('/w/work1')).toEqual({ page: 'workshop', workshopId: 'work1' });
    expect(parseRoute('/join/KRTA-7MXP')).toEqual({ page: 'join', code: 'KRTA-7MXP' });
    expect(parseRoute('/join')).toEqual({ page: 'join', code: '' });
    expect(parseRoute('/b/bad id')).toEqual({ page: 'landing' });
    expect(parseRoute('/b/%E0%A4%A')).toEqual({ page: 'landing' });
  });

  it('carries the token in the fragment and takes it out again', () => {
    expect(boardLink('https://k.fi', 'B1', 'tok/+=')).toBe('https://k.fi/b/B1#t=tok%2F%2B%3D');
    expect(workshopLink('https://k.fi', 'W1', 'abc')).toBe('https://k.fi/w/W1#t=abc');
    expect(tokenFromHash('#t=tok%2F%2B%3D')).toBe('tok/+=');
    expect(tokenFromHash('#x=1&t=abc')).toBe('abc');
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#t=')).toBeNull();
    expect(hashWithoutToken('#t=abc')).toBe('');
    expect(hashWithoutToken('#x=1&t=abc')).toBe('#x=1');
  });

  it('puts tokens of download links in the query', () => {
    expect(withToken('/api/boards/B/export.svg', 'a b')).toBe('/api/boards/B/export.svg?token=a+b');
    expect(withToken('/api/boards/B/export.svg', 'abc', { v: '3' })).toBe('/api/boards/B/export.svg?v=3&token=abc');
    expect(withToken('/x', null)).toBe('/x');
  });

  it('reads join codes however they were typed, read aloud or pasted', () => {
    expect(formatJoinCode('krta7mxp')).toBe('KRTA-7MXP');
    expect(formatJoinCode(' KRTA-7MXP ')).toBe('KRTA-7MXP');
    expect(formatJoinCode('krta 7mxp')).toBe('KRTA-7MXP');
    expect(formatJoinCode('https://kartta.example/join/KRTA-7MXP')).toBe('KRTA-7MXP');
    expect(formatJoinCode('KRTA-7MX')).toBeNull();
    expect(formatJoinCode('KRTA-7MX!')).toBeNull();
    expect(joinLink('https://k.fi', 'krta7mxp')).toBe('https://k.fi/join/KRTA-7MXP');
  });

  it('opens pasted board and workshop links with their tokens', () => {
    expect(parseBoardInput('https://k.fi/b/B1#t=abc')).toEqual({ boardId: 'B1', token: 'abc' });
    expect(parseBoardInput('/b/B1')).toEqual({ boardId: 'B1', token: null });
    expect(parseBoardInput('B1')).toEqual({ boardId: 'B1', token: null });
    expect(parseBoardInput('not a link')).toBeNull();
    expect(parseWorkshopInput('https://k.fi/w/W1#t=f')).toEqual({ workshopId: 'W1', token: 'f' });
    expect(parseWorkshopInput('https://k.fi/b/W1')).toBeNull();
  });

  it('tells a relation sheet from an actor sheet by its columns', () => {
    expect(csvSheet('From,To,Type\nA,B,funding')).toBe('relations');
    expect(csvSheet('\uFEFF"from";"to"\n')).toBe('relations');
    expect(csvSheet('Label,Type,Description\nKunta,municipality,')).toBe('actors');
  });
});

describe('roles', () => {
  const roles: Role[] = ['viewer', 'participant', 'facilitator'];
  it('matches the server’s rules for every role, locked and unlocked', () => {
    const table = roles.flatMap((role) => [false, true].map((locked) => ({
      role, locked,
      edit: canEdit(role, locked), restore: canRestore(role), background: canChangeBackground(role, false), import: canImport(role, locked),
      snapshot: canSnapshot(role), export: canExport(role), manage: canManage(role), why: readOnlyReason(role, locked),
    })));
    expect(table).toEqual([
      { role: 'viewer', locked: false, edit: false, restore: false, background: false, import: false, snapshot: false, export: false, manage: false, why: 'viewer' },
      { role: 'viewer', locked: true, edit: false, restore: false, background: false, import: false, snapshot: false, export: false, manage: false, why: 'viewer' },
      { role: 'participant', locked: false, edit: true, restore: false, background: false, import: true, snapshot: true, export: true, manage: false, why: null },
      { role: 'participant', locked: true, edit: false, restore: false, background: false, import: false, snapshot: true, export: true, manage: false, why: 'locked' },
      { role: 'facilitator', locked: false, edit: true, restore: true, background: true, import: true, snapshot: true, export: true, manage: true, why: null },
      { role: 'facilitator', locked: true, edit: true, restore: true, background: true, import: true, snapshot: true, export: true, manage: true, why: null },
    ]);
    // A personal board made at join: its owner (a participant there) chooses its background too.
    expect(roles.map((role) => [role, canChangeBackground(role, true)])).toEqual([['viewer', false], ['participant', true], ['facilitator', true]]);
    expect(higherRole('viewer', 'facilitator')).toBe('facilitator');
    expect(higherRole(null, 'participant')).toBe('participant');
  });
});

describe('tokens kept on this device', () => {
  it('keeps all three tokens for the creator and uses the most capable one', () => {
    const store = new AccessStore(memoryStorage());
    store.saveCreated('W', { facilitator: 'f', participant: 'p', viewer: 'v' }, ['B']);
    expect(store.bestForBoard('B')).toEqual({ role: 'facilitator', token: 'f' });
    store.forgetToken('W', 'f');
    expect(store.bestForBoard('B')).toEqual({ role: 'participant', token: 'p' });
    store.forgetWorkshop('W');
    expect(store.bestForBoard('B')).toBeNull();
  });

  it('opens the personal board with its capability and the others with the participant token', () => {
    const store = new AccessStore(memoryStorage());
    store.saveToken('W', 'participant', 'p');
    store.mapBoard('G', 'W');
    store.savePersonal('W', 'krta 7mxp', { boardId: 'MINE', token: 'cap' });
    expect(store.bestForBoard('MINE')).toEqual({ role: 'participant', token: 'cap' });
    expect(store.bestForBoard('G')).toEqual({ role: 'participant', token: 'p' });
    expect(store.personalForCode('KRTA-7MXP')).toEqual({ boardId: 'MINE', token: 'cap' });
    expect(store.personalForCode('AAAA-AAAA')).toBeNull();
    // A facilitator on the same device keeps their own token everywhere.
    store.saveToken('W', 'facilitator', 'f');
    expect(store.bestForBoard('MINE')).toEqual({ role: 'facilitator', token: 'f' });
    store.forgetToken('W', 'f');
    // A refused capability is forgotten; the participant token stays.
    store.forgetToken('W', 'cap');
    expect(store.personal('W')).toBeNull();
    expect(store.bestForBoard('G')).toEqual({ role: 'participant', token: 'p' });
    store.savePersonal('W', 'KRTA7MXP', { boardId: 'MINE', token: 'cap' });
    store.forgetWorkshop('W');
    expect(store.personalForCode('KRTA7MXP')).toBeNull();
  });

  it('lists recently opened places newest first, and reads entries from before workshops', () => {
    const storage = memoryStorage();
    storage.setItem('kartta.recent', JSON.stringify([{ id: 'old', title: 'Vanha', openedAt: 1 }]));
    const store = new AccessStore(storage);
    store.remember({ kind: 'workshop', id: 'W', title: 'Päivä 1', role: 'facilitator' }, 5);
    store.remember({ kind: 'board', id: 'old', title: '', role: 'participant' }, 6);
    expect(store.recent()).toEqual([
      { kind: 'board', id: 'old', title: 'Vanha', role: 'participant', openedAt: 6 },
      { kind: 'workshop', id: 'W', title: 'Päivä 1', role: 'facilitator', openedAt: 5 },
    ]);
  });
});

function boardAccess(role: Role, workshopId = 'W'): BoardAccess {
  return {
    board: { id: 'B', workshopId, title: '', kind: 'group', locked: false, connections: 0, people: [], snapshots: 0, createdAt: 0, owned: false, shared: false },
    workshopTitle: 'T', workshopKind: 'workshop', role,
  };
}

/** A fake API that knows which token has which role. */
function fakeApi(roles: Record<string, Role>, calls: string[] = []) {
  return {
    calls,
    async board(_id: string, token: string | null) {
      calls.push(token ?? '');
      const role = token ? roles[token] : undefined;
      if (!role) throw new ApiError(token ? 403 : 401, 'forbidden', 'That link does not open this board.');
      return boardAccess(role);
    },
    async workshop(id: string, token: string | null) {
      calls.push(token ?? '');
      const role = token ? roles[token] : undefined;
      if (!role) throw new ApiError(403, 'forbidden', 'no');
      return { id, kind: 'workshop', title: 'T', locale: 'fi', template: 'blank', joinCode: null, retentionUntil: 0, role, boards: [boardAccess(role).board], sharedTokens: { participant: 'p', viewer: 'v' } } as Workshop;
    },
  };
}

describe('opening a board', () => {
  it('uses the link’s token, keeps it, and strips nothing it still needs', async () => {
    const store = new AccessStore(memoryStorage());
    const result = await resolveBoard(fakeApi({ p: 'participant' }), store, 'B', 'p');
    expect(result).toMatchObject({ ok: true, token: 'p', role: 'participant' });
    expect(store.bestForBoard('B')).toEqual({ role: 'participant', token: 'p' });
    // Later, without the fragment, the kept token opens it.
    expect(await resolveBoard(fakeApi({ p: 'participant' }), store, 'B', null)).toMatchObject({ ok: true, token: 'p' });
  });

  it('prefers the creator’s admin token over an edit link opened on the same device', async () => {
    const store = new AccessStore(memoryStorage());
    store.saveCreated('W', { facilitator: 'f', participant: 'p', viewer: 'v' }, ['B']);
    const result = await resolveBoard(fakeApi({ f: 'facilitator', p: 'participant', v: 'viewer' }), store, 'B', 'v');
    expect(result).toMatchObject({ ok: true, token: 'f', role: 'facilitator' });
  });

  it('forgets refused tokens and says when there is none', async () => {
    const store = new AccessStore(memoryStorage());
    store.saveToken('W', 'participant', 'stale');
    store.mapBoard('B', 'W');
    const result = await resolveBoard(fakeApi({}), store, 'B', null);
    expect(result).toMatchObject({ ok: false, reason: 'no_token' });
    expect(store.bestForBoard('B')).toBeNull();
    expect(await resolveBoard(fakeApi({}), store, 'B', 'wrong')).toMatchObject({ ok: false, reason: 'denied' });
  });

  it('opens a workshop with the best token and maps its boards', async () => {
    const store = new AccessStore(memoryStorage());
    store.saveToken('W', 'facilitator', 'f');
    const result = await resolveWorkshop(fakeApi({ f: 'facilitator', p: 'participant' }), store, 'W', 'p');
    expect(result).toMatchObject({ ok: true, token: 'f', role: 'facilitator' });
    expect(store.workshopOf('B')).toBe('W');
  });
});
