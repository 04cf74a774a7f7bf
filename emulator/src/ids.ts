import { createHash, randomBytes } from 'node:crypto';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** Random bytes drawn from a refilled pool: one system call per 4 KiB instead of one per id. */
let pool = randomBytes(4096);
let poolOffset = 0;

function nextRandomByte(): number {
  if (poolOffset >= pool.length) {
    pool = randomBytes(4096);
    poolOffset = 0;
  }
  return pool[poolOffset++] ?? 0;
}

/** Random string in Google's event-id alphabet (base32hex, lowercase). */
export function randomBase32Hex(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE32HEX[nextRandomByte() & 31];
  return out;
}

/** Server-made event ids look like Google's: 26 base32hex characters. */
export function newEventId(): string {
  return randomBase32Hex(26);
}

/**
 * Client-supplied event ids: characters of base32hex (a-v and 0-9) only, length 5 to 1024.
 * See the `id` property of https://developers.google.com/workspace/calendar/api/v3/reference/events
 */
export function isValidEventId(id: string): boolean {
  return /^[a-v0-9]{5,1024}$/.test(id);
}

export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function randomLetters(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i] ?? 0) % 26];
  return out;
}

/** Stable opaque id derived from a string (resource ids of watched resources). */
export function stableId(input: string, length = 27): string {
  return createHash('sha256').update(input).digest('base64url').slice(0, length).replace(/[-_]/g, 'A');
}

/** Entity tags are quoted strings, as Google sends them: `"\"3181161784712000\""`. */
export function quotedEtag(value: string): string {
  return `"${value}"`;
}

/** An event etag: the update instant plus the global change number, so it changes on every write. */
export function eventEtag(updatedMs: number, seq: number): string {
  return quotedEtag(`${updatedMs}${String(seq).padStart(3, '0')}`);
}

/** Collection etags (`Events`, `CalendarList`) derive from the newest change they reflect. */
export function collectionEtag(seq: number): string {
  return quotedEtag(`p${seq.toString(32).padStart(14, '0')}`);
}

export function htmlLinkFor(eventId: string, calendarId: string): string {
  const eid = Buffer.from(`${eventId} ${calendarId}`).toString('base64url');
  return `https://www.google.com/calendar/event?eid=${eid}`;
}
