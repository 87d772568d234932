// The display name and cursor colour of this device (localStorage only, never sent anywhere but the board).
import { PRESENCE_COLORS } from '../model/presence';

const NAME_KEY = 'kartta.name';
const COLOR_KEY = 'kartta.color';
const RECENT_KEY = 'kartta.recent';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private browsing may refuse storage; the value then lasts for this page only.
  }
}

export function displayName(): string {
  return read(NAME_KEY) ?? '';
}

export function setDisplayName(name: string): void {
  write(NAME_KEY, name.trim().slice(0, 40));
}

export function cursorColor(): string {
  const saved = read(COLOR_KEY);
  if (saved && PRESENCE_COLORS.includes(saved)) return saved;
  const color = PRESENCE_COLORS[Math.floor(Math.random() * PRESENCE_COLORS.length)]!;
  write(COLOR_KEY, color);
  return color;
}

export interface RecentBoard { id: string; title: string; openedAt: number }

export function recentBoards(): RecentBoard[] {
  try {
    const list = JSON.parse(read(RECENT_KEY) ?? '[]') as RecentBoard[];
    return Array.isArray(list) ? list.filter((b) => typeof b.id === 'string').slice(0, 8) : [];
  } catch {
    return [];
  }
}

export function rememberBoard(id: string, title: string): void {
  const list = recentBoards().filter((b) => b.id !== id);
  list.unshift({ id, title, openedAt: Date.now() });
  write(RECENT_KEY, JSON.stringify(list.slice(0, 8)));
}
