import type { CustomerRecord } from '../../store/store-records';
import { readShopifyCustomersCsv } from './customers-export';
import { createImportStats } from './errors';
import { all, collect, describeError, fixture, importError, textStream } from './testing';

const blank: Omit<CustomerRecord, 'customerId' | 'email'> = {
  phone: null,
  firstName: null,
  lastName: null,
  country: null,
  province: null,
  timezone: null,
  tags: [],
  emailConsent: 'not_subscribed',
  smsConsent: 'not_subscribed',
  createdAt: null,
};

describe('readShopifyCustomersCsv', () => {
  it('reads the current export format into exact records', async () => {
    const stats = createImportStats();
    const { records, batchSizes } = await collect(
      readShopifyCustomersCsv(fixture('shopify-customers.csv'), 'shopify-customers.csv', { batchSize: 2, stats }),
    );
    expect(batchSizes).toEqual([2, 2, 1]);
    expect(records).toEqual<CustomerRecord[]>([
      {
        ...blank,
        customerId: '7303338573995',
        email: 'ada@example.com',
        phone: '+447700900001',
        firstName: 'Ada',
        lastName: 'Lovelace',
        country: 'GB',
        tags: ['vip', 'newsletter'],
        emailConsent: 'subscribed',
      },
      {
        ...blank,
        customerId: '7303338574001',
        email: 'jean.dupont@example.fr',
        phone: '+33612345678',
        firstName: 'Jean',
        lastName: 'Dupont',
        country: 'FR',
        smsConsent: 'subscribed',
      },
      { ...blank, customerId: '7303338574002', email: null },
      {
        ...blank,
        customerId: '7303338574003',
        email: 'grace@example.com',
        firstName: 'Grace',
        lastName: 'Hopper',
        country: 'US',
        province: 'NY',
        tags: ['loyal'],
        emailConsent: 'subscribed',
      },
      { ...blank, customerId: '7303338574004', email: 'alan@example.com', firstName: 'Alan', lastName: 'Turing', country: 'GB' },
    ]);
    expect(stats).toEqual({ rows: 5, records: 5, skippedRows: 0, skippedByReason: {} });
  });

  it('reads older exports (no Customer ID, Accepts Marketing, Country Code) keyed by email', async () => {
    const records = await all(readShopifyCustomersCsv(fixture('shopify-customers-legacy.csv'), 'legacy.csv'));
    expect(records).toEqual<CustomerRecord[]>([
      {
        ...blank,
        customerId: 'email:ada@example.com',
        email: 'ada@example.com',
        phone: '+447700900001',
        firstName: 'Ada',
        lastName: 'Lovelace',
        country: 'GB',
        tags: ['vip'],
        emailConsent: 'subscribed',
      },
      { ...blank, customerId: 'email:jean.dupont@example.fr', email: 'jean.dupont@example.fr', firstName: 'Jean', lastName: 'Dupont', country: 'FR' },
    ]);
  });

  it('survives a hostile file: BOM, CRLF, quoted newlines and commas, formula cells kept as data', async () => {
    const batches = readShopifyCustomersCsv(fixture('shopify-customers-hostile.csv'), 'hostile.csv', { batchSize: 1 });
    const first = await batches.next();
    expect(first.value).toEqual([
      {
        ...blank,
        customerId: '1001',
        email: 'evil@example.com',
        firstName: "=cmd|' /C calc'!A0",
        lastName: '@SUM(1+1)',
        tags: ['+tag', '-tag'],
        emailConsent: 'subscribed',
      },
    ]);
    // The note of 1001 spans lines 2-4 (CRLF inside quotes), so the next row is line 5.
    expect(describeError(await importError(batches))).toEqual({
      file: 'hostile.csv',
      line: 5,
      column: 'Total Spent',
      reason: "expected a number, got 'abc'",
      message: `hostile.csv:5: column "Total Spent": expected a number, got 'abc'`,
    });
  });

  it('reports a missing required column at line 1 without a column', async () => {
    const error = await importError(readShopifyCustomersCsv(fixture('shopify-customers-no-email.csv'), 'no-email.csv'));
    expect(describeError(error)).toEqual({
      file: 'no-email.csv',
      line: 1,
      column: null,
      reason: "missing required column 'Email'",
      message: "no-email.csv:1: missing required column 'Email'",
    });
  });

  const header = 'Customer ID,First Name,Email,Accepts Email Marketing,Default Address Country Code,Accepts SMS Marketing\n';
  it.each([
    ['abc,Ada,ada@example.com,yes,GB,no', 'Customer ID', "expected a numeric Shopify customer id, got 'abc'"],
    [',Ada,ada@example.com,yes,GB,no', 'Customer ID', 'missing value'],
    ['1,Ada,ada-at-example.com,yes,GB,no', 'Email', "expected an email address, got 'ada-at-example.com'"],
    ['1,Ada,ada@example.com,maybe,GB,no', 'Accepts Email Marketing', "expected yes or no, got 'maybe'"],
    ['1,Ada,ada@example.com,yes,GBR,no', 'Default Address Country Code', "expected a 2-letter ISO country code such as 'FR', got 'GBR'"],
    ['1,Ada,ada@example.com,yes,GB,sometimes', 'Accepts SMS Marketing', "expected yes or no, got 'sometimes'"],
  ])('rejects %s', async (row, column, reason) => {
    const text = `${header}2,Bob,bob@example.com,no,FR,no\n${row}\n`;
    const error = await importError(readShopifyCustomersCsv(textStream(text), 'c.csv'));
    expect(describeError(error)).toMatchObject({ file: 'c.csv', line: 3, column, reason });
  });

  it('needs an email when there is no Customer ID column', async () => {
    const error = await importError(readShopifyCustomersCsv(textStream('First Name,Email\nAda,\n'), 'c.csv'));
    expect(describeError(error)).toMatchObject({
      line: 2,
      column: 'Email',
      reason: "missing value (without a 'Customer ID' column the email is the key)",
    });
  });

  it('reads header-only as no batches and rejects a totally empty file', async () => {
    expect(await collect(readShopifyCustomersCsv(textStream(header), 'h.csv'))).toEqual({ records: [], batchSizes: [] });
    expect(describeError(await importError(readShopifyCustomersCsv(textStream(''), 'empty.csv')))).toEqual({
      file: 'empty.csv',
      line: 1,
      column: null,
      reason: 'the file is empty (expected a header line)',
      message: 'empty.csv:1: the file is empty (expected a header line)',
    });
  });

  it('rejects a row with a different number of fields than the header', async () => {
    const error = await importError(readShopifyCustomersCsv(textStream(`${header}1,Ada,ada@example.com,yes,GB\n`), 'c.csv'));
    expect(describeError(error)).toMatchObject({ line: 2, column: null, reason: 'expected 6 fields as in the header, got 5' });
  });

  it('rejects an unclosed quote at the line where its record starts', async () => {
    const text = `${header}1,Ada,ada@example.com,yes,GB,no\n\n2,"Bob,bob@example.com,no,FR,no\n3,Cy,cy@example.com,no,FR,no\n`;
    const error = await importError(readShopifyCustomersCsv(textStream(text), 'c.csv'));
    expect(describeError(error)).toMatchObject({ line: 4, column: null, reason: 'a quoted field that starts in this record is never closed' });
  });

  it('reads semicolon-separated files (Excel in European locales)', async () => {
    const text = 'Customer ID;Email;Tags\r\n42;a@example.com;"x, y"\r\n';
    expect(await all(readShopifyCustomersCsv(textStream(text), 'c.csv'))).toEqual([
      { ...blank, customerId: '42', email: 'a@example.com', tags: ['x', 'y'] },
    ]);
  });

  it('rejects a bad batch size', async () => {
    await expect(all(readShopifyCustomersCsv(textStream(header), 'c.csv', { batchSize: 0 }))).rejects.toThrow(
      'batchSize must be a positive integer, got 0',
    );
  });
});
