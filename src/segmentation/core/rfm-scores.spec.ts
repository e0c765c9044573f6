import { computeRfmScores, percentileRanks, scoreQuintile } from './rfm-scores';

describe('scoreQuintile: 1 + floor(5 × strictly worse / n)', () => {
  it('gives five distinct values the scores 1 to 5', () => {
    expect(scoreQuintile([30, 10, 50, 20, 40], true)).toEqual([3, 1, 5, 2, 4]);
  });

  it('gives equal values the same score, counting only strictly worse customers', () => {
    // worse counts: 1 → 0, 2 → 3, 3 → 4, 5 → 6, 8 → 7 (of 10)
    expect(scoreQuintile([1, 1, 1, 2, 3, 3, 5, 8, 8, 8], true)).toEqual([1, 1, 1, 2, 3, 3, 4, 4, 4, 4]);
  });

  it('scores recency the other way round: fewer days since the last order is better', () => {
    expect(scoreQuintile([0, 5, 5, 100, 400], false)).toEqual([5, 3, 3, 2, 1]);
  });

  it('gives everyone 1 when everyone is equal, and handles tiny and empty stores', () => {
    expect(scoreQuintile([7, 7, 7], true)).toEqual([1, 1, 1]);
    expect(scoreQuintile([42], true)).toEqual([1]);
    expect(scoreQuintile([1, 2], true)).toEqual([1, 3]);
    expect(scoreQuintile([], true)).toEqual([]);
  });

  it('gives the best customer 5 only when at least 80% of the store is strictly worse', () => {
    const eightyPercentWorse = [1, 1, 1, 1, 1, 1, 1, 1, 2, 2];
    expect(scoreQuintile(eightyPercentWorse, true)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 5, 5]);
  });

  it('refuses values that are not finite numbers', () => {
    expect(() => scoreQuintile([1, Number.NaN], true)).toThrow(RangeError);
  });
});

describe('percentileRanks: (strictly worse + 0.5 × equal) / n', () => {
  it('puts ties in the middle of the block they occupy', () => {
    expect(percentileRanks([10, 20, 20, 40], true)).toEqual([0.125, 0.5, 0.5, 0.875]);
  });

  it('ranks recency so that the most recent customer is near 1', () => {
    expect(percentileRanks([0, 5, 5, 100], false)).toEqual([0.875, 0.5, 0.5, 0.125]);
  });

  it('puts everyone at the median when everyone is equal', () => {
    expect(percentileRanks([3, 3, 3], true)).toEqual([0.5, 0.5, 0.5]);
    expect(percentileRanks([], true)).toEqual([]);
  });
});

describe('computeRfmScores', () => {
  it('combines the three quintile scores as 100 r + 10 f + m', () => {
    const customers = [
      { recencyDays: 2, frequency: 24, monetary: 2400 },
      { recencyDays: 900, frequency: 1, monetary: 15 },
      { recencyDays: 30, frequency: 4, monetary: 200 },
      { recencyDays: 400, frequency: 12, monetary: 1100 },
      { recencyDays: 120, frequency: 1, monetary: 45 },
    ];
    expect(computeRfmScores(customers)).toEqual([
      { r: 5, f: 5, m: 5, score: 555 },
      { r: 1, f: 1, m: 1, score: 111 },
      { r: 4, f: 3, m: 3, score: 433 },
      { r: 2, f: 4, m: 4, score: 244 },
      { r: 3, f: 1, m: 2, score: 312 },
    ]);
  });
});
