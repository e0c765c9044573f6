/**
 * End-to-end: `segment-sync clv fit` as a user runs it (the compiled command line in a child process, so
 * `npm run build` first). The command reads a CSV and needs no database: every run here points the data
 * folder at a path that must still not exist afterwards, and DATABASE_URL at a port nobody listens on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeTempDir, REPO, removeTempDirs, runCli, runCliJson, runCliOk, writeFile, type CliResult } from './support/cli';

const CDNOW_DIR = process.env.CDNOW_DIR ?? resolve(REPO, '../shared/data/cdnow');
const FIXTURES = join(REPO, 'test/fixtures/clv');
const CDNOW_MAP = ['--map', 'customer=customer,date=date,amount=dollars'];

/** The JSON `clv fit` prints, written out here as the tests' statement of the contract. */
interface ClvFitOutput {
  file: string;
  currency: string | null;
  calibrationEnd: string;
  daysPerUnit: number;
  customers: number;
  repeatCustomers: number;
  bgNbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
  gammaGamma: { p: number; q: number; v: number; logLikelihood: number };
  converged: boolean;
  rows: number;
  orders: number;
  ordersFitted: number;
  ordersAfterCalibrationEnd: number;
  ordersNotEligible: number;
}

let root: string;
let noDatabase: { dataDir: string; env: Record<string, string> };
let cdnowCsv: string;
let cdnowRows: string[][];

beforeAll(() => {
  root = makeTempDir('segment-sync-e2e-clv-');
  noDatabase = { dataDir: join(root, 'no-database-here'), env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' } };
  // CDNOW_sample.txt is fixed width, `master_id sample_id yyyymmdd cds dollars`: as a CSV with the sample id
  // (the customer number of the published summary) as the customer, one row per transaction.
  cdnowRows = readFileSync(join(CDNOW_DIR, 'CDNOW_sample.txt'), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s+/));
  const lines = cdnowRows.map(([, sample, date, cds, dollars]) => `${Number(sample)},${date},${cds},${dollars}`);
  cdnowCsv = writeFile(root, 'cdnow.csv', ['customer,date,cds,dollars', ...lines].join('\n') + '\n');
});

afterEach(() => expect(existsSync(noDatabase.dataDir)).toBe(false));
afterAll(() => removeTempDirs());

/** Equal to `significant` significant figures, as a published figure is compared. */
function expectSignificant(value: number, published: number, significant = 3): void {
  const scale = 10 ** (Math.floor(Math.log10(Math.abs(published))) - significant + 1);
  expect(Math.round(value / scale)).toBe(Math.round(published / scale));
}

function errorLine(result: CliResult): string {
  const lines = result.stderr.trim().split('\n');
  return lines[lines.length - 1];
}

describe('segment-sync clv fit on CDNOW (Fader, Hardie & Lee 2005)', () => {
  let result: CliResult;
  let fit: ClvFitOutput;

  beforeAll(async () => {
    result = await runCliOk(['clv', 'fit', cdnowCsv, ...CDNOW_MAP, '--calibration-end', '1997-09-30', '--currency', 'USD'], noDatabase);
    fit = JSON.parse(result.stdout) as ClvFitOutput;
  });

  it('prints pretty JSON on stdout only: progress goes to stderr', () => {
    expect(result.stdout.startsWith('{\n  "file": "cdnow.csv",\n')).toBe(true);
    expect(result.stderr).toMatch(/^clv fit: read orders: 6,919 rows, 2,357 customers fitted, /m);
  });

  it('fits the 2357 customers by the calibration end, 946 of whom bought again', () => {
    const byEnd = cdnowRows.filter(([, , date]) => date <= '19970930').length;
    expect(fit).toMatchObject({
      file: 'cdnow.csv',
      currency: 'USD',
      calibrationEnd: '1997-09-30',
      daysPerUnit: 7,
      customers: 2357,
      repeatCustomers: 946,
      converged: true,
      rows: 6919,
      orders: 6919,
      ordersFitted: byEnd,
      ordersAfterCalibrationEnd: 6919 - byEnd,
      ordersNotEligible: 0,
    });
  });

  it('reproduces the published BG/NBD r = 0.2426, alpha = 4.4135, a = 0.7929, b = 2.4258 and LL −9582.43', () => {
    expectSignificant(fit.bgNbd.r, 0.2426);
    expectSignificant(fit.bgNbd.alpha, 4.4135);
    expectSignificant(fit.bgNbd.a, 0.7929);
    expectSignificant(fit.bgNbd.b, 2.4258);
    // The paper's equation (6), no constant dropped; on the unrounded summary −9582.4292 (−9582.4256 on the
    // published 2-decimal summary file): both −9582.43 to 0.01.
    expect(fit.bgNbd.logLikelihood).toBeCloseTo(-9582.43, 2);
  });

  it('reproduces the published Gamma-Gamma p = 6.25, q = 3.74, v = 15.44', () => {
    expectSignificant(fit.gammaGamma.p, 6.25);
    expectSignificant(fit.gammaGamma.q, 3.74);
    expectSignificant(fit.gammaGamma.v, 15.44);
    // Not in the README: the CLVTools correctness tests' −4055.9177 on the unrounded mean values.
    expect(fit.gammaGamma.logLikelihood).toBeCloseTo(-4055.9177, 3);
  });

  it('measures time in the unit asked for: in days, alpha is 7 times the weekly one and r, a, b do not move', async () => {
    const days = await runCliJson<ClvFitOutput>(
      ['clv', 'fit', cdnowCsv, ...CDNOW_MAP, '--calibration-end', '1997-09-30', '--days-per-unit', '1', '--json'],
      noDatabase,
    );
    expect(days.daysPerUnit).toBe(1);
    expect(days.currency).toBeNull(); // no currency column and no --currency
    expect(days.bgNbd.alpha / fit.bgNbd.alpha).toBeCloseTo(7, 3);
    expect(days.bgNbd.r).toBeCloseTo(fit.bgNbd.r, 4);
    expect(days.bgNbd.a).toBeCloseTo(fit.bgNbd.a, 4);
    expect(days.bgNbd.b).toBeCloseTo(fit.bgNbd.b, 4);
    expect(days.gammaGamma).toEqual(fit.gammaGamma); // order values do not depend on the time unit
  });
});

describe('segment-sync clv fit refuses what it cannot fit, with one error line and no numbers', () => {
  it('a store of 20 customers: not enough history', async () => {
    const result = await runCli(
      [
        'clv',
        'fit',
        join(FIXTURES, 'twenty-customers.csv'),
        '--map',
        'customer=Customer ID,date=Order Date,amount=Total',
        '--calibration-end',
        '2024-12-31',
        '--currency',
        'EUR',
      ],
      noDatabase,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(errorLine(result)).toBe(
      'error: not enough history to predict customer value: 20 customers with a purchase, at least 200 are needed',
    );
  });

  it('a malformed file: the file, line, column and reason, as the importer says them', async () => {
    const result = await runCli(
      ['clv', 'fit', join(FIXTURES, 'bad-date.csv'), ...CDNOW_MAP, '--calibration-end', '1997-09-30'],
      noDatabase,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(errorLine(result)).toBe(
      `error: bad-date.csv:4: column "date": expected a date as yyyymmdd such as 19970101, got '1997-01-03' ` +
        "(the format of the column's first date, line 2)",
    );
  });

  it('a --calibration-end that is not a calendar day YYYY-MM-DD, naming the option', async () => {
    const values = ['1997-09-31', '30/09/1997'];
    const results = await Promise.all(
      values.map((value) => runCli(['clv', 'fit', cdnowCsv, ...CDNOW_MAP, '--calibration-end', value], noDatabase)),
    );
    results.forEach((result, i) => {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `error: --calibration-end must be a calendar day written YYYY-MM-DD, such as 1997-09-30, got '${values[i]}'\n`,
      );
    });
  });

  it('no --calibration-end, a bad --days-per-unit, a mapping without an amount', async () => {
    const [missing, unit, mapping] = await Promise.all([
      runCli(['clv', 'fit', cdnowCsv, ...CDNOW_MAP], noDatabase),
      runCli(['clv', 'fit', cdnowCsv, ...CDNOW_MAP, '--calibration-end', '1997-09-30', '--days-per-unit', '-7'], noDatabase),
      runCli(['clv', 'fit', cdnowCsv, '--map', 'customer=customer,date=date', '--calibration-end', '1997-09-30'], noDatabase),
    ]);
    for (const result of [missing, unit, mapping]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
    }
    expect(missing.stderr).toContain("error: required option '--calibration-end <date>' not specified");
    expect(errorLine(unit)).toBe("error: --days-per-unit must be a positive number of days (7 for weeks), got '-7'");
    expect(errorLine(mapping)).toBe(
      "error: column mapping: key 'amount': required, or both quantity and price (amount = quantity x price)",
    );
  });
});

describe('segment-sync clv --help', () => {
  it('is listed by segment-sync --help, lists fit, and `clv fit --help` documents every option', async () => {
    const [top, clv, fit] = await Promise.all([
      runCliOk(['--help']),
      runCliOk(['clv', '--help']),
      runCliOk(['clv', 'fit', '--help']),
    ]);
    expect(top.stdout).toMatch(/^ {2}clv\b/m);
    expect(clv.stdout).toMatch(/^ {2}fit \[options\] <file>/m);
    expect(fit.stdout).toContain('Usage: segment-sync clv fit [options] <file>');
    expect(fit.stdout).toMatch(
      /--map <mapping>[\s\S]*customer=[\s\S]*--calibration-end <date>[\s\S]*--currency <code>[\s\S]*--days-per-unit <days>[\s\S]*\(default: 7\)[\s\S]*--json/,
    );
    expect(fit.stdout).toMatch(/not\s+enough\s+history/);
  });
});
