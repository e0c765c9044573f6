/** A small hand-built store for the fake's own tests, and a client wired to a fake. */
import { createAdminApiClient } from '@shopify/admin-api-client';
import type { CheckoutRecord, CustomerRecord, OrderRecord } from '../../../src/store/store-records';
import { fetchRoutedTo } from './routing';
import type { FakeShopify } from './server';

export const NOW = Date.parse('2026-11-20T12:00:00Z');

export const ADA: CustomerRecord = {
  customerId: '7000000000001', email: 'ada@example.com', phone: null, firstName: 'Ada', lastName: 'Lovelace',
  country: 'FR', province: null, timezone: null, tags: ['vip', 'newsletter'], emailConsent: 'subscribed',
  smsConsent: 'not_subscribed', createdAt: new Date('2024-03-01T10:00:00.250Z'),
};
export const BOB: CustomerRecord = {
  customerId: '7000000000002', email: 'bob@example.com', phone: '+15555550101', firstName: 'Bob', lastName: null,
  country: 'US', province: 'Oregon', timezone: null, tags: [], emailConsent: 'unsubscribed', smsConsent: 'subscribed',
  createdAt: new Date('2025-06-15T08:30:00Z'),
};

/** Ada's recent order: a code, a marked-down line and a discounted line. */
export const ORDER_RECENT: OrderRecord = {
  orderId: '5000000000001', name: '#1001', customerId: ADA.customerId, createdAt: new Date('2026-11-01T09:00:00Z'),
  financialStatus: 'partially_refunded', cancelledAt: null, currency: 'EUR', subtotal: 90, totalDiscounts: 10,
  totalPrice: 95, totalRefunded: 20, discountCodes: ['WELCOME10'], shippingCountry: 'FR',
  lines: [
    { lineNo: 1, productId: '800', sku: 'TEE-1', title: 'Tee', productType: 'Shirts', quantity: 2, price: 25, compareAtPrice: 40, discountAmount: 0 },
    { lineNo: 2, productId: '801', sku: 'CAP-1', title: 'Cap', productType: 'Hats', quantity: 1, price: 50, compareAtPrice: null, discountAmount: 10 },
  ],
};
/** Bob's cancelled order of a year ago (older than 60 days). */
export const ORDER_OLD: OrderRecord = {
  orderId: '5000000000002', name: '#1002', customerId: BOB.customerId, createdAt: new Date('2025-11-02T18:00:00Z'),
  financialStatus: 'voided', cancelledAt: new Date('2025-11-03T08:00:00Z'), currency: 'EUR', subtotal: 30,
  totalDiscounts: 0, totalPrice: 35, totalRefunded: 0, discountCodes: [], shippingCountry: 'US',
  lines: [{ lineNo: 1, productId: '802', sku: null, title: 'Socks', productType: 'Socks', quantity: 3, price: 10, compareAtPrice: null, discountAmount: 0 }],
};
export const CHECKOUT_ABANDONED: CheckoutRecord = {
  checkoutId: '30000000000001', customerId: BOB.customerId, email: BOB.email, createdAt: new Date('2026-11-10T20:00:00Z'),
  completedAt: null, totalPrice: 60, currency: 'EUR', recoveryUrl: 'https://fake-shop.myshopify.com/recover/1', categories: ['Shirts', 'Hats'],
};
export const CHECKOUT_COMPLETED: CheckoutRecord = { ...CHECKOUT_ABANDONED, checkoutId: '30000000000002', completedAt: new Date('2026-11-10T21:00:00Z') };

export function seedSmallStore(fake: FakeShopify): void {
  fake.seed({ customers: [ADA, BOB], orders: [ORDER_RECENT, ORDER_OLD], checkouts: [CHECKOUT_ABANDONED, CHECKOUT_COMPLETED] });
}

/** Shopify's own Admin API client, pointed at the fake. */
export function clientFor(fake: FakeShopify, accessToken = fake.accessToken) {
  return createAdminApiClient({ storeDomain: fake.shop, apiVersion: '2026-10', accessToken, customFetchApi: fetchRoutedTo(fake) });
}

/** A raw POST to the GraphQL endpoint (status and parsed body). */
export async function postGraphql(fake: FakeShopify, body: unknown, token = fake.accessToken): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${fake.baseUrl}/admin/api/2026-10/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}
