/**
 * Per-customer features: the reference implementation. The SQL feature query must give the same numbers,
 * so every rule is exact. "Eligible" is defined in eligibility.ts; "as of" is the moment the run looks from.
 *
 *   recencyDays    floor((asOf − lastOrderAt) / 86 400 000 ms): whole days since the last eligible order.
 *   frequency      number of eligible orders.
 *   monetary       Σ (totalPrice − totalRefunded) over eligible orders, rounded to cents (net of refunds).
 *   aov            monetary / frequency, rounded to cents (halves away from zero).
 *   firstOrderAt   createdAt of the earliest eligible order; lastOrderAt of the latest.
 *   returnsRate    Σ totalRefunded / Σ totalPrice over the customer's orders that are not cancelled, have
 *                  status paid, partially_paid, partially_refunded or refunded, and lie in the window;
 *                  0 when that Σ totalPrice is 0; 4 decimals. (Fully refunded orders are not eligible,
 *                  but they are the returns, so they count here.)
 *   discountShare  share of eligible orders with at least one discount code; 4 decimals.
 *   fullPriceShare quantity-weighted share of line units in eligible orders bought at full price:
 *                  (compareAtPrice is null or ≤ price) AND line discountAmount = 0 AND the order has no
 *                  discount code. Units = Σ quantity; 0 when there are no units; 4 decimals.
 *   categoryCount  number of distinct productType values of eligible orders' lines, compared exactly as
 *                  stored, ignoring null and ''.
 *   country, emailConsent, smsConsent
 *                  from the customer record; for an order whose customer is not among the customers
 *                  given (e.g. a customer deleted in Shopify), country null and consent 'not_subscribed'.
 *
 * Only customers with at least one eligible order get features. Output is sorted by customerId in
 * code-unit order (SQL: ORDER BY customer_id COLLATE "C"). All rounding is exact (see rounding.ts).
 */
import type { ConsentState, CustomerRecord, OrderRecord } from '../../store/store-records';
import { countsTowardsReturnsRate, isEligibleOrder } from './eligibility';
import { summariseOrderLines } from './order-lines';
import { fromCents, roundedQuotient, toCents } from './rounding';

export interface CustomerFeatures {
  customerId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  aov: number;
  firstOrderAt: Date;
  lastOrderAt: Date;
  returnsRate: number;
  discountShare: number;
  fullPriceShare: number;
  categoryCount: number;
  country: string | null;
  emailConsent: ConsentState;
  smsConsent: ConsentState;
}

export const MS_PER_DAY = 86_400_000;

/** Running totals for one customer while the orders stream past. */
interface Tally {
  eligibleOrders: number;
  netCents: number;
  firstOrderAt: Date;
  lastOrderAt: Date;
  discountedOrders: number;
  units: number;
  fullPriceUnits: number;
  categories: Set<string>;
  returnsPriceCents: number;
  returnsRefundedCents: number;
}

function emptyTally(): Tally {
  return {
    eligibleOrders: 0,
    netCents: 0,
    firstOrderAt: new Date(8.64e15),
    lastOrderAt: new Date(-8.64e15),
    discountedOrders: 0,
    units: 0,
    fullPriceUnits: 0,
    categories: new Set(),
    returnsPriceCents: 0,
    returnsRefundedCents: 0,
  };
}

export function hasDiscountCode(order: OrderRecord): boolean {
  return order.discountCodes.length > 0;
}

function addEligibleOrder(tally: Tally, order: OrderRecord): void {
  tally.eligibleOrders += 1;
  tally.netCents += toCents(order.totalPrice) - toCents(order.totalRefunded);
  if (order.createdAt.getTime() < tally.firstOrderAt.getTime()) tally.firstOrderAt = order.createdAt;
  if (order.createdAt.getTime() > tally.lastOrderAt.getTime()) tally.lastOrderAt = order.createdAt;
  if (hasDiscountCode(order)) tally.discountedOrders += 1;
  const lines = summariseOrderLines(order);
  tally.units += lines.units;
  tally.fullPriceUnits += lines.fullPriceUnits;
  for (const category of lines.categories) tally.categories.add(category);
}

export function computeFeatures(customers: CustomerRecord[], orders: OrderRecord[], asOf: Date): CustomerFeatures[] {
  const tallies = new Map<string, Tally>();
  const tallyOf = (customerId: string): Tally => {
    let tally = tallies.get(customerId);
    if (!tally) {
      tally = emptyTally();
      tallies.set(customerId, tally);
    }
    return tally;
  };

  for (const order of orders) {
    if (order.customerId === null) continue;
    if (countsTowardsReturnsRate(order, asOf)) {
      const tally = tallyOf(order.customerId);
      tally.returnsPriceCents += toCents(order.totalPrice);
      tally.returnsRefundedCents += toCents(order.totalRefunded);
    }
    if (isEligibleOrder(order, asOf)) addEligibleOrder(tallyOf(order.customerId), order);
  }

  const customersById = new Map(customers.map((customer) => [customer.customerId, customer]));
  const features: CustomerFeatures[] = [];
  for (const [customerId, tally] of tallies) {
    // A customer whose only orders are fully refunded has a returns tally but no eligible order.
    if (tally.eligibleOrders === 0) continue;
    const customer = customersById.get(customerId);
    features.push({
      customerId,
      recencyDays: Math.floor((asOf.getTime() - tally.lastOrderAt.getTime()) / MS_PER_DAY),
      frequency: tally.eligibleOrders,
      monetary: fromCents(tally.netCents),
      aov: roundedQuotient(tally.netCents, tally.eligibleOrders * 100, 2),
      firstOrderAt: tally.firstOrderAt,
      lastOrderAt: tally.lastOrderAt,
      returnsRate:
        tally.returnsPriceCents === 0 ? 0 : roundedQuotient(tally.returnsRefundedCents, tally.returnsPriceCents, 4),
      discountShare: roundedQuotient(tally.discountedOrders, tally.eligibleOrders, 4),
      fullPriceShare: tally.units <= 0 ? 0 : roundedQuotient(tally.fullPriceUnits, tally.units, 4),
      categoryCount: tally.categories.size,
      country: customer?.country ?? null,
      emailConsent: customer?.emailConsent ?? 'not_subscribed',
      smsConsent: customer?.smsConsent ?? 'not_subscribed',
    });
  }
  return features.sort((a, b) => compareCodeUnits(a.customerId, b.customerId));
}

/** Plain code-unit string order, independent of locale (SQL: COLLATE "C" for ASCII ids). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
