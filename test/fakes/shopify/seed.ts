/**
 * The project's own records (what the demo generator and the CSV importers yield) turned into the fake's
 * state, and the changes tests make afterwards. Rules, so a test can predict what the API will say:
 * - times are cut to whole seconds (Shopify's precision);
 * - a customer without createdAt was created "now";
 * - an order's updatedAt is the latest of createdAt, cancelledAt and its refund; a refunded order has one
 *   refund of totalRefunded, issued 3 days after the order (or now, if sooner);
 * - a record may carry `updatedAt` to set it explicitly.
 */
import type { CheckoutRecord, CustomerRecord, OrderRecord } from '../../../src/store/store-records';
import { CheckoutState, CustomerState, OrderState, type ShopData, wholeSeconds } from './state';

export type Seeded<T> = T & { updatedAt?: Date };

export interface SeedInput {
  customers?: Iterable<Seeded<CustomerRecord>>;
  orders?: Iterable<Seeded<OrderRecord>>;
  checkouts?: Iterable<Seeded<CheckoutRecord>>;
}

const REFUND_DELAY_MS = 3 * 86_400_000;

const time = (date: Date | null | undefined): number | null => (date ? wholeSeconds(date.getTime()) : null);

function numericId(kind: string, id: string): string {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw new Error(`fake Shopify: ${kind} id "${id}" is not a Shopify numeric id`);
  return id;
}

export function customerState(record: Seeded<CustomerRecord>, now: number): CustomerState {
  const createdAt = time(record.createdAt) ?? wholeSeconds(now);
  return new CustomerState(
    numericId('customer', record.customerId),
    record.email,
    record.phone,
    record.firstName,
    record.lastName,
    record.tags,
    record.country,
    record.province,
    record.emailConsent,
    record.smsConsent,
    createdAt,
    time(record.updatedAt) ?? createdAt,
  );
}

export function orderState(record: Seeded<OrderRecord>, now: number): OrderState {
  const createdAt = time(record.createdAt) as number;
  const cancelledAt = time(record.cancelledAt);
  const refundedAt = record.totalRefunded > 0 ? Math.max(createdAt, wholeSeconds(Math.min(createdAt + REFUND_DELAY_MS, now))) : null;
  const updatedAt = time(record.updatedAt) ?? Math.max(createdAt, cancelledAt ?? 0, refundedAt ?? 0);
  return new OrderState(
    numericId('order', record.orderId),
    record.name ?? `#${record.orderId}`,
    record.customerId === null ? null : numericId('customer', record.customerId),
    record.customerEmail ?? null,
    createdAt,
    updatedAt,
    cancelledAt,
    record.financialStatus,
    record.currency,
    record.subtotal,
    record.totalDiscounts,
    record.totalPrice,
    record.totalRefunded,
    refundedAt,
    record.discountCodes,
    record.shippingCountry,
    record.lines,
  );
}

export function checkoutState(record: Seeded<CheckoutRecord>): CheckoutState {
  const createdAt = time(record.createdAt) as number;
  return new CheckoutState(
    numericId('checkout', record.checkoutId),
    record.customerId === null ? null : numericId('customer', record.customerId),
    record.email,
    createdAt,
    time(record.updatedAt) ?? Math.max(createdAt, time(record.completedAt) ?? 0),
    time(record.completedAt),
    record.totalPrice,
    record.currency,
    record.recoveryUrl,
    record.categories,
  );
}

/** Adds or replaces the given records. An order's email defaults to its customer's. */
export function seed(data: ShopData, input: SeedInput, now: number): { customers: number; orders: number; checkouts: number } {
  const counts = { customers: 0, orders: 0, checkouts: 0 };
  for (const record of input.customers ?? []) {
    data.customers.put(customerState(record, now));
    counts.customers += 1;
  }
  for (const record of input.orders ?? []) {
    const order = orderState(record, now);
    if (order.email === null && order.customerId !== null) order.email = data.customers.byId.get(order.customerId)?.email ?? null;
    data.putOrder(order);
    counts.orders += 1;
  }
  for (const record of input.checkouts ?? []) {
    data.checkouts.put(checkoutState(record));
    counts.checkouts += 1;
  }
  return counts;
}

/** The fields a test may change on a customer; updatedAt moves to `at` (default now). */
export type CustomerChange = Partial<Omit<CustomerState, 'id' | 'createdAt' | 'updatedAt'>> & { updatedAt?: Date };
export type OrderChange = Partial<Omit<OrderState, 'id' | 'createdAt' | 'updatedAt' | 'cancelledAt' | 'refundedAt'>> & {
  cancelledAt?: Date | null;
  refundedAt?: Date | null;
  updatedAt?: Date;
};

export function changeCustomer(data: ShopData, id: string, change: CustomerChange, now: number): CustomerState {
  const current = data.customers.byId.get(id);
  if (!current) throw new Error(`fake Shopify: no customer ${id}`);
  const { updatedAt, ...fields } = change;
  const next = Object.assign(Object.create(CustomerState.prototype) as CustomerState, current, fields);
  next.updatedAt = nextUpdatedAt(current.updatedAt, updatedAt, now);
  data.customers.put(next);
  return next;
}

export function changeOrder(data: ShopData, id: string, change: OrderChange, now: number): OrderState {
  const current = data.orders.byId.get(id);
  if (!current) throw new Error(`fake Shopify: no order ${id}`);
  const { updatedAt, cancelledAt, refundedAt, ...fields } = change;
  const next = Object.assign(Object.create(OrderState.prototype) as OrderState, current, fields);
  if (cancelledAt !== undefined) next.cancelledAt = time(cancelledAt);
  if (refundedAt !== undefined) next.refundedAt = time(refundedAt);
  else if (next.totalRefunded > 0 && next.refundedAt === null) next.refundedAt = wholeSeconds(now);
  next.updatedAt = nextUpdatedAt(current.updatedAt, updatedAt, now);
  data.putOrder(next);
  return next;
}

/** An explicit time wins; otherwise now, but always at least a second after the last update (a watermark moves). */
function nextUpdatedAt(previous: number, explicit: Date | undefined, now: number): number {
  if (explicit) return wholeSeconds(explicit.getTime());
  return Math.max(wholeSeconds(now), previous + 1000);
}
