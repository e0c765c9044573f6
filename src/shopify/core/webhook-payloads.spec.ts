import {
  checkoutFromPayload,
  customerFromPayload,
  orderFromPayload,
  privacySubjectFromPayload,
  refundFromPayload,
  WebhookPayloadError,
} from './webhook-payloads';
import { isValidWebhookSignature, webhookSignature } from './webhook-signature';
import { graphqlTopic, isWebhookTopic, STORE_TOPICS } from './webhook-topics';

describe('webhook payloads (REST JSON) to store records', () => {
  it('maps an order: money, codes, shipping country, lines with allocated discounts, refunds from successful refund transactions', () => {
    const { record, sourceUpdatedAt, refunds } = orderFromPayload('orders/updated', {
      id: 5001,
      name: '#1001',
      created_at: '2026-11-01T09:00:00-05:00',
      processed_at: '2026-11-01T10:00:00-05:00',
      updated_at: '2026-11-03T08:00:00-05:00',
      financial_status: 'PARTIALLY_REFUNDED',
      cancelled_at: null,
      currency: 'EUR',
      subtotal_price: '90.00',
      total_discounts: '10.00',
      total_price: '95.00',
      discount_codes: [{ code: 'WELCOME10' }, { code: 'WELCOME10' }, { code: 'AUTUMN' }],
      customer: { id: 7001 },
      shipping_address: { country_code: 'fr' },
      line_items: [
        { product_id: 800, sku: 'TEE', title: 'Tee', quantity: 2, price: '25.00', total_discount: '99.00', discount_allocations: [{ amount: '4.00' }, { amount: '1.50' }] },
        { product_id: null, sku: null, name: 'Custom', quantity: 1, price: '50.00', total_discount: '4.50' },
      ],
      refunds: [
        { id: 9001, created_at: '2026-11-02T00:00:00Z', transactions: [{ kind: 'refund', status: 'success', amount: '15.00' }, { kind: 'refund', status: 'failure', amount: '15.00' }] },
        { id: 9002, created_at: '2026-11-03T00:00:00Z', transactions: [], refund_line_items: [{ subtotal: '4.00', total_tax: '1.00' }] },
      ],
    });
    expect(record).toEqual({
      orderId: '5001',
      name: '#1001',
      customerId: '7001',
      customerEmail: null,
      createdAt: new Date('2026-11-01T15:00:00Z'),
      financialStatus: 'partially_refunded',
      cancelledAt: null,
      currency: 'EUR',
      subtotal: 90,
      totalDiscounts: 10,
      totalPrice: 95,
      totalRefunded: 20,
      discountCodes: ['AUTUMN', 'WELCOME10'],
      shippingCountry: 'FR',
      lines: [
        { lineNo: 1, productId: '800', sku: 'TEE', title: 'Tee', productType: null, quantity: 2, price: 25, compareAtPrice: null, discountAmount: 5.5 },
        { lineNo: 2, productId: null, sku: null, title: 'Custom', productType: null, quantity: 1, price: 50, compareAtPrice: null, discountAmount: 4.5 },
      ],
    });
    expect(sourceUpdatedAt).toEqual(new Date('2026-11-03T13:00:00Z'));
    expect(refunds).toEqual([
      { refundId: '9001', orderId: '5001', amount: 15, createdAt: new Date('2026-11-02T00:00:00Z') },
      { refundId: '9002', orderId: '5001', amount: 5, createdAt: new Date('2026-11-03T00:00:00Z') },
    ]);
  });

  it('maps a refund on its own (refunds/create)', () => {
    expect(refundFromPayload('refunds/create', { id: 1, order_id: 'gid://shopify/Order/77', transactions: [{ kind: 'refund', amount: '3.335' }] })).toEqual({
      refundId: '1',
      orderId: '77',
      amount: 3.34,
      createdAt: null,
    });
  });

  it('maps a customer: consent states, tags, default address; unknown consent states count as not subscribed', () => {
    const { record, sourceUpdatedAt } = customerFromPayload('customers/update', {
      id: 7001,
      email: ' ada@example.com ',
      phone: null,
      first_name: 'Ada',
      last_name: '',
      created_at: '2024-03-01T10:00:00Z',
      updated_at: '2026-11-20T10:00:00Z',
      tags: 'vip, newsletter,',
      default_address: { country_code: 'fr', province: 'Île-de-France', phone: '+33100000000' },
      email_marketing_consent: { state: 'subscribed' },
      sms_marketing_consent: { state: 'redacted' },
    });
    expect(record).toEqual({
      customerId: '7001',
      email: 'ada@example.com',
      phone: '+33100000000',
      firstName: 'Ada',
      lastName: null,
      country: 'FR',
      province: 'Île-de-France',
      timezone: null,
      tags: ['vip', 'newsletter'],
      emailConsent: 'subscribed',
      smsConsent: 'not_subscribed',
      createdAt: new Date('2024-03-01T10:00:00Z'),
    });
    expect(sourceUpdatedAt).toEqual(new Date('2026-11-20T10:00:00Z'));
  });

  it('maps a checkout and the products its lines name', () => {
    const checkout = checkoutFromPayload('checkouts/update', {
      id: 30001,
      email: 'bob@example.com',
      created_at: '2026-11-10T20:00:00Z',
      updated_at: '2026-11-10T20:05:00Z',
      completed_at: null,
      total_price: '60.00',
      currency: 'EUR',
      abandoned_checkout_url: 'https://shop/recover/1',
      customer: { id: 7002 },
      line_items: [{ product_id: 8001 }, { product_id: 8002, product_type: 'Hats' }, { product_id: 8001 }],
    });
    expect(checkout).toEqual({
      record: {
        checkoutId: '30001',
        customerId: '7002',
        email: 'bob@example.com',
        createdAt: new Date('2026-11-10T20:00:00Z'),
        completedAt: null,
        totalPrice: 60,
        currency: 'EUR',
        recoveryUrl: 'https://shop/recover/1',
        categories: ['Hats'],
      },
      sourceUpdatedAt: new Date('2026-11-10T20:05:00Z'),
      productIds: ['8001', '8002'],
    });
  });

  it('reads the subject of a privacy request', () => {
    expect(
      privacySubjectFromPayload('customers/redact', {
        shop_domain: 'x.myshopify.com',
        customer: { id: 7001, email: 'ada@example.com', phone: '+1555' },
        orders_to_redact: [5001, 5002],
      }),
    ).toEqual({ customerId: '7001', email: 'ada@example.com', phone: '+1555', orderIds: ['5001', '5002'] });
  });

  it('names the topic and the missing field when a payload cannot be read', () => {
    expect(() => orderFromPayload('orders/create', { name: '#1' })).toThrow(new WebhookPayloadError('orders/create', "missing 'id'"));
    expect(() => orderFromPayload('orders/create', { id: 5 })).toThrow('orders/create payload: order 5 has no created_at');
    expect(() => privacySubjectFromPayload('customers/redact', {})).toThrow('customers/redact payload: no customer');
  });
});

describe('webhook signatures', () => {
  const body = Buffer.from('{"id":1,"total_price":"10.00"}');
  const secret = 'shpss_secret';

  it('accepts the base64 HMAC-SHA256 of the exact body with the app secret, and nothing else', () => {
    const signature = webhookSignature(secret, body);
    expect(isValidWebhookSignature(secret, body, signature)).toBe(true);
    expect(isValidWebhookSignature(secret, Buffer.from('{"id":1,"total_price":"1.00"}'), signature)).toBe(false);
    expect(isValidWebhookSignature('another', body, signature)).toBe(false);
    expect(isValidWebhookSignature(secret, body, signature.slice(0, 20))).toBe(false);
    expect(isValidWebhookSignature(secret, body, undefined)).toBe(false);
    expect(isValidWebhookSignature(secret, body, '')).toBe(false);
    expect(isValidWebhookSignature('', body, webhookSignature('', body))).toBe(false);
  });
});

describe('webhook topics', () => {
  it('subscribes the eleven store topics, spelled as the GraphQL enum', () => {
    expect(STORE_TOPICS.map(graphqlTopic)).toEqual([
      'ORDERS_CREATE', 'ORDERS_PAID', 'ORDERS_UPDATED', 'ORDERS_CANCELLED', 'REFUNDS_CREATE', 'CUSTOMERS_CREATE',
      'CUSTOMERS_UPDATE', 'CUSTOMERS_DELETE', 'CHECKOUTS_CREATE', 'CHECKOUTS_UPDATE', 'APP_UNINSTALLED',
    ]);
    expect(isWebhookTopic('customers/redact')).toBe(true);
    expect(isWebhookTopic('products/update')).toBe(false);
  });
});
