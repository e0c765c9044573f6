/**
 * The Admin API's shapes, built from the compact state on demand: Shop, Customer, Order (line items,
 * refunds, money bags, addresses) and AbandonedCheckout, the root connections and node lookups.
 * Field names follow the 2026-10 schema; a field not listed here (or not a property of a plain view object)
 * is answered with a FAKE_UNSUPPORTED error naming it.
 */
import { type ConnectionArgs, paginate, paginateList } from './connections';
import {
  dateTime, decimal, type FakeContext, money, moneyBag, orderVisible, requireScope, type ResolverTable,
} from './context';
import { parseSearch } from './search-query';
import { CheckoutState, compareIds, CustomerState, gid, LineItemSource, OrderState, parseGid, type SortKey, sortValue } from './state';

type ConnectionArguments = ConnectionArgs & { query?: string | null; sortKey?: string | null };

/** Sort keys the fake orders by; orders are processed when created, RELEVANCE without a search is by id. */
const SORT_KEYS: Record<string, SortKey> = {
  ID: 'ID', CREATED_AT: 'CREATED_AT', UPDATED_AT: 'UPDATED_AT', PROCESSED_AT: 'CREATED_AT', CHECKOUT_ID: 'ID', RELEVANCE: 'ID',
};

function sortKeyOf(args: ConnectionArguments): SortKey {
  const key = SORT_KEYS[args.sortKey ?? 'ID'];
  if (!key) throw new Error(`The fake Shopify does not support sortKey ${args.sortKey} (only ${Object.keys(SORT_KEYS).join(', ')})`);
  return key;
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
const knownCountries = new Map<string, string>();
function countryName(code: string | null): string | null {
  if (!code) return null;
  let name = knownCountries.get(code);
  if (name === undefined) knownCountries.set(code, (name = countryNames.of(code) ?? code));
  return name;
}

function address(country: string | null, province: string | null, person?: CustomerState) {
  if (!country && !province) return null;
  return {
    id: person ? gid('MailingAddress', `${person.id}?model_name=CustomerAddress`) : gid('MailingAddress', '1'),
    firstName: person?.firstName ?? null,
    lastName: person?.lastName ?? null,
    name: person ? [person.firstName, person.lastName].filter(Boolean).join(' ') || null : null,
    phone: person?.phone ?? null,
    company: null,
    address1: null,
    address2: null,
    city: null,
    zip: null,
    province,
    // The records keep the province as their source gave it (Shopify's exports give the code).
    provinceCode: province,
    country: countryName(country),
    countryCode: country,
    countryCodeV2: country,
  };
}

const upper = (state: string): string => state.toUpperCase();

const lineItemId = (item: LineItemSource): string => `${item.order.id}${String(item.line.lineNo).padStart(3, '0')}`;
const unitDiscount = ({ line }: LineItemSource): number => (line.quantity > 0 ? line.discountAmount / line.quantity : 0);

function productOf({ line }: LineItemSource) {
  return line.productId
    ? { __typename: 'Product', id: gid('Product', line.productId), title: line.title, productType: line.productType ?? '' }
    : null;
}

const LINE_ITEM: Record<string, (item: LineItemSource) => unknown> = {
  id: (i) => gid('LineItem', lineItemId(i)),
  name: (i) => i.line.title,
  title: (i) => i.line.title,
  sku: (i) => i.line.sku,
  quantity: (i) => i.line.quantity,
  currentQuantity: (i) => i.line.quantity,
  isGiftCard: (i) => i.line.productType === 'Gift Card',
  originalUnitPriceSet: (i) => moneyBag(i.line.price, i.order.currency),
  originalTotalSet: (i) => moneyBag(i.line.price * i.line.quantity, i.order.currency),
  discountedUnitPriceSet: (i) => moneyBag(i.line.price - unitDiscount(i), i.order.currency),
  discountedUnitPriceAfterAllDiscountsSet: (i) => moneyBag(i.line.price - unitDiscount(i), i.order.currency),
  discountedTotalSet: (i) => moneyBag(i.line.price * i.line.quantity - i.line.discountAmount, i.order.currency),
  totalDiscountSet: (i) => moneyBag(i.line.discountAmount, i.order.currency),
  discountAllocations: (i) => (i.line.discountAmount > 0 ? [{ allocatedAmountSet: moneyBag(i.line.discountAmount, i.order.currency) }] : []),
  product: (i) => productOf(i),
  variant: (i) =>
    i.line.productId
      ? {
          __typename: 'ProductVariant',
          id: gid('ProductVariant', i.line.productId),
          sku: i.line.sku,
          title: i.line.title,
          displayName: i.line.title,
          price: decimal(i.line.price),
          compareAtPrice: i.line.compareAtPrice === null ? null : decimal(i.line.compareAtPrice),
          product: productOf(i),
        }
      : null,
};

function checkoutLineItems(checkout: CheckoutState) {
  const n = checkout.categories.length;
  return checkout.categories.map((category, i) => {
    const price = n > 0 ? Math.round((checkout.totalPrice / n) * 100) / 100 : 0;
    const product = { id: gid('Product', `9${checkout.id}${i}`), title: category, productType: category };
    return {
      id: gid('AbandonedCheckoutLineItem', `${checkout.id}${String(i + 1).padStart(3, '0')}`),
      title: category,
      sku: null,
      quantity: 1,
      product,
      variant: null,
      originalUnitPriceSet: moneyBag(price, checkout.currency),
      originalTotalPriceSet: moneyBag(price, checkout.currency),
      discountedUnitPriceSet: moneyBag(price, checkout.currency),
      discountedTotalPriceSet: moneyBag(price, checkout.currency),
    };
  });
}

/** Looks a global id up among the resources the token may see; null otherwise (as Shopify answers). */
function nodeById(ctx: FakeContext, id: string): unknown {
  const parsed = parseGid(id);
  if (!parsed) return null;
  const services = ctx.services as { lookupNode?: (type: string, id: string) => unknown };
  switch (parsed.type) {
    case 'Customer':
      requireScope(ctx, 'read_customers', 'node');
      return ctx.data.customers.byId.get(parsed.id) ?? null;
    case 'Order': {
      requireScope(ctx, 'read_orders', 'node');
      const order = ctx.data.orders.byId.get(parsed.id);
      return order && orderVisible(ctx, order) ? order : null;
    }
    case 'AbandonedCheckout':
      requireScope(ctx, 'read_orders', 'node');
      return ctx.data.checkouts.byId.get(parsed.id) ?? null;
    default:
      return services.lookupNode?.(parsed.type, parsed.id) ?? null;
  }
}

/** A customer's orders (already in id order) as a connection; every one of them in a bulk operation. */
function orderConnection(ctx: FakeContext, orders: OrderState[], args: ConnectionArguments) {
  const visible = (o: OrderState) => orderVisible(ctx, o);
  const filter = parseSearch(args.query);
  if (ctx.bulk) return paginateList(orders.filter((o) => visible(o) && filter.matches(o)), {}, true);
  const sortKey = sortKeyOf(args);
  const sorted = sortKey === 'ID' ? orders : [...orders].sort((a, b) => sortValue(a, sortKey) - sortValue(b, sortKey) || compareIds(a.id, b.id));
  return paginate(sorted, sortKey, args, visible, filter);
}

const customerOf = (ctx: FakeContext, id: string | null) => (id === null ? null : (ctx.data.customers.byId.get(id) ?? null));

export const DATA_RESOLVERS: ResolverTable = {
  LineItem: Object.fromEntries(Object.entries(LINE_ITEM).map(([field, resolve]) => [field, (item: LineItemSource) => resolve(item)])),
  CustomerPhoneNumber: {
    // The consent record of the phone number (CustomerMarketingConsentState says NEVER_SUBSCRIBED).
    smsMarketingConsent: (p: { marketingState: string }) => ({
      state: p.marketingState === 'NOT_SUBSCRIBED' ? 'NEVER_SUBSCRIBED' : p.marketingState,
      optInLevel: 'SINGLE_OPT_IN',
      updatedAt: null,
      collectedFrom: 'OTHER',
      sourceLocation: null,
    }),
  },
  QueryRoot: {
    shop: (_s, _a, ctx) => ({
      __typename: 'Shop',
      id: gid('Shop', 1),
      name: ctx.shop.name,
      email: ctx.shop.email,
      contactEmail: ctx.shop.email,
      myshopifyDomain: ctx.shop.domain,
      currencyCode: ctx.shop.currency,
      ianaTimezone: ctx.shop.timezone,
      url: `https://${ctx.shop.domain}`,
    }),
    customers: (_s, args: ConnectionArguments, ctx) => {
      requireScope(ctx, 'read_customers', 'customers');
      const sortKey = sortKeyOf(args);
      return paginate(ctx.data.customers.sortedBy(sortKey), sortKey, args, () => true, parseSearch(args.query));
    },
    orders: (_s, args: ConnectionArguments, ctx) => {
      requireScope(ctx, 'read_orders', 'orders');
      const sortKey = sortKeyOf(args);
      return paginate(ctx.data.orders.sortedBy(sortKey), sortKey, args, (o) => orderVisible(ctx, o), parseSearch(args.query));
    },
    abandonedCheckouts: (_s, args: ConnectionArguments, ctx) => {
      requireScope(ctx, 'read_orders', 'abandonedCheckouts');
      const sortKey = sortKeyOf(args);
      return paginate(ctx.data.checkouts.sortedBy(sortKey), sortKey, args, (c) => c.completedAt === null, parseSearch(args.query));
    },
    customer: (_s, args: { id: string }, ctx) => (parseGid(args.id)?.type === 'Customer' ? nodeById(ctx, args.id) : null),
    order: (_s, args: { id: string }, ctx) => (parseGid(args.id)?.type === 'Order' ? nodeById(ctx, args.id) : null),
    node: (_s, args: { id: string }, ctx) => nodeById(ctx, args.id),
    nodes: (_s, args: { ids: string[] }, ctx) => args.ids.map((id) => nodeById(ctx, id)),
    currentAppInstallation: (_s, _a, ctx) => ({
      id: gid('AppInstallation', 1),
      accessScopes: [...ctx.scopes].map((handle) => ({ handle, description: handle })),
    }),
  },
  Customer: {
    id: (c: CustomerState) => gid('Customer', c.id),
    legacyResourceId: (c: CustomerState) => c.id,
    email: (c: CustomerState) => c.email,
    phone: (c: CustomerState) => c.phone,
    firstName: (c: CustomerState) => c.firstName,
    lastName: (c: CustomerState) => c.lastName,
    displayName: (c: CustomerState) => [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || '',
    tags: (c: CustomerState) => c.tags,
    note: () => null,
    locale: () => 'en',
    state: () => 'ENABLED',
    verifiedEmail: (c: CustomerState) => c.email !== null,
    createdAt: (c: CustomerState) => dateTime(c.createdAt),
    updatedAt: (c: CustomerState) => dateTime(c.updatedAt),
    defaultEmailAddress: (c: CustomerState) =>
      c.email === null ? null : { emailAddress: c.email, marketingState: upper(c.emailConsent), marketingOptInLevel: 'SINGLE_OPT_IN', marketingUpdatedAt: null },
    defaultPhoneNumber: (c: CustomerState) =>
      c.phone === null ? null : { phoneNumber: c.phone, marketingState: upper(c.smsConsent), marketingOptInLevel: 'SINGLE_OPT_IN', marketingUpdatedAt: null, marketingCollectedFrom: 'OTHER' },
    emailMarketingConsent: (c: CustomerState) =>
      c.email === null ? null : { marketingState: upper(c.emailConsent), marketingOptInLevel: 'SINGLE_OPT_IN', consentUpdatedAt: null },
    smsMarketingConsent: (c: CustomerState) =>
      c.phone === null ? null : { marketingState: upper(c.smsConsent), marketingOptInLevel: 'SINGLE_OPT_IN', consentUpdatedAt: null, consentCollectedFrom: 'OTHER' },
    defaultAddress: (c: CustomerState) => address(c.country, c.province, c),
    addresses: (c: CustomerState) => [address(c.country, c.province, c)].filter(Boolean),
    numberOfOrders: (c: CustomerState, _a, ctx) => String(ctx.data.ordersOf(c.id).length),
    amountSpent: (c: CustomerState, _a, ctx) => {
      const orders = ctx.data.ordersOf(c.id).filter((o) => o.cancelledAt === null);
      return money(orders.reduce((sum, o) => sum + o.totalPrice - o.totalRefunded, 0), ctx.shop.currency);
    },
    orders: (c: CustomerState, args: ConnectionArguments, ctx) => {
      requireScope(ctx, 'read_orders', 'orders');
      return orderConnection(ctx, ctx.data.ordersOf(c.id), args);
    },
  },
  Order: {
    id: (o: OrderState) => gid('Order', o.id),
    legacyResourceId: (o: OrderState) => o.id,
    name: (o: OrderState) => o.name,
    email: (o: OrderState) => o.email,
    customer: (o: OrderState, _a, ctx) => {
      requireScope(ctx, 'read_customers', 'customer');
      return customerOf(ctx, o.customerId);
    },
    createdAt: (o: OrderState) => dateTime(o.createdAt),
    processedAt: (o: OrderState) => dateTime(o.createdAt),
    updatedAt: (o: OrderState) => dateTime(o.updatedAt),
    cancelledAt: (o: OrderState) => dateTime(o.cancelledAt),
    closed: () => false,
    closedAt: () => null,
    test: () => false,
    tags: () => [],
    note: () => null,
    sourceName: () => 'web',
    displayFinancialStatus: (o: OrderState) => upper(o.financialStatus),
    currencyCode: (o: OrderState) => o.currency,
    presentmentCurrencyCode: (o: OrderState) => o.currency,
    totalPriceSet: (o: OrderState) => moneyBag(o.totalPrice, o.currency),
    currentTotalPriceSet: (o: OrderState) => moneyBag(o.cancelledAt === null ? o.totalPrice - o.totalRefunded : 0, o.currency),
    subtotalPriceSet: (o: OrderState) => moneyBag(o.subtotal, o.currency),
    currentSubtotalPriceSet: (o: OrderState) => moneyBag(o.subtotal, o.currency),
    totalDiscountsSet: (o: OrderState) => moneyBag(o.totalDiscounts, o.currency),
    currentTotalDiscountsSet: (o: OrderState) => moneyBag(o.totalDiscounts, o.currency),
    totalRefundedSet: (o: OrderState) => moneyBag(o.totalRefunded, o.currency),
    totalShippingPriceSet: (o: OrderState) => moneyBag(Math.max(0, o.totalPrice - o.subtotal), o.currency),
    totalTaxSet: (o: OrderState) => moneyBag(0, o.currency),
    totalPrice: (o: OrderState) => decimal(o.totalPrice),
    subtotalPrice: (o: OrderState) => decimal(o.subtotal),
    totalDiscounts: (o: OrderState) => decimal(o.totalDiscounts),
    totalRefunded: (o: OrderState) => decimal(o.totalRefunded),
    discountCodes: (o: OrderState) => o.discountCodes,
    discountCode: (o: OrderState) => o.discountCodes[0] ?? null,
    shippingAddress: (o: OrderState) => address(o.shippingCountry, null),
    subtotalLineItemsQuantity: (o: OrderState) => o.lines.reduce((n, l) => n + l.quantity, 0),
    refunds: (o: OrderState, args: { first?: number | null }) => {
      if (o.refundedAt === null || o.totalRefunded <= 0) return [];
      const refund = {
        __typename: 'Refund',
        id: gid('Refund', o.id),
        legacyResourceId: o.id,
        note: null,
        createdAt: dateTime(o.refundedAt),
        processedAt: dateTime(o.refundedAt),
        updatedAt: dateTime(o.refundedAt),
        totalRefundedSet: moneyBag(o.totalRefunded, o.currency),
        totalRefunded: money(o.totalRefunded, o.currency),
      };
      return args.first === 0 ? [] : [refund];
    },
    lineItems: (o: OrderState, args: ConnectionArgs, ctx) =>
      paginateList(o.lines.map((line) => new LineItemSource(o, line)), args, ctx.bulk),
  },
  AbandonedCheckout: {
    id: (c: CheckoutState) => gid('AbandonedCheckout', c.id),
    name: (c: CheckoutState) => `#${c.id}`,
    note: () => '',
    createdAt: (c: CheckoutState) => dateTime(c.createdAt),
    updatedAt: (c: CheckoutState) => dateTime(c.updatedAt),
    completedAt: (c: CheckoutState) => dateTime(c.completedAt),
    abandonedCheckoutUrl: (c: CheckoutState, _a, ctx) => c.recoveryUrl ?? `https://${ctx.shop.domain}/checkouts/recover/${c.id}`,
    customer: (c: CheckoutState, _a, ctx) => customerOf(ctx, c.customerId),
    discountCodes: () => [],
    taxesIncluded: () => true,
    taxLines: () => [],
    customAttributes: () => [],
    lineItemsQuantity: (c: CheckoutState) => c.categories.length,
    totalPriceSet: (c: CheckoutState) => moneyBag(c.totalPrice, c.currency),
    subtotalPriceSet: (c: CheckoutState) => moneyBag(c.totalPrice, c.currency),
    totalLineItemsPriceSet: (c: CheckoutState) => moneyBag(c.totalPrice, c.currency),
    totalDiscountSet: (c: CheckoutState) => moneyBag(0, c.currency),
    lineItems: (c: CheckoutState, args: ConnectionArgs, ctx) => paginateList(checkoutLineItems(c), args, ctx.bulk),
  },
};
