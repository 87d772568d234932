// Random identifiers for board elements and boards (url-safe, from crypto.getRandomValues).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function randomId(length = 16): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 63];
  return out;
}

/** A new board id: 22 url-safe characters, about 132 bits of randomness. */
export function newBoardId(): string {
  return randomId(22);
}

const BOARD_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function isValidBoardId(id: string): boolean {
  return BOARD_ID.test(id);
}
