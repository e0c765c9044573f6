/**
 * The reference values of the query attributes that come from the store's own records (customers, orders,
 * checkouts), for every customer of a shop: the executable form of GRAMMAR.md's "Attribute definitions",
 * which the SQL filling a segment query's columns must reproduce. Tests use it to evaluate queries on a
 * hand-built store; the service computes the same values in SQL.
 *
 * The run's model outputs (rfm_group, rfm_score, vip_tier, predicted_clv, churn_risk) are not derived here:
 * they come from their own modules and can be merged into these records by the caller.
 *
 * Order-based attributes reuse computeFeatures (features.ts), so the two can never disagree.
 */
import type { CheckoutRecord, CustomerRecord, OrderRecord } from '../../../store/store-records';
import { isEligibleOrder, isWithinEligibilityWindow } from '../eligibility';
import { compareCodeUnits, computeFeatures, MS_PER_DAY, type CustomerFeatures } from '../features';
import { roundedQuotient } from '../rounding';
import type { SegmentQueryCustomer } from './attributes';

/** How long after its launch a product counts as new, and how long a store's history must run first. */
export const NEW_PRODUCT_WINDOW_DAYS = 30;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface StoreAttributesInput {
  readonly customers: readonly CustomerRecord[];
  readonly orders: readonly OrderRecord[];
  readonly checkouts: readonly CheckoutRecord[];
  readonly asOf: Date;
}

/**
 * Every customer (records, plus customers with an eligible order but no record) with the store-derived
 * attributes, keyed by customer id in code-unit order.
 */
export function storeAttributes(input: StoreAttributesInput): Map<string, SegmentQueryCustomer> {
  const { asOf } = input;
  const features = new Map(computeFeatures([...input.customers], [...input.orders], asOf).map((f) => [f.customerId, f]));
  const records = new Map(input.customers.map((c) => [c.customerId, c]));
  const eligible = input.orders.filter((order) => isEligibleOrder(order, asOf));
  const reorder = expectedReorderDates(eligible);
  const trend = trendPurchaseCounts(input.orders, eligible, asOf);
  const abandoned = openAbandonedCheckouts(input.checkouts, features, asOf);

  const ids = [...new Set([...records.keys(), ...features.keys()])].sort(compareCodeUnits);
  const result = new Map<string, SegmentQueryCustomer>();
  for (const id of ids) {
    const record = records.get(id);
    const f = features.get(id);
    const customer: Mutable<SegmentQueryCustomer> = {
      amount_spent: f?.monetary ?? 0,
      number_of_orders: f?.frequency ?? 0,
      aov: f?.aov ?? null,
      first_order_date: f?.firstOrderAt ?? null,
      last_order_date: f?.lastOrderAt ?? null,
      customer_countries: record?.country ? [record.country] : [],
      customer_tags: record?.tags ?? [],
      email_subscription_status: record?.emailConsent ?? 'not_subscribed',
      sms_subscription_status: record?.smsConsent ?? 'not_subscribed',
      discount_share: f?.discountShare ?? null,
      full_price_share: f?.fullPriceShare ?? null,
      returns_rate: f?.returnsRate ?? null,
      expected_reorder_date: reorder.get(id) ?? null,
      abandoned_checkout_date: abandoned.get(id)?.latest ?? null,
      abandoned_checkout_categories: abandoned.get(id)?.categories ?? [],
      trend_purchase_share: f ? roundedQuotient(trend.get(id) ?? 0, f.frequency, 4) : null,
    };
    result.set(id, customer);
  }
  return result;
}

/** UTC day number (days since 1970-01-01) of a moment. */
function utcDay(at: Date): number {
  return Math.floor(at.getTime() / MS_PER_DAY);
}

/** Last purchase day + ⌊(last − first) / (k − 1)⌋ days, for customers with k ≥ 2 purchase days. */
function expectedReorderDates(eligible: readonly OrderRecord[]): Map<string, Date> {
  const days = new Map<string, Set<number>>();
  for (const order of eligible) {
    const id = order.customerId!;
    if (!days.has(id)) days.set(id, new Set());
    days.get(id)!.add(utcDay(order.createdAt));
  }
  const result = new Map<string, Date>();
  for (const [id, set] of days) {
    if (set.size < 2) continue;
    let first = Infinity;
    let last = -Infinity;
    for (const day of set) {
      first = Math.min(first, day);
      last = Math.max(last, day);
    }
    result.set(id, new Date((last + Math.floor((last - first) / (set.size - 1))) * MS_PER_DAY));
  }
  return result;
}

/** Number of trend purchases per customer among their eligible orders (see GRAMMAR.md). */
function trendPurchaseCounts(orders: readonly OrderRecord[], eligible: readonly OrderRecord[], asOf: Date): Map<string, number> {
  const history = orders.filter((order) => order.createdAt.getTime() <= asOf.getTime());
  const window = NEW_PRODUCT_WINDOW_DAYS * MS_PER_DAY;
  const counts = new Map<string, number>();
  if (history.length === 0) return counts;
  const start = history.reduce((min, order) => Math.min(min, order.createdAt.getTime()), Infinity);
  const launches = new Map<string, number>();
  for (const order of history) {
    for (const line of order.lines) {
      if (!line.productId) continue;
      const at = order.createdAt.getTime();
      if (at < (launches.get(line.productId) ?? Infinity)) launches.set(line.productId, at);
    }
  }
  for (const order of eligible) {
    const at = order.createdAt.getTime();
    const trend = order.lines.some((line) => {
      const launch = line.productId ? launches.get(line.productId) : undefined;
      return launch !== undefined && launch - start >= window && at - launch <= window;
    });
    if (trend) counts.set(order.customerId!, (counts.get(order.customerId!) ?? 0) + 1);
  }
  return counts;
}

interface OpenCheckouts {
  latest: Date;
  categories: string[];
}

/** Checkouts not completed by asOf, in the window, created after the customer's last eligible order. */
function openAbandonedCheckouts(
  checkouts: readonly CheckoutRecord[],
  features: ReadonlyMap<string, CustomerFeatures>,
  asOf: Date,
): Map<string, OpenCheckouts> {
  const result = new Map<string, { latest: Date; categories: Set<string> }>();
  for (const checkout of checkouts) {
    const id = checkout.customerId;
    if (id === null) continue;
    const completed = checkout.completedAt !== null && checkout.completedAt.getTime() <= asOf.getTime();
    if (completed || !isWithinEligibilityWindow(checkout.createdAt, asOf)) continue;
    const lastOrderAt = features.get(id)?.lastOrderAt;
    if (lastOrderAt && checkout.createdAt.getTime() <= lastOrderAt.getTime()) continue;
    const open = result.get(id) ?? { latest: checkout.createdAt, categories: new Set<string>() };
    if (checkout.createdAt.getTime() > open.latest.getTime()) open.latest = checkout.createdAt;
    for (const category of checkout.categories) if (category !== '') open.categories.add(category);
    result.set(id, open);
  }
  return new Map(
    [...result].map(([id, open]) => [id, { latest: open.latest, categories: [...open.categories].sort(compareCodeUnits) }]),
  );
}
