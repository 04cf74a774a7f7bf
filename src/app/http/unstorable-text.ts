/**
 * Text PostgreSQL cannot store: `text` and `jsonb` refuse U+0000 (NUL), and a lone UTF-16
 * surrogate (half of a pair, which JSON's `\uD800` escapes can produce) is not a character at all:
 * the driver would store U+FFFD instead and `jsonb` refuses it.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with `value`, in words ('a NUL character (U+0000)'), or undefined when it can be stored. */
export function unstorableCharacter(value: string): string | undefined {
  const match = UNSTORABLE.exec(value);
  if (match === null) return undefined;
  if (match[0] === '\u0000') return 'a NUL character (U+0000)';
  const unit = match[0].charCodeAt(0).toString(16).toUpperCase();
  return `a lone UTF-16 surrogate (U+${unit})`;
}
