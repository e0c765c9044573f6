/**
 * Exact rounding for the feature rules.
 *
 * The SQL feature query works in `numeric`, where 0.1 + 0.2 is 0.3 and round() sends halves away from
 * zero. Floating point gets neither right (19.99 + 20.01 + 0.01 is not 40.01), so the reference
 * implementation converts money to integer cents, sums integers, and rounds quotients of integers exactly.
 */

/** Money (at most two decimals, as the store records promise) to integer cents. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** Integer cents back to money. */
export function fromCents(cents: number): number {
  return cents / 100;
}

/**
 * numerator / denominator rounded to `decimals` places, halves away from zero, like PostgreSQL's
 * round(numeric, decimals). Both inputs must be integers (counts or cents) small enough that
 * numerator × 10^decimals stays a safe integer; then the result is exact, not a float approximation.
 */
export function roundedQuotient(numerator: number, denominator: number, decimals: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(`roundedQuotient needs integers and a non-zero denominator, got ${numerator}/${denominator}`);
  }
  const scale = 10 ** decimals;
  const sign = Math.sign(numerator) * Math.sign(denominator);
  const scaled = Math.abs(numerator) * scale;
  const divisor = Math.abs(denominator);
  let quotient = Math.floor(scaled / divisor);
  let remainder = scaled - quotient * divisor;
  // Float division can land one off near an integer boundary; the integer remainder settles it.
  if (remainder < 0) {
    quotient -= 1;
    remainder += divisor;
  } else if (remainder >= divisor) {
    quotient += 1;
    remainder -= divisor;
  }
  if (2 * remainder >= divisor) quotient += 1;
  return (sign * quotient) / scale || 0; // `|| 0` turns -0 into 0
}
