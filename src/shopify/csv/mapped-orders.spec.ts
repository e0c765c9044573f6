import { createHash } from 'node:crypto';
import type { OrderLineRecord, OrderRecord } from '../../store/store-records';
import { parseColumnMapping } from './column-mapping';
import { createImportStats } from './errors';
import { readMappedOrdersCsv } from './mapped-orders';
import { all, describeError, fixture, importError, textStream } from './testing';

function line(lineNo: number, title: string, quantity: number, price: number): OrderLineRecord {
  return { lineNo, productId: null, sku: null, title, productType: null, quantity, price, compareAtPrice: null, discountAmount: 0 };
}

function order(fields: Partial<OrderRecord> & Pick<OrderRecord, 'orderId' | 'customerId' | 'createdAt' | 'lines'>): OrderRecord {
  return {
    name: null,
    customerEmail: null,
    financialStatus: 'paid',
    cancelledAt: null,
    currency: 'GBP',
    subtotal: 0,
    totalDiscounts: 0,
    totalPrice: 0,
    totalRefunded: 0,
    discountCodes: [],
    shippingCountry: null,
    ...fields,
  };
}

/** The documented id of a row without an order column. */
function rowId(customer: string, date: string, amount: string, k: number): string {
  const text = `${customer}\u0001${new Date(date).toISOString()}\u0001${amount}\u0001${k}`;
  return `row-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
}

const ONLINE_RETAIL = parseColumnMapping(
  'customer=CustomerID,date=InvoiceDate,quantity=Quantity,price=UnitPrice,order=InvoiceNo,product=Description,country=Country',
);
const CDNOW = parseColumnMapping('customer=customer,date=date,quantity=cds,amount=dollars');

describe('readMappedOrdersCsv', () => {
  it('reads the UCI Online Retail sample: invoices grouped, returns as refunds, anonymous rows skipped', async () => {
    const stats = createImportStats();
    const skips: [number, string][] = [];
    const records = await all(
      readMappedOrdersCsv(fixture('online-retail-sample.csv'), 'online-retail.csv', ONLINE_RETAIL, {
        currency: 'GBP',
        stats,
        onSkip: (lineNo, reason) => skips.push([lineNo, reason]),
      }),
    );
    const uk = { shippingCountry: 'United Kingdom' };
    expect(records).toEqual<OrderRecord[]>([
      order({
        ...uk,
        orderId: '536365',
        name: '536365',
        customerId: '17850',
        createdAt: new Date('2010-12-01T08:26:00Z'),
        subtotal: 57.64,
        totalPrice: 57.64,
        lines: [
          line(1, 'WHITE HANGING HEART T-LIGHT HOLDER', 6, 2.55),
          line(2, 'WHITE METAL LANTERN', 6, 3.39),
          line(3, 'CREAM CUPID HEARTS COAT HANGER', 8, 2.75),
        ],
      }),
      order({
        ...uk,
        orderId: '536366',
        name: '536366',
        customerId: '17850',
        createdAt: new Date('2010-12-01T08:28:00Z'),
        subtotal: 11.1,
        totalPrice: 11.1,
        lines: [line(1, 'HAND WARMER UNION JACK', 6, 1.85)],
      }),
      order({
        ...uk,
        orderId: '536367',
        name: '536367',
        customerId: '13047',
        createdAt: new Date('2010-12-01T08:34:00Z'),
        subtotal: 54.08,
        totalPrice: 54.08,
        lines: [line(1, 'ASSORTED COLOUR BIRD ORNAMENT', 32, 1.69)],
      }),
      order({
        ...uk,
        orderId: 'C536379',
        name: 'C536379',
        customerId: '14527',
        createdAt: new Date('2010-12-01T09:41:00Z'),
        financialStatus: 'refunded',
        totalRefunded: 27.5,
        lines: [line(1, 'Discount', 1, 27.5)],
      }),
      order({
        orderId: '536370',
        name: '536370',
        customerId: '12583',
        createdAt: new Date('2010-12-01T08:45:00Z'),
        subtotal: 180,
        totalPrice: 180,
        shippingCountry: 'France',
        lines: [line(1, 'ALARM CLOCK BAKELIKE PINK', 24, 3.75), line(2, 'ALARM CLOCK BAKELIKE RED', 24, 3.75)],
      }),
      order({
        ...uk,
        orderId: 'C536383',
        name: 'C536383',
        customerId: '15311', // written 15311.0 by a spreadsheet
        createdAt: new Date('2010-12-13T09:49:00Z'),
        financialStatus: 'refunded',
        totalRefunded: 4.65,
        lines: [line(1, 'SET OF 3 COLOURED  FLYING DUCKS', 1, 4.65)],
      }),
    ]);
    expect(stats).toEqual({ rows: 11, records: 6, skippedRows: 2, skippedByReason: { 'no customer': 2 } });
    expect(skips).toEqual([
      [7, 'no customer'],
      [11, 'no customer'],
    ]);
  });

  it('reads the CDNOW sample: one order per row with stable ids, duplicates kept apart', async () => {
    const read = () => all(readMappedOrdersCsv(fixture('cdnow-sample.csv'), 'cdnow.csv', CDNOW, { currency: 'USD' }));
    const records = await read();
    const usd = { currency: 'USD' };
    expect(records).toEqual<OrderRecord[]>([
      order({ ...usd, orderId: rowId('00001', '1997-01-01', '11.77', 1), customerId: '00001', createdAt: new Date('1997-01-01T00:00:00Z'), subtotal: 11.77, totalPrice: 11.77, lines: [line(1, '', 1, 11.77)] }),
      order({ ...usd, orderId: rowId('00002', '1997-01-12', '12.00', 1), customerId: '00002', createdAt: new Date('1997-01-12T00:00:00Z'), subtotal: 12, totalPrice: 12, lines: [line(1, '', 1, 12)] }),
      order({ ...usd, orderId: rowId('00002', '1997-01-12', '77.00', 1), customerId: '00002', createdAt: new Date('1997-01-12T00:00:00Z'), subtotal: 77, totalPrice: 77, lines: [line(1, '', 5, 15.4)] }),
      order({ ...usd, orderId: rowId('00002', '1997-01-12', '12.00', 2), customerId: '00002', createdAt: new Date('1997-01-12T00:00:00Z'), subtotal: 12, totalPrice: 12, lines: [line(1, '', 1, 12)] }),
      order({ ...usd, orderId: rowId('00003', '1997-01-02', '20.76', 1), customerId: '00003', createdAt: new Date('1997-01-02T00:00:00Z'), subtotal: 20.76, totalPrice: 20.76, lines: [line(1, '', 2, 10.38)] }),
      order({ ...usd, orderId: rowId('00003', '1997-03-30', '20.76', 1), customerId: '00003', createdAt: new Date('1997-03-30T00:00:00Z'), subtotal: 20.76, totalPrice: 20.76, lines: [line(1, '', 2, 10.38)] }),
      order({ ...usd, orderId: rowId('00004', '1997-01-01', '0.00', 1), customerId: '00004', createdAt: new Date('1997-01-01T00:00:00Z'), lines: [line(1, '', 0, 0)] }),
    ]);
    expect(records[0].orderId).toBe('row-a7ae17e756e2b35b'); // the scheme is part of the contract: ids must not drift
    expect(new Set(records.map((r) => r.orderId)).size).toBe(records.length);
    expect((await read()).map((r) => r.orderId)).toEqual(records.map((r) => r.orderId));
  });

  it('insists on the date format of the column’s first value', async () => {
    const error = await importError(readMappedOrdersCsv(fixture('cdnow-bad-date.csv'), 'cdnow-bad-date.csv', CDNOW, { currency: 'USD' }));
    expect(describeError(error)).toEqual({
      file: 'cdnow-bad-date.csv',
      line: 3,
      column: 'date',
      reason: "expected a date as yyyymmdd such as 19970101, got '1997-01-12' (the format of the column's first date, line 2)",
      message: `cdnow-bad-date.csv:3: column "date": expected a date as yyyymmdd such as 19970101, got '1997-01-12' (the format of the column's first date, line 2)`,
    });
  });

  const simple = parseColumnMapping('customer=Customer,date=Date,amount=Amount');
  it('reads day-first dates when told, and suggests it when month-first fails', async () => {
    const text = 'Customer,Date,Amount\nc1,1/12/2010,5\nc1,13/12/2010 10:15,6\n';
    const records = await all(readMappedOrdersCsv(textStream(text), 'd.csv', simple, { currency: 'EUR', dateFormat: 'dmy' }));
    expect(records.map((r) => r.createdAt)).toEqual([new Date('2010-12-01T00:00:00Z'), new Date('2010-12-13T10:15:00Z')]);
    const error = await importError(readMappedOrdersCsv(textStream(text), 'd.csv', simple, { currency: 'EUR' }));
    expect(describeError(error)).toMatchObject({
      line: 3,
      column: 'Date',
      reason:
        "expected a date as m/d/yyyy such as 12/1/2010 or 12/1/2010 8:26, got '13/12/2010 10:15' (the format of the column's first date, line 2); if the file writes the day first, pass dateFormat 'dmy'",
    });
  });

  it('reads ISO dates with zones, semicolons with decimal commas, and per-row currency, email, status, codes, category', async () => {
    const mapping = parseColumnMapping(
      'customer=Kunde,date=Datum,order=Bestellung,amount=Betrag,email=E-Mail,status=Status,refunded=Erstattet,discountCode=Code,category=Kategorie,product=Artikel,currency=Währung',
    );
    const text = [
      'Kunde;Datum;Bestellung;Betrag;E-Mail;Status;Erstattet;Code;Kategorie;Artikel;Währung',
      'k1;2024-03-01T14:05:00+01:00;B1;12,50;K1@Example.de;Partially refunded;2,50;SALE;Tassen;Tasse;eur',
      'k1;2024-03-01T14:05:00+01:00;B1;7,50;;;;SALE, VIP;Teller;Teller;',
    ].join('\n');
    const records = await all(readMappedOrdersCsv(textStream(text), 'de.csv', mapping));
    expect(records).toEqual([
      order({
        orderId: 'B1',
        name: 'B1',
        customerId: 'k1',
        customerEmail: 'k1@example.de',
        createdAt: new Date('2024-03-01T13:05:00Z'),
        financialStatus: 'partially_refunded',
        currency: 'EUR',
        subtotal: 20,
        totalPrice: 20,
        totalRefunded: 2.5,
        discountCodes: ['SALE', 'VIP'],
        lines: [
          { ...line(1, 'Tasse', 1, 12.5), productType: 'Tassen' },
          { ...line(2, 'Teller', 1, 7.5), productType: 'Teller' },
        ],
      }),
    ]);
  });

  it('yields a second record with the same orderId when an order comes back later (the writer merges them)', async () => {
    const mapping = parseColumnMapping('customer=c,date=d,order=o,amount=a');
    const text = 'c,d,o,a\nx,20240101,A,1\nx,20240101,B,2\nx,20240101,A,3\n';
    const records = await all(readMappedOrdersCsv(textStream(text), 'm.csv', mapping, { currency: 'EUR' }));
    expect(records.map((r) => [r.orderId, r.totalPrice])).toEqual([
      ['A', 1],
      ['B', 2],
      ['A', 3],
    ]);
  });

  it('checks the order-level cells of every row, not only the first of an order', async () => {
    const mapping = parseColumnMapping('customer=c,date=d,order=o,amount=a,email=e,status=s');
    const text = 'c,d,o,a,e,s\nx,20240101,A,1,x@example.com,paid\nx,20240101,A,2,not-an-email,\n';
    const error = await importError(readMappedOrdersCsv(textStream(text), 'm.csv', mapping, { currency: 'EUR' }));
    expect(describeError(error)).toMatchObject({ line: 3, column: 'e', reason: "expected an email address, got 'not-an-email'" });
  });

  it('nets a sale and a return in the same order as partially refunded', async () => {
    const mapping = parseColumnMapping('customer=c,date=d,order=o,quantity=q,price=p');
    const text = 'c,d,o,q,p\nx,2024-01-01,A,3,10\nx,2024-01-01,A,-1,10\n';
    const [record] = await all(readMappedOrdersCsv(textStream(text), 'm.csv', mapping, { currency: 'EUR' }));
    expect(record).toMatchObject({ totalPrice: 30, subtotal: 30, totalRefunded: 10, financialStatus: 'partially_refunded' });
    expect(record.lines).toEqual([line(1, '', 3, 10), line(2, '', 1, 10)]);
  });

  it.each([
    ['x,2024-01-01,A,abc,10', 'q', "expected a number, got 'abc'"],
    ['x,2024-01-01,A,1,', 'p', 'missing value'],
    ['x,,A,1,10', 'd', 'missing value'],
    ['x,2024-01-01,,1,10', 'o', 'missing value'],
    ['x,someday,A,1,10', 'd', "expected a date such as 2024-03-01 or 2024-03-01 14:05:00 -0500, got 'someday' (the format of the column's first date, line 2)"],
    ['y,2024-01-01,A,1,10', 'c', "order 'A' belongs to customer 'x', this row names 'y'"],
  ])('rejects %s', async (row, column, reason) => {
    const mapping = parseColumnMapping('customer=c,date=d,order=o,quantity=q,price=p');
    const text = `c,d,o,q,p\nx,2024-01-01,A,1,10\n${row}\n`;
    const error = await importError(readMappedOrdersCsv(textStream(text), 'm.csv', mapping, { currency: 'EUR' }));
    expect(describeError(error)).toMatchObject({ file: 'm.csv', line: 3, column, reason });
  });

  it('rejects a first date whose format cannot be recognised', async () => {
    const error = await importError(readMappedOrdersCsv(textStream('Customer,Date,Amount\nc1,March 1st,5\n'), 'm.csv', simple, { currency: 'EUR' }));
    expect(describeError(error)).toMatchObject({
      line: 2,
      column: 'Date',
      reason: "expected a date such as 2024-03-01, 2024-03-01 14:05:00 -0500, 19970101 or 12/1/2010 8:26, got 'March 1st'",
    });
  });

  it('reports a mapped column missing from the header at line 1', async () => {
    const error = await importError(readMappedOrdersCsv(textStream('CustomerID,Date,Total\n'), 'm.csv', simple, { currency: 'EUR' }));
    expect(error.message).toBe("m.csv:1: missing column 'Customer' (mapped as customer)");
  });

  it('needs a currency from a column or the options', async () => {
    await expect(all(readMappedOrdersCsv(textStream('Customer,Date,Amount\n'), 'm.csv', simple))).rejects.toThrow(
      "column mapping: key 'currency': no currency column is mapped, so the currency option is required",
    );
    await expect(all(readMappedOrdersCsv(textStream('Customer,Date,Amount\n'), 'm.csv', simple, { currency: 'euro' }))).rejects.toThrow(
      "currency option: expected a 3-letter code such as 'EUR', got 'euro'",
    );
  });
});
