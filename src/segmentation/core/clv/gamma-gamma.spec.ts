import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCdnowSummary, parseCdnowTransactions } from './cdnow';
import { expectedOrderValue, fitGammaGamma, gammaGammaLogLikelihood, type GammaGammaParameters } from './gamma-gamma';
import { logGamma } from './special-functions';
import { summariseTransactions, toColumns } from './summary';

const CDNOW_DIR = process.env.CDNOW_DIR ?? resolve(__dirname, '../../../../../shared/data/cdnow');
const rows = parseCdnowSummary(
  readFileSync(resolve(CDNOW_DIR, 'cdnow_customers_summary_with_transactions.csv'), 'utf8'),
);
const cdnow = {
  repeatPurchases: Float64Array.from(rows, (row) => row.x),
  meanRepeatValue: Float64Array.from(rows, (row) => row.zbar),
};
const PUBLISHED: GammaGammaParameters = { p: 6.25, q: 3.74, v: 15.44 };

function expectSignificant(value: number, published: number, significant = 3): void {
  const scale = 10 ** (Math.floor(Math.log10(Math.abs(published))) - significant + 1);
  expect(Math.round(value / scale)).toBe(Math.round(published / scale));
}

describe('Gamma-Gamma on the CDNOW repeat buyers (Fader, Hardie & Lee 2005, "RFM and CLV")', () => {
  const fit = fitGammaGamma(cdnow);

  it('fits on the 946 customers with repeat purchases only', () => {
    expect(fit.customers).toBe(946);
  });

  it('finds the published parameters p = 6.25, q = 3.74, v = 15.44', () => {
    expect(fit.converged).toBe(true);
    expectSignificant(fit.parameters.p, 6.25);
    expectSignificant(fit.parameters.q, 3.74);
    expectSignificant(fit.parameters.v, 15.44);
  });

  it('reaches the log-likelihood −4055.9177 of the CLVTools correctness tests on the unrounded mean values', () => {
    // That figure is the density of the mean zbar written above, on zbar from the raw transactions;
    // the file's zbar, rounded to cents, gives −4055.9232.
    const transactions = parseCdnowTransactions(readFileSync(resolve(CDNOW_DIR, 'CDNOW_sample.txt'), 'utf8'));
    const summaries = summariseTransactions(transactions, { calibrationEnd: new Date('1997-09-30') });
    const exact = fitGammaGamma(toColumns(summaries));
    expect(exact.logLikelihood).toBeCloseTo(-4055.9177, 3);
    expect(fit.logLikelihood).toBeCloseTo(-4055.9232, 3);
    expectSignificant(exact.parameters.p, 6.25);
    expectSignificant(exact.parameters.q, 3.74);
    expectSignificant(exact.parameters.v, 15.44);
  });

  it('is at a maximum: nudging any parameter lowers the likelihood', () => {
    for (const key of ['p', 'q', 'v'] as const) {
      for (const factor of [0.99, 1.01]) {
        const nudged = { ...fit.parameters, [key]: fit.parameters[key] * factor };
        expect(gammaGammaLogLikelihood(nudged, cdnow)).toBeLessThan(fit.logLikelihood);
      }
    }
  });

  it('is deterministic', () => {
    expect(fitGammaGamma(cdnow)).toEqual(fit);
  });
});

describe('the Gamma-Gamma likelihood and expected order value', () => {
  it('is the density of a mean of x Gamma(p, ν) values with ν ~ Gamma(q, v), written out for one customer', () => {
    const { p, q, v } = PUBLISHED;
    const [x, zbar] = [3, 40];
    const byHand =
      logGamma(p * x + q) - logGamma(p * x) - logGamma(q) + q * Math.log(v) + (p * x - 1) * Math.log(zbar) +
      p * x * Math.log(x) - (p * x + q) * Math.log(v + x * zbar);
    const single = { repeatPurchases: [x], meanRepeatValue: [zbar] };
    expect(gammaGammaLogLikelihood(PUBLISHED, single)).toBeCloseTo(byHand, 12);
  });

  it('has the analytic gradient the fit climbs: equal to central differences', () => {
    const at: GammaGammaParameters = { p: 4, q: 3, v: 20 }; // away from the optimum, where the gradient is 0
    const gradient = new Float64Array(3);
    gammaGammaLogLikelihood(at, cdnow, gradient);
    (['p', 'q', 'v'] as const).forEach((key, k) => {
      const h = at[key] * 1e-6;
      const numeric =
        (gammaGammaLogLikelihood({ ...at, [key]: at[key] + h }, cdnow) -
          gammaGammaLogLikelihood({ ...at, [key]: at[key] - h }, cdnow)) /
        (2 * h);
      expect(gradient[k] / numeric).toBeCloseTo(1, 5); // central differences of a sum of 946 terms: ~1e-7
    });
  });

  it('leaves out one-time buyers and customers whose repeat purchases are worth nothing', () => {
    const columns = { repeatPurchases: [0, 2, 1], meanRepeatValue: [0, 30, 0] };
    expect(gammaGammaLogLikelihood(PUBLISHED, columns)).toBeCloseTo(
      gammaGammaLogLikelihood(PUBLISHED, { repeatPurchases: [2], meanRepeatValue: [30] }),
      12,
    );
  });

  it('gives a one-time buyer the population mean p·v/(q − 1)', () => {
    const { p, q, v } = PUBLISHED;
    expect(expectedOrderValue(PUBLISHED, 0, 0)).toBeCloseTo((p * v) / (q - 1), 12);
  });

  it('moves from the population mean towards the customer\'s own mean as their purchases accumulate', () => {
    const populationMean = expectedOrderValue(PUBLISHED, 0, 0);
    const fewPurchases = expectedOrderValue(PUBLISHED, 1, 100);
    const manyPurchases = expectedOrderValue(PUBLISHED, 50, 100);
    expect(fewPurchases).toBeGreaterThan(populationMean);
    expect(manyPurchases).toBeGreaterThan(fewPurchases);
    expect(manyPurchases).toBeLessThan(100);
    expect(manyPurchases).toBeGreaterThan(99);
    // The paper's weighted mean: p(v + x·zbar)/(px + q − 1).
    expect(fewPurchases).toBeCloseTo((6.25 * (15.44 + 100)) / (6.25 + 3.74 - 1), 12);
  });

  it('reports an infinite mean rather than a number when q ≤ 1 leaves the spend without a finite mean', () => {
    expect(expectedOrderValue({ p: 2, q: 0.8, v: 10 }, 0, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses to fit when nobody has repeat purchases', () => {
    expect(() => fitGammaGamma({ repeatPurchases: [0, 0], meanRepeatValue: [0, 0] })).toThrow(RangeError);
  });
});
