import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  bgNbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  medianTimeToNextPurchase,
  probabilityAlive,
  type BgNbdParameters,
} from './bg-nbd';
import { parseCdnowSummary, parseCdnowTransactions } from './cdnow';
import { summariseTransactions, toColumns } from './summary';

const CDNOW_DIR = process.env.CDNOW_DIR ?? resolve(__dirname, '../../../../../shared/data/cdnow');
const rows = parseCdnowSummary(
  readFileSync(resolve(CDNOW_DIR, 'cdnow_customers_summary_with_transactions.csv'), 'utf8'),
);
const cdnow = {
  repeatPurchases: Float64Array.from(rows, (row) => row.x),
  timeToLastPurchase: Float64Array.from(rows, (row) => row.tx),
  timeObserved: Float64Array.from(rows, (row) => row.T),
};
const PUBLISHED: BgNbdParameters = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };

/**
 * A deterministic simulator of the generative process: λ ~ Gamma(r, α), p ~ Beta(a, b) (or p fixed),
 * Poisson purchases over T, dropout right after each repeat purchase.
 */
function simulator(seed: number) {
  const uniform = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      const v = (1 + c * normal) ** 3;
      if (v > 0 && Math.log(uniform()) < 0.5 * normal * normal + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return ({ r, alpha, a, b }: BgNbdParameters, T: number, fixedDropout?: number) => {
    const rate = gamma(r) / alpha;
    const ga = gamma(a);
    const dropout = fixedDropout ?? ga / (ga + gamma(b));
    let x = 0;
    let tx = 0;
    for (let t = -Math.log(uniform()) / rate; t <= T; t += -Math.log(uniform()) / rate) {
      x++;
      tx = t;
      if (uniform() < dropout) break;
    }
    return { x, tx, T };
  };
}

/** Equal to `significant` significant figures, as a published figure is compared. */
function expectSignificant(value: number, published: number, significant = 3): void {
  const scale = 10 ** (Math.floor(Math.log10(Math.abs(published))) - significant + 1);
  expect(Math.round(value / scale)).toBe(Math.round(published / scale));
}

describe('BG/NBD on the CDNOW summary (Fader, Hardie & Lee 2005)', () => {
  const fit = fitBgNbd(cdnow);

  it('finds the published maximum-likelihood parameters r = 0.2426, α = 4.4135, a = 0.7929, b = 2.4258', () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    expectSignificant(fit.parameters.r, 0.2426);
    expectSignificant(fit.parameters.alpha, 4.4135);
    expectSignificant(fit.parameters.a, 0.7929);
    expectSignificant(fit.parameters.b, 2.4258);
    // In fact to 4 significant figures, the precision they are published with.
    expectSignificant(fit.parameters.r, 0.2426, 4);
    expectSignificant(fit.parameters.alpha, 4.4135, 4);
    expectSignificant(fit.parameters.a, 0.7929, 4);
    expectSignificant(fit.parameters.b, 2.4258, 4);
  });

  it('reaches the published log-likelihood −9582.43: the plain likelihood, no constant, 2-decimal summary', () => {
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 2);
    expect(bgNbdLogLikelihood(PUBLISHED, cdnow)).toBeCloseTo(-9582.43, 2);
  });

  it('gives the worked example x = 2, t_x = 30.43, T = 38.86 1.226 expected purchases in the next 39 weeks', () => {
    expect(expectedPurchases(fit.parameters, 2, 30.43, 38.86, 39)).toBeCloseTo(1.226, 3);
    expect(expectedPurchases(PUBLISHED, 2, 30.43, 38.86, 39)).toBeCloseTo(1.226, 3);
  });

  it.each([
    [1, 0.0532],
    [3, 0.1506],
    [32, 1.0437],
    [78, 1.8576],
  ])('expects a new customer to make E[X(%p weeks)] = %p purchases', (weeks, published) => {
    expect(expectedPurchasesNewCustomer(fit.parameters, weeks)).toBeCloseTo(published, 3);
  });

  it('fits the same parameters and log-likelihood on the unrounded summary built from the raw transactions', () => {
    const transactions = parseCdnowTransactions(readFileSync(resolve(CDNOW_DIR, 'CDNOW_sample.txt'), 'utf8'));
    const exact = fitBgNbd(toColumns(summariseTransactions(transactions, { calibrationEnd: new Date('1997-09-30') })));
    expectSignificant(exact.parameters.r, 0.2426);
    expectSignificant(exact.parameters.alpha, 4.4135);
    expectSignificant(exact.parameters.a, 0.7929);
    expectSignificant(exact.parameters.b, 2.4258);
    // Rounding t_x and T to 2 decimals moves the maximum by 0.004 only: both round to −9582.43
    // (−9582.4256 on the file, −9582.4292 unrounded).
    expect(exact.logLikelihood).toBeCloseTo(-9582.43, 2);
  });

  it('is deterministic: the same data gives bit-identical parameters', () => {
    expect(fitBgNbd(cdnow)).toEqual(fit);
  });
});

describe('the BG/NBD likelihood', () => {
  it('has the analytic gradient the fit climbs: equal to central differences', () => {
    const at: BgNbdParameters = { r: 0.3, alpha: 5, a: 0.9, b: 2 };
    const gradient = new Float64Array(4);
    bgNbdLogLikelihood(at, cdnow, gradient);
    (['r', 'alpha', 'a', 'b'] as const).forEach((key, k) => {
      const h = at[key] * 1e-6;
      const numeric =
        (bgNbdLogLikelihood({ ...at, [key]: at[key] + h }, cdnow) -
          bgNbdLogLikelihood({ ...at, [key]: at[key] - h }, cdnow)) /
        (2 * h);
      expect(gradient[k] / numeric).toBeCloseTo(1, 6);
    });
  });

  it('refuses summaries that cannot be: fractional repeat counts, or a last purchase after the end', () => {
    const fractional = { repeatPurchases: [1.5], timeToLastPurchase: [1], timeObserved: [2] };
    const lastAfterEnd = { repeatPurchases: [1], timeToLastPurchase: [3], timeObserved: [2] };
    expect(() => bgNbdLogLikelihood(PUBLISHED, fractional)).toThrow(RangeError);
    expect(() => bgNbdLogLikelihood(PUBLISHED, lastAfterEnd)).toThrow(RangeError);
  });
});

describe('BG/NBD fitted on data it describes', () => {
  it('recovers the parameters it simulated from', () => {
    const simulate = simulator(7);
    const rows = Array.from({ length: 20_000 }, (_, i) => simulate(PUBLISHED, 27 + (i % 13)));
    const fit = fitBgNbd({
      repeatPurchases: rows.map((row) => row.x),
      timeToLastPurchase: rows.map((row) => row.tx),
      timeObserved: rows.map((row) => row.T),
    });
    expect(fit.converged).toBe(true);
    expect(fit.parameters.r).toBeCloseTo(PUBLISHED.r, 1);
    expect(fit.parameters.alpha / PUBLISHED.alpha).toBeCloseTo(1, 0);
    const meanDropout = PUBLISHED.a / (PUBLISHED.a + PUBLISHED.b);
    expect(fit.parameters.a / (fit.parameters.a + fit.parameters.b)).toBeCloseTo(meanDropout, 1);
  });

  it('stops, predicting sensibly, when everyone has the same dropout chance and a, b grow without bound', () => {
    // With p the same for everyone the likelihood keeps rising as a and b grow with a/(a + b) fixed: the fit
    // must stop where the gain is below precision rather than wander, and still predict sensibly.
    const simulate = simulator(11);
    const rows = Array.from({ length: 20_000 }, (_, i) => simulate(PUBLISHED, 27 + (i % 13), 0.2));
    const fit = fitBgNbd({
      repeatPurchases: rows.map((row) => row.x),
      timeToLastPurchase: rows.map((row) => row.tx),
      timeObserved: rows.map((row) => row.T),
    });
    expect(fit.converged).toBe(true);
    expect(fit.parameters.a + fit.parameters.b).toBeGreaterThan(100);
    expect(fit.parameters.a / (fit.parameters.a + fit.parameters.b)).toBeCloseTo(0.2, 1);
    const forecast = expectedPurchases(fit.parameters, 3, 20, 30, 52);
    expect(forecast).toBeGreaterThan(0);
    expect(forecast).toBeLessThan(10);
  });
});

describe('BG/NBD predictions', () => {
  it('puts a customer without repeat purchases alive with probability 1, whatever their age', () => {
    for (const T of [0, 10, 52, 500]) expect(probabilityAlive(PUBLISHED, 0, 0, T)).toBe(1);
  });

  it('makes a repeat customer less likely alive the longer they have been silent', () => {
    const recent = probabilityAlive(PUBLISHED, 3, 38, 39);
    const silent = probabilityAlive(PUBLISHED, 3, 5, 39);
    expect(recent).toBeGreaterThan(0.8); // at most 1/(1 + a/(b + x − 1)) = 0.85: some drop out right after buying
    expect(silent).toBeLessThan(0.3);
    // P(alive) = 1 / (1 + a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)), written out:
    const { r, alpha, a, b } = PUBLISHED;
    expect(silent).toBeCloseTo(1 / (1 + (a / (b + 2)) * ((alpha + 39) / (alpha + 5)) ** (r + 3)), 14);
  });

  it('expects nothing in no time and more in a longer time', () => {
    expect(expectedPurchases(PUBLISHED, 2, 30.43, 38.86, 0)).toBe(0);
    const quarter = expectedPurchases(PUBLISHED, 2, 30.43, 38.86, 13);
    const year = expectedPurchases(PUBLISHED, 2, 30.43, 38.86, 52);
    expect(quarter).toBeGreaterThan(0);
    expect(year).toBeGreaterThan(quarter);
  });

  it('stays finite for a very heavy buyer, where the 2F1 alone overflows a double', () => {
    const heavy = expectedPurchases(PUBLISHED, 400, 38.8, 38.86, 52);
    expect(Number.isFinite(heavy)).toBe(true);
    // Such a customer's rate is known well: about x / T purchases per week, over 52 weeks, less dropout.
    expect(heavy).toBeGreaterThan(300);
    expect(heavy).toBeLessThan((400 / 38.86) * 52);
  });

  it('agrees with a simulation of the generative process for a new customer', () => {
    const simulate = simulator(12345);
    const customers = 100_000;
    let purchases = 0;
    for (let i = 0; i < customers; i++) purchases += simulate(PUBLISHED, 32).x;
    expect(purchases / customers).toBeCloseTo(expectedPurchasesNewCustomer(PUBLISHED, 32), 1);
  });

  it('dates the next purchase at the median wait, or never when the customer is more likely gone than not', () => {
    const active = medianTimeToNextPurchase(PUBLISHED, 10, 38, 39);
    // P(buys within s) = P(alive) · (1 − ((α + T)/(α + T + s))^(r + x)) is one half at the median.
    const alive = probabilityAlive(PUBLISHED, 10, 38, 39);
    const { r, alpha } = PUBLISHED;
    expect(alive * (1 - ((alpha + 39) / (alpha + 39 + active)) ** (r + 10))).toBeCloseTo(0.5, 12);
    expect(active).toBeGreaterThan(0);
    expect(active).toBeLessThan(4); // ten purchases in 39 weeks: about one a month
    expect(medianTimeToNextPurchase(PUBLISHED, 3, 5, 39)).toBe(Number.POSITIVE_INFINITY);
  });
});
