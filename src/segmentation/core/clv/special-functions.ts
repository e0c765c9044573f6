/**
 * The special functions the lifetime-value models need, written out because the project takes no numeric
 * library: log-gamma, digamma (its derivative, for analytic gradients) and the Gauss hypergeometric 2F1.
 * Accuracy targets are those of the models: about 1e-14 relative for log-gamma and digamma, 1e-15 relative
 * truncation for the 2F1 series.
 */

// Lanczos approximation, g = 7, n = 9 (Numerical Recipes / Boost coefficients): ~1e-15 relative for x ≥ 0.5.
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. Below 0.5 the reflection formula keeps the Lanczos sum in its accurate range. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += LANCZOS_COEFFICIENTS[i] / (shifted + i);
  const base = shifted + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (shifted + 0.5) * Math.log(base) - base + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * ψ(x) = d/dx ln Γ(x) for x > 0: shift x to 10 or more with ψ(x) = ψ(x + 1) − 1/x, where the asymptotic
 * series, cut after its x^−12 term, is within 1e−15 of the value.
 */
export function digamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`digamma needs x > 0, got ${x}`);
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const s = 1 / (x * x);
  // 1/(12x²) − 1/(120x⁴) + 1/(252x⁶) − 1/(240x⁸) + 1/(132x¹⁰) − 691/(32760x¹²), in Horner form
  const tail = s * (1 / 12 - s * (1 / 120 - s * (1 / 252 - s * (1 / 240 - s * (1 / 132 - (s * 691) / 32760)))));
  return shift + Math.log(x) - 0.5 / x - tail;
}

/** More terms than any model use needs (z ≤ 0.999 converges in under 40 000); past it the series is refused. */
const MAX_SERIES_TERMS = 1_000_000;

/**
 * Σ_k (a)_k (b)_k / ((c)_k k!) z^k, the defining series of 2F1, for 0 ≤ z < 1. Stops when a term no longer
 * changes the sum in the 16th digit and the term ratio has fallen below 1 (so later terms only shrink).
 */
function hypergeometricSeries(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_SERIES_TERMS; k++) {
    const ratio = ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    term *= ratio;
    sum += term;
    if (term === 0 || (Math.abs(term) <= 1e-16 * Math.abs(sum) && Math.abs(ratio) < 1)) return sum;
  }
  throw new RangeError(`2F1(${a}, ${b}; ${c}; ${z}) did not converge in ${MAX_SERIES_TERMS} terms`);
}

/**
 * ln 2F1(a, b; c; z) for 0 ≤ z < 1 and c > 0, returned as a logarithm because the models need values up to
 * (1 − z)^−(r + x), which overflows for heavy buyers.
 *
 * When a + b > c the direct series' terms grow like k^(a+b−c−1) before z^k tames them, so the sum is huge
 * (and overflows) near z = 1. Euler's transformation 2F1(a, b; c; z) = (1 − z)^(c−a−b) 2F1(c−a, c−b; c; z)
 * then gives a series whose terms decay; this is the "alternative formula" the `lifetimes` library falls
 * back to when the direct value is infinite, chosen here up front.
 */
export function logHypergeometric2F1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`2F1 is implemented for 0 ≤ z < 1, got z = ${z}`);
  if (!(c > 0)) throw new RangeError(`2F1 needs c > 0, got c = ${c}`);
  if (a + b > c) {
    const series = hypergeometricSeries(c - a, c - b, c, z);
    return (c - a - b) * Math.log1p(-z) + Math.log(series);
  }
  return Math.log(hypergeometricSeries(a, b, c, z));
}

/** 2F1(a, b; c; z) for 0 ≤ z < 1 (may be Infinity where the value exceeds a double; use the log form then). */
export function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  return Math.exp(logHypergeometric2F1(a, b, c, z));
}
