/**
 * The inputs of the VIP tiers (vip-tiers.ts) from a store's records: the reference the segment run's SQL
 * mirrors (segment-run.sql.ts BUILD_RUN_ORDER_TOTALS / BUILD_RUN_FEATURES, vip-tiers.sql.ts for the
 * high-margin share); the parity test holds them together. Exact rules:
 *
 *   TRAILING WINDOW  createdAt > trailingWindowStart(asOf) AND createdAt ≤ asOf, where the start is asOf
 *                    minus 12 calendar months in UTC, the day clamped to the month's end (29 February →
 *                    28 February), as PostgreSQL computes `asOf - interval '12 months'` in UTC.
 *   customers        those with an eligible order (eligibility.ts, 10-year window): the run's memberships.
 *                    A customer whose eligible orders are all older than 12 months has spend 0 (no tier).
 *   trailing12mSpend Σ (totalPrice − totalRefunded) over eligible orders in the trailing window, in cents.
 *   returnsRate      Σ totalRefunded ÷ Σ totalPrice over returns-rate orders (eligible or fully refunded) in
 *                    the trailing window; 0 when that Σ totalPrice is 0; 4 decimals.
 *   fullPriceShare   full-price units ÷ units of eligible orders in the trailing window (order-lines.ts);
 *                    0 when there are no units; 4 decimals.
 *   highMarginShare  Σ (price × quantity − discountAmount) of the lines of eligible trailing-window orders
 *                    whose productType is one of `highMarginCategories` (exact match) ÷ the same Σ over all
 *                    their lines; 0 when that Σ ≤ 0 or no categories are named; 4 decimals.
 * Shares and rates are clamped to 0..1 (refunds above the price, or lines discounted below zero, are data
 * errors that must not fail a run; vipTierFor refuses values outside 0..1). Output sorted by customerId in
 * code-unit order.
 */
import type { OrderRecord } from '../../store/store-records';
import type { VipCustomerInput } from './vip-tiers';
import { countsTowardsReturnsRate, isEligibleOrder } from './eligibility';
import { compareCodeUnits } from './features';
import { summariseOrderLines } from './order-lines';
import { fromCents, roundedQuotient, toCents } from './rounding';

export const VIP_TRAILING_MONTHS = 12;

/** asOf minus 12 calendar months in UTC, the day clamped to the target month's last day. */
export function trailingWindowStart(asOf: Date): Date {
  const months = asOf.getUTCFullYear() * 12 + asOf.getUTCMonth() - VIP_TRAILING_MONTHS;
  const year = Math.floor(months / 12);
  const month = months - 12 * year;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const start = new Date(asOf.getTime());
  start.setUTCFullYear(year, month, Math.min(asOf.getUTCDate(), lastDay));
  return start;
}

interface VipTally {
  spendCents: number;
  returnsPriceCents: number;
  returnsRefundedCents: number;
  units: number;
  fullPriceUnits: number;
  lineCents: number;
  highMarginCents: number;
}

const share = (numerator: number, denominator: number): number =>
  Math.min(1, Math.max(0, roundedQuotient(numerator, denominator, 4)));

export function computeVipInputs(orders: readonly OrderRecord[], asOf: Date,
  highMarginCategories: readonly string[] = []): VipCustomerInput[] {
  const start = trailingWindowStart(asOf).getTime();
  const categories = new Set(highMarginCategories);
  const tallies = new Map<string, VipTally>();
  const eligibleCustomers = new Set<string>();
  const tallyOf = (customerId: string): VipTally => {
    let tally = tallies.get(customerId);
    if (!tally) {
      tally = { spendCents: 0, returnsPriceCents: 0, returnsRefundedCents: 0, units: 0, fullPriceUnits: 0,
        lineCents: 0, highMarginCents: 0 };
      tallies.set(customerId, tally);
    }
    return tally;
  };

  for (const order of orders) {
    if (order.customerId === null) continue;
    const eligible = isEligibleOrder(order, asOf);
    if (eligible) eligibleCustomers.add(order.customerId);
    if (order.createdAt.getTime() <= start) continue;
    if (countsTowardsReturnsRate(order, asOf)) {
      const tally = tallyOf(order.customerId);
      tally.returnsPriceCents += toCents(order.totalPrice);
      tally.returnsRefundedCents += toCents(order.totalRefunded);
    }
    if (!eligible) continue;
    const tally = tallyOf(order.customerId);
    tally.spendCents += toCents(order.totalPrice) - toCents(order.totalRefunded);
    const lines = summariseOrderLines(order);
    tally.units += lines.units;
    tally.fullPriceUnits += lines.fullPriceUnits;
    if (categories.size === 0) continue;
    for (const line of order.lines) {
      const cents = toCents(line.price) * line.quantity - toCents(line.discountAmount);
      tally.lineCents += cents;
      if (line.productType !== null && categories.has(line.productType)) tally.highMarginCents += cents;
    }
  }

  return [...eligibleCustomers].sort(compareCodeUnits).map((customerId) => {
    const t = tallies.get(customerId);
    if (!t) return { customerId, trailing12mSpend: 0, returnsRate: 0, fullPriceShare: 0, highMarginShare: 0 };
    return {
      customerId,
      trailing12mSpend: fromCents(t.spendCents),
      returnsRate: t.returnsPriceCents === 0 ? 0 : share(t.returnsRefundedCents, t.returnsPriceCents),
      fullPriceShare: t.units <= 0 ? 0 : share(t.fullPriceUnits, t.units),
      highMarginShare: t.lineCents <= 0 ? 0 : share(t.highMarginCents, t.lineCents),
    };
  });
}
