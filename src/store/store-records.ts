/**
 * The store's own data as every source (Shopify API, Shopify CSV exports, generic CSV, the demo generator)
 * hands it to the service. Plain data, no I/O: the segmentation core reads these shapes too.
 * Money is in the shop's currency, as a number with at most two decimals.
 */

/** Shopify's order financial statuses, lower-cased as the API and CSV exports spell them. */
export const FINANCIAL_STATUSES = [
  'pending',
  'authorized',
  'paid',
  'partially_paid',
  'partially_refunded',
  'refunded',
  'voided',
  'expired',
] as const;
export type FinancialStatus = (typeof FINANCIAL_STATUSES)[number];

/** Marketing consent as Shopify reports it for email and SMS. */
export const CONSENT_STATES = ['subscribed', 'not_subscribed', 'unsubscribed', 'pending'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

export interface CustomerRecord {
  /** The source's customer id (Shopify's numeric id, or the key column of a generic CSV). */
  customerId: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  /** ISO 3166-1 alpha-2 country code of the default address. */
  country: string | null;
  province: string | null;
  /** IANA time zone of the customer, when known (used for send times). */
  timezone: string | null;
  tags: string[];
  emailConsent: ConsentState;
  smsConsent: ConsentState;
  createdAt: Date | null;
}

export interface OrderLineRecord {
  /** 1-based position of the line in its order. */
  lineNo: number;
  productId: string | null;
  sku: string | null;
  title: string;
  /** Product type, used as the product category. */
  productType: string | null;
  quantity: number;
  /** Unit price actually charged before line discounts. */
  price: number;
  /** Compare-at (list) price when the product was marked down; null when it was not. */
  compareAtPrice: number | null;
  /** Discount allocated to this line (all units), from codes or automatic discounts. */
  discountAmount: number;
}

export interface OrderRecord {
  orderId: string;
  /** Display name such as "#1001". */
  name: string | null;
  customerId: string | null;
  /**
   * The buyer's email, for sources that have no customer id (Shopify's orders export): the import matches it
   * to a known customer by email.
   */
  customerEmail?: string | null;
  /** When the order was placed (Shopify's processed_at / created_at). */
  createdAt: Date;
  financialStatus: FinancialStatus;
  cancelledAt: Date | null;
  currency: string;
  subtotal: number;
  totalDiscounts: number;
  totalPrice: number;
  /** Sum of refunds issued on this order. */
  totalRefunded: number;
  discountCodes: string[];
  shippingCountry: string | null;
  lines: OrderLineRecord[];
}

export interface CheckoutRecord {
  checkoutId: string;
  customerId: string | null;
  email: string | null;
  createdAt: Date;
  /** Set when the checkout became an order; abandoned checkouts have null. */
  completedAt: Date | null;
  totalPrice: number;
  currency: string;
  recoveryUrl: string | null;
  /** Product categories (product types) of the checkout's line items. */
  categories: string[];
}
