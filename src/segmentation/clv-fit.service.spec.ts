import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CsvImportError, parseColumnMapping } from '../shopify/csv';
import { ClvFitService } from './clv-fit.service';
import { fitClvModel, NotEnoughHistoryError, summariseTransactions, toColumns } from './core/clv';
import { parseCdnowTransactions } from './core/clv/cdnow';

const CDNOW_DIR = process.env.CDNOW_DIR ?? resolve(__dirname, '../../../shared/data/cdnow');
const FIXTURES = resolve(__dirname, '../../test/fixtures/clv');
const service = new ClvFitService();
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'segment-sync-clv-fit-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('ClvFitService on CDNOW written as an orders CSV', () => {
  const text = readFileSync(resolve(CDNOW_DIR, 'CDNOW_sample.txt'), 'utf8');
  const calibrationEnd = day('1997-09-30');
  const mapping = parseColumnMapping('customer=customer,date=date,amount=dollars');
  let path: string;
  beforeAll(() => {
    // master_id sample_id yyyymmdd cds dollars → customer (the sample id, as the published summary numbers
    // them), date as yyyymmdd, cds, dollars: one row per transaction, no order column.
    const rows = text
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [, sample, date, cds, dollars] = line.trim().split(/\s+/);
        return `${Number(sample)},${date},${cds},${dollars}`;
      });
    path = csv('cdnow.csv', ['customer,date,cds,dollars', ...rows]);
  });

  it("gives exactly the core's summaries of the raw transactions (per sample id and UTC calendar day)", async () => {
    const read = await service.summariseFile(path, mapping, { calibrationEnd, currency: 'USD' });
    const core = summariseTransactions(parseCdnowTransactions(text), { calibrationEnd });
    expect(read.summaries).toHaveLength(2357);
    expect(read.summaries).toEqual(core);
    expect(read).toMatchObject({
      file: 'cdnow.csv',
      currency: 'USD',
      calibrationEnd,
      daysPerUnit: 7,
      rows: 6919,
      orders: 6919, // no order column: every row its own order, identical rows included
      ordersFitted: 4960,
      ordersAfterCalibrationEnd: 1959,
      ordersNotEligible: 0,
      skippedRows: 0,
    });
  });

  it("fits the core's model bit for bit, the published parameters to 4 significant figures", async () => {
    const result = await service.fitFile(path, mapping, { calibrationEnd, currency: 'USD' });
    const model = fitClvModel(toColumns(summariseTransactions(parseCdnowTransactions(text), { calibrationEnd })), {
      calibrationEnd,
    });
    expect(result.bgNbd).toEqual({ ...model.bgNbd.parameters, logLikelihood: model.bgNbd.logLikelihood });
    expect(result.gammaGamma).toEqual({ ...model.gammaGamma.parameters, logLikelihood: model.gammaGamma.logLikelihood });
    expect(result).toMatchObject({ customers: 2357, repeatCustomers: 946, converged: true, calibrationEnd: '1997-09-30' });
    const { r, alpha, a, b, logLikelihood } = result.bgNbd;
    expect([r, alpha, a, b].map((n) => Number(n.toPrecision(4)))).toEqual([0.2426, 4.414, 0.7929, 2.426]);
    expect(logLikelihood).toBeCloseTo(-9582.43, 2);
    const { p, q, v } = result.gammaGamma;
    expect([p, q, v].map((n) => Number(n.toPrecision(3)))).toEqual([6.25, 3.74, 15.4]);
  });
});

describe('ClvFitService: from the rows of a file to transactions', () => {
  const calibrationEnd = day('2024-03-31');
  const mapping = parseColumnMapping('order=order,customer=customer,date=date,amount=amount');

  it('merges an order and its returns, nets refunds, leaves out returns-only orders and what is after the end day', async () => {
    const path = csv('store.csv', [
      'order,customer,date,amount',
      '1001,a,2024-01-05T10:00:00Z,100.00',
      '1001,a,2024-01-05T10:00:00Z,-30.00', // a return in the same order: 70 net, partially refunded
      '1002,a,2024-02-10T09:00:00Z,50.00',
      '1003,a,2024-02-10T18:00:00Z,20.00', // same UTC day as 1002: one purchase of 70
      '1004,a,2024-03-01T12:00:00Z,-25.00', // a return on its own: refunded, not a purchase
      '1005,b,2024-01-20T12:00:00Z,80.00',
      '1009,b,2024-02-01T12:00:00Z,40.00',
      ',,2024-02-02T12:00:00Z,99.00', // anonymous: skipped by the reader
      '1006,b,2024-03-31T23:30:00Z,30.00', // the end day counts, to its last minute
      '1009,b,2024-02-01T12:00:00Z,10.00', // order 1009 again, further down: merged, 50 in all
      '1007,b,2024-03-31T22:00:00-05:00,500.00', // 1 April in UTC: after the end
      '1008,c,2024-04-02T12:00:00Z,10.00', // after the end: c has no summary
    ]);
    const read = await service.summariseFile(path, mapping, { calibrationEnd, currency: 'eur' });
    expect(read.summaries).toEqual([
      {
        customerId: 'a',
        repeatPurchases: 1,
        timeToLastPurchase: 36 / 7,
        timeObserved: 86 / 7,
        meanRepeatValue: 70,
        firstPurchaseAt: day('2024-01-05'),
        lastPurchaseAt: day('2024-02-10'),
      },
      {
        customerId: 'b',
        repeatPurchases: 2,
        timeToLastPurchase: 71 / 7,
        timeObserved: 71 / 7,
        meanRepeatValue: (50 + 30) / 2,
        firstPurchaseAt: day('2024-01-20'),
        lastPurchaseAt: day('2024-03-31'),
      },
    ]);
    expect(read).toMatchObject({
      currency: 'EUR',
      rows: 12,
      skippedRows: 1,
      skippedByReason: { 'no customer': 1 },
      orders: 9,
      ordersFitted: 6,
      ordersAfterCalibrationEnd: 2,
      ordersNotEligible: 1,
    });
  });

  it('keeps paid and partially paid or refunded orders of a status column, and no others', async () => {
    const path = csv('statuses.csv', [
      'customer,date,amount,status,refunded',
      'a,2024-01-01,10,paid,',
      'a,2024-01-02,20,pending,',
      'a,2024-01-03,30,partially_paid,',
      'a,2024-01-04,40,voided,',
      'a,2024-01-05,50,partially_refunded,15',
      'a,2024-01-06,60,refunded,60',
      'a,2024-01-07,70,authorized,',
    ]);
    const read = await service.summariseFile(
      path,
      parseColumnMapping('customer=customer,date=date,amount=amount,status=status,refunded=refunded'),
      { calibrationEnd, daysPerUnit: 1 },
    );
    const [a] = read.summaries;
    expect([a.repeatPurchases, a.timeToLastPurchase, a.meanRepeatValue]).toEqual([2, 4, (30 + 35) / 2]);
    expect(read).toMatchObject({ ordersFitted: 3, ordersNotEligible: 4, currency: null });
  });

  it('names the one currency of the fitted orders, and refuses to add up several', async () => {
    const withCurrency = parseColumnMapping('customer=customer,date=date,amount=amount,currency=currency');
    const single = csv('single.csv', ['customer,date,amount,currency', 'a,2024-01-01,10,eur', 'b,2024-04-02,10,USD']);
    await expect(service.summariseFile(single, withCurrency, { calibrationEnd })).resolves.toMatchObject({
      currency: 'EUR', // the USD order is after the end day, so it is not added to anything
    });
    const mixed = csv('mixed.csv', ['customer,date,amount,currency', 'a,2024-01-01,10,EUR', 'b,2024-01-02,10,USD']);
    await expect(service.summariseFile(mixed, withCurrency, { calibrationEnd })).rejects.toThrow(
      'the orders fitted on are in 2 currencies (EUR, USD): amounts in different currencies cannot be added up, fit one currency at a time',
    );
  });

  it('stops at a malformed row with the file, line, column and reason, as the importer does', async () => {
    const fit = service.fitFile(join(FIXTURES, 'bad-date.csv'), parseColumnMapping('customer=customer,date=date,amount=dollars'), {
      calibrationEnd: day('1997-09-30'),
    });
    await expect(fit).rejects.toBeInstanceOf(CsvImportError);
    await expect(fit).rejects.toThrow(
      `bad-date.csv:4: column "date": expected a date as yyyymmdd such as 19970101, got '1997-01-03' (the format of the column's first date, line 2)`,
    );
  });

  it('refuses a store of 20 customers with NotEnoughHistoryError, and no numbers', async () => {
    const fit = service.fitFile(
      join(FIXTURES, 'twenty-customers.csv'),
      parseColumnMapping('customer=Customer ID,date=Order Date,amount=Total'),
      { calibrationEnd: day('2024-12-31') },
    );
    await expect(fit).rejects.toBeInstanceOf(NotEnoughHistoryError);
    await expect(fit).rejects.toThrow(
      'not enough history to predict customer value: 20 customers with a purchase, at least 200 are needed',
    );
  });

  it('refuses a time unit that is not a positive number of days', async () => {
    const path = csv('one.csv', ['customer,date,amount', 'a,2024-01-01,10']);
    const mappingOne = parseColumnMapping('customer=customer,date=date,amount=amount');
    await expect(service.summariseFile(path, mappingOne, { calibrationEnd, daysPerUnit: 0 })).rejects.toThrow(RangeError);
  });
});
