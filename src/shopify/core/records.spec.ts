import { bulkFailureMessage, missingScopeMessage, missingScopes, orderHistoryFilter } from './bulk-failures';
import { checkoutRecord, consentState, customerRecord, orderRecord } from './records';

const money = (amount: string) => ({ shopMoney: { amount } });

describe('Admin API objects as store records', () => {
  it('maps a customer: numeric id, default email and phone with their consent, address codes', () => {
    expect(
      customerRecord({
        id: 'gid://shopify/Customer/7000000000001',
        firstName: 'Ada',
        lastName: null,
        tags: ['VIP'],
        createdAt: '2024-03-01T10:00:00Z',
        updatedAt: '2024-03-02T10:00:00Z',
        defaultEmailAddress: { emailAddress: 'ada@example.com', marketingState: 'SUBSCRIBED' },
        defaultPhoneNumber: { phoneNumber: '+15550100', smsMarketingConsent: { state: 'NEVER_SUBSCRIBED' } },
        defaultAddress: { countryCodeV2: 'FR', provinceCode: null },
      }),
    ).toEqual({
      customerId: '7000000000001',
      email: 'ada@example.com',
      phone: '+15550100',
      firstName: 'Ada',
      lastName: null,
      country: 'FR',
      province: null,
      timezone: null,
      tags: ['VIP'],
      emailConsent: 'subscribed',
      smsConsent: 'not_subscribed',
      createdAt: new Date('2024-03-01T10:00:00Z'),
    });
  });

  it('folds Shopify consent states into four', () => {
    expect(['SUBSCRIBED', 'PENDING', 'UNSUBSCRIBED', 'NOT_SUBSCRIBED', 'INVALID', 'REDACTED', null].map(consentState)).toEqual([
      'subscribed',
      'pending',
      'unsubscribed',
      'not_subscribed',
      'not_subscribed',
      'not_subscribed',
      'not_subscribed',
    ]);
  });

  it('maps an order with its lines: money in shop currency, compare-at from the variant, lines numbered', () => {
    const order = orderRecord(
      {
        id: 'gid://shopify/Order/5000000000001',
        name: '#1001',
        email: 'ada@example.com',
        createdAt: '2025-11-28T09:30:00Z',
        updatedAt: '2025-12-01T09:30:00Z',
        cancelledAt: null,
        displayFinancialStatus: 'PARTIALLY_REFUNDED',
        currencyCode: 'EUR',
        subtotalPriceSet: money('90.0'),
        totalDiscountsSet: money('10.0'),
        totalPriceSet: money('95.5'),
        totalRefundedSet: money('20.0'),
        discountCodes: ['BF10'],
        customer: { id: 'gid://shopify/Customer/7000000000001' },
        shippingAddress: { countryCodeV2: 'FR' },
      },
      [
        {
          id: 'gid://shopify/LineItem/1',
          title: 'Wool coat',
          sku: '',
          quantity: 2,
          originalUnitPriceSet: money('50.0'),
          totalDiscountSet: money('10.0'),
          product: { id: 'gid://shopify/Product/42', productType: 'Outerwear' },
          variant: { compareAtPrice: '80.0' },
        },
      ],
    );
    expect(order).toEqual({
      orderId: '5000000000001',
      name: '#1001',
      customerId: '7000000000001',
      customerEmail: null,
      createdAt: new Date('2025-11-28T09:30:00Z'),
      financialStatus: 'partially_refunded',
      cancelledAt: null,
      currency: 'EUR',
      subtotal: 90,
      totalDiscounts: 10,
      totalPrice: 95.5,
      totalRefunded: 20,
      discountCodes: ['BF10'],
      shippingCountry: 'FR',
      lines: [
        {
          lineNo: 1,
          productId: '42',
          sku: null,
          title: 'Wool coat',
          productType: 'Outerwear',
          quantity: 2,
          price: 50,
          compareAtPrice: 80,
          discountAmount: 10,
        },
      ],
    });
  });

  it('maps an abandoned checkout: categories are the distinct product types in line order', () => {
    const checkout = checkoutRecord(
      {
        id: 'gid://shopify/AbandonedCheckout/30000000000001',
        createdAt: '2026-11-01T12:00:00Z',
        updatedAt: '2026-11-01T12:00:00Z',
        completedAt: null,
        abandonedCheckoutUrl: 'https://shop.example/checkouts/abc/recover',
        totalPriceSet: { shopMoney: { amount: '120.0', currencyCode: 'USD' } },
        customer: null,
      },
      [
        { id: 'a', quantity: 1, product: { productType: 'Shoes' } },
        { id: 'b', quantity: 1, product: { productType: 'Bags' } },
        { id: 'c', quantity: 2, product: { productType: 'Shoes' } },
        { id: 'd', quantity: 1, product: null },
      ],
    );
    expect(checkout).toEqual({
      checkoutId: '30000000000001',
      customerId: null,
      email: null,
      createdAt: new Date('2026-11-01T12:00:00Z'),
      completedAt: null,
      totalPrice: 120,
      currency: 'USD',
      recoveryUrl: 'https://shop.example/checkouts/abc/recover',
      categories: ['Shoes', 'Bags'],
    });
  });
});

describe('failures in the merchant’s words', () => {
  it('names the missing scopes (write_ implies read_)', () => {
    expect(missingScopes('orders', ['read_orders'])).toEqual(['read_all_orders']);
    expect(missingScopes('customers', ['write_customers'])).toEqual([]);
    expect(missingScopeMessage('orders', ['read_all_orders'])).toBe(
      'Shopify refused access to orders: the app needs the read_all_orders scope to read orders older than 60 days; ' +
        "reinstall the app (or edit the custom app's Admin API scopes) with it",
    );
  });

  it('says what a failed or expired bulk export means and what to do', () => {
    expect(bulkFailureMessage('checkouts', 'FAILED', 'ACCESS_DENIED', ['read_customers'])).toBe(
      "Shopify refused access to abandoned checkouts: the app needs the read_orders scope to read abandoned checkouts; reinstall the app (or edit the custom app's Admin API scopes) with it",
    );
    expect(bulkFailureMessage('orders', 'EXPIRED', null)).toBe(
      "Shopify's export of orders expired before it could be downloaded. Nothing was imported; run the import again",
    );
  });

  it('reads ten years of orders, from the start of that day', () => {
    expect(orderHistoryFilter(new Date('2026-11-27T06:00:00Z'))).toBe("created_at:>='2016-11-27T00:00:00.000Z'");
  });
});
