/**
 * bench/clv: fit the predicted-CLV models (BG/NBD and Gamma-Gamma) on a million customers and score them all.
 *
 *   npm run bench:clv -- [--customers 1000000] [--seed 1]
 *
 * The customers' summaries (x, t_x, T, mean repeat value) are drawn, deterministically from the seed, from
 * the models' own generative process with the published CDNOW parameters (weeks): first purchases spread
 * over 12 weeks, a 39-week calibration period as in CDNOW, purchase times continuous. Both models are fitted
 * on ALL customers (no sampling), then every customer is scored (P(alive), expected orders in 90 and 365
 * days, expected order value, CLV, next-order day). Generation is timed apart and not in the total.
 * The last line of output is one JSON object with the figures.
 */
import { parseArgs } from 'node:util';
import { fitClvModel, scoreCustomers } from '../src/segmentation/core/clv/clv';
import type { SummaryColumns } from '../src/segmentation/core/clv/summary';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
  },
});
const customers = Number(values.customers.replace(/[_,]/g, ''));
const TRUE_PARAMETERS = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258, p: 6.25, q: 3.74, v: 15.44 };
const CALIBRATION_WEEKS = 39;
const ACQUISITION_WEEKS = 12;

/** mulberry32: a tiny, fast, seedable 32-bit generator; plenty for a benchmark's synthetic data. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296; // in (0, 1): safe under log
  };
}

/** Gamma(shape, 1) by Marsaglia & Tsang, with the u^(1/shape) boost for shapes below 1. */
function gammaSampler(uniform: () => number): (shape: number) => number {
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const sample = (shape: number): number => {
    if (shape < 1) return sample(shape + 1) * uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const cube = (1 + c * z) ** 3;
      if (cube > 0 && Math.log(uniform()) < 0.5 * z * z + d - d * cube + d * Math.log(cube)) return d * cube;
    }
  };
  return sample;
}

/** BG/NBD + Gamma-Gamma generative process, one customer at a time, straight into typed arrays. */
function generate(n: number, seed: number): SummaryColumns {
  const uniform = mulberry32(seed);
  const gamma = gammaSampler(uniform);
  const { r, alpha, a, b, p, q, v } = TRUE_PARAMETERS;
  const columns: SummaryColumns = {
    repeatPurchases: new Float64Array(n),
    timeToLastPurchase: new Float64Array(n),
    timeObserved: new Float64Array(n),
    meanRepeatValue: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const observed = CALIBRATION_WEEKS - ACQUISITION_WEEKS * uniform();
    const rate = gamma(r) / alpha; // λ ~ Gamma(r, α) with α a rate
    const dropoutA = gamma(a);
    const dropout = dropoutA / (dropoutA + gamma(b)); // p ~ Beta(a, b)
    let repeats = 0;
    let last = 0;
    for (let t = -Math.log(uniform()) / rate; t <= observed; t += -Math.log(uniform()) / rate) {
      repeats++;
      last = t;
      if (uniform() < dropout) break; // dropout happens right after a purchase
    }
    columns.repeatPurchases[i] = repeats;
    columns.timeToLastPurchase[i] = last;
    columns.timeObserved[i] = observed;
    if (repeats > 0) {
      // x values Gamma(p, ν), ν ~ Gamma(q, v): their sum is Gamma(p·x, ν), so one draw gives the mean.
      const customerRate = gamma(q) / v;
      columns.meanRepeatValue[i] = gamma(p * repeats) / customerRate / repeats;
    }
  }
  return columns;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

function main(): void {
  let started = performance.now();
  const columns = generate(customers, Number(values.seed));
  const generateSeconds = seconds(started);
  let repeatCustomers = 0;
  for (let i = 0; i < customers; i++) if (columns.repeatPurchases[i] > 0) repeatCustomers++;
  console.log(`generated ${customers} customers (${repeatCustomers} repeat buyers) in ${generateSeconds.toFixed(2)} s`);

  started = performance.now();
  const model = fitClvModel(columns, { calibrationEnd: new Date('1997-09-30T00:00:00Z'), daysPerUnit: 7 });
  const fitSeconds = seconds(started);
  const { r, alpha, a, b } = model.bgNbd.parameters;
  const { p, q, v } = model.gammaGamma.parameters;
  console.log(
    `fit in ${fitSeconds.toFixed(2)} s: ` +
      `BG/NBD r=${r.toFixed(4)} alpha=${alpha.toFixed(4)} a=${a.toFixed(4)} b=${b.toFixed(4)} ` +
      `(${model.bgNbd.iterations} iterations, ${model.bgNbd.evaluations} evaluations, ` +
      `LL ${model.bgNbd.logLikelihood.toFixed(2)}); ` +
      `Gamma-Gamma p=${p.toFixed(3)} q=${q.toFixed(3)} v=${v.toFixed(3)} ` +
      `(${model.gammaGamma.iterations} iterations, ${model.gammaGamma.evaluations} evaluations)`,
  );
  console.log(`true parameters: ${JSON.stringify(TRUE_PARAMETERS)}`);

  started = performance.now();
  const scores = scoreCustomers(model, columns);
  const scoreSeconds = seconds(started);
  let clvTotal = 0;
  let dated = 0;
  for (let i = 0; i < customers; i++) {
    clvTotal += scores.clv[i];
    if (!Number.isNaN(scores.daysToNextOrder[i])) dated++;
  }
  console.log(
    `scored ${customers} customers in ${scoreSeconds.toFixed(2)} s: mean CLV ${(clvTotal / customers).toFixed(2)}, ` +
      `${dated} with a next-order date`,
  );

  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  console.log(
    JSON.stringify({
      customers,
      fit_seconds: round(fitSeconds, 3),
      score_seconds: round(scoreSeconds, 3),
      total_seconds: round(fitSeconds + scoreSeconds, 3),
      generate_seconds: round(generateSeconds, 3),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      params: {
        r: round(r, 5),
        alpha: round(alpha, 5),
        a: round(a, 5),
        b: round(b, 5),
        p: round(p, 5),
        q: round(q, 5),
        v: round(v, 5),
      },
    }),
  );
}

main();
