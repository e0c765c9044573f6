import { buildCustomer, buildLine, buildOrder, daysBefore, StoreBuilder } from './store-builder';

const asOf = new Date('2026-11-27T06:00:00Z');

describe('store builder', () => {
  it('builds a subscribed customer with nothing else known', () => {
    expect(buildCustomer({ customerId: 'c1', country: 'DE' })).toEqual({
      customerId: 'c1',
      email: 'c1@example.test',
      phone: null,
      firstName: null,
      lastName: null,
      country: 'DE',
      province: null,
      timezone: null,
      tags: [],
      emailConsent: 'subscribed',
      smsConsent: 'not_subscribed',
      createdAt: null,
    });
  });

  it('builds a paid order whose totals follow from its lines', () => {
    const order = buildOrder({
      orderId: 'o1',
      createdAt: asOf,
      lines: [buildLine({ quantity: 3, price: 9.99, discountAmount: 1.5 }), buildLine({ lineNo: 2, price: 0.1 })],
    });
    expect([order.financialStatus, order.cancelledAt, order.subtotal, order.totalDiscounts, order.totalPrice]).toEqual([
      'paid',
      null,
      30.07,
      1.5,
      28.57,
    ]);
  });

  it('gives an order stated by its total one full-price line at that price', () => {
    const order = buildOrder({ orderId: 'o1', createdAt: asOf, totalPrice: 42.5 });
    expect(order.lines).toEqual([buildLine({ price: 42.5 })]);
    expect([order.subtotal, order.totalPrice]).toEqual([42.5, 42.5]);
  });

  it('numbers orders in the order they are added and dates them in days before as-of', () => {
    const store = new StoreBuilder(asOf);
    store.customer('c1');
    const first = store.order('c1', { daysAgo: 3 });
    const guest = store.order(null);
    expect([first.orderId, first.name, first.customerId, first.createdAt]).toEqual(['order-1001', '#1001', 'c1', daysBefore(asOf, 3)]);
    expect([guest.orderId, guest.customerId, guest.createdAt]).toEqual(['order-1002', null, daysBefore(asOf, 1)]);
  });

  it('places a rhythm of repeat orders, oldest first, ending lastDaysAgo before as-of', () => {
    const store = new StoreBuilder(asOf);
    const orders = store.repeatOrders('c1', { count: 3, everyDays: 30, lastDaysAgo: 5 }, { totalPrice: 20 });
    expect(orders.map((order) => order.createdAt)).toEqual([65, 35, 5].map((days) => daysBefore(asOf, days)));
    expect(store.orders).toEqual(orders);
    expect(orders.every((order) => order.totalPrice === 20)).toBe(true);
  });
});
