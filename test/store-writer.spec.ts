/**
 * StoreRepository on a real database: what a second write of the same customer, order or checkout does.
 * Each test works in a shop of its own, so the tests do not see each other's rows.
 */
import type { DataSource } from 'typeorm';
import { buildCustomer, buildLine, buildOrder } from '../src/segmentation/core/testing/store-builder';
import { ShopsRepository } from '../src/shops/shops.repository';
import type { CheckoutRecord, OrderRecord } from '../src/store/store-records';
import { StoreRepository } from '../src/store/store.repository';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

const MARCH_1 = new Date('2025-03-01T10:00:00Z');

describe.each(testDatabaseTargets())('store writer on $name', (target) => {
  let test: TestDatabase;
  let db: DataSource;
  let writer: StoreRepository;
  let shopCount = 0;
  beforeAll(async () => {
    test = await target.open();
    db = test.database.dataSource;
    writer = new StoreRepository(db);
  });
  afterAll(async () => test?.dispose());

  async function newShop(): Promise<number> {
    shopCount += 1;
    return (await new ShopsRepository(db).ensure(`writer-${shopCount}.myshopify.com`, { currency: 'EUR' })).id;
  }

  const customers = (shopId: number) =>
    db.query(
      `SELECT customer_id, email, phone, first_name, last_name, country, province, tags, email_consent, sms_consent
       FROM customers WHERE shop_id = $1 ORDER BY customer_id COLLATE "C"`,
      [shopId],
    );
  const orders = (shopId: number) =>
    db.query(
      `SELECT order_id, customer_id, financial_status, subtotal::text, total_discounts::text, total_price::text,
              total_refunded::text, discount_codes, shipping_country, item_quantity, full_price_quantity, categories,
              import_id
       FROM orders WHERE shop_id = $1 ORDER BY order_id COLLATE "C"`,
      [shopId],
    );
  const lines = (shopId: number) =>
    db.query(
      `SELECT order_id, line_no, title, product_type, quantity, price::text, compare_at_price::text,
              discount_amount::text
       FROM order_lines WHERE shop_id = $1 ORDER BY order_id COLLATE "C", line_no`,
      [shopId],
    );

  describe('customers', () => {
    it('updates a customer written again with a changed email, never adding a second row', async () => {
      const shop = await newShop();
      await writer.upsertCustomers(shop, [
        buildCustomer({ customerId: '501', email: 'old@example.com', firstName: 'Ada', country: 'GB', tags: ['vip'] }),
        buildCustomer({ customerId: '502', email: 'other@example.com' }),
      ]);
      await writer.upsertCustomers(shop, [
        buildCustomer({
          customerId: '501',
          email: 'new@example.com',
          firstName: 'Ada',
          lastName: 'Lovelace',
          country: 'FR',
          tags: [],
          emailConsent: 'unsubscribed',
          smsConsent: 'subscribed',
        }),
      ]);

      expect(await customers(shop)).toEqual([
        {
          customer_id: '501',
          email: 'new@example.com',
          phone: null,
          first_name: 'Ada',
          last_name: 'Lovelace',
          country: 'FR',
          province: null,
          tags: [],
          email_consent: 'unsubscribed',
          sms_consent: 'subscribed',
        },
        {
          customer_id: '502',
          email: 'other@example.com',
          phone: null,
          first_name: null,
          last_name: null,
          country: null,
          province: null,
          tags: [],
          email_consent: 'subscribed',
          sms_consent: 'not_subscribed',
        },
      ]);
    });

    it('keeps the last of two records of one customer in a single batch', async () => {
      const shop = await newShop();
      await writer.upsertCustomers(shop, [
        buildCustomer({ customerId: '601', email: 'first@example.com' }),
        buildCustomer({ customerId: '601', email: 'corrected@example.com' }),
      ]);
      expect((await customers(shop)).map((row: { customer_id: string; email: string }) => [row.customer_id, row.email])).toEqual([
        ['601', 'corrected@example.com'],
      ]);
    });
  });

  describe('orders', () => {
    const threeLineOrder = (): OrderRecord =>
      buildOrder({
        orderId: 'o-1',
        customerId: '701',
        createdAt: MARCH_1,
        lines: [
          buildLine({ title: 'Shirt', productType: 'Tops', quantity: 2, price: 30, compareAtPrice: 40 }),
          buildLine({ title: 'Socks', productType: 'Socks', quantity: 1, price: 8 }),
          buildLine({ title: 'Cap', productType: 'Hats', quantity: 1, price: 12, discountAmount: 2 }),
        ],
      });

    it('replaces the money and the lines of an order written again by another import', async () => {
      const shop = await newShop();
      await writer.upsertCustomers(shop, [buildCustomer({ customerId: '701' })]);
      await writer.upsertOrders(shop, [threeLineOrder()], 'import-1');
      await writer.upsertOrders(
        shop,
        [
          buildOrder({
            orderId: 'o-1',
            customerId: '701',
            createdAt: MARCH_1,
            financialStatus: 'partially_refunded',
            totalRefunded: 8,
            lines: [buildLine({ title: 'Shirt', productType: 'Tops', quantity: 2, price: 30, compareAtPrice: 40 })],
          }),
        ],
        'import-2',
      );

      expect(await orders(shop)).toEqual([
        {
          order_id: 'o-1',
          customer_id: '701',
          financial_status: 'partially_refunded',
          subtotal: '60.00',
          total_discounts: '0.00',
          total_price: '60.00',
          total_refunded: '8.00',
          discount_codes: [],
          shipping_country: null,
          item_quantity: 2,
          full_price_quantity: 0,
          categories: ['Tops'],
          import_id: 'import-2',
        },
      ]);
      expect(await lines(shop)).toEqual([
        { order_id: 'o-1', line_no: 1, title: 'Shirt', product_type: 'Tops', quantity: 2, price: '30.00', compare_at_price: '40.00', discount_amount: '0.00' },
      ]);
    });

    it('writes the same order twice from one import as a whole, leaving other orders alone', async () => {
      const shop = await newShop();
      const other = buildOrder({ orderId: 'o-2', customerId: '702', createdAt: MARCH_1, totalPrice: 15 });
      await writer.upsertOrders(shop, [threeLineOrder(), other], 'import-1');
      await writer.upsertOrders(shop, [threeLineOrder()], 'import-2');
      await writer.upsertOrders(shop, [threeLineOrder()], 'import-3');

      expect((await lines(shop)).map((row: { order_id: string; line_no: number; title: string }) => [row.order_id, row.line_no, row.title])).toEqual([
        ['o-1', 1, 'Shirt'],
        ['o-1', 2, 'Socks'],
        ['o-1', 3, 'Cap'],
        ['o-2', 1, 'Product'],
      ]);
      expect((await orders(shop)).map((row: { order_id: string; total_price: string; import_id: string }) => [row.order_id, row.total_price, row.import_id])).toEqual([
        ['o-1', '78.00', 'import-3'],
        ['o-2', '15.00', 'import-1'],
      ]);
    });

    it('merges records of one order from the same import: money summed, lines appended, line numbers continued', async () => {
      const shop = await newShop();
      await writer.upsertOrders(shop, [threeLineOrder()], 'import-1');
      await writer.upsertOrders(
        shop,
        [
          buildOrder({
            orderId: 'o-1',
            customerId: '701',
            createdAt: MARCH_1,
            totalRefunded: 5,
            lines: [
              buildLine({ title: 'Belt', productType: 'Accessories', quantity: 1, price: 25 }),
              buildLine({ title: 'Scarf', productType: 'Tops', quantity: 3, price: 5 }),
            ],
          }),
        ],
        'import-1',
      );

      expect(await orders(shop)).toEqual([
        {
          order_id: 'o-1',
          customer_id: '701',
          financial_status: 'partially_refunded', // the merged order has 5.00 of refunds on 118.00
          subtotal: '120.00', // 60 + 8 + 12, then 25 + 15
          total_discounts: '2.00',
          total_price: '118.00',
          total_refunded: '5.00',
          discount_codes: [],
          shipping_country: null,
          item_quantity: 8, // 4 + 4
          full_price_quantity: 5, // Socks 1 (Shirt marked down, Cap discounted), then Belt 1 + Scarf 3
          categories: ['Accessories', 'Hats', 'Socks', 'Tops'],
          import_id: 'import-1',
        },
      ]);
      expect(await lines(shop)).toEqual([
        { order_id: 'o-1', line_no: 1, title: 'Shirt', product_type: 'Tops', quantity: 2, price: '30.00', compare_at_price: '40.00', discount_amount: '0.00' },
        { order_id: 'o-1', line_no: 2, title: 'Socks', product_type: 'Socks', quantity: 1, price: '8.00', compare_at_price: null, discount_amount: '0.00' },
        { order_id: 'o-1', line_no: 3, title: 'Cap', product_type: 'Hats', quantity: 1, price: '12.00', compare_at_price: null, discount_amount: '2.00' },
        { order_id: 'o-1', line_no: 4, title: 'Belt', product_type: 'Accessories', quantity: 1, price: '25.00', compare_at_price: null, discount_amount: '0.00' },
        { order_id: 'o-1', line_no: 5, title: 'Scarf', product_type: 'Tops', quantity: 3, price: '5.00', compare_at_price: null, discount_amount: '0.00' },
      ]);
    });

    it('merges two records of one order in a single batch exactly as in two batches of the same import', async () => {
      const part1 = () => buildOrder({ orderId: 'o-1', customerId: '701', createdAt: MARCH_1, totalPrice: 20 });
      const part2 = () => buildOrder({ orderId: 'o-1', customerId: '701', createdAt: MARCH_1, totalPrice: 7.5, totalRefunded: 2.5 });
      const oneBatch = await newShop();
      await writer.upsertOrders(oneBatch, [part1(), part2()], 'import-1');
      const twoBatches = await newShop();
      await writer.upsertOrders(twoBatches, [part1()], 'import-1');
      await writer.upsertOrders(twoBatches, [part2()], 'import-1');

      expect(await orders(twoBatches)).toEqual(await orders(oneBatch));
      expect(await lines(twoBatches)).toEqual(await lines(oneBatch));
      expect((await orders(oneBatch))[0]).toMatchObject({ total_price: '27.50', total_refunded: '2.50', item_quantity: 2 });
    });

    // Full price = no markdown, no line discount AND no discount code on the ORDER (core/order-lines.ts). A code
    // that arrives with a later record of the order takes the full-price status from every unit of the order,
    // as it does when both records are merged in one batch (mergeOrdersById).
    it('counts no unit of a merged order as full price once any of its records carries a discount code', async () => {
      const withoutCode = () => buildOrder({ orderId: 'o-1', customerId: '701', createdAt: MARCH_1, lines: [buildLine({ quantity: 3, price: 10 })] });
      const withCode = () =>
        buildOrder({ orderId: 'o-1', customerId: '701', createdAt: MARCH_1, discountCodes: ['SAVE5'], lines: [buildLine({ quantity: 1, price: 10 })] });

      const oneBatch = await newShop();
      await writer.upsertOrders(oneBatch, [withoutCode(), withCode()], 'import-1');
      expect((await orders(oneBatch))[0]).toMatchObject({ item_quantity: 4, full_price_quantity: 0, discount_codes: ['SAVE5'] });

      const twoBatches = await newShop();
      await writer.upsertOrders(twoBatches, [withoutCode()], 'import-1');
      await writer.upsertOrders(twoBatches, [withCode()], 'import-1');
      expect((await orders(twoBatches))[0]).toMatchObject({ item_quantity: 4, full_price_quantity: 0, discount_codes: ['SAVE5'] });
    });

    it('gives the buyer of an order without a customer row a customer with the shipping country, and keeps known customers as they are', async () => {
      const shop = await newShop();
      await writer.upsertCustomers(shop, [buildCustomer({ customerId: 'known', email: 'known@example.com', country: 'DE' })]);
      await writer.upsertOrders(
        shop,
        [
          buildOrder({ orderId: 'o-1', customerId: 'guest-1', createdAt: MARCH_1, shippingCountry: 'FR' }),
          buildOrder({ orderId: 'o-2', customerId: 'known', createdAt: MARCH_1, shippingCountry: 'FR' }),
          buildOrder({ orderId: 'o-3', customerId: null, createdAt: MARCH_1, shippingCountry: 'IT' }),
        ],
        'import-1',
      );

      expect(await customers(shop)).toEqual([
        {
          customer_id: 'guest-1',
          email: null,
          phone: null,
          first_name: null,
          last_name: null,
          country: 'FR',
          province: null,
          tags: [],
          email_consent: 'not_subscribed',
          sms_consent: 'not_subscribed',
        },
        expect.objectContaining({ customer_id: 'known', email: 'known@example.com', country: 'DE', email_consent: 'subscribed' }),
      ]);
      expect((await orders(shop)).map((row: { order_id: string; customer_id: string | null }) => [row.order_id, row.customer_id])).toEqual([
        ['o-1', 'guest-1'],
        ['o-2', 'known'],
        ['o-3', null],
      ]);
    });

    it('matches a buyer named only by email to the customer with that address, in any case', async () => {
      const shop = await newShop();
      await writer.upsertCustomers(shop, [buildCustomer({ customerId: '801', email: 'Ada@Example.com' })]);
      await writer.upsertOrders(
        shop,
        [buildOrder({ orderId: 'o-1', customerId: null, customerEmail: 'ADA@example.COM', createdAt: MARCH_1 })],
        'import-1',
      );
      expect((await orders(shop)).map((row: { customer_id: string }) => row.customer_id)).toEqual(['801']);
      expect((await customers(shop)).map((row: { customer_id: string }) => row.customer_id)).toEqual(['801']);
    });

    // Every unknown buyer gets a customer row with the order's shipping country, a buyer known only by email
    // included: its placeholder `email:<address>` carries the country until a customers import adopts it.
    it('gives a buyer known only by email a placeholder customer with the shipping country', async () => {
      const shop = await newShop();
      await writer.upsertOrders(
        shop,
        [buildOrder({ orderId: 'o-1', customerId: null, customerEmail: 'walkin@example.net', createdAt: MARCH_1, shippingCountry: 'IE' })],
        'import-1',
      );
      expect(await customers(shop)).toEqual([
        expect.objectContaining({ customer_id: 'email:walkin@example.net', email: 'walkin@example.net', country: 'IE' }),
      ]);
    });

    it('keeps the same order id of two shops apart', async () => {
      const shopA = await newShop();
      const shopB = await newShop();
      await writer.upsertOrders(shopA, [buildOrder({ orderId: 'o-1', customerId: 'c', createdAt: MARCH_1, totalPrice: 10 })], 'import-a');
      await writer.upsertOrders(shopB, [buildOrder({ orderId: 'o-1', customerId: 'c', createdAt: MARCH_1, totalPrice: 99 })], 'import-b');
      await writer.upsertOrders(shopA, [buildOrder({ orderId: 'o-1', customerId: 'c', createdAt: MARCH_1, totalPrice: 11 })], 'import-a2');

      expect((await orders(shopA)).map((row: { total_price: string }) => row.total_price)).toEqual(['11.00']);
      expect((await orders(shopB)).map((row: { total_price: string }) => row.total_price)).toEqual(['99.00']);
      expect((await lines(shopB)).map((row: { price: string }) => row.price)).toEqual(['99.00']);
    });
  });

  describe('checkouts', () => {
    const checkout = (overrides: Partial<CheckoutRecord> & { checkoutId: string }): CheckoutRecord => ({
      customerId: null,
      email: null,
      createdAt: MARCH_1,
      completedAt: null,
      totalPrice: 0,
      currency: 'EUR',
      recoveryUrl: null,
      categories: [],
      ...overrides,
    });
    const checkouts = (shopId: number) =>
      db.query(
        `SELECT checkout_id, customer_id, email, created_at, completed_at, total_price::text, currency, recovery_url,
                categories
         FROM checkouts WHERE shop_id = $1 ORDER BY checkout_id COLLATE "C"`,
        [shopId],
      );

    it('upserts checkouts: a checkout seen again is updated (here: completed), the others stay', async () => {
      const shop = await newShop();
      await writer.upsertCheckouts(shop, [
        checkout({ checkoutId: 'ck-1', email: 'ada@example.com', totalPrice: 59.9, recoveryUrl: 'https://shop.test/r/1', categories: ['Tops'] }),
        checkout({ checkoutId: 'ck-2', customerId: '901', totalPrice: 12, categories: ['Hats', 'Socks'] }),
      ]);
      const completed = new Date('2025-03-02T08:00:00Z');
      await writer.upsertCheckouts(shop, [
        checkout({ checkoutId: 'ck-1', customerId: '900', email: 'ada@example.com', completedAt: completed, totalPrice: 64.9, recoveryUrl: 'https://shop.test/r/1', categories: ['Hats', 'Tops'] }),
      ]);

      expect(await checkouts(shop)).toEqual([
        {
          checkout_id: 'ck-1',
          customer_id: '900',
          email: 'ada@example.com',
          created_at: MARCH_1,
          completed_at: completed,
          total_price: '64.90',
          currency: 'EUR',
          recovery_url: 'https://shop.test/r/1',
          categories: ['Hats', 'Tops'],
        },
        {
          checkout_id: 'ck-2',
          customer_id: '901',
          email: null,
          created_at: MARCH_1,
          completed_at: null,
          total_price: '12.00',
          currency: 'EUR',
          recovery_url: null,
          categories: ['Hats', 'Socks'],
        },
      ]);
    });
  });
});
