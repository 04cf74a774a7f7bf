/**
 * What PostgreSQL cannot store in `text` and `jsonb`: U+0000 (NUL) anywhere, and UTF-16
 * surrogates that are not half of a pair (they encode no character; jsonb refuses their escapes).
 * Text that comes from elsewhere (Google's events) is made storable with one rule: NUL is
 * removed, and a lone surrogate becomes U+FFFD (the replacement character). Everything else is
 * kept as it is.
 */

const UNSTORABLE = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `value` with NUL removed and lone surrogates replaced by U+FFFD; the same string when it needs neither. */
export function storableText(value: string): string {
  if (!UNSTORABLE.test(value)) return value;
  return value.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * A JSON-like value (plain objects, arrays, strings, numbers, booleans, null) with storableText
 * applied to every string in it, object keys included. Returns the very same value when nothing
 * needed a change, else a copy (the input is never modified).
 */
export function storableValue<T>(value: T): T {
  return storable(value) as T;
}

function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    let copy: unknown[] | undefined;
    items.forEach((item, i) => {
      const next = storable(item);
      if (next !== item) (copy ??= [...items])[i] = next;
    });
    return copy ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const nextKey = storableText(key);
    const next = storable(record[key]);
    if (nextKey === key && next === record[key]) continue;
    // The first change: what came before as it is, the rest made storable (fromEntries defines
    // own properties, so a key such as "__proto__" stays a key).
    return Object.fromEntries([
      ...keys.slice(0, i).map((earlier) => [earlier, record[earlier]]),
      [nextKey, next],
      ...keys.slice(i + 1).map((later) => [storableText(later), storable(record[later])]),
    ]);
  }
  return value;
}
