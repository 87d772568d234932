// The display name and cursor colour of this device (localStorage only, never sent anywhere but the board).
import { PRESENCE_COLORS } from '../model/presence';

const NAME_KEY = 'kartta.name';
const COLOR_KEY = 'kartta.color';

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
