/**
 * A small, fast, seeded pseudo-random generator for the demo store, with the few distributions the store
 * model needs. Pure and deterministic: the same seed gives the same sequence on every platform, which is
 * what makes `segment-sync demo` and the benchmark reproducible. Math.random cannot be seeded, hence this.
 *
 * The core is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, passes
 * PractRand, and runs on 32-bit integer arithmetic, which V8 keeps in registers. mulberry32 would be as fast
 * but has a 2^32 period, too short for the ~10^9 draws of a million-customer store.
 */

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The second value of the last Box-Muller pair, kept so every other normal() costs no log/sqrt. */
  private spareNormal = 0;
  private hasSpareNormal = false;

  constructor(seed: number) {
    // splitmix32 spreads a small seed (1, 2, 3...) over the whole state, so nearby seeds give unrelated streams.
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    // sfc32 recommends discarding the first outputs so the state is well mixed.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). 32 bits of resolution are plenty for sampling. */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform in (0, 1]: safe to take the log of. */
  nextOpen(): number {
    return (this.uint32() + 1) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max], both inclusive. */
  intBetween(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Standard normal, Box-Muller (polar form avoided: it rejects draws, which makes the stream length vary). */
  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    const r = Math.sqrt(-2 * Math.log(this.nextOpen()));
    const theta = 2 * Math.PI * this.next();
    this.spareNormal = r * Math.sin(theta);
    this.hasSpareNormal = true;
    return r * Math.cos(theta);
  }

  /** exp(N(mu, sigma²)). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    return -Math.log(this.nextOpen()) / rate;
  }

  /** Gamma(shape, scale) by Marsaglia and Tsang; shape < 1 via the boost Gamma(a) = Gamma(a+1)·U^(1/a). */
  gamma(shape: number, scale = 1): number {
    if (shape < 1) {
      const boost = Math.pow(this.nextOpen(), 1 / shape);
      return this.gamma(shape + 1, scale) * boost;
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextOpen();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Beta(a, b) as a ratio of gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /** Poisson(lambda): Knuth's product method for small means, a rounded normal approximation above 30. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let product = this.next();
    while (product > limit) {
      k++;
      product *= this.next();
    }
    return k;
  }

  /** Number of failures before the first success, success probability p (mean (1-p)/p). */
  geometric(p: number): number {
    if (p >= 1) return 0;
    return Math.floor(Math.log(this.nextOpen()) / Math.log(1 - p));
  }

  /**
   * Index drawn from cumulative weights (as built by cumulativeWeights); binary search, so a table of
   * any size costs log2(n) comparisons.
   */
  weightedIndex(cumulative: ArrayLike<number>): number {
    const n = cumulative.length;
    const target = this.next() * cumulative[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** An item chosen with probability proportional to its weight. */
  weightedPick<T>(items: readonly T[], cumulative: ArrayLike<number>): T {
    return items[this.weightedIndex(cumulative)];
  }
}

/** Running sums of the weights, ready for Random.weightedIndex. Built once per table, not per draw. */
export function cumulativeWeights(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i] >= 0)) throw new Error(`weight ${i} must be a non-negative number, got ${weights[i]}`);
    sum += weights[i];
    out[i] = sum;
  }
  if (sum <= 0) throw new Error('at least one weight must be positive');
  return out;
}
