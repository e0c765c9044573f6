import type { OrderLineRecord, OrderRecord } from '../../store/store-records';
import { createImportStats } from './errors';
import { readShopifyOrdersCsv } from './orders-export';
import { all, collect, describeError, fixture, importError, textStream } from './testing';

function line(lineNo: number, fields: Partial<OrderLineRecord> & Pick<OrderLineRecord, 'title' | 'quantity' | 'price'>): OrderLineRecord {
  return { lineNo, productId: null, sku: null, productType: null, compareAtPrice: null, discountAmount: 0, ...fields };
}

const EXPECTED: OrderRecord[] = [
  {
    orderId: '5001',
    name: '#1001',
    customerId: null,
    customerEmail: 'ada@example.com',
    createdAt: new Date('2024-03-01T19:05:00Z'),
    financialStatus: 'paid',
    cancelledAt: null,
    currency: 'EUR',
    subtotal: 75,
    totalDiscounts: 6,
    totalPrice: 80,
    totalRefunded: 0,
    discountCodes: ['WELCOME10'],
    shippingCountry: 'GB',
    lines: [
      line(1, { sku: 'SH-1-BL-M', title: 'Linen Shirt - Blue / M', quantity: 2, price: 30, compareAtPrice: 40, discountAmount: 6 }),
      // compare-at equal to the price: not a markdown
      line(2, { sku: 'SO-1', title: 'Wool Socks', quantity: 1, price: 21 }),
    ],
  },
  {
    orderId: '5002',
    name: '#1002',
    customerId: null,
    customerEmail: 'jean.dupont@example.fr',
    createdAt: new Date('2024-03-05T08:00:00Z'),
    financialStatus: 'partially_refunded',
    cancelledAt: null,
    currency: 'EUR',
    subtotal: 30,
    totalDiscounts: 0,
    totalPrice: 30,
    totalRefunded: 10,
    discountCodes: [],
    shippingCountry: 'FR',
    lines: [line(1, { sku: 'CUP-1', title: 'Espresso Cup', quantity: 3, price: 10 })],
  },
  {
    orderId: '5003',
    name: '#1003',
    customerId: null,
    customerEmail: 'grace@example.com',
    createdAt: new Date('2024-03-07T13:00:00Z'),
    financialStatus: 'voided',
    cancelledAt: new Date('2024-03-07T15:00:00Z'),
    currency: 'USD',
    subtotal: 120,
    totalDiscounts: 0,
    totalPrice: 120,
    totalRefunded: 0,
    discountCodes: [],
    shippingCountry: 'US',
    lines: [line(1, { title: 'Desk Lamp', quantity: 1, price: 120 })],
  },
  {
    orderId: '5004',
    name: '#1004',
    customerId: null,
    customerEmail: null,
    createdAt: new Date('2024-03-09T16:30:00Z'),
    financialStatus: 'paid',
    cancelledAt: null,
    currency: 'USD',
    subtotal: 52.5,
    totalDiscounts: 7.5,
    totalPrice: 52.5,
    totalRefunded: 0,
    discountCodes: ['SPRING', 'VIP5'],
    shippingCountry: null,
    lines: [
      line(1, { sku: 'NB-1', title: 'Notebook', quantity: 1, price: 20, discountAmount: 5 }),
      line(2, { sku: 'PEN-1', title: 'Pen', quantity: 2, price: 15, compareAtPrice: 18.5, discountAmount: 2.5 }),
      line(3, { title: 'Gift wrap', quantity: 0, price: 0 }),
    ],
  },
  {
    orderId: '5005',
    name: '#1005',
    customerId: null,
    customerEmail: 'grace@example.com',
    createdAt: new Date('2024-03-10T17:00:00Z'),
    financialStatus: 'refunded',
    cancelledAt: null,
    currency: 'USD',
    subtotal: 15,
    totalDiscounts: 0,
    totalPrice: 15,
    totalRefunded: 15,
    discountCodes: [],
    // older exports wrote country names: kept as written
    shippingCountry: 'United States',
    lines: [line(1, { title: 'Mug', quantity: 1, price: 15 })],
  },
];

describe('readShopifyOrdersCsv', () => {
  it('groups line-item rows into exact order records', async () => {
    const stats = createImportStats();
    const { records, batchSizes } = await collect(
      readShopifyOrdersCsv(fixture('shopify-orders.csv'), 'shopify-orders.csv', { batchSize: 2, stats }),
    );
    expect(records).toEqual(EXPECTED);
    expect(batchSizes).toEqual([2, 2, 1]);
    expect(stats).toEqual({ rows: 8, records: 5, skippedRows: 0, skippedByReason: {} });
  });

  it('gives the same records in one batch by default', async () => {
    const { records, batchSizes } = await collect(readShopifyOrdersCsv(fixture('shopify-orders.csv'), 'o.csv'));
    expect(batchSizes).toEqual([5]);
    expect(records).toEqual(EXPECTED);
  });

  it.each([
    [
      'shopify-orders-bad-status.csv',
      7,
      'Financial Status',
      "unknown financial status 'foo' (expected one of pending, authorized, paid, partially_paid, partially_refunded, refunded, voided, expired)",
    ],
    // line 6: the note of #1002 spans lines 4 and 5
    ['shopify-orders-bad-price.csv', 6, 'Lineitem price', "expected a number, got '12,00'"],
    [
      'shopify-orders-bad-date.csv',
      4,
      'Created at',
      "expected a date such as 2024-03-01 or 2024-03-01 14:05:00 -0500, got '05/03/2024 09:00'",
    ],
    [
      'shopify-orders-split-order.csv',
      5,
      'Financial Status',
      "missing value (order #1001 starts on this line, and an order's first row carries its fields)",
    ],
  ])('%s: line %d, column %s', async (file, lineNo, column, reason) => {
    const error = await importError(readShopifyOrdersCsv(fixture(file), file));
    expect(describeError(error)).toEqual({ file, line: lineNo, column, reason, message: `${file}:${lineNo}: column "${column}": ${reason}` });
  });

  it('never yields a record from a bad row: the batch before the error is complete and clean', async () => {
    const seen: OrderRecord[] = [];
    const error = await importError(
      (async function* () {
        for await (const batch of readShopifyOrdersCsv(fixture('shopify-orders-bad-status.csv'), 'b.csv', { batchSize: 1 })) {
          seen.push(...batch);
          yield batch;
        }
      })(),
    );
    expect(error.line).toBe(7);
    expect(seen).toEqual(EXPECTED.slice(0, 3));
  });

  const minimal = 'Name,Email,Financial Status,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price\n';
  it('uses Name as the order id when there is no Id column, and reads dates without zone as UTC', async () => {
    const records = await all(readShopifyOrdersCsv(textStream(`${minimal}#1,,Paid,eur,10,10,2024-03-01,1,Tea,10\n`), 'o.csv'));
    expect(records).toEqual([
      {
        orderId: '#1',
        name: '#1',
        customerId: null,
        customerEmail: null,
        createdAt: new Date('2024-03-01T00:00:00Z'),
        financialStatus: 'paid',
        cancelledAt: null,
        currency: 'EUR',
        subtotal: 10,
        totalDiscounts: 0,
        totalPrice: 10,
        totalRefunded: 0,
        discountCodes: [],
        shippingCountry: null,
        lines: [line(1, { title: 'Tea', quantity: 1, price: 10 })],
      },
    ]);
  });

  it.each([
    ['#1,a@x.io,paid,EUR,10,10,2024-03-01,1.5,Tea,10', 'Lineitem quantity', "expected a whole number, got '1.5'"],
    ['#1,a@x.io,paid,EUR,10,10,2024-03-01,-1,Tea,10', 'Lineitem quantity', "expected a quantity of zero or more, got '-1'"],
    ['#1,a@x.io,paid,EUR,-10,10,2024-03-01,1,Tea,10', 'Subtotal', "expected an amount of zero or more, got '-10'"],
    ['#1,a@x.io,paid,EURO,10,10,2024-03-01,1,Tea,10', 'Currency', "expected a 3-letter currency code such as 'EUR', got 'EURO'"],
    ['#1,a@x.io,paid,EUR,10,10,2024-02-30,1,Tea,10', 'Created at', "expected a date such as 2024-03-01 or 2024-03-01 14:05:00 -0500, got '2024-02-30'"],
    ['#1,a@x.io,paid,EUR,10,10,2024-03-01,1,,10', 'Lineitem name', 'missing value'],
    [',a@x.io,paid,EUR,10,10,2024-03-01,1,Tea,10', 'Name', 'missing value'],
    ['#1,a@x.io,paid,EUR,10,,2024-03-01,1,Tea,10', 'Total', "missing value (order #1 starts on this line, and an order's first row carries its fields)"],
  ])('rejects %s', async (row, column, reason) => {
    const error = await importError(readShopifyOrdersCsv(textStream(`${minimal}${row}\n`), 'o.csv'));
    expect(describeError(error)).toMatchObject({ line: 2, column, reason });
  });

  it('checks the order-level cells of an order’s later rows when they are filled', async () => {
    const text = `${minimal}#1,a@x.io,paid,EUR,10,10,2024-03-01,1,Tea,5\n#1,a@x.io,,,,,2024-03-32,1,Cake,5\n`;
    const error = await importError(readShopifyOrdersCsv(textStream(text), 'o.csv'));
    expect(describeError(error)).toMatchObject({
      line: 3,
      column: 'Created at',
      reason: "expected a date such as 2024-03-01 or 2024-03-01 14:05:00 -0500, got '2024-03-32'",
    });
  });

  it('reports a missing required column at line 1', async () => {
    const error = await importError(readShopifyOrdersCsv(textStream('Name,Email\n#1,a@x.io\n'), 'o.csv'));
    expect(error.message).toBe("o.csv:1: missing required column 'Financial Status'");
  });
});
