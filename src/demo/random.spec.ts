import { cumulativeWeights, Random } from './random';

const N = 200_000;

function moments(draw: () => number, n = N): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe('Random', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const seqA = Array.from({ length: 20 }, () => a.uint32());
    expect(Array.from({ length: 20 }, () => b.uint32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.uint32())).not.toEqual(seqA);
  });

  it('pins the stream, so a change of algorithm is a visible, deliberate change', () => {
    const rng = new Random(1);
    expect([rng.uint32(), rng.uint32(), rng.uint32()]).toEqual([1828152527, 3394835397, 2967886022]);
  });

  it('draws uniforms in [0, 1) and integers in range', () => {
    const rng = new Random(7);
    let min = 1;
    let max = 0;
    const counts = new Array(6).fill(0);
    for (let i = 0; i < N; i++) {
      const u = rng.next();
      min = Math.min(min, u);
      max = Math.max(max, u);
      counts[rng.intBetween(1, 6) - 1]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const count of counts) expect(count / N).toBeCloseTo(1 / 6, 2);
  });

  it('normal has mean 0 and variance 1', () => {
    const rng = new Random(3);
    const { mean, variance } = moments(() => rng.normal());
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance).toBeCloseTo(1, 1);
  });

  it('lognormal has median e^mu', () => {
    const rng = new Random(4);
    const xs = Array.from({ length: 50_001 }, () => rng.lognormal(Math.log(70), 0.6)).sort((a, b) => a - b);
    expect(xs[25_000]).toBeGreaterThan(67);
    expect(xs[25_000]).toBeLessThan(73);
  });

  it.each([
    [0.5, 2],
    [1, 1],
    [3.5, 0.5],
  ])('gamma(%p, %p) has mean shape·scale and variance shape·scale²', (shape, scale) => {
    const rng = new Random(5);
    const { mean, variance } = moments(() => rng.gamma(shape, scale));
    expect(mean / (shape * scale)).toBeCloseTo(1, 1);
    expect(variance / (shape * scale * scale)).toBeCloseTo(1, 1);
  });

  it('beta(a, b) has mean a/(a+b)', () => {
    const rng = new Random(6);
    expect(moments(() => rng.beta(0.7, 0.7)).mean).toBeCloseTo(0.5, 2);
    expect(moments(() => rng.beta(2, 6)).mean).toBeCloseTo(0.25, 2);
  });

  it('poisson and geometric have the right means', () => {
    const rng = new Random(8);
    expect(moments(() => rng.poisson(0.3)).mean).toBeCloseTo(0.3, 2);
    expect(moments(() => rng.poisson(4)).mean).toBeCloseTo(4, 1);
    expect(moments(() => rng.poisson(80)).mean).toBeCloseTo(80, 0);
    expect(moments(() => rng.geometric(0.25)).mean).toBeCloseTo(3, 1);
    expect(moments(() => rng.exponential(2)).mean).toBeCloseTo(0.5, 2);
  });

  it('weightedIndex picks in proportion to the weights and never a zero weight', () => {
    const rng = new Random(9);
    const cumulative = cumulativeWeights([1, 0, 3, 6]);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[rng.weightedIndex(cumulative)]++;
    expect(counts[1]).toBe(0);
    expect(counts[0] / N).toBeCloseTo(0.1, 2);
    expect(counts[2] / N).toBeCloseTo(0.3, 2);
    expect(counts[3] / N).toBeCloseTo(0.6, 2);
  });

  it('rejects weight tables that cannot be sampled', () => {
    expect(() => cumulativeWeights([0, 0])).toThrow(/positive/);
    expect(() => cumulativeWeights([1, -1])).toThrow(/non-negative/);
  });
});
