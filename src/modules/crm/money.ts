/**
 * Deal amounts travel as decimal strings or JSON numbers and are stored as whole hundredths
 * (`amount_cents`, a bigint), so no binary floating point ever touches a stored amount.
 */

/** Largest accepted amount in hundredths: well inside Number.MAX_SAFE_INTEGER. */
export const MAX_AMOUNT_CENTS = 99_999_999_999_999;

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

type AmountParseResult = { ok: true; cents: number } | { ok: false; message: string };

/**
 * Parses "1234.5", "1234.56", "0.99" or 1234.5 into hundredths. Rejects negative amounts, more
 * than two decimals, exponents, thousands separators and values above {@link MAX_AMOUNT_CENTS}.
 * Numbers are read through their shortest decimal form, so 0.1 + 0.2 is refused, not rounded.
 */
export function parseAmountToCents(value: string | number): AmountParseResult {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { ok: false, message: 'amount must be a finite number' };
  }
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (match === null) {
    return {
      ok: false,
      message: 'amount must be a non-negative decimal with at most two decimals, like "1234.50"',
    };
  }
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const cents = BigInt(whole) * 100n + BigInt(fraction);
  if (cents > BigInt(MAX_AMOUNT_CENTS)) {
    return { ok: false, message: `amount must not exceed ${formatCents(MAX_AMOUNT_CENTS)}` };
  }
  return { ok: true, cents: Number(cents) };
}

/** 123456 -> "1234.56" */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  const whole = Math.floor(absolute / 100);
  const fraction = String(absolute % 100).padStart(2, '0');
  return `${sign}${whole}.${fraction}`;
}

/** Reads a bigint column (a string from both drivers) as a safe integer. */
export function centsFromColumn(value: string | number | null): number | null {
  if (value === null) return null;
  const cents = Number(value);
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount_cents out of range: ${String(value)}`);
  return cents;
}
