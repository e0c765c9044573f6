/**
 * Builders for hand-made stores in tests: customers and orders with sensible defaults, so a test states only
 * what matters to it ("one order of 40.00, 120 days before the as-of date"). Plain data, no I/O; shared by
 * the segmentation unit tests and other modules' integration tests, so it stays general.
 *
 * Defaults: a paid, uncancelled order in EUR with one line of one unit at full price (no compare-at price,
 * no discount, no code), its totals derived from its lines. Dates are computed from the builder's as-of
 * moment, in whole days, so a test reads like the merchant's calendar.
 */
import type { CustomerRecord, OrderLineRecord, OrderRecord } from '../../../store/store-records';

const MS_PER_DAY = 86_400_000;

/** The moment `days` whole days before `asOf` (fractions allowed: 0.5 = twelve hours). */
export function daysBefore(asOf: Date, days: number): Date {
  return new Date(asOf.getTime() - days * MS_PER_DAY);
}

/** Rounds to cents, so derived totals look like the money the records promise. */
function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

export function buildCustomer(overrides: Partial<CustomerRecord> & { customerId: string }): CustomerRecord {
  return {
    email: `${overrides.customerId}@example.test`,
    phone: null,
    firstName: null,
    lastName: null,
    country: null,
    province: null,
    timezone: null,
    tags: [],
    emailConsent: 'subscribed',
    smsConsent: 'not_subscribed',
    createdAt: null,
    ...overrides,
  };
}

export function buildLine(overrides: Partial<OrderLineRecord> = {}): OrderLineRecord {
  return {
    lineNo: 1,
    productId: null,
    sku: null,
    title: 'Product',
    productType: null,
    quantity: 1,
    price: 10,
    compareAtPrice: null,
    discountAmount: 0,
    ...overrides,
  };
}

/**
 * An order. Totals not given are derived from the lines: subtotal = Σ price × quantity, totalDiscounts =
 * Σ line discountAmount, totalPrice = subtotal − totalDiscounts. Given only a totalPrice, the order gets
 * one line priced at that total.
 */
export function buildOrder(
  overrides: Partial<OrderRecord> & { orderId: string; createdAt: Date },
): OrderRecord {
  const lines =
    overrides.lines ??
    [buildLine({ price: overrides.totalPrice ?? overrides.subtotal ?? 10 })];
  const subtotal = overrides.subtotal ?? cents(lines.reduce((sum, line) => sum + line.price * line.quantity, 0));
  const totalDiscounts = overrides.totalDiscounts ?? cents(lines.reduce((sum, line) => sum + line.discountAmount, 0));
  return {
    name: null,
    customerId: null,
    financialStatus: 'paid',
    cancelledAt: null,
    currency: 'EUR',
    totalRefunded: 0,
    discountCodes: [],
    shippingCountry: null,
    ...overrides,
    lines,
    subtotal,
    totalDiscounts,
    totalPrice: overrides.totalPrice ?? cents(subtotal - totalDiscounts),
  };
}

/** What a test says about an order placed through StoreBuilder. */
export type OrderSpec = Partial<Omit<OrderRecord, 'customerId'>> & {
  /** Whole days before the builder's as-of moment; ignored when createdAt is given. Default 1. */
  daysAgo?: number;
};

/**
 * A store under construction: customers and orders with ids numbered in the order they are added, so the
 * same test code always builds the same store.
 */
export class StoreBuilder {
  readonly customers: CustomerRecord[] = [];
  readonly orders: OrderRecord[] = [];
  private nextOrderNumber = 1001;

  constructor(readonly asOf: Date) {}

  /** Adds a customer record and returns its id. */
  customer(customerId: string, overrides: Partial<CustomerRecord> = {}): string {
    this.customers.push(buildCustomer({ ...overrides, customerId }));
    return customerId;
  }

  /** Adds an order for the customer id (null: a guest order with no customer) and returns it. */
  order(customerId: string | null, spec: OrderSpec = {}): OrderRecord {
    const { daysAgo = 1, ...fields } = spec;
    const number = this.nextOrderNumber++;
    const order = buildOrder({
      orderId: `order-${number}`,
      name: `#${number}`,
      createdAt: daysBefore(this.asOf, daysAgo),
      ...fields,
      customerId,
    });
    this.orders.push(order);
    return order;
  }

  /**
   * Adds `count` orders for the customer, one every `everyDays` days, the most recent `lastDaysAgo` days
   * before as-of: a customer with a buying rhythm. Each order gets `spec` (e.g. its totalPrice).
   */
  repeatOrders(
    customerId: string,
    rhythm: { count: number; everyDays: number; lastDaysAgo: number },
    spec: Omit<OrderSpec, 'daysAgo' | 'createdAt'> = {},
  ): OrderRecord[] {
    const placed: OrderRecord[] = [];
    for (let i = rhythm.count - 1; i >= 0; i--) {
      placed.push(this.order(customerId, { ...spec, daysAgo: rhythm.lastDaysAgo + i * rhythm.everyDays }));
    }
    return placed;
  }
}
