/**
 * StoreImportService on real files: Shopify's customers and orders exports and generic mapped orders CSVs,
 * imported into a real database. Each test states the files, the import and the exact rows that follow.
 * Fixtures: test/fixtures/import/ (small, hand-written); the big files are generated into a temp folder.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { DataSource } from 'typeorm';
import { CsvImportError, parseColumnMapping } from '../src/shopify/csv';
import { StoreImportService, type ImportFileOptions } from '../src/shopify/store-import.service';
import { ShopsRepository } from '../src/shops/shops.repository';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

const FIXTURES = join(__dirname, 'fixtures', 'import');
const CUSTOMERS_EXPORT = join(FIXTURES, 'shopify-customers.csv');
const ORDERS_EXPORT = join(FIXTURES, 'shopify-orders.csv');
const INTERLEAVED = join(FIXTURES, 'online-retail-interleaved.csv');
const ONLINE_RETAIL = parseColumnMapping(
  'customer=CustomerID,date=InvoiceDate,order=InvoiceNo,quantity=Quantity,price=UnitPrice,product=Description,category=Category,country=Country',
);

/** A garbage collection, whether or not node was started with --expose-gc. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

// ------------------------------------------------------------------------------------ table dumps

type Row = Record<string, unknown>;
interface Dump {
  customers: Row[];
  orders: Row[];
  order_lines: Row[];
  checkouts: Row[];
}

/**
 * The shop's store tables, every column of every row, in key order. Without `bookkeeping`, the columns an
 * import sets to "when" and "which import" (updated_at, import_id) are left out: two imports of the same
 * file must agree on everything else.
 */
async function dump(db: DataSource, shopId: number, { bookkeeping = false } = {}): Promise<Dump> {
  const stamp = bookkeeping ? ', updated_at' : '';
  return {
    customers: await db.query(
      `SELECT customer_id, email, phone, first_name, last_name, country, province, timezone, tags, email_consent,
              sms_consent, created_at${stamp}
       FROM customers WHERE shop_id = $1 ORDER BY customer_id COLLATE "C"`,
      [shopId],
    ),
    orders: await db.query(
      `SELECT order_id, name, customer_id, created_at, financial_status, cancelled_at, currency, subtotal,
              total_discounts, total_price, total_refunded, discount_codes, shipping_country, item_quantity,
              full_price_quantity, categories${bookkeeping ? ', import_id, updated_at' : ''}
       FROM orders WHERE shop_id = $1 ORDER BY order_id COLLATE "C"`,
      [shopId],
    ),
    order_lines: await db.query(
      `SELECT order_id, line_no, product_id, sku, title, product_type, quantity, price, compare_at_price,
              discount_amount
       FROM order_lines WHERE shop_id = $1 ORDER BY order_id COLLATE "C", line_no`,
      [shopId],
    ),
    checkouts: await db.query(
      `SELECT checkout_id, customer_id, email, created_at, completed_at, total_price, currency, recovery_url,
              categories${stamp}
       FROM checkouts WHERE shop_id = $1 ORDER BY checkout_id COLLATE "C"`,
      [shopId],
    ),
  };
}

/** Every row of every table of the database (the migrations' ledger aside), bookkeeping included. */
async function databaseDump(db: DataSource): Promise<Record<string, Row[]>> {
  const tables: { table_name: string }[] = await db.query(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
     ORDER BY table_name`,
  );
  const out: Record<string, Row[]> = {};
  for (const { table_name: table } of tables) {
    out[table] = await db.query(`SELECT * FROM "${table}" t ORDER BY t::text COLLATE "C"`);
  }
  return out;
}

// ------------------------------------------------------------------------------- expected contents

const REAL_CUSTOMERS: Row[] = [
  {
    customer_id: '8100000000001',
    email: 'ada@example.com',
    phone: '+447700900001',
    first_name: 'Ada',
    last_name: 'Lovelace',
    country: 'GB',
    province: null,
    timezone: null,
    tags: ['vip', 'newsletter'],
    email_consent: 'subscribed',
    sms_consent: 'not_subscribed',
    created_at: null,
  },
  {
    customer_id: '8100000000002',
    email: 'jean.dupont@example.fr',
    phone: '+33612345678', // Phone is empty: the default address's phone
    first_name: 'Jean',
    last_name: 'Dupont',
    country: 'FR',
    province: null,
    timezone: null,
    tags: [],
    email_consent: 'not_subscribed',
    sms_consent: 'subscribed',
    created_at: null,
  },
  {
    customer_id: '8100000000003',
    email: 'grace@example.com',
    phone: null,
    first_name: 'Grace',
    last_name: 'Hopper',
    country: 'US',
    province: 'NY',
    timezone: null,
    tags: ['loyal'],
    email_consent: 'subscribed',
    sms_consent: 'not_subscribed',
    created_at: null,
  },
  {
    customer_id: '8100000000004',
    email: 'alan@example.com',
    phone: null,
    first_name: 'Alan',
    last_name: 'Turing',
    country: 'GB',
    province: null,
    timezone: null,
    tags: [],
    email_consent: 'not_subscribed',
    sms_consent: 'not_subscribed',
    created_at: null,
  },
  {
    customer_id: '8100000000005',
    email: 'emmy@example.de',
    phone: '+4991311234',
    first_name: 'Emmy',
    last_name: 'Noether',
    country: 'DE',
    province: 'BY',
    timezone: null,
    tags: ['wholesale'],
    email_consent: 'subscribed',
    sms_consent: 'subscribed',
    created_at: null,
  },
];

/** The walk-in buyer of #1006 is in no customers export: a placeholder keyed by email stays. */
const WALK_IN = {
  customer_id: 'email:walkin@example.net',
  email: 'walkin@example.net',
  phone: null,
  first_name: null,
  last_name: null,
  country: 'Ireland', // the shipping country of the order
  province: null,
  timezone: null,
  tags: [],
  email_consent: 'not_subscribed',
  sms_consent: 'not_subscribed',
  created_at: null,
};

function order(fields: Row): Row {
  return {
    cancelled_at: null,
    total_discounts: '0.00',
    total_refunded: '0.00',
    discount_codes: [],
    categories: [],
    ...fields,
  };
}

const EXPECTED_ORDERS: Row[] = [
  order({
    order_id: '#1007', // no Id: the name is the key
    name: '#1007',
    customer_id: null, // no email: nobody's order
    created_at: new Date('2025-03-11T12:00:00Z'),
    financial_status: 'paid',
    currency: 'EUR',
    subtotal: '18.00',
    total_price: '18.00',
    shipping_country: null,
    item_quantity: 3,
    full_price_quantity: 3,
  }),
  order({
    order_id: '5500000000001',
    name: '#1001',
    customer_id: '8100000000001', // ADA@example.com
    created_at: new Date('2025-03-01T19:05:00Z'),
    financial_status: 'paid',
    currency: 'EUR',
    subtotal: '81.00',
    total_price: '86.00',
    shipping_country: 'GB',
    item_quantity: 3,
    full_price_quantity: 1, // the shirts are marked down from 40.00; socks' compare-at equals the price
  }),
  order({
    order_id: '5500000000002',
    name: '#1002',
    customer_id: '8100000000002',
    created_at: new Date('2025-03-05T08:00:00Z'),
    financial_status: 'partially_refunded',
    currency: 'EUR',
    subtotal: '55.00',
    total_price: '55.00',
    total_refunded: '10.00',
    shipping_country: 'FR',
    item_quantity: 6,
    full_price_quantity: 6, // a compare-at below the price (beans) is no markdown
  }),
  order({
    order_id: '5500000000003',
    name: '#1003',
    customer_id: '8100000000003',
    created_at: new Date('2025-03-07T13:00:00Z'),
    financial_status: 'paid',
    currency: 'USD',
    subtotal: '55.00',
    total_discounts: '6.00',
    total_price: '49.00',
    discount_codes: ['WELCOME10'],
    shipping_country: 'US',
    item_quantity: 3,
    full_price_quantity: 0, // a discount code
  }),
  order({
    order_id: '5500000000004',
    name: '#1004',
    customer_id: '8100000000003',
    created_at: new Date('2025-03-08T15:00:00Z'),
    financial_status: 'voided',
    cancelled_at: new Date('2025-03-08T17:00:00Z'),
    currency: 'USD',
    subtotal: '120.00',
    total_price: '120.00',
    shipping_country: 'US',
    item_quantity: 1,
    full_price_quantity: 1,
  }),
  order({
    order_id: '5500000000005',
    name: '#1005',
    customer_id: '8100000000004',
    created_at: new Date('2025-03-09T16:30:00Z'),
    financial_status: 'paid',
    currency: 'GBP',
    subtotal: '50.00',
    total_price: '50.00',
    shipping_country: 'GB', // written 'gb'
    item_quantity: 4,
    full_price_quantity: 4,
  }),
  order({
    order_id: '5500000000006',
    name: '#1006',
    customer_id: 'email:walkin@example.net',
    created_at: new Date('2025-03-10T11:00:00Z'),
    financial_status: 'paid',
    currency: 'EUR',
    subtotal: '25.00',
    total_price: '25.00',
    shipping_country: 'Ireland', // an older export's country name, kept as written
    item_quantity: 1,
    full_price_quantity: 1,
  }),
  order({
    order_id: '5500000000008',
    name: '#1008',
    customer_id: '8100000000005',
    created_at: new Date('2025-03-12T08:15:00Z'),
    financial_status: 'partially_refunded',
    currency: 'EUR',
    subtotal: '77.50',
    total_discounts: '7.50',
    total_price: '70.00',
    total_refunded: '20.00',
    discount_codes: ['SPRING', 'VIP5'],
    shipping_country: 'DE',
    item_quantity: 4, // the gift wrap line has quantity 0
    full_price_quantity: 0,
  }),
  order({
    order_id: '5500000000009',
    name: '#1009',
    customer_id: '8100000000001',
    created_at: new Date('2025-04-02T10:00:00Z'),
    financial_status: 'paid',
    currency: 'EUR',
    subtotal: '65.00',
    total_price: '65.00',
    shipping_country: 'GB',
    item_quantity: 1,
    full_price_quantity: 1,
  }),
];

function line(orderId: string, lineNo: number, title: string, sku: string | null, quantity: number, price: string, compareAt: string | null = null, discount = '0.00'): Row {
  return {
    order_id: orderId,
    line_no: lineNo,
    product_id: null,
    sku,
    title,
    product_type: null,
    quantity,
    price,
    compare_at_price: compareAt,
    discount_amount: discount,
  };
}

const EXPECTED_LINES: Row[] = [
  line('#1007', 1, 'Postcard Set', 'PC-1', 1, '8.00'),
  line('#1007', 2, 'Stamp', 'ST-1', 2, '5.00'),
  line('5500000000001', 1, 'Linen Shirt - Blue / M', 'SH-1-BL-M', 2, '30.00', '40.00'),
  line('5500000000001', 2, 'Wool Socks', 'SO-1', 1, '21.00'),
  line('5500000000002', 1, 'Espresso Cup', 'CUP-1', 3, '10.00'),
  line('5500000000002', 2, 'Saucer', 'SAU-1', 2, '5.00'),
  line('5500000000002', 3, 'Coffee Beans 250g', 'BEAN-250', 1, '15.00'),
  line('5500000000003', 1, 'Notebook', 'NB-1', 2, '20.00', null, '4.00'),
  line('5500000000003', 2, 'Pen', 'PEN-1', 1, '15.00', '18.50', '2.00'),
  line('5500000000004', 1, 'Desk Lamp', 'LAMP-1', 1, '120.00'),
  line('5500000000005', 1, 'Mug', 'MUG-1', 4, '12.50'),
  line('5500000000006', 1, 'Tote Bag', 'TOTE-1', 1, '25.00'),
  line('5500000000008', 1, 'Scarf', 'SC-1', 1, '40.00', '55.00', '5.00'),
  line('5500000000008', 2, 'Gloves', 'GL-1', 2, '15.00', null, '2.50'),
  line('5500000000008', 3, 'Gift wrap', null, 0, '0.00'),
  line('5500000000008', 4, 'Hat', 'HAT-1', 1, '7.50'),
  line('5500000000009', 1, 'Linen Trousers', 'TR-1', 1, '65.00'),
];

// ------------------------------------------------------------------------------- generated files

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'segment-sync-import-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a file line by line in chunks, without holding it whole in memory. */
function writeLines(name: string, header: string, count: number, lineAt: (i: number) => string): string {
  const path = join(scratch, name);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${header}\n`);
    let chunk: string[] = [];
    for (let i = 1; i <= count; i++) {
      chunk.push(lineAt(i));
      if (chunk.length === 10_000 || i === count) {
        writeSync(fd, `${chunk.join('\n')}\n`);
        chunk = [];
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

const ROW_ORDERS = parseColumnMapping('customer=customer,date=date,amount=amount,country=country');

/**
 * Orders CSV without an order column (each row an order): row i is customer `${prefix}i`, on a day of
 * January 2025, for 10 + i % 50 + `shift`; the row `badRow` (1-based, the header not counted) has the amount
 * 'twelve'.
 */
function rowOrdersFile(name: string, rows: number, { prefix = 'c', shift = 0, badRow = 0 } = {}): string {
  return writeLines(name, 'customer,date,amount,country', rows, (i) => {
    const amount = i === badRow ? 'twelve' : (10 + (i % 50) + shift).toFixed(2);
    return `${prefix}${i},2025-01-${String(1 + (i % 28)).padStart(2, '0')},${amount},FR`;
  });
}

/** A Shopify customers export of `rows` customers; the row `badRow` has the email 'not-an-email'. */
function customersFile(name: string, rows: number, { firstName = 'Ada', badRow = 0 } = {}): string {
  return writeLines(name, 'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Country Code', rows, (i) => {
    const email = i === badRow ? 'not-an-email' : `customer${i}@example.com`;
    return `${9000000000000 + i},${firstName},Number ${i},${email},yes,FR`;
  });
}

// ---------------------------------------------------------------------------------------- the tests

describe.each(testDatabaseTargets())('import of CSV files on $name', (target) => {
  let test: TestDatabase;
  let db: DataSource;
  let importer: StoreImportService;
  let shops = 0;
  beforeAll(async () => {
    test = await target.open();
    db = test.database.dataSource;
    importer = new StoreImportService(db);
  });
  afterAll(async () => test?.dispose());

  async function newShop(): Promise<number> {
    shops += 1;
    return (await new ShopsRepository(db).ensure(`import-${shops}.myshopify.com`, { currency: 'EUR' })).id;
  }
  const options = (shopId: number, extra: Partial<ImportFileOptions> = {}): ImportFileOptions => ({ shopId, currency: 'EUR', ...extra });

  describe("Shopify's customers and orders exports", () => {
    it('imports customers, then orders matched to them by email, with lines and derived columns', async () => {
      const shop = await newShop();
      const customers = await importer.importFile('customers', CUSTOMERS_EXPORT, options(shop));
      const orders = await importer.importFile('orders', ORDERS_EXPORT, options(shop));

      expect(customers).toMatchObject({ kind: 'customers', format: 'shopify-customers', rows: 5, records: 5, skippedRows: 0 });
      expect(orders).toMatchObject({ kind: 'orders', format: 'shopify-orders', rows: 17, records: 9, skippedRows: 0 });
      const tables = await dump(db, shop);
      expect(tables.customers).toEqual([...REAL_CUSTOMERS, WALK_IN]);
      expect(tables.orders).toEqual(EXPECTED_ORDERS);
      expect(tables.order_lines).toEqual(EXPECTED_LINES);
      expect(tables.checkouts).toEqual([]);
      const [totals] = await db.query(
        `SELECT count(*)::int AS orders, sum(total_price)::text AS total, sum(total_refunded)::text AS refunded,
                sum(item_quantity)::int AS units, sum(full_price_quantity)::int AS full_price_units
         FROM orders WHERE shop_id = $1`,
        [shop],
      );
      expect(totals).toEqual({ orders: 9, total: '538.00', refunded: '30.00', units: 26, full_price_units: 17 });
    });

    it('gives orders imported before the customers placeholder buyers, which the customers import then adopts', async () => {
      const shop = await newShop();
      await importer.importFile('orders', ORDERS_EXPORT, options(shop));

      const placeholders = await db.query(`SELECT customer_id, email FROM customers WHERE shop_id = $1 ORDER BY customer_id COLLATE "C"`, [shop]);
      expect(placeholders).toEqual(
        ['ada@example.com', 'alan@example.com', 'emmy@example.de', 'grace@example.com', 'jean.dupont@example.fr', 'walkin@example.net'].map(
          (email) => ({ customer_id: `email:${email}`, email }),
        ),
      );
      const buyers = await db.query(`SELECT name, customer_id FROM orders WHERE shop_id = $1 ORDER BY name`, [shop]);
      expect(buyers).toEqual([
        { name: '#1001', customer_id: 'email:ada@example.com' },
        { name: '#1002', customer_id: 'email:jean.dupont@example.fr' },
        { name: '#1003', customer_id: 'email:grace@example.com' },
        { name: '#1004', customer_id: 'email:grace@example.com' },
        { name: '#1005', customer_id: 'email:alan@example.com' },
        { name: '#1006', customer_id: 'email:walkin@example.net' },
        { name: '#1007', customer_id: null },
        { name: '#1008', customer_id: 'email:emmy@example.de' },
        { name: '#1009', customer_id: 'email:ada@example.com' },
      ]);

      await importer.importFile('customers', CUSTOMERS_EXPORT, options(shop));

      const tables = await dump(db, shop);
      expect(tables.customers).toEqual([...REAL_CUSTOMERS, WALK_IN]);
      expect(tables.orders).toEqual(EXPECTED_ORDERS);
      expect(tables.order_lines).toEqual(EXPECTED_LINES);
    });

    it('gives the same tables when both files are imported twice', async () => {
      const shop = await newShop();
      await importer.importFile('customers', CUSTOMERS_EXPORT, options(shop));
      await importer.importFile('orders', ORDERS_EXPORT, options(shop));
      const once = await dump(db, shop);

      await importer.importFile('customers', CUSTOMERS_EXPORT, options(shop));
      await importer.importFile('orders', ORDERS_EXPORT, options(shop));
      expect(await dump(db, shop)).toEqual(once);

      await importer.importFile('orders', ORDERS_EXPORT, options(shop));
      await importer.importFile('customers', CUSTOMERS_EXPORT, options(shop));
      expect(await dump(db, shop)).toEqual(once);
    });
  });

  describe('a generic orders CSV with a column mapping', () => {
    const expectedInterleaved = {
      customers: [
        // Buyers named only by the orders: a customer each, with the shipping country of their orders.
        { customer_id: '12583', country: 'FR' },
        { customer_id: '13047', country: 'United Kingdom' },
        { customer_id: '17850', country: 'United Kingdom' },
      ],
      orders: [
        {
          order_id: '536365',
          customer_id: '17850',
          created_at: new Date('2010-12-01T08:26:00Z'),
          financial_status: 'paid',
          currency: 'GBP',
          subtotal: '57.64', // 6 x 2.55 + 6 x 3.39, and 8 x 2.75 four rows further down
          total_price: '57.64',
          total_refunded: '0.00',
          item_quantity: 20,
          full_price_quantity: 20,
          categories: ['Lighting', 'Storage'],
        },
        {
          order_id: '536366',
          customer_id: '17850',
          created_at: new Date('2010-12-01T08:28:00Z'),
          financial_status: 'paid',
          currency: 'GBP',
          subtotal: '11.10',
          total_price: '11.10',
          total_refunded: '0.00',
          item_quantity: 6,
          full_price_quantity: 6,
          categories: ['Textiles'],
        },
        {
          order_id: '536367',
          customer_id: '13047', // written 13047.0 on its first row
          created_at: new Date('2010-12-01T08:34:00Z'),
          financial_status: 'paid',
          currency: 'GBP',
          subtotal: '66.68', // 32 x 1.69, then 6 x 2.10 on the last row
          total_price: '66.68',
          total_refunded: '0.00',
          item_quantity: 38,
          full_price_quantity: 38,
          categories: ['Decoration', 'Toys'],
        },
        {
          order_id: '536370',
          customer_id: '12583',
          created_at: new Date('2010-12-01T08:45:00Z'),
          financial_status: 'paid',
          currency: 'GBP',
          subtotal: '90.00',
          total_price: '90.00',
          total_refunded: '0.00',
          item_quantity: 24,
          full_price_quantity: 24,
          categories: ['Clocks'],
        },
      ],
      lines: [
        ['536365', 1, 'WHITE HANGING HEART T-LIGHT HOLDER', 'Lighting', 6, '2.55'],
        ['536365', 2, 'WHITE METAL LANTERN', 'Lighting', 6, '3.39'],
        ['536365', 3, 'CREAM CUPID HEARTS COAT HANGER', 'Storage', 8, '2.75'],
        ['536366', 1, 'HAND WARMER UNION JACK', 'Textiles', 6, '1.85'],
        ['536367', 1, 'ASSORTED COLOUR BIRD ORNAMENT', 'Decoration', 32, '1.69'],
        ['536367', 2, "POPPY'S PLAYHOUSE BEDROOM", 'Toys', 6, '2.10'],
        ['536370', 1, 'ALARM CLOCK BAKELIKE PINK', 'Clocks', 24, '3.75'],
      ],
    };

    async function interleavedTables(shop: number) {
      const tables = await dump(db, shop);
      return {
        customers: tables.customers.map(({ customer_id, country }) => ({ customer_id, country })),
        orders: tables.orders.map(({ order_id, customer_id, created_at, financial_status, currency, subtotal, total_price, total_refunded, item_quantity, full_price_quantity, categories }) => ({
          order_id, customer_id, created_at, financial_status, currency, subtotal, total_price, total_refunded, item_quantity, full_price_quantity, categories,
        })),
        lines: tables.order_lines.map((l) => [l.order_id, l.line_no, l.title, l.product_type, l.quantity, l.price]),
      };
    }

    it('merges the rows of an invoice that come back after other invoices into one order with all its lines', async () => {
      const shop = await newShop();
      const result = await importer.importFile('orders', INTERLEAVED, options(shop, { mapping: ONLINE_RETAIL, currency: 'GBP' }));

      expect(result).toMatchObject({ format: 'mapped-orders', rows: 8, records: 6, skippedRows: 1, skippedByReason: { 'no customer': 1 } });
      expect(await interleavedTables(shop)).toEqual(expectedInterleaved);
    });

    it('gives the same tables when the interleaved file is imported again', async () => {
      const shop = await newShop();
      await importer.importFile('orders', INTERLEAVED, options(shop, { mapping: ONLINE_RETAIL, currency: 'GBP' }));
      const once = await dump(db, shop);
      await importer.importFile('orders', INTERLEAVED, options(shop, { mapping: ONLINE_RETAIL, currency: 'GBP' }));
      expect(await dump(db, shop)).toEqual(once);
      expect(await interleavedTables(shop)).toEqual(expectedInterleaved);
    });

    // Invoice 100: two mugs on 1 March; one comes back on 5 March, on a row of the same invoice. Whether that
    // row follows the sale or comes after another invoice, the order is the same: placed on 1 March (the date
    // of its first row), 20.00 paid, 10.00 refunded, so partially refunded (and still eligible).
    it('gives an invoice whose return row comes back later the same order as when the rows are adjacent', async () => {
      const mapping = parseColumnMapping('order=Invoice,customer=Customer,date=Date,quantity=Quantity,price=Price,product=Product');
      const orderRows = async (shop: number) =>
        (await dump(db, shop)).orders.map(({ order_id, created_at, financial_status, total_price, total_refunded, item_quantity }) => ({
          order_id, created_at, financial_status, total_price, total_refunded, item_quantity,
        }));

      const adjacent = await newShop();
      await importer.importFile('orders', join(FIXTURES, 'orders-late-return-adjacent.csv'), options(adjacent, { mapping }));
      const interleaved = await newShop();
      await importer.importFile('orders', join(FIXTURES, 'orders-late-return.csv'), options(interleaved, { mapping }));

      const expected = [
        {
          order_id: '100',
          created_at: new Date('2025-03-01T00:00:00Z'),
          financial_status: 'partially_refunded',
          total_price: '20.00',
          total_refunded: '10.00',
          item_quantity: 3, // the returned unit is listed as a line of its own
        },
        {
          order_id: '101',
          created_at: new Date('2025-03-02T00:00:00Z'),
          financial_status: 'paid',
          total_price: '30.00',
          total_refunded: '0.00',
          item_quantity: 1,
        },
      ];
      expect(await orderRows(adjacent)).toEqual(expected);
      expect(await orderRows(interleaved)).toEqual(expected);
    });

    // The reader yields batches of 1000 records. Invoice X's first row is record 1 (batch 1); after 1000 other
    // invoices its second row, with a discount code, is record 1002 (batch 2). The order carries a code, so
    // none of its units is at full price — as when the same rows are imported in one batch.
    it('merges an invoice whose rows fall in two batches exactly as when they fall in one, and again on re-import', async () => {
      const header = 'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Description,Category,Code';
      const invoiceX = ['X,42,2025-02-01,3,10.00,Shirt,Tops,', 'X,42,2025-02-01,1,20.00,Belt,Accessories,SAVE5'];
      const filler = (i: number) => `F${i},${1000 + i},2025-02-02,1,5.00,Sticker,Paper,`;
      const mapping = parseColumnMapping(
        'order=InvoiceNo,customer=CustomerID,date=InvoiceDate,quantity=Quantity,price=UnitPrice,product=Description,category=Category,discountCode=Code',
      );
      const split = writeLines('split-across-batches.csv', header, 1002, (i) => (i === 1 ? invoiceX[0] : i === 1002 ? invoiceX[1] : filler(i)));
      const together = writeLines('together.csv', header, 1002, (i) => (i <= 2 ? invoiceX[i - 1] : filler(i - 1)));
      const invoiceXRows = async (shop: number) => {
        const tables = await dump(db, shop);
        return {
          order: tables.orders.find((o) => o.order_id === 'X'),
          lines: tables.order_lines.filter((l) => l.order_id === 'X'),
          orders: tables.orders.length,
        };
      };

      const inOneBatch = await newShop();
      await importer.importFile('orders', together, options(inOneBatch, { mapping }));
      const expected = await invoiceXRows(inOneBatch);
      expect(expected.orders).toBe(1001);
      expect(expected.order).toMatchObject({
        subtotal: '50.00',
        total_price: '50.00',
        discount_codes: ['SAVE5'],
        item_quantity: 4,
        full_price_quantity: 0,
        categories: ['Accessories', 'Tops'],
      });
      expect(expected.lines.map((l) => [l.line_no, l.title])).toEqual([[1, 'Shirt'], [2, 'Belt']]);

      const inTwoBatches = await newShop();
      await importer.importFile('orders', split, options(inTwoBatches, { mapping }));
      expect(await invoiceXRows(inTwoBatches)).toEqual(expected);
      await importer.importFile('orders', split, options(inTwoBatches, { mapping }));
      expect(await invoiceXRows(inTwoBatches)).toEqual(expected);
    });
  });

  describe('all or nothing', () => {
    it('rejects a mapped orders file whose 1,500th row is malformed with the exact error, and writes none of it', async () => {
      const shop = await newShop();
      const bad = rowOrdersFile('bad-orders.csv', 1600, { badRow: 1500 });
      const before = await databaseDump(db);

      const error = await importer.importFile('orders', bad, options(shop, { mapping: ROW_ORDERS })).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(CsvImportError);
      expect(error).toMatchObject({
        file: 'bad-orders.csv',
        line: 1501, // the header is line 1
        column: 'amount',
        reason: "expected a number, got 'twelve'",
        message: `bad-orders.csv:1501: column "amount": expected a number, got 'twelve'`,
      });
      expect(await databaseDump(db)).toEqual(before);
    });

    it('leaves a shop that already has data from an earlier import exactly as it was', async () => {
      const shop = await newShop();
      await importer.importFile('customers', customersFile('good-customers.csv', 1200, { firstName: 'Old' }), options(shop));
      await importer.importFile('orders', rowOrdersFile('good-orders.csv', 1200), options(shop, { mapping: ROW_ORDERS }));
      const [counts] = await db.query(
        `SELECT (SELECT count(*)::int FROM customers WHERE shop_id = $1) AS customers,
                (SELECT count(*)::int FROM orders WHERE shop_id = $1) AS orders`,
        [shop],
      );
      expect(counts).toEqual({ customers: 2400, orders: 1200 }); // 1200 from the export, 1200 buyers of the orders file
      const before = await databaseDump(db);

      // The first 1000 rows of each bad file would rewrite the customers (new names), and replace or add
      // orders and buyers (other amounts, half of the buyers new), if they were kept.
      const badCustomers = customersFile('bad-customers.csv', 1600, { firstName: 'New', badRow: 1500 });
      await expect(importer.importFile('customers', badCustomers, options(shop))).rejects.toMatchObject({
        name: 'CsvImportError',
        file: 'bad-customers.csv',
        line: 1501,
        column: 'Email',
        reason: "expected an email address, got 'not-an-email'",
      });
      expect(await databaseDump(db)).toEqual(before);

      const badOrders = rowOrdersFile('bad-orders-2.csv', 1600, { shift: 1, badRow: 1500 });
      await expect(importer.importFile('orders', badOrders, options(shop, { mapping: ROW_ORDERS }))).rejects.toMatchObject({
        name: 'CsvImportError',
        file: 'bad-orders-2.csv',
        line: 1501,
        column: 'amount',
        reason: "expected a number, got 'twelve'",
      });
      expect(await databaseDump(db)).toEqual(before);
    });
  });

  describe('streaming', () => {
    // 60,000 customers x 5 rows: invoices of 3 and then 2 lines, into a shop that already has a little history
    // (the Shopify fixtures), as on the night of a re-import. Memory must stay flat and the pace steady: a batch
    // of 1000 invoices takes about as long at the end of the file as at its start. The test stops the import
    // with the figures as soon as the pace clearly decays (the latest 20 batches take over a second each on
    // average and 4 times the early ones) or it runs over IMPORT_BUDGET_SECONDS (2 to 4 times what it takes
    // on a laptop), instead of running on for the many minutes a decaying pace would take.
    const CUSTOMERS = 60_000;
    const ROWS = CUSTOMERS * 5;
    const IMPORT_BUDGET_SECONDS = 90;
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

    it(`imports a ${ROWS}-row mapped orders file at a steady pace with flat memory`, async () => {
      const shop = await newShop();
      await importer.importFile('customers', CUSTOMERS_EXPORT, options(shop));
      await importer.importFile('orders', ORDERS_EXPORT, options(shop));
      const file = writeLines('big-orders.csv', 'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Description,Category,Country', ROWS, (i) => {
        const customer = Math.ceil(i / 5);
        const invoice = (i - 1) % 5 < 3 ? `${customer}-A` : `${customer}-B`;
        const day = String(1 + (customer % 28)).padStart(2, '0');
        const date = invoice.endsWith('A') ? `2025-01-${day}` : `2025-02-${day}`;
        return `${invoice},${customer},${date},${1 + (i % 3)},${(2 + (i % 7)).toFixed(2)},Item ${i % 97},Category ${i % 11},FR`;
      });
      const MB = 1024 * 1024;
      const heap = () => process.memoryUsage().heapUsed;
      collectGarbage();
      const baseline = heap();
      let peakRetained = 0;
      const batchMs: number[] = [];
      const started = Date.now();
      let last = started;

      const result = await importer.importFile('orders', file, options(shop, {
        mapping: ONLINE_RETAIL,
        onProgress: (_bytes, _total, stats) => {
          const now = Date.now();
          batchMs.push(now - last);
          last = now;
          const early = mean(batchMs.slice(2, 7)); // after the first two, which warm up
          // Twenty batches, not five: another test file running beside this one can slow a few batches for a
          // while, which is not the decay this looks for (a pace that keeps falling as the file goes on).
          const latest = mean(batchMs.slice(-20));
          const decayed = batchMs.length >= 40 && latest > Math.max(1000, 4 * early);
          if (decayed || (now - started) / 1000 > IMPORT_BUDGET_SECONDS) {
            throw new Error(
              `${decayed ? 'the import slowed down' : `the import ran over its ${IMPORT_BUDGET_SECONDS} s budget`} after ` +
                `${stats.rows} of ${ROWS} rows in ${((now - started) / 1000).toFixed(1)} s: batches 3-7 took ` +
                `${early.toFixed(0)} ms on average, the latest twenty ${batchMs.slice(-20).join(', ')} ms`,
            );
          }
          if (batchMs.length % 10 === 0) {
            collectGarbage();
            peakRetained = Math.max(peakRetained, heap() - baseline);
          }
        },
      }));
      const seconds = (Date.now() - started) / 1000;
      collectGarbage();
      const retainedAtEnd = heap() - baseline;

      expect(result).toMatchObject({ rows: ROWS, records: CUSTOMERS * 2, skippedRows: 0 });
      const [counts] = await db.query(
        `SELECT (SELECT count(*)::int FROM customers WHERE shop_id = $1) AS customers,
                (SELECT count(*)::int FROM orders WHERE shop_id = $1) AS orders,
                (SELECT count(*)::int FROM order_lines WHERE shop_id = $1) AS lines`,
        [shop],
      );
      // Plus the 6 customers, 9 orders and 17 lines of the fixtures.
      expect(counts).toEqual({ customers: CUSTOMERS + 6, orders: CUSTOMERS * 2 + 9, lines: ROWS + 17 });
      process.stdout.write(
        `[import.spec] ${target.name}: ${ROWS} rows in ${seconds.toFixed(1)} s; heap retained after GC: ` +
          `peak ${(peakRetained / MB).toFixed(1)} MB, end ${(retainedAtEnd / MB).toFixed(1)} MB\n`,
      );
      expect(peakRetained).toBeLessThan(60 * MB);
      expect(retainedAtEnd).toBeLessThan(60 * MB);
    }, (IMPORT_BUDGET_SECONDS + 60) * 1000);
  });
});
