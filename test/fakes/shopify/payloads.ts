/**
 * Webhook bodies as Shopify sends them (REST resource shapes, snake_case, money as "12.50" strings, ids as
 * numbers) built from the fake's state: orders/*, refunds/create, customers/*, checkouts/*, app/uninstalled
 * and the privacy compliance topics. Only the fields the service could use are filled; Shopify sends more.
 * Note what Shopify does not send either: order line items carry no product_type nor compare-at price.
 */
import type { ShopInfo } from './context';
import { dateTime } from './context';
import type { CheckoutState, CustomerState, OrderState, ShopData } from './state';
import { gid } from './state';

export type PayloadTopic =
  | 'orders/create' | 'orders/updated' | 'orders/paid' | 'orders/cancelled' | 'refunds/create'
  | 'customers/create' | 'customers/update' | 'customers/delete'
  | 'checkouts/create' | 'checkouts/update'
  | 'customers/data_request' | 'customers/redact' | 'shop/redact' | 'app/uninstalled';

/** The shop's numeric id in every payload. */
export const SHOP_ID = 1;

const price = (n: number): string => (Math.round(n * 100) / 100).toFixed(2);
const num = (id: string): number => Number(id);

function priceSet(amount: number, currency: string) {
  const money = { amount: price(amount), currency_code: currency };
  return { shop_money: money, presentment_money: money };
}

function address(c: { country: string | null; province: string | null }, customer?: CustomerState) {
  if (!c.country && !c.province) return null;
  return {
    ...(customer ? { id: num(customer.id), customer_id: num(customer.id), default: true } : {}),
    first_name: customer?.firstName ?? null,
    last_name: customer?.lastName ?? null,
    company: null,
    address1: null,
    address2: null,
    city: null,
    zip: null,
    phone: customer?.phone ?? null,
    province: c.province,
    province_code: c.province,
    country: c.country ? (new Intl.DisplayNames(['en'], { type: 'region' }).of(c.country) ?? c.country) : null,
    country_code: c.country,
  };
}

const consent = (state: string) => ({ state, opt_in_level: 'single_opt_in', consent_updated_at: null });

export function customerPayload(c: CustomerState) {
  return {
    id: num(c.id),
    admin_graphql_api_id: gid('Customer', c.id),
    email: c.email,
    phone: c.phone,
    first_name: c.firstName,
    last_name: c.lastName,
    created_at: dateTime(c.createdAt),
    updated_at: dateTime(c.updatedAt),
    state: 'enabled',
    note: null,
    verified_email: c.email !== null,
    tags: c.tags.join(', '),
    currency: 'USD',
    tax_exempt: false,
    email_marketing_consent: c.email === null ? null : consent(c.emailConsent),
    sms_marketing_consent: c.phone === null ? null : { ...consent(c.smsConsent), consent_collected_from: 'OTHER' },
    default_address: address(c, c),
    addresses: [address(c, c)].filter(Boolean),
  };
}

function refundPayload(o: OrderState) {
  return {
    id: num(o.id),
    admin_graphql_api_id: gid('Refund', o.id),
    order_id: num(o.id),
    created_at: dateTime(o.refundedAt),
    processed_at: dateTime(o.refundedAt),
    note: null,
    restock: false,
    refund_line_items: [],
    order_adjustments: [],
    transactions: [{ kind: 'refund', status: 'success', amount: price(o.totalRefunded), currency: o.currency, order_id: num(o.id) }],
  };
}

export function orderPayload(o: OrderState, customer: CustomerState | null) {
  return {
    id: num(o.id),
    admin_graphql_api_id: gid('Order', o.id),
    name: o.name,
    order_number: Number(o.name.replace(/\D/g, '')) || null,
    email: o.email,
    created_at: dateTime(o.createdAt),
    updated_at: dateTime(o.updatedAt),
    processed_at: dateTime(o.createdAt),
    cancelled_at: dateTime(o.cancelledAt),
    cancel_reason: o.cancelledAt === null ? null : 'customer',
    financial_status: o.financialStatus,
    fulfillment_status: null,
    currency: o.currency,
    presentment_currency: o.currency,
    total_price: price(o.totalPrice),
    subtotal_price: price(o.subtotal),
    total_discounts: price(o.totalDiscounts),
    total_tax: '0.00',
    taxes_included: true,
    total_price_set: priceSet(o.totalPrice, o.currency),
    subtotal_price_set: priceSet(o.subtotal, o.currency),
    total_discounts_set: priceSet(o.totalDiscounts, o.currency),
    discount_codes: o.discountCodes.map((code) => ({ code, amount: price(o.totalDiscounts / o.discountCodes.length), type: 'fixed_amount' })),
    test: false,
    tags: '',
    customer: customer
      ? (({ addresses: _a, ...rest }) => rest)(customerPayload(customer))
      : null,
    line_items: o.lines.map((l) => ({
      id: num(`${o.id}${String(l.lineNo).padStart(3, '0')}`),
      admin_graphql_api_id: gid('LineItem', `${o.id}${String(l.lineNo).padStart(3, '0')}`),
      product_id: l.productId === null ? null : num(l.productId),
      variant_id: l.productId === null ? null : num(l.productId),
      title: l.title,
      name: l.title,
      sku: l.sku,
      quantity: l.quantity,
      current_quantity: l.quantity,
      price: price(l.price),
      price_set: priceSet(l.price, o.currency),
      total_discount: price(l.discountAmount),
      total_discount_set: priceSet(l.discountAmount, o.currency),
      discount_allocations: l.discountAmount > 0 ? [{ amount: price(l.discountAmount), amount_set: priceSet(l.discountAmount, o.currency) }] : [],
      gift_card: l.productType === 'Gift Card',
      product_exists: l.productId !== null,
      taxable: true,
    })),
    refunds: o.refundedAt === null || o.totalRefunded <= 0 ? [] : [refundPayload(o)],
    shipping_address: o.shippingCountry ? address({ country: o.shippingCountry, province: null }) : null,
  };
}

export function checkoutPayload(c: CheckoutState, customer: CustomerState | null, shop: ShopInfo) {
  const each = c.categories.length > 0 ? c.totalPrice / c.categories.length : 0;
  return {
    id: num(c.id),
    token: `token${c.id}`,
    cart_token: `cart${c.id}`,
    email: c.email,
    created_at: dateTime(c.createdAt),
    updated_at: dateTime(c.updatedAt),
    completed_at: dateTime(c.completedAt),
    abandoned_checkout_url: c.recoveryUrl ?? `https://${shop.domain}/checkouts/recover/${c.id}`,
    currency: c.currency,
    presentment_currency: c.currency,
    total_price: price(c.totalPrice),
    subtotal_price: price(c.totalPrice),
    total_discounts: '0.00',
    discount_codes: [],
    line_items: c.categories.map((category, i) => ({
      key: `${c.id}-${i + 1}`,
      title: category,
      product_id: num(`9${c.id}${i}`),
      variant_id: num(`9${c.id}${i}`),
      quantity: 1,
      price: price(each),
      sku: null,
    })),
    customer: customer ? (({ addresses: _a, ...rest }) => rest)(customerPayload(customer)) : null,
  };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fake Shopify: no ${what}`);
  return value;
}

/** The body of a webhook of `topic` about the resource `id` (ignored for shop/redact and app/uninstalled). */
export function webhookPayload(data: ShopData, shop: ShopInfo, topic: PayloadTopic, id: string, extra: { ordersToRedact?: string[] } = {}): Record<string, unknown> {
  const customerOf = (customerId: string | null) => (customerId === null ? null : (data.customers.byId.get(customerId) ?? null));
  switch (topic) {
    case 'orders/create':
    case 'orders/updated':
    case 'orders/paid':
    case 'orders/cancelled': {
      const order = need(data.orders.byId.get(id), `order ${id}`);
      return orderPayload(order, customerOf(order.customerId));
    }
    case 'refunds/create':
      return refundPayload(need(data.orders.byId.get(id), `order ${id}`));
    case 'customers/create':
    case 'customers/update':
      return customerPayload(need(data.customers.byId.get(id), `customer ${id}`));
    case 'customers/delete':
      return { id: num(id), admin_graphql_api_id: gid('Customer', id), phone: null, addresses: [], tax_exemptions: [], email_marketing_consent: null, sms_marketing_consent: null };
    case 'checkouts/create':
    case 'checkouts/update': {
      const checkout = need(data.checkouts.byId.get(id), `checkout ${id}`);
      return checkoutPayload(checkout, customerOf(checkout.customerId), shop);
    }
    case 'customers/data_request':
    case 'customers/redact': {
      const c = data.customers.byId.get(id);
      const orders = extra.ordersToRedact ?? data.ordersOf(id).map((o) => o.id);
      return {
        shop_id: SHOP_ID,
        shop_domain: shop.domain,
        customer: { id: num(id), email: c?.email ?? null, phone: c?.phone ?? null },
        ...(topic === 'customers/redact'
          ? { orders_to_redact: orders.map(num) }
          : { orders_requested: orders.map(num), data_request: { id: Date.now() % 1_000_000 } }),
      };
    }
    case 'shop/redact':
      return { shop_id: SHOP_ID, shop_domain: shop.domain };
    case 'app/uninstalled':
      return { id: SHOP_ID, name: shop.name, email: shop.email, domain: shop.domain, myshopify_domain: shop.domain, currency: shop.currency, iana_timezone: shop.timezone };
  }
}
