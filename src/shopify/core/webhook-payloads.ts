/**
 * Shopify webhook payloads (REST JSON) mapped to the store's records. Pure: no I/O, no framework.
 * Every mapper returns the record together with the source's own update time (`updated_at`), which decides
 * whether the record may replace the stored one (an older delivery never overwrites a newer version).
 */
import {
  CONSENT_STATES,
  FINANCIAL_STATUSES,
  type CheckoutRecord,
  type ConsentState,
  type CustomerRecord,
  type FinancialStatus,
  type OrderLineRecord,
  type OrderRecord,
} from '../../store/store-records';
import { numericId } from './gid';

export class WebhookPayloadError extends Error {
  constructor(topic: string, problem: string) {
    super(`${topic} payload: ${problem}`);
    this.name = 'WebhookPayloadError';
  }
}

type Json = Record<string, any>;

export interface Versioned<T> {
  record: T;
  /** The source's update time of this version; null when the payload carries none. */
  sourceUpdatedAt: Date | null;
}

export interface RefundRecord {
  refundId: string;
  orderId: string;
  amount: number;
  createdAt: Date | null;
}

/** An order payload (orders/create, orders/paid, orders/updated, orders/cancelled) and its refunds. */
export function orderFromPayload(topic: string, payload: Json): Versioned<OrderRecord> & { refunds: RefundRecord[] } {
  const orderId = requireId(topic, payload, 'id');
  const refunds = (asArray(payload.refunds) as Json[]).map((refund) => refundFromPayload(topic, { ...refund, order_id: orderId }));
  const createdAt = date(payload.processed_at) ?? date(payload.created_at);
  if (!createdAt) throw new WebhookPayloadError(topic, `order ${orderId} has no created_at`);
  const lines = (asArray(payload.line_items) as Json[]).map((item, index) => lineFromPayload(item, index));
  return {
    record: {
      orderId,
      name: text(payload.name),
      customerId: id(payload.customer?.id),
      customerEmail: null,
      createdAt,
      financialStatus: financialStatus(payload.financial_status),
      cancelledAt: date(payload.cancelled_at),
      currency: text(payload.currency) ?? 'USD',
      subtotal: money(payload.subtotal_price),
      totalDiscounts: money(payload.total_discounts),
      totalPrice: money(payload.total_price),
      totalRefunded: sumMoney(refunds.map((refund) => refund.amount)),
      discountCodes: [...new Set((asArray(payload.discount_codes) as Json[]).map((code) => text(code.code)).filter(isText))].sort(),
      shippingCountry: upper(payload.shipping_address?.country_code) ?? upper(payload.billing_address?.country_code),
      lines,
    },
    sourceUpdatedAt: date(payload.updated_at),
    refunds,
  };
}

/** A refund (refunds/create, or one entry of an order's `refunds`): the money that went back to the buyer. */
export function refundFromPayload(topic: string, payload: Json): RefundRecord {
  const refundId = requireId(topic, payload, 'id');
  const orderId = id(payload.order_id);
  if (!orderId) throw new WebhookPayloadError(topic, `refund ${refundId} has no order_id`);
  const transactions = (asArray(payload.transactions) as Json[]).filter(
    (transaction) => transaction.kind === 'refund' && (transaction.status ?? 'success') === 'success',
  );
  // Without transactions (a refund recorded outside a payment gateway) the refunded lines say how much.
  const amount = transactions.length
    ? sumMoney(transactions.map((transaction) => money(transaction.amount)))
    : sumMoney((asArray(payload.refund_line_items) as Json[]).map((item) => money(item.subtotal) + money(item.total_tax)));
  return { refundId, orderId, amount, createdAt: date(payload.created_at) };
}

function lineFromPayload(item: Json, index: number): OrderLineRecord {
  const allocated = asArray(item.discount_allocations) as Json[];
  const discount = allocated.length ? sumMoney(allocated.map((allocation) => money(allocation.amount))) : money(item.total_discount);
  const compareAt = item.compare_at_price == null ? null : money(item.compare_at_price);
  const price = money(item.price);
  return {
    lineNo: index + 1,
    productId: id(item.product_id),
    sku: text(item.sku),
    title: text(item.title) ?? text(item.name) ?? '',
    productType: text(item.product_type),
    quantity: Math.trunc(Number(item.quantity ?? 0)) || 0,
    price,
    compareAtPrice: compareAt !== null && compareAt > price ? compareAt : null,
    discountAmount: discount,
  };
}

/** A customer payload (customers/create, customers/update). */
export function customerFromPayload(topic: string, payload: Json): Versioned<CustomerRecord> {
  const address = payload.default_address ?? (asArray(payload.addresses) as Json[])[0] ?? {};
  return {
    record: {
      customerId: requireId(topic, payload, 'id'),
      email: text(payload.email),
      phone: text(payload.phone) ?? text(address.phone),
      firstName: text(payload.first_name),
      lastName: text(payload.last_name),
      country: upper(address.country_code),
      province: text(address.province_code) ?? text(address.province),
      timezone: null,
      tags: tags(payload.tags),
      emailConsent: consent(payload.email_marketing_consent?.state ?? (payload.accepts_marketing ? 'subscribed' : null)),
      smsConsent: consent(payload.sms_marketing_consent?.state),
      createdAt: date(payload.created_at),
    },
    sourceUpdatedAt: date(payload.updated_at),
  };
}

/**
 * A checkout payload (checkouts/create, checkouts/update). Shopify's checkout line items carry no product
 * type: `productIds` lets the writer find the categories of products the store already knows.
 */
export function checkoutFromPayload(topic: string, payload: Json): Versioned<CheckoutRecord> & { productIds: string[] } {
  const checkoutId = requireId(topic, payload, 'id');
  const createdAt = date(payload.created_at);
  if (!createdAt) throw new WebhookPayloadError(topic, `checkout ${checkoutId} has no created_at`);
  const items = asArray(payload.line_items) as Json[];
  const categories = items.map((item) => text(item.product_type)).filter(isText);
  return {
    record: {
      checkoutId,
      customerId: id(payload.customer?.id),
      email: text(payload.email),
      createdAt,
      completedAt: date(payload.completed_at),
      totalPrice: money(payload.total_price),
      currency: text(payload.currency) ?? text(payload.presentment_currency) ?? 'USD',
      recoveryUrl: text(payload.abandoned_checkout_url),
      categories: [...new Set(categories)].sort(),
    },
    sourceUpdatedAt: date(payload.updated_at),
    productIds: [...new Set(items.map((item) => id(item.product_id)).filter(isText))],
  };
}

/** The customer a customers/delete payload names. */
export function deletedCustomerId(topic: string, payload: Json): string {
  return requireId(topic, payload, 'id');
}

export interface RedactionSubject {
  customerId: string;
  email: string | null;
  phone: string | null;
  /** Orders Shopify asks to redact (customers/redact `orders_to_redact`). */
  orderIds: string[];
}

/** customers/redact and customers/data_request name the customer under `customer`. */
export function privacySubjectFromPayload(topic: string, payload: Json): RedactionSubject {
  const customer = payload.customer;
  if (!customer || typeof customer !== 'object') throw new WebhookPayloadError(topic, 'no customer');
  return {
    customerId: requireId(topic, customer, 'id'),
    email: text(customer.email),
    phone: text(customer.phone),
    orderIds: [...asArray(payload.orders_to_redact), ...asArray(payload.orders_requested)].map(id).filter(isText),
  };
}

/** The data request's own id (customers/data_request `data_request.id`), for the merchant's reference. */
export function dataRequestRef(payload: Json): string | null {
  return id(payload.data_request?.id);
}

function requireId(topic: string, payload: Json, key: string): string {
  const value = id(payload?.[key]);
  if (!value) throw new WebhookPayloadError(topic, `missing '${key}'`);
  return value;
}

function id(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') {
    // GraphQL ids (gid://shopify/Customer/123) and REST ids name the same record by the same number.
    return value.startsWith('gid://') ? numericId(value) : value.trim();
  }
  return null;
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function upper(value: unknown): string | null {
  return text(value)?.toUpperCase() ?? null;
}

function isText(value: string | null): value is string {
  return value !== null;
}

function date(value: unknown): Date | null {
  const raw = text(value);
  if (!raw) return null;
  const parsed = new Date(raw);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

function money(value: unknown): number {
  const amount = typeof value === 'number' ? value : Number(text(value) ?? 0);
  return Number.isFinite(amount) ? Math.round(amount * 100) / 100 : 0;
}

function sumMoney(amounts: number[]): number {
  return Math.round(amounts.reduce((sum, amount) => sum + Math.round(amount * 100), 0)) / 100;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function tags(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text).filter(isText);
  return (text(value) ?? '').split(',').map(text).filter(isText);
}

function financialStatus(value: unknown): FinancialStatus {
  const status = text(value)?.toLowerCase();
  return (FINANCIAL_STATUSES as readonly string[]).includes(status ?? '') ? (status as FinancialStatus) : 'pending';
}

function consent(value: unknown): ConsentState {
  const state = text(value)?.toLowerCase();
  return (CONSENT_STATES as readonly string[]).includes(state ?? '') ? (state as ConsentState) : 'not_subscribed';
}
