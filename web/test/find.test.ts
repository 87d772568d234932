// Finding an actor by name: what matches what was typed, and in which order.
import { describe, expect, it } from 'vitest';
import { findActors, searchKey } from '../src/model/find';
import type { Actor } from '../src/model/types';

const actor = (id: string, name: string, alias = ''): Actor => ({ id, name, alias, kind: 'other', x: 0, y: 0, description: '', tags: [], influence: null, stance: null, isPerson: false });

describe('find', () => {
  const actors = [
    actor('1', 'Turun kaupunki'), actor('2', 'Turun yliopisto'), actor('3', 'Varsinais-Suomen liitto', 'VSL'),
    actor('4', 'Åbo stad'), actor('5', 'Ala-Turun seurakunta'), actor('6', 'Kela'), actor('7', 'Alastaro'),
  ];
  const names = (query: string) => findActors(actors, query).map((a) => a.name);

  it('finds by the start of a name, of a word in it, anywhere in it, then the alias, regardless of case', () => {
    expect(names('turun')).toEqual(['Turun kaupunki', 'Turun yliopisto', 'Ala-Turun seurakunta']);
    expect(names('TURUN K')).toEqual(['Turun kaupunki']);
    expect(names('suomen')).toEqual(['Varsinais-Suomen liitto']);
    expect(names('vsl')).toEqual(['Varsinais-Suomen liitto']);
    expect(names('ela')).toEqual(['Kela']);
  });

  it('keeps å, ä and ö letters of their own, and unifies dashes and spaces', () => {
    expect(names('åbo')).toEqual(['Åbo stad']);
    expect(names('abo')).toEqual([]);
    expect(searchKey('Varsinais\u2013Suomen   Liitto')).toBe('varsinais-suomen liitto');
    expect(names('varsinais\u2013suomen')).toEqual(['Varsinais-Suomen liitto']);
  });

  it('matches nothing for nothing typed', () => {
    expect(names('   ')).toEqual([]);
  });
});
