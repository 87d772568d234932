//! Finding actors by name: the search key of a name and the ordered list of matches for what was typed.
import type { Actor } from './types';

/**
 * A name as search compares it: composed (NFC), lower case, dashes and quotes unified, runs of
 * spaces as one. Å, ä and ö stay letters of their own, as in matching (protocol/src/matching.rs):
 * in Finnish and Swedish "ala" and "älä" are different words.
 */
export function searchKey(name: string): string {
  return name
    .normalize('NFC')
    .toLocaleLowerCase('fi')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The actors whose name or alias holds what was typed, best first: a name that starts with it, then
 * one with a word that starts with it, then the rest; alphabetically within each.
 */
export function findActors(actors: Iterable<Actor>, query: string): Actor[] {
  const wanted = searchKey(query);
  if (!wanted) return [];
  const ranked: { actor: Actor; rank: number; key: string }[] = [];
  for (const actor of actors) {
    const key = searchKey(actor.name);
    const alias = searchKey(actor.alias);
    const rank = key.startsWith(wanted) ? 0
      : key.includes(` ${wanted}`) || key.includes(`-${wanted}`) ? 1
        : key.includes(wanted) ? 2
          : alias.includes(wanted) ? 3 : -1;
    if (rank >= 0) ranked.push({ actor, rank, key });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.key.localeCompare(b.key, 'fi') || a.actor.id.localeCompare(b.actor.id));
  return ranked.map((r) => r.actor);
}
