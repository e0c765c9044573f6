/**
 * BG/NBD, the beta-geometric / negative binomial model of repeat purchasing (Fader, Hardie & Lee 2005,
 * "Counting your customers the easy way"). While active a customer buys at Poisson rate λ ~ Gamma(r, α);
 * after each purchase they drop out for good with probability p ~ Beta(a, b). Times are in the summary's
 * time unit (weeks for the published results).
 *
 * The log-likelihood is the paper's equation (6) with no constant dropped or added: on the published CDNOW
 * summary (2 decimals) it gives −9582.43 at the published parameters, as the paper and `lifetimes` report.
 */
import { minimiseBfgs } from './minimise';
import { logHypergeometric2F1 } from './special-functions';

export interface BgNbdParameters {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit {
  parameters: BgNbdParameters;
  /** Σ ln L over the customers fitted on. */
  logLikelihood: number;
  customers: number;
  converged: boolean;
  /** BFGS iterations and likelihood evaluations, summed over the starting points tried. */
  iterations: number;
  evaluations: number;
}

/** x, t_x, T per customer: SummaryColumns or any arrays of numbers. */
export type PurchaseColumns = { [K in 'repeatPurchases' | 'timeToLastPurchase' | 'timeObserved']: ArrayLike<number> };

/**
 * The likelihood, prepared once per data set: repeat counts as integers, and the terms that depend only on x
 * (ratios of gamma functions and their derivatives) computed once per distinct x per evaluation instead of
 * once per customer. What is left per customer is at most two logarithms, an exponential and a log1p, in
 * one tight loop over typed arrays.
 */
class BgNbdLikelihood {
  readonly n: number;
  private readonly counts: Int32Array;
  private readonly repeats: Int32Array;
  private readonly maxRepeats: number;

  constructor(private readonly columns: PurchaseColumns) {
    const { repeatPurchases: x, timeToLastPurchase: tx, timeObserved: T } = columns;
    this.n = x.length;
    if (tx.length !== this.n || T.length !== this.n) throw new RangeError('summary columns differ in length');
    this.repeats = new Int32Array(this.n);
    let maxRepeats = 0;
    for (let i = 0; i < this.n; i++) {
      const repeats = x[i];
      if (!(Number.isInteger(repeats) && repeats >= 0 && repeats < 1e7)) {
        throw new RangeError(`repeat purchases must be whole numbers, customer ${i} has ${repeats}`);
      }
      if (!(tx[i] >= 0 && T[i] >= tx[i])) {
        throw new RangeError(`customer ${i} needs 0 ≤ time to last purchase ≤ time observed, got ${tx[i]} and ${T[i]}`);
      }
      this.repeats[i] = repeats;
      maxRepeats = Math.max(maxRepeats, repeats);
    }
    this.maxRepeats = maxRepeats;
    this.counts = new Int32Array(maxRepeats + 1);
    for (let i = 0; i < this.n; i++) this.counts[this.repeats[i]]++;
  }

  /** Σ ln L; with `gradient` (length 4) also its derivatives with respect to r, alpha, a, b. */
  evaluate({ r, alpha, a, b }: BgNbdParameters, gradient?: Float64Array): number {
    const { counts, repeats, maxRepeats, n } = this;
    const { timeToLastPurchase: tx, timeObserved: T } = this.columns;
    const dropoutTerm = new Float64Array(maxRepeats + 1); // ln a − ln(b + x − 1), the "dropped out at t_x" branch
    let total = n * r * Math.log(alpha);
    let dR = n * Math.log(alpha);
    let dAlpha = (n * r) / alpha;
    let dA = 0;
    let dB = 0;
    // x is a whole number, so ln Γ(r + x) − ln Γ(r) = Σ_{j<x} ln(r + j), and likewise for b and a + b: running
    // sums over x are exact where differences of log-gammas lose digits for large a and b, and cheaper.
    let logRiseR = 0; // Σ ln(r + j)
    let logRiseB = 0; // Σ ln(b + j)
    let logRiseAB = 0; // Σ ln(a + b + j)
    let inverseRiseR = 0; // Σ 1/(r + j) = ψ(r + x) − ψ(r)
    let inverseRiseB = 0;
    let inverseRiseAB = 0;
    for (let x = 0; x <= maxRepeats; x++) {
      if (x > 0) {
        logRiseR += Math.log(r + x - 1);
        logRiseB += Math.log(b + x - 1);
        logRiseAB += Math.log(a + b + x - 1);
        inverseRiseR += 1 / (r + x - 1);
        inverseRiseB += 1 / (b + x - 1);
        inverseRiseAB += 1 / (a + b + x - 1);
        dropoutTerm[x] = Math.log(a) - Math.log(b + x - 1);
      }
      const count = counts[x];
      if (count === 0) continue;
      total += count * (logRiseR + logRiseB - logRiseAB);
      dR += count * inverseRiseR;
      dA -= count * inverseRiseAB;
      dB += count * (inverseRiseB - inverseRiseAB);
    }
    for (let i = 0; i < n; i++) {
      const x = repeats[i];
      const rx = r + x;
      const logAtEnd = Math.log(alpha + T[i]);
      const aliveBranch = -rx * logAtEnd; // still active at T
      if (x === 0) {
        total += aliveBranch;
        dR -= logAtEnd;
        dAlpha -= rx / (alpha + T[i]);
        continue;
      }
      const logAtLast = Math.log(alpha + tx[i]);
      const droppedBranch = dropoutTerm[x] - rx * logAtLast; // dropped out right after the last purchase
      // ln(e^alive + e^dropped) without overflow; `dropped` is the dropped-out branch's share of the sum.
      let dropped: number;
      if (aliveBranch >= droppedBranch) {
        const e = Math.exp(droppedBranch - aliveBranch);
        total += aliveBranch + Math.log1p(e);
        dropped = e / (1 + e);
      } else {
        const e = Math.exp(aliveBranch - droppedBranch);
        total += droppedBranch + Math.log1p(e);
        dropped = 1 / (1 + e);
      }
      const alive = 1 - dropped;
      dR -= alive * logAtEnd + dropped * logAtLast;
      dAlpha -= rx * (alive / (alpha + T[i]) + dropped / (alpha + tx[i]));
      dA += dropped / a;
      dB -= dropped / (b + x - 1);
    }
    if (gradient) {
      gradient[0] = dR;
      gradient[1] = dAlpha;
      gradient[2] = dA;
      gradient[3] = dB;
    }
    return total;
  }
}

/** Σ ln L over the customers; with `gradient` (length 4) also ∂/∂r, ∂/∂alpha, ∂/∂a, ∂/∂b. */
export function bgNbdLogLikelihood(
  parameters: BgNbdParameters,
  columns: PurchaseColumns,
  gradient?: Float64Array,
): number {
  return new BgNbdLikelihood(columns).evaluate(parameters, gradient);
}

export interface BgNbdFitOptions {
  /** Starting points tried in order; by default three built from the data (see defaultStarts). */
  starts?: BgNbdParameters[];
}

/**
 * Maximum likelihood by BFGS in log-parameters, on the mean log-likelihood per customer so that tolerances
 * do not depend on the store's size. Starting points are tried in order until one converges; the best
 * likelihood among those tried wins (with converged: false when none did). Throws when there is nobody to fit.
 *
 * When every customer has about the same dropout chance, the likelihood keeps rising as a and b grow with
 * a/(a + b) fixed (the Beta narrows to a point). The fit then stops where the gain is below the objective's
 * precision, with very large a and b: read them through a/(a + b); the predictions are those of the limit.
 */
export function fitBgNbd(columns: PurchaseColumns, options: BgNbdFitOptions = {}): BgNbdFit {
  const likelihood = new BgNbdLikelihood(columns);
  if (likelihood.n === 0) throw new RangeError('BG/NBD needs at least one customer');
  const n = likelihood.n;
  const raw = new Float64Array(4);
  const objective = (logs: Float64Array, gradient: Float64Array): number => {
    const parameters = fromLogs(logs);
    const value = likelihood.evaluate(parameters, raw);
    const scale = [parameters.r, parameters.alpha, parameters.a, parameters.b];
    // d(−LL/n)/d ln θ = −θ · dLL/dθ / n
    for (let k = 0; k < 4; k++) gradient[k] = (-scale[k] * raw[k]) / n;
    return -value / n;
  };
  let best: BgNbdFit | null = null;
  let iterations = 0;
  let evaluations = 0;
  for (const start of options.starts ?? defaultStarts(columns)) {
    const logs = [Math.log(start.r), Math.log(start.alpha), Math.log(start.a), Math.log(start.b)];
    const result = minimiseBfgs(objective, logs, { gradientTolerance: 1e-8 });
    const fit: BgNbdFit = {
      parameters: fromLogs(result.point),
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
  if (!best) throw new RangeError('BG/NBD likelihood is not finite from any starting point');
  return { ...best, iterations, evaluations };
}

/**
 * Starts scaled to the data: α is a time, so it starts at the observed time per repeat purchase (ΣT / Σx),
 * which with r = 1 matches the average purchase rate; the dropout Beta starts flat, then skewed both ways.
 */
export function defaultStarts(columns: PurchaseColumns): BgNbdParameters[] {
  let repeats = 0;
  let observed = 0;
  for (let i = 0; i < columns.repeatPurchases.length; i++) {
    repeats += columns.repeatPurchases[i];
    observed += columns.timeObserved[i];
  }
  const alpha = Math.max(observed / Math.max(repeats, 1), 1e-3);
  return [
    { r: 1, alpha, a: 1, b: 1 },
    { r: 0.5, alpha: alpha / 2, a: 0.5, b: 3 },
    { r: 2, alpha: alpha * 2, a: 2, b: 0.5 },
  ];
}

function fromLogs(logs: ArrayLike<number>): BgNbdParameters {
  return { r: Math.exp(logs[0]), alpha: Math.exp(logs[1]), a: Math.exp(logs[2]), b: Math.exp(logs[3]) };
}

/**
 * P(active at T | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)).
 * A customer with no repeat purchase is active with probability 1: in BG/NBD dropout can only happen
 * right after a purchase, and the first purchase is the start of the observation, not a repeat.
 */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParameters, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[purchases in (T, T + t] | active at T, x, T]: the paper's equation (10) without its P(alive) factor,
 *   (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r + x) · 2F1(r + x, b + x; a + b + x − 1; z)],
 *   z = t/(α + T + t).
 * The power and the 2F1 are combined in logarithms (the 2F1 alone overflows for heavy buyers). Undefined
 * for a = 1 exactly, where the formula is 0/0.
 */
export function expectedPurchasesIfActive(
  { r, alpha, a, b }: BgNbdParameters,
  x: number,
  T: number,
  t: number,
): number {
  if (t === 0) return 0;
  const z = t / (alpha + T + t);
  const logProduct = (r + x) * Math.log1p(-z) + logHypergeometric2F1(r + x, b + x, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * -Math.expm1(logProduct);
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t time units, the paper's equation (10). */
export function expectedPurchases(parameters: BgNbdParameters, x: number, tx: number, T: number, t: number): number {
  return probabilityAlive(parameters, x, tx, T) * expectedPurchasesIfActive(parameters, x, T, t);
}

/** E[X(t)] for a customer just acquired (x = 0, T = 0): equation (9). */
export function expectedPurchasesNewCustomer(parameters: BgNbdParameters, t: number): number {
  return expectedPurchasesIfActive(parameters, 0, 0, t);
}

/**
 * The median time from T to the next purchase, the chosen meaning of "expected next order". Active, the
 * customer buys next after an Exponential(λ) wait with λ | data ~ Gamma(r + x, α + T) (dropout happens only
 * after purchases), so P(no purchase by T + s | active) = ((α + T)/(α + T + s))^(r + x), and
 *   P(buys by T + s | data) = P(alive) · (1 − ((α + T)/(α + T + s))^(r + x)).
 * That reaches 1/2 at s = (α + T)·((1 − 1/(2·P(alive)))^(−1/(r + x)) − 1); when P(alive) ≤ 1/2 it never does
 * (the customer more likely than not never buys again) and the answer is Infinity.
 */
export function medianTimeToNextPurchase(parameters: BgNbdParameters, x: number, tx: number, T: number): number {
  const alive = probabilityAlive(parameters, x, tx, T);
  if (alive <= 0.5) return Number.POSITIVE_INFINITY;
  const { r, alpha } = parameters;
  return (alpha + T) * Math.expm1(-Math.log1p(-0.5 / alive) / (r + x));
}
