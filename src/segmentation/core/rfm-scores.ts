/**
 * RFM scores relative to the store: R, F and M each 1..5 by the store's own quintiles, 5 = best.
 * Better means: fewer days since the last order (R), more orders (F), more net spend (M).
 *
 * TIE RULE. With n customers and `worse` = the number of customers whose value is strictly worse,
 *
 *     score = 1 + floor(5 × worse / n)
 *
 * so equal values always share a score (they have the same `worse`), the worst value always gets 1
 * (worse = 0), and a value gets 5 when at least 80% of the store is strictly worse (so the best gets 5
 * whenever it is not tied with more than a fifth of the store). No other tie handling. In SQL, `worse` is
 * `rank() over (order by value) - 1` with the order running from worst to best, and n is `count(*) over ()`.
 *
 * PERCENTILE RANKS, the normalisation the K-means groups are fitted on (rfm-groups.ts):
 *
 *     u = (worse + 0.5 × equal) / n,   equal = number of customers with the same value, itself included
 *
 * the mid-rank, always in (0, 1): ties sit in the middle of the block they occupy, 0.5 means median.
 * In SQL: (rank() over (order by value) - 1 + 0.5 × count(*) over (partition by value)) / count(*) over ().
 */
import type { CustomerFeatures } from './features';

export interface RfmScore {
  r: number;
  f: number;
  m: number;
  /** 100 r + 10 f + m, from 111 to 555. */
  score: number;
}

/** For each value, how many values are strictly worse and how many are equal (itself included). */
function worseAndEqualCounts(values: number[], higherIsBetter: boolean): { worse: number; equal: number }[] {
  const ascending = [...values].sort((a, b) => a - b);
  return values.map((value) => {
    const below = countBelow(ascending, value);
    const equal = countAtOrBelow(ascending, value) - below;
    const above = values.length - below - equal;
    return { worse: higherIsBetter ? below : above, equal };
  });
}

/** Number of entries of the ascending array strictly less than value (binary search). */
function countBelow(ascending: number[], value: number): number {
  let low = 0;
  let high = ascending.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ascending[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Number of entries of the ascending array less than or equal to value (binary search). */
function countAtOrBelow(ascending: number[], value: number): number {
  let low = 0;
  let high = ascending.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ascending[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function assertFinite(values: number[]): void {
  const bad = values.find((value) => !Number.isFinite(value));
  if (bad !== undefined) throw new RangeError(`RFM values must be finite numbers, got ${bad}`);
}

/** Quintile score 1..5 of each value, by the tie rule above. */
export function scoreQuintile(values: number[], higherIsBetter: boolean): number[] {
  assertFinite(values);
  const n = values.length;
  return worseAndEqualCounts(values, higherIsBetter).map(({ worse }) => 1 + Math.floor((5 * worse) / n));
}

/** Mid-rank percentile of each value in (0, 1), higher = better, by the formula above. */
export function percentileRanks(values: number[], higherIsBetter: boolean): number[] {
  assertFinite(values);
  const n = values.length;
  return worseAndEqualCounts(values, higherIsBetter).map(({ worse, equal }) => (worse + 0.5 * equal) / n);
}

export function computeRfmScores(
  features: Pick<CustomerFeatures, 'recencyDays' | 'frequency' | 'monetary'>[],
): RfmScore[] {
  const r = scoreQuintile(
    features.map((customer) => customer.recencyDays),
    false,
  );
  const f = scoreQuintile(
    features.map((customer) => customer.frequency),
    true,
  );
  const m = scoreQuintile(
    features.map((customer) => customer.monetary),
    true,
  );
  return features.map((_, i) => ({ r: r[i], f: f[i], m: m[i], score: 100 * r[i] + 10 * f[i] + m[i] }));
}
