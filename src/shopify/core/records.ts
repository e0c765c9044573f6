/**
 * Shopify Admin GraphQL objects (as the documents in ../admin/documents.ts select them) turned into the
 * store's records. Pure: the bulk path (children arrive as separate JSONL lines) and the incremental path
 * (children nested in `lineItems.edges`) both hand the parent and its children here, so both give the same
 * rows.
 */
import type {
  CheckoutRecord,
  ConsentState,
  CustomerRecord,
  FinancialStatus,
  OrderLineRecord,
  OrderRecord,
} from '../../store/store-records';
import { numericId } from './gid';

interface Money {
  amount: string;
  currencyCode?: string;
}
interface MoneyBag {
  shopMoney: Money;
}

export interface CustomerNode {
  id: string;
  firstName: string | null;
  lastName: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  defaultEmailAddress: { emailAddress: string; marketingState: string } | null;
  defaultPhoneNumber: { phoneNumber: string; smsMarketingConsent: { state: string } | null } | null;
  defaultAddress: { countryCodeV2: string | null; provinceCode: string | null } | null;
}

export interface OrderNode {
  id: string;
  name: string;
  email: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  currencyCode: string;
  subtotalPriceSet: MoneyBag | null;
  totalDiscountsSet: MoneyBag | null;
  totalPriceSet: MoneyBag;
  totalRefundedSet: MoneyBag;
  discountCodes: string[];
  customer: { id: string } | null;
  shippingAddress: { countryCodeV2: string | null } | null;
}

export interface LineItemNode {
  id: string;
  title: string;
  sku: string | null;
  quantity: number;
  originalUnitPriceSet: MoneyBag;
  totalDiscountSet: MoneyBag;
  product: { id: string; productType: string | null } | null;
  variant: { compareAtPrice: string | null } | null;
}

export interface CheckoutNode {
  id: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  abandonedCheckoutUrl: string | null;
  totalPriceSet: MoneyBag;
  customer: { id: string; defaultEmailAddress: { emailAddress: string } | null } | null;
}

export interface CheckoutLineItemNode {
  id: string;
  quantity: number;
  product: { productType: string | null } | null;
}

/** The `__typename`-free way to tell a bulk file's lines apart: the object type in the global id. */
export const CHILD_TYPES = { order: 'LineItem', checkout: 'AbandonedCheckoutLineItem' } as const;

export function customerRecord(node: CustomerNode): CustomerRecord {
  return {
    customerId: numericId(node.id),
    email: node.defaultEmailAddress?.emailAddress ?? null,
    phone: node.defaultPhoneNumber?.phoneNumber ?? null,
    firstName: node.firstName ?? null,
    lastName: node.lastName ?? null,
    country: node.defaultAddress?.countryCodeV2 ?? null,
    province: node.defaultAddress?.provinceCode ?? null,
    timezone: null,
    tags: [...(node.tags ?? [])],
    emailConsent: consentState(node.defaultEmailAddress?.marketingState),
    smsConsent: consentState(node.defaultPhoneNumber?.smsMarketingConsent?.state),
    createdAt: new Date(node.createdAt),
  };
}

/** Lines in the order Shopify lists them; numbered from 1. */
export function orderRecord(node: OrderNode, lineItems: LineItemNode[]): OrderRecord {
  return { ...orderHead(node), lines: lineItems.map((item, index) => lineRecord(item, index + 1)) };
}

/** The order without its lines (the bulk path meets the lines later, as lines of their own). */
export function orderHead(node: OrderNode): OrderRecord {
  return {
    orderId: numericId(node.id),
    name: node.name ?? null,
    customerId: node.customer ? numericId(node.customer.id) : null,
    customerEmail: node.customer ? null : (node.email ?? null),
    createdAt: new Date(node.createdAt),
    financialStatus: financialStatus(node.displayFinancialStatus),
    cancelledAt: node.cancelledAt ? new Date(node.cancelledAt) : null,
    currency: node.currencyCode,
    subtotal: money(node.subtotalPriceSet),
    totalDiscounts: money(node.totalDiscountsSet),
    totalPrice: money(node.totalPriceSet),
    totalRefunded: money(node.totalRefundedSet),
    discountCodes: [...(node.discountCodes ?? [])],
    shippingCountry: node.shippingAddress?.countryCodeV2 ?? null,
    lines: [],
  };
}

export function lineRecord(item: LineItemNode, lineNo: number): OrderLineRecord {
  const compareAt = item.variant?.compareAtPrice;
  return {
    lineNo,
    productId: item.product ? numericId(item.product.id) : null,
    sku: item.sku || null,
    title: item.title,
    productType: item.product?.productType || null,
    quantity: item.quantity,
    price: money(item.originalUnitPriceSet),
    compareAtPrice: compareAt === null || compareAt === undefined ? null : decimal(compareAt),
    discountAmount: money(item.totalDiscountSet),
  };
}

/** Categories: the distinct product types of the lines, in the order the lines name them. */
export function checkoutRecord(node: CheckoutNode, lineItems: CheckoutLineItemNode[]): CheckoutRecord {
  const categories: string[] = [];
  for (const item of lineItems) {
    const type = item.product?.productType;
    if (type && !categories.includes(type)) categories.push(type);
  }
  return {
    checkoutId: numericId(node.id),
    customerId: node.customer ? numericId(node.customer.id) : null,
    email: node.customer?.defaultEmailAddress?.emailAddress ?? null,
    createdAt: new Date(node.createdAt),
    completedAt: node.completedAt ? new Date(node.completedAt) : null,
    totalPrice: money(node.totalPriceSet),
    currency: node.totalPriceSet.shopMoney.currencyCode ?? 'USD',
    recoveryUrl: node.abandonedCheckoutUrl ?? null,
    categories,
  };
}

const FINANCIAL: Record<string, FinancialStatus> = {
  PENDING: 'pending',
  AUTHORIZED: 'authorized',
  PAID: 'paid',
  PARTIALLY_PAID: 'partially_paid',
  PARTIALLY_REFUNDED: 'partially_refunded',
  REFUNDED: 'refunded',
  VOIDED: 'voided',
  EXPIRED: 'expired',
};

/** Shopify's display status; an order without one (nothing to pay) counts as pending. */
export function financialStatus(value: string | null | undefined): FinancialStatus {
  return (value && FINANCIAL[value]) || 'pending';
}

/**
 * Email states (SUBSCRIBED, NOT_SUBSCRIBED, UNSUBSCRIBED, PENDING, INVALID) and SMS states (NEVER_SUBSCRIBED,
 * REDACTED, ...) folded into the four the service keeps: anything that is not a yes, a pending yes or an
 * explicit no is "not subscribed".
 */
export function consentState(value: string | null | undefined): ConsentState {
  switch (value) {
    case 'SUBSCRIBED':
      return 'subscribed';
    case 'PENDING':
      return 'pending';
    case 'UNSUBSCRIBED':
      return 'unsubscribed';
    default:
      return 'not_subscribed';
  }
}

function money(bag: MoneyBag | null | undefined): number {
  return bag ? decimal(bag.shopMoney.amount) : 0;
}

function decimal(value: string | number): number {
  return Math.round(Number(value) * 100) / 100;
}
