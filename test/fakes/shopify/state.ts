/**
 * The fake shop's data: compact records (numbers for times and money, the seeded line objects kept as they
 * are) so a million orders fit; resolvers build the Admin API's shapes from them on demand. Times are whole
 * seconds, as Shopify keeps them.
 */
import type { ConsentState, FinancialStatus, OrderLineRecord } from '../../../src/store/store-records';

export class CustomerState {
  constructor(
    /** Shopify's numeric id, as a string (`7000000000001`). */
    public id: string,
    public email: string | null,
    public phone: string | null,
    public firstName: string | null,
    public lastName: string | null,
    public tags: string[],
    public country: string | null,
    public province: string | null,
    public emailConsent: ConsentState,
    public smsConsent: ConsentState,
    /** Epoch milliseconds, whole seconds. */
    public createdAt: number,
    public updatedAt: number,
  ) {}
}

export class OrderState {
  constructor(
    public id: string,
    public name: string,
    public customerId: string | null,
    public email: string | null,
    public createdAt: number,
    public updatedAt: number,
    public cancelledAt: number | null,
    public financialStatus: FinancialStatus,
    public currency: string,
    public subtotal: number,
    public totalDiscounts: number,
    public totalPrice: number,
    public totalRefunded: number,
    /** When the (single, summarised) refund was issued; null without refunds. */
    public refundedAt: number | null,
    public discountCodes: string[],
    public shippingCountry: string | null,
    public lines: OrderLineRecord[],
  ) {}
}

export class CheckoutState {
  constructor(
    public id: string,
    public customerId: string | null,
    public email: string | null,
    public createdAt: number,
    public updatedAt: number,
    public completedAt: number | null,
    public totalPrice: number,
    public currency: string,
    public recoveryUrl: string | null,
    /** One line item per category (product type). */
    public categories: string[],
  ) {}
}

/** An order's line as the API's LineItem; fields are resolved only when asked for. */
export class LineItemSource {
  constructor(
    readonly order: OrderState,
    readonly line: OrderLineRecord,
  ) {}
}

export type Resource = CustomerState | OrderState | CheckoutState;
export type SortKey = 'ID' | 'CREATED_AT' | 'UPDATED_AT';

export const SECOND_MS = 1000;
export const wholeSeconds = (ms: number): number => Math.floor(ms / SECOND_MS) * SECOND_MS;

/** Numeric id strings compare by value (length first), without BigInt. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** One kind of resource by id, with sorted views cached until the next change. */
export class Collection<T extends Resource> {
  readonly byId = new Map<string, T>();
  private readonly sorted = new Map<SortKey, T[]>();
  /** Bumped by every change (a bulk file of an unchanged store can be reused). */
  version = 0;

  get size(): number {
    return this.byId.size;
  }

  put(item: T): void {
    this.byId.set(item.id, item);
    this.sorted.clear();
    this.version += 1;
  }

  remove(id: string): boolean {
    this.sorted.clear();
    this.version += 1;
    return this.byId.delete(id);
  }

  /** Ascending by the key, then by id. */
  sortedBy(key: SortKey): T[] {
    let list = this.sorted.get(key);
    if (!list) {
      list = [...this.byId.values()];
      list.sort(key === 'ID' ? (a, b) => compareIds(a.id, b.id) : (a, b) => sortValue(a, key) - sortValue(b, key) || compareIds(a.id, b.id));
      this.sorted.set(key, list);
    }
    return list;
  }
}

/** The number a sort key orders by (ID sorts by compareIds instead). */
export function sortValue(item: Resource, key: SortKey): number {
  return key === 'UPDATED_AT' ? item.updatedAt : key === 'CREATED_AT' ? item.createdAt : 0;
}

export class ShopData {
  readonly customers = new Collection<CustomerState>();
  readonly orders = new Collection<OrderState>();
  readonly checkouts = new Collection<CheckoutState>();
  get version(): string {
    return `${this.customers.version}.${this.orders.version}.${this.checkouts.version}`;
  }

  /** Orders by customer id, for Customer.orders and numberOfOrders. */
  private ordersByCustomer: Map<string, OrderState[]> | null = null;

  putOrder(order: OrderState): void {
    this.orders.put(order);
    this.ordersByCustomer = null;
  }

  removeOrder(id: string): boolean {
    this.ordersByCustomer = null;
    return this.orders.remove(id);
  }

  ordersOf(customerId: string): OrderState[] {
    if (!this.ordersByCustomer) {
      const index = new Map<string, OrderState[]>();
      for (const order of this.orders.sortedBy('ID')) {
        if (order.customerId === null) continue;
        const list = index.get(order.customerId);
        if (list) list.push(order);
        else index.set(order.customerId, [order]);
      }
      this.ordersByCustomer = index;
    }
    return this.ordersByCustomer.get(customerId) ?? [];
  }
}

/** Shopify's global ids. */
export function gid(type: string, id: string | number): string {
  return `gid://shopify/${type}/${id}`;
}

export function parseGid(value: string): { type: string; id: string } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/([^/?]+)/.exec(value);
  return match ? { type: match[1], id: match[2] } : null;
}
