/**
 * Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves
 * for customer base analysis"; Colombo & Jiang's formulation). Each purchase value is Gamma(p, ν) with the
 * customer's ν ~ Gamma(q, γ) across customers (γ is called `v` as in the published results); a customer
 * with x repeat purchases of mean value zbar then has density
 *   f(zbar | x) = Γ(px + q) / (Γ(px) Γ(q)) · γ^q · zbar^(px − 1) · x^(px) / (γ + x·zbar)^(px + q).
 * Fitted on repeat customers only (x > 0) with a positive mean repeat value, as the paper and `lifetimes` do:
 * a one-purchase customer has no repeat spend to learn from.
 */
import { minimiseBfgs } from './minimise';
import { digamma, logGamma } from './special-functions';

export interface GammaGammaParameters {
  p: number;
  q: number;
  v: number;
}

export interface GammaGammaFit {
  parameters: GammaGammaParameters;
  logLikelihood: number;
  /** Repeat customers with a positive mean repeat value: the ones fitted on. */
  customers: number;
  converged: boolean;
  /** BFGS iterations and likelihood evaluations, summed over the starting points tried. */
  iterations: number;
  evaluations: number;
}

/** x and zbar per customer: SummaryColumns or any arrays of numbers. */
export type SpendColumns = { [K in 'repeatPurchases' | 'meanRepeatValue']: ArrayLike<number> };

/** The fitted-on customers, with what does not depend on the parameters (logs of x and zbar) computed once. */
class GammaGammaLikelihood {
  readonly n: number;
  private readonly repeats: Int32Array;
  private readonly meanValue: Float64Array;
  private readonly constantTerms: number; // Σ −ln zbar: the part of ln f no parameter touches
  private readonly logTerms: Float64Array; // per customer x·(ln zbar + ln x), the factor of p in ln f
  private readonly counts: Int32Array;
  private readonly maxRepeats: number;

  constructor(columns: SpendColumns) {
    const { repeatPurchases: x, meanRepeatValue: zbar } = columns;
    const kept: number[] = [];
    for (let i = 0; i < x.length; i++) if (x[i] > 0 && zbar[i] > 0) kept.push(i);
    this.n = kept.length;
    this.repeats = new Int32Array(this.n);
    this.meanValue = new Float64Array(this.n);
    this.logTerms = new Float64Array(this.n);
    let constantTerms = 0;
    let maxRepeats = 0;
    kept.forEach((from, i) => {
      const repeats = x[from];
      if (!Number.isInteger(repeats)) throw new RangeError(`repeat purchases must be whole numbers, got ${repeats}`);
      this.repeats[i] = repeats;
      this.meanValue[i] = zbar[from];
      this.logTerms[i] = repeats * (Math.log(zbar[from]) + Math.log(repeats));
      constantTerms -= Math.log(zbar[from]);
      maxRepeats = Math.max(maxRepeats, repeats);
    });
    this.constantTerms = constantTerms;
    this.maxRepeats = maxRepeats;
    this.counts = new Int32Array(maxRepeats + 1);
    for (let i = 0; i < this.n; i++) this.counts[this.repeats[i]]++;
  }

  /** Σ ln f; with `gradient` (length 3) also its derivatives with respect to p, q, v. */
  evaluate({ p, q, v }: GammaGammaParameters, gradient?: Float64Array): number {
    const { n, repeats, meanValue, logTerms, counts, maxRepeats } = this;
    const logV = Math.log(v);
    let total = this.constantTerms + n * (q * logV - logGamma(q));
    let dP = 0;
    let dQ = gradient ? n * (logV - digamma(q)) : 0;
    let dV = (n * q) / v;
    // Γ(px + q)/Γ(px) depends on the customer only through x: once per distinct x.
    for (let x = 1; x <= maxRepeats; x++) {
      const count = counts[x];
      if (count === 0) continue;
      total += count * (logGamma(p * x + q) - logGamma(p * x));
      if (gradient) {
        const digammaSum = digamma(p * x + q);
        dP += count * x * (digammaSum - digamma(p * x));
        dQ += count * digammaSum;
      }
    }
    for (let i = 0; i < n; i++) {
      const x = repeats[i];
      const shape = p * x + q;
      const scaleSum = v + x * meanValue[i];
      const logScaleSum = Math.log(scaleSum);
      total += p * logTerms[i] - shape * logScaleSum;
      dP += logTerms[i] - x * logScaleSum;
      dQ -= logScaleSum;
      dV -= shape / scaleSum;
    }
    if (gradient) {
      gradient[0] = dP;
      gradient[1] = dQ;
      gradient[2] = dV;
    }
    return total;
  }
}

/** Σ ln f over the repeat customers; with `gradient` (length 3) also ∂/∂p, ∂/∂q, ∂/∂v. */
export function gammaGammaLogLikelihood(
  parameters: GammaGammaParameters,
  columns: SpendColumns,
  gradient?: Float64Array,
): number {
  return new GammaGammaLikelihood(columns).evaluate(parameters, gradient);
}

/**
 * Maximum likelihood by BFGS in log-parameters on the mean log-likelihood per customer. Starts: p = q = 1 and
 * v at the mean repeat value (the model's scale), then two others, tried until one converges.
 */
export function fitGammaGamma(columns: SpendColumns): GammaGammaFit {
  const likelihood = new GammaGammaLikelihood(columns);
  const n = likelihood.n;
  if (n === 0) throw new RangeError('Gamma-Gamma needs at least one repeat customer with a positive mean value');
  let valueSum = 0;
  for (let i = 0; i < columns.repeatPurchases.length; i++) {
    if (columns.repeatPurchases[i] > 0 && columns.meanRepeatValue[i] > 0) valueSum += columns.meanRepeatValue[i];
  }
  const meanValue = valueSum / n;
  const starts: GammaGammaParameters[] = [
    { p: 1, q: 1, v: meanValue },
    { p: 5, q: 3, v: meanValue },
    { p: 0.5, q: 5, v: meanValue * 10 },
  ];
  const raw = new Float64Array(3);
  const objective = (logs: Float64Array, gradient: Float64Array): number => {
    const parameters = { p: Math.exp(logs[0]), q: Math.exp(logs[1]), v: Math.exp(logs[2]) };
    const value = likelihood.evaluate(parameters, raw);
    gradient[0] = (-parameters.p * raw[0]) / n;
    gradient[1] = (-parameters.q * raw[1]) / n;
    gradient[2] = (-parameters.v * raw[2]) / n;
    return -value / n;
  };
  let best: GammaGammaFit | null = null;
  let iterations = 0;
  let evaluations = 0;
  for (const start of starts) {
    const result = minimiseBfgs(objective, [Math.log(start.p), Math.log(start.q), Math.log(start.v)], {
      gradientTolerance: 1e-8,
    });
    const [p, q, v] = Array.from(result.point, Math.exp);
    const fit: GammaGammaFit = {
      parameters: { p, q, v },
      logLikelihood: -result.value * n,
      customers: n,
      converged: result.converged,
      iterations: result.iterations,
      evaluations: result.evaluations,
    };
    iterations += result.iterations;
    evaluations += result.evaluations;
    if (Number.isFinite(fit.logLikelihood) && (!best || fit.logLikelihood > best.logLikelihood)) best = fit;
    if (fit.converged) break;
  }
  if (!best) throw new RangeError('Gamma-Gamma likelihood is not finite from any starting point');
  return { ...best, iterations, evaluations };
}

/**
 * E[value per purchase | x, zbar] = p(v + x·zbar)/(px + q − 1): a weighted mean of the population mean
 * pv/(q − 1) and the customer's own zbar, the weight on zbar growing with x. A customer without repeat
 * purchases gets the population mean. Infinity when q ≤ 1 and x = 0 (the fitted spend has no finite mean).
 */
export function expectedOrderValue({ p, q, v }: GammaGammaParameters, x: number, meanRepeatValue: number): number {
  const denominator = p * x + q - 1;
  if (denominator <= 0) return Number.POSITIVE_INFINITY;
  return (p * (v + x * (x > 0 ? meanRepeatValue : 0))) / denominator;
}
